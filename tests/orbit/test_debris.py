"""Collision-avoidance rates against their published anchors, and the conjunction
probability against its closed forms."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aether.orbit.debris import (
    STARLINK_ALTITUDE_KM,
    STARLINK_CROSS_SECTION_M2,
    STARLINK_MANOEUVRES_PER_SATELLITE_YEAR,
    avoidance_manoeuvres_per_year,
    calibration,
    collision_probability,
    flux_per_m2_year,
    hard_body_radius_m,
    screening_radius_m,
)

# The ISS: 39 debris-avoidance manoeuvres from 1999 to November 2024 (Kall Morris Inc.'s list
# of NASA's published manoeuvres, updated 25 November 2024; NASA counted 32 to December 2022),
# about 1.5 a year, at NASA's 1e-4 threshold, near 415 km. Its cross-section (ASSUMPTION, the
# ship's convention of summed faces): its 2,500 m2 of solar arrays (NASA ISS facts) with
# radiators and modules, about 3,000 m2.
ISS_MANOEUVRES_PER_YEAR = 39 / (2024 + 11 / 12 - 1999)
ISS_CROSS_SECTION_M2 = 3_000.0
ISS_ALTITUDE_KM = 415.0


def test_probability_matches_the_small_body_closed_form():
    # R << sigma: Pc = R^2 / (2 sigma^2) exp(-d^2 / (2 sigma^2)) (NASA CARA handbook 2023).
    r, s = 2.0, 300.0
    for d in (0.0, 100.0, 500.0, 1000.0):
        closed = r**2 / (2 * s**2) * math.exp(-(d**2) / (2 * s**2))
        assert collision_probability(d, r, s) == pytest.approx(closed, rel=2e-4)
    # Head-on, any R: the Rayleigh distribution's mass inside R, 1 - exp(-R^2 / (2 sigma^2)).
    assert collision_probability(0.0, 300.0, 200.0) == pytest.approx(-math.expm1(-300.0**2 / (2 * 200.0**2)))


def test_screening_radius_matches_the_logarithm_and_the_probability():
    r, s, p = 4.0, 300.0, 1e-6
    d = float(screening_radius_m(r, s, p))
    assert d**2 == pytest.approx(2 * s**2 * math.log(r**2 / (2 * s**2 * p)), rel=1e-3)
    assert float(collision_probability(d, r, s)) == pytest.approx(p, rel=1e-9)
    # Never above the threshold, never screened.
    assert screening_radius_m(r, s, 1e-3) == 0.0


def test_starlink_anchor_and_the_threshold_estimate_are_reproduced():
    # Calibrated on these two: about 50,000 manoeuvres in half a year over about 5,650
    # satellites at 1e-6 (17.7 a satellite-year), and about half as many at 1e-5.
    at_1e6 = avoidance_manoeuvres_per_year(STARLINK_CROSS_SECTION_M2, STARLINK_ALTITUDE_KM, 1e-6)
    at_1e5 = avoidance_manoeuvres_per_year(STARLINK_CROSS_SECTION_M2, STARLINK_ALTITUDE_KM, 1e-5)
    assert STARLINK_MANOEUVRES_PER_SATELLITE_YEAR == pytest.approx(17.7, abs=0.01)
    assert at_1e6 == pytest.approx(STARLINK_MANOEUVRES_PER_SATELLITE_YEAR, rel=1e-6)
    assert at_1e5 / at_1e6 == pytest.approx(0.5, rel=1e-6)
    # The calibration is physical: the combined position uncertainty is some hundreds of
    # metres (CARA's typical covariances of catalogued debris), and the screened flux a
    # fraction of the catalogued one estimated within a factor of a few.
    sigma_m, share = calibration()
    assert 100.0 < sigma_m < 1000.0
    assert 0.1 < share < 1.0


def test_iss_record_is_predicted_within_a_factor_of_two():
    # Not calibrated on: the ISS at 1e-4 with its 3,000 m2. The factor of two covers the
    # ISS's record averaging 1999-2024 (a smaller catalogue than the 2024 the table reflects)
    # and the table's own estimate.
    iss = float(avoidance_manoeuvres_per_year(ISS_CROSS_SECTION_M2, ISS_ALTITUDE_KM, 1e-4))
    assert ISS_MANOEUVRES_PER_YEAR == pytest.approx(1.51, abs=0.01)
    assert ISS_MANOEUVRES_PER_YEAR / 2 < iss < ISS_MANOEUVRES_PER_YEAR * 2


def test_large_ship_scales_with_the_logarithm_not_the_area():
    # 85,000 m2 is 1,400 Starlinks of area, but at 650 km and 1e-6 it manoeuvres about
    # ln(R^2/(2 s^2 p)) / ln(R_s^2/(2 s^2 p)) times as often as one, times the flux ratio.
    sigma_m, _ = calibration()
    ship = float(avoidance_manoeuvres_per_year(85_000.0, 650.0, 1e-6))
    starlink = STARLINK_MANOEUVRES_PER_SATELLITE_YEAR
    r, rs = hard_body_radius_m(85_000.0), hard_body_radius_m(STARLINK_CROSS_SECTION_M2)
    flux = flux_per_m2_year(650.0, "above_10cm") / flux_per_m2_year(STARLINK_ALTITUDE_KM, "above_10cm")
    log_ratio = math.log(r**2 / (2 * sigma_m**2 * 1e-6)) / math.log(rs**2 / (2 * sigma_m**2 * 1e-6))
    # R is half of sigma, so the small-body form is only approximate: within 10 %.
    assert ship == pytest.approx(starlink * flux * log_ratio, rel=0.10)
    assert ship < starlink * 85_000.0 / STARLINK_CROSS_SECTION_M2 / 100


@settings(max_examples=40, deadline=None)
@given(st.floats(1.0, 1e6), st.floats(1.0, 10.0), st.floats(-7.0, -3.0), st.floats(300.0, 1500.0))
def test_rate_rises_with_area_and_falls_with_threshold(area_m2, factor, log_threshold, altitude_km):
    p = 10.0**log_threshold
    base = float(avoidance_manoeuvres_per_year(area_m2, altitude_km, p))
    assert float(avoidance_manoeuvres_per_year(area_m2 * factor, altitude_km, p)) >= base * (1 - 1e-9)
    assert float(avoidance_manoeuvres_per_year(area_m2, altitude_km, p * factor)) <= base * (1 + 1e-9)
    assert np.isfinite(base) and base >= 0.0
