"""Orbit construction: sun-synchronous inclination, altitude, Walker patterns, formations."""

import numpy as np
import pytest
from scipy.optimize import brentq
from sgp4.api import SatrecArray

from aether.orbit import elements
from aether.orbit.propagate import iter_chunks
from aether.orbit.sun import mean_sun_right_ascension_rad
from aether.timegrid import TimeGrid
from tests.conftest import utc

MU = 398600.8  # km^3/s^2, WGS72
RE = 6378.135  # km
J2 = 1.08263e-3


def _nodal_rate_rad_s(inclination_deg: float, altitude_km: float) -> float:
    """First principles: secular J2 node drift of a circular orbit (Kaula 1966)."""
    a = RE + altitude_km
    n = np.sqrt(MU / a**3)
    return -1.5 * n * J2 * (RE / a) ** 2 * np.cos(np.radians(inclination_deg))


@pytest.mark.parametrize("altitude_km", [400.0, 650.0, 800.0, 1200.0])
def test_sun_synchronous_inclination_from_first_principles(altitude_km):
    # The node must turn 360 degrees in one tropical year (365.2422 days), eastwards.
    wanted = 2 * np.pi / (365.2422 * 86400)
    root = brentq(lambda i: _nodal_rate_rad_s(i, altitude_km) - wanted, 90.0, 180.0)
    assert elements.sun_synchronous_inclination_deg(altitude_km) == pytest.approx(root, abs=1e-3)


def test_sun_synchronous_inclination_published_values():
    # Wertz & Larson, SMAD (3rd ed.), Fig. 6-7 / Table: 800 km -> 98.6 deg; 500 km -> 97.4 deg.
    assert elements.sun_synchronous_inclination_deg(800) == pytest.approx(98.6, abs=0.05)
    assert elements.sun_synchronous_inclination_deg(500) == pytest.approx(97.4, abs=0.05)


def test_no_sun_synchronous_orbit_far_out():
    with pytest.raises(ValueError, match="no sun-synchronous"):
        elements.sun_synchronous_inclination_deg(7000)


def _propagate(mean, grid):
    satrecs = elements.to_satrecs(mean, grid.start_jd)
    r, v = [], []
    for chunk in iter_chunks(SatrecArray(satrecs), len(satrecs), grid):
        r.append(chunk.r_teme_km)
        v.append(chunk.v_teme_km_s)
    return np.concatenate(r), np.concatenate(v), satrecs


def test_sun_synchronous_orbit_keeps_its_local_time():
    # Propagated by SGP4 for 90 days, the node's local mean solar time stays put.
    grid = TimeGrid.from_duration(utc(2026, 3, 20), 90 * 86400, 86400)
    inc = np.radians(elements.sun_synchronous_inclination_deg(650))
    raan = elements.raan_for_ltan_rad(18.0, grid.start_jd)
    mean = elements.circular(elements.mean_motion_rad_min(650, inc), inc, raan, 0.0)
    r, v, _ = _propagate(mean, grid)
    h = np.cross(r[:, 0], v[:, 0])
    node_ra = np.arctan2(h[:, 0], -h[:, 1])
    sun_ra = mean_sun_right_ascension_rad(*grid.jd())
    ltan_h = 12 + np.degrees(np.mod(node_ra - sun_ra + np.pi, 2 * np.pi) - np.pi) / 15
    np.testing.assert_allclose(ltan_h, 18.0, atol=0.05)  # 3 minutes of local time


@pytest.mark.parametrize(("altitude_km", "inclination_deg"), [(550, 53), (650, 98), (1200, 0)])
def test_requested_altitude_is_the_sgp4_mean_altitude(altitude_km, inclination_deg):
    inc = np.radians(inclination_deg)
    mean = elements.circular(elements.mean_motion_rad_min(altitude_km, inc), inc, 0.0, 0.0)
    (sat,) = elements.to_satrecs(mean, (2461000.5, 0.0))
    assert sat.a * RE - RE == pytest.approx(altitude_km, abs=0.01)
    # and the mean motion is the two-body one within the J2 correction (< 0.2 % in LEO)
    two_body_rad_min = np.sqrt(MU / (RE + altitude_km) ** 3) * 60
    assert sat.no_kozai == pytest.approx(two_body_rad_min, rel=2e-3)


def test_walker_delta_pattern():
    raan, u = elements.walker_delta_angles(total=24, planes=4, phasing=1)
    np.testing.assert_allclose(np.degrees(raan[::6]), [0, 90, 180, 270])
    np.testing.assert_allclose(np.degrees(np.diff(u[:6])), 60.0)
    # phasing F=1: the first satellite of each plane leads the previous by 360 F / T = 15 deg
    np.testing.assert_allclose(np.degrees(u[6] - u[0]), 15.0)


def test_formation_offsets_hold_at_epoch_and_stay_bounded():
    grid = TimeGrid.from_duration(utc(2026, 3, 20), 86400, 60)
    inc = np.radians(elements.sun_synchronous_inclination_deg(650))
    reference = elements.circular(elements.mean_motion_rad_min(650, inc), inc, 1.0, 0.3)
    offsets = np.array([[0.0, 0.0, 0.0], [0.0, 0.5, 0.0], [0.0, 0.0, 0.8], [0.2, 0.0, 0.0],
                        [0.1, -0.4, 0.3]])
    members = elements.formation(reference, offsets)
    r, v, _ = _propagate(members, grid)
    # Hill frame of the reference at epoch: radial, along-track, cross-track.
    r0, v0 = r[0, 0], v[0, 0]
    radial = r0 / np.linalg.norm(r0)
    cross = np.cross(r0, v0) / np.linalg.norm(np.cross(r0, v0))
    along = np.cross(cross, radial)
    rel = r[0] - r0
    hill = np.column_stack([rel @ radial, rel @ along, rel @ cross])
    # First-order relative elements: good to a few per cent of the offset plus J2 short-period.
    np.testing.assert_allclose(hill, offsets, atol=0.03)
    separation = np.linalg.norm(r - r[:, :1], axis=2)
    assert separation.max() < 2.5  # km: no member drifts away within a day
