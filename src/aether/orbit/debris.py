"""Flux of orbital debris by size class against altitude, and the collision-avoidance
manoeuvres a spacecraft makes at a collision-probability threshold.

Flux of objects above 10 cm = spatial density x mean impact speed. The spatial density of
catalogued objects by altitude is an ESTIMATE, not a model output: read approximately
(within about a factor of two) from the spatial-density-against-altitude figures of NASA's
Orbital Debris Quarterly News and ESA's Space Environment Report 2024 (the 550 km peak is
the Starlink shells). No tabulated ESA MASTER-8 or NASA ORDEM 3.1/3.2 flux by altitude
could be found in public text for this work (docs/drag.md lists what was searched); a
MASTER or ORDEM run at the ship's orbit should replace it. Smaller classes scale with ESA's
population estimates ("Space debris by the numbers", ESA Space Debris Office, 2025: about
54,000 objects above 10 cm, 1.2 million from 1 to 10 cm, 140 million from 1 mm to 1 cm).

Collision avoidance (what a manoeuvre rate is): an operator manoeuvres when a conjunction's
collision probability Pc passes a threshold. For a miss distance d in the encounter plane, a
combined hard-body radius R and an isotropic combined position uncertainty sigma, Pc is the
Gaussian's mass inside the hard-body circle, P(chi'^2_2(d^2/sigma^2) < R^2/sigma^2)
(Foster & Estes 1992, NASA JSC-25898; Alfano 2005, "A numerical implementation of
spherical object collision probability"; for R << sigma it is R^2/(2 sigma^2)
exp(-d^2 / (2 sigma^2)), NASA CARA Best Practices Handbook, NASA/SP-20230002470, 2023).
Pc falls with d, so the conjunctions above the threshold are those whose miss distance is
below d*(R, sigma, threshold), and tracked objects cross the encounter plane uniformly, so
their rate is F pi d*^2 for a flux F of tracked objects. For R << sigma,
d*^2 = 2 sigma^2 ln(R^2 / (2 sigma^2 threshold)): the rate grows only with the logarithm of
the area and of 1/threshold until R approaches sigma, then as the area (F pi R^2 and more).
Two published points fix sigma and the share of the catalogued flux that is screened:
Starlink's manoeuvres at 1e-6 and Hugh Lewis's estimate of their number at 1e-5 (below).
The ISS's record at 1e-4 is then a prediction (tests/orbit/test_debris.py).
"""

from functools import cache

import numpy as np

from aether.constants import SECONDS_PER_YEAR

ALTITUDES_KM = np.array([300.0, 400.0, 500.0, 550.0, 600.0, 700.0, 800.0, 900.0, 1000.0, 1200.0, 1500.0])
# Catalogued objects per km^3 (ESTIMATE, see the module docstring).
SPATIAL_DENSITY_PER_KM3 = np.array([2e-9, 1e-8, 3e-8, 8e-8, 4e-8, 4e-8, 7e-8, 5e-8, 3e-8, 2e-8, 1e-8])
# Mean relative speed of debris impacts in LEO, about 10 km/s (ORDEM 3.0 User's Guide,
# NASA/TP-2014-217370; ECSS-E-ST-10-04C annex J: 10 km/s at low inclination).
IMPACT_SPEED_KM_S = 10.0
# Objects above each size, over those above 10 cm (ESA 2025, above).
SIZE_CLASSES = ("above_1mm", "above_1cm", "above_10cm")
CLASS_SCALE = {"above_1mm": (140e6 + 1.2e6 + 54e3) / 54e3, "above_1cm": (1.2e6 + 54e3) / 54e3, "above_10cm": 1.0}

# Collision-probability thresholds: 1e-4, the common one (NASA CARA's manoeuvre threshold for
# robotic missions, NASA CARA Best Practices Handbook 2023; NASA-STD-8719.14 practice);
# SpaceX manoeuvres Starlink at 1e-6, 100 times lower (SpaceX semi-annual constellation report
# to the FCC, July 2024, as reported by the press); before 2024 it used 1e-5 (Lewis, "Starlink
# Manoeuvre Update - July 2023", on the report of 30 June 2023).
COMMON_THRESHOLD = 1e-4
STARLINK_THRESHOLD = 1e-6
STARLINK_PREVIOUS_THRESHOLD = 1e-5
# Starlink's manoeuvres from 1 December 2023 to 31 May 2024: about 50,000 with 5,100 to 6,200
# satellites in orbit (SpaceX's report of July 2024), near 550 km, at 1e-6; Lewis's estimate
# for the same half year at the previous 1e-5: about 25,000 (press coverage of that filing).
STARLINK_MANOEUVRES = 50_000.0
STARLINK_MANOEUVRES_AT_PREVIOUS = 25_000.0
STARLINK_SATELLITES = (5_100 + 6_200) / 2.0
STARLINK_MANOEUVRES_PER_SATELLITE_YEAR = STARLINK_MANOEUVRES / (0.5 * STARLINK_SATELLITES)
STARLINK_ALTITUDE_KM = 550.0
# Cross-section of the satellites of that period (ASSUMPTION: a mix of V1.5, about 30 m2 of
# array, and V2 mini, 105 m2 of array (Suncatcher, arXiv 2511.19468), with their buses).
STARLINK_CROSS_SECTION_M2 = 60.0
# Bisection steps for the miss distance at the threshold (2^-60 of the bracket).
_BISECTION_STEPS = 60


def flux_per_m2_year(altitude_km, size_class: str) -> np.ndarray:
    """Expected impacts per m2 of cross-section per year of debris above a size at altitude_km
    (log-linear between the tabulated altitudes)."""
    if size_class not in CLASS_SCALE:
        raise ValueError(f"unknown size class {size_class!r} (allowed: {', '.join(SIZE_CLASSES)})")
    density = np.exp(np.interp(altitude_km, ALTITUDES_KM, np.log(SPATIAL_DENSITY_PER_KM3)))
    per_km2_s = density * IMPACT_SPEED_KM_S
    return CLASS_SCALE[size_class] * per_km2_s * SECONDS_PER_YEAR / 1e6


def hard_body_radius_m(cross_section_m2) -> np.ndarray:
    """Radius of the circle of the cross-section's area (debris adds nothing at this scale)."""
    return np.sqrt(np.asarray(cross_section_m2, float) / np.pi)


def collision_probability(miss_m, hard_body_radius_m, sigma_m) -> np.ndarray:
    """Pc of a conjunction: an isotropic Gaussian of sigma_m centred miss_m from the object,
    integrated over the hard-body circle (a noncentral chi-square with 2 degrees of freedom)."""
    from scipy.stats import ncx2  # here, so that light commands need not load scipy

    s = np.asarray(sigma_m, float)
    return ncx2.cdf((np.asarray(hard_body_radius_m, float) / s) ** 2, 2, (np.asarray(miss_m, float) / s) ** 2)


def screening_radius_m(hard_body_radius_m, sigma_m, threshold) -> np.ndarray:
    """Miss distance below which Pc exceeds the threshold (0 where even a head-on miss stays
    below it): bisection on the monotone Pc(d), over [0, R + 40 sigma]."""
    r, s, p = np.broadcast_arrays(*(np.asarray(v, float) for v in (hard_body_radius_m, sigma_m, threshold)))
    lo, hi = np.zeros_like(r), r + 40.0 * s
    for _ in range(_BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        above = collision_probability(mid, r, s) > p
        lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
    return np.where(collision_probability(0.0, r, s) > p, 0.5 * (lo + hi), 0.0)


@cache
def calibration() -> tuple[float, float]:
    """sigma (m) and the screened share of the catalogued flux, from Starlink's two points:
    the ratio of its manoeuvres at 1e-5 and 1e-6 fixes sigma / R; the count fixes the share."""
    from scipy.optimize import brentq

    r = float(hard_body_radius_m(STARLINK_CROSS_SECTION_M2))

    def ratio_gap(sigma_m: float) -> float:
        d = screening_radius_m(r, sigma_m, [STARLINK_PREVIOUS_THRESHOLD, STARLINK_THRESHOLD])
        return float(d[0] ** 2 / d[1] ** 2) - STARLINK_MANOEUVRES_AT_PREVIOUS / STARLINK_MANOEUVRES

    # From sigma = 3 R (ratio near 0.8) to sigma = 500 R, where even a head-on miss stays
    # below 1e-5 (ratio 0).
    sigma_m = brentq(ratio_gap, 3.0 * r, 500.0 * r, xtol=1e-9 * r)
    d_m = float(screening_radius_m(r, sigma_m, STARLINK_THRESHOLD))
    catalogued = float(flux_per_m2_year(STARLINK_ALTITUDE_KM, "above_10cm"))
    return sigma_m, STARLINK_MANOEUVRES_PER_SATELLITE_YEAR / (catalogued * np.pi * d_m**2)


def avoidance_manoeuvres_per_year(cross_section_m2, altitude_km, threshold=COMMON_THRESHOLD) -> np.ndarray:
    """Conjunctions a year whose Pc passes the threshold: the screened flux of tracked objects
    at the altitude times the area of the miss-distance circle inside which Pc exceeds it."""
    sigma_m, share = calibration()
    d_m = screening_radius_m(hard_body_radius_m(cross_section_m2), sigma_m, threshold)
    return share * flux_per_m2_year(altitude_km, "above_10cm") * np.pi * d_m**2
