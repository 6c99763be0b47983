"""Earth's shadow and eclipse seasons against the geometry they come from."""

import numpy as np
import pytest
from sgp4.api import SatrecArray

from aether.orbit import elements
from aether.orbit.propagate import iter_chunks
from aether.orbit.seasons import eclipse_seasons, mean_radius_km, period_min
from aether.orbit.shadow import beta_angle_deg, sunlit_fraction
from aether.timegrid import TimeGrid
from tests.conftest import utc

RE = 6378.137


def _complete_runs_s(mask: np.ndarray, step_s: float) -> np.ndarray:
    """Lengths in seconds of each run of True that starts and ends inside the series."""
    edges = np.diff(mask.astype(int))
    starts, ends = np.flatnonzero(edges == 1) + 1, np.flatnonzero(edges == -1) + 1
    ends = ends[ends > starts[0]] if starts.size else ends
    count = min(starts.size, ends.size)
    return (ends[:count] - starts[:count]) * step_s


def _run(altitude_km, inclination_deg, raan_deg, start, hours, step_s):
    grid = TimeGrid.from_duration(start, hours * 3600, step_s)
    inc = np.radians(inclination_deg)
    mean = elements.circular(elements.mean_motion_rad_min(altitude_km, inc), inc,
                             np.radians(raan_deg), 0.0)
    satrecs = elements.to_satrecs(mean, grid.start_jd)
    lit, beta = [], []
    for chunk in iter_chunks(SatrecArray(satrecs), 1, grid):
        lit.append(chunk.sunlit[:, 0])
        beta.append(beta_angle_deg(chunk.r_teme_km[:, 0], chunk.v_teme_km_s[:, 0], chunk.sun_teme_km))
    return grid, satrecs, np.concatenate(lit), np.concatenate(beta)


def test_eclipse_at_beta_zero_matches_the_geometric_formula():
    # Equatorial orbit at the March 2026 equinox (20 March 14:46 UTC): the Sun is in the
    # orbit plane, beta ~ 0. Cylindrical shadow: t = P/pi * acos(sqrt(h^2 + 2 R h) / (R + h)).
    altitude = 650.0
    grid, satrecs, lit, beta = _run(altitude, 0.0, 0.0, utc(2026, 3, 20, 14, 46), 6, 1.0)
    assert np.abs(beta).max() < 0.2
    period_s = period_min(satrecs)[0] * 60
    r = mean_radius_km(satrecs)[0]
    h = r - RE
    expected_s = period_s / np.pi * np.arccos(np.sqrt(h * h + 2 * RE * h) / r)
    # Each whole eclipse: time with less than half the Sun's disc visible (conical model).
    eclipses_s = _complete_runs_s(lit < 0.5, grid.step_s)
    assert eclipses_s.size >= 3
    np.testing.assert_allclose(eclipses_s, expected_s, atol=5.0)  # 5 s of a 35-minute eclipse
    # Penumbra lasts seconds on each side in LEO: the Sun's 0.53-degree disc crossing at
    # the orbit's 0.06 deg/s, slowed by the grazing geometry of the shadow's edge.
    penumbra_s = _complete_runs_s((lit > 0) & (lit < 1), grid.step_s)
    assert np.all((5 < penumbra_s) & (penumbra_s < 20))


def test_shadow_fraction_limits():
    sun = np.array([[1.496e8, 0.0, 0.0]])
    # Sunward side, far behind Earth in umbra, and exactly on the terminator.
    x = np.array([[7000.0, -7000.0, 0.0]])
    y = np.array([[0.0, 0.0, 7000.0]])
    z = np.zeros((1, 3))
    lit = sunlit_fraction(x, y, z, sun)
    assert lit[0, 0] == 1.0
    assert lit[0, 1] == 0.0
    assert lit[0, 2] == 1.0


def test_penumbra_fraction_is_monotonic_across_the_shadow_edge():
    sun = np.array([[1.496e8, 0.0, 0.0]])
    r = 7000.0
    edge = np.arcsin(RE / r)  # angle from the anti-Sun axis to the cylinder edge
    angles = np.linspace(edge - 0.02, edge + 0.02, 400)
    x = -r * np.cos(angles)[None, :]
    y = r * np.sin(angles)[None, :]
    lit = sunlit_fraction(x, y, np.zeros_like(x), sun)[0]
    assert lit[0] == 0.0 and lit[-1] == 1.0
    assert np.all(np.diff(lit) >= -1e-12)


def test_season_formula_agrees_with_propagated_shadow():
    # ISS-like orbit for two days: minutes in shadow per orbit by the season formula
    # against the conical model sampled every 5 s.
    grid, satrecs, lit, beta = _run(420.0, 51.64, 40.0, utc(2026, 5, 1), 48, 5.0)
    seasons = eclipse_seasons(SatrecArray(satrecs), mean_radius_km(satrecs), period_min(satrecs),
                              grid.start_jd, days=2)
    measured_min = _complete_runs_s(lit < 0.5, grid.step_s) / 60
    assert measured_min.size > 25
    assert seasons.eclipse_min_per_orbit[0].mean() == pytest.approx(measured_min.mean(), abs=0.2)
    assert seasons.beta_deg[0, 0] == pytest.approx(beta[0], abs=0.01)


def test_dawn_dusk_orbit_sees_eclipses_only_around_june():
    # 650 km, LTAN 18:00: beta stays above the critical 65 deg except near the June solstice.
    epoch = TimeGrid(utc(2026, 1, 1), 60, 1).start_jd
    inc = np.radians(elements.sun_synchronous_inclination_deg(650))
    mean = elements.circular(elements.mean_motion_rad_min(650, inc), inc,
                             elements.raan_for_ltan_rad(18.0, epoch), 0.0)
    satrecs = elements.to_satrecs(mean, epoch)
    seasons = eclipse_seasons(SatrecArray(satrecs), mean_radius_km(satrecs), period_min(satrecs), epoch)
    eclipse_days = np.flatnonzero(seasons.eclipse_fraction[0] > 0)
    assert 60 < eclipse_days.size < 120
    assert 120 < eclipse_days.min() and eclipse_days.max() < 230  # May to August
    # Critical beta for 650 km: asin(Re / (Re + h)) = 65.1 deg; the orbit never goes below 57.
    assert seasons.beta_deg.min() > 55
    # Starcloud, "Why we should train AI in space" (2024): a dawn-dusk orbit's capacity
    # factor is above 95%. With fewer than 120 eclipse days, each orbit's eclipse below the
    # beta = 0 value of 35.4 min out of 97.7, the year is at least 1 - 120 x 35.4 / (365 x
    # 97.7) = 88% sunlit by geometry alone; the season model must land above Starcloud's 95%.
    assert seasons.eclipse_min_per_orbit.max() < 35.4
    assert 0.95 < seasons.sunlit_fraction[0] < 1.0
