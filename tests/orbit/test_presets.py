"""The published constellations behind the presets, as the orbit stage builds them."""

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from aether.orbit.build import build_orbits
from aether.orbit.propagate import iter_chunks
from aether.scenario import load_scenario
from aether.timegrid import TimeGrid

RE_WGS72_KM = 6378.135


def test_starlink_shell1_as_filed():
    # SpaceX, FCC SAT-MOD-20190830-00087: shell 1 is 1,584 satellites at 550 km and 53 deg
    # in 72 planes of 22.
    orbits = build_orbits(load_scenario("starlink-shell1"))
    assert len(orbits) == 1584
    inclination = np.degrees([s.inclo for s in orbits.satrecs])
    altitude = np.array([s.a for s in orbits.satrecs]) * RE_WGS72_KM - RE_WGS72_KM
    np.testing.assert_allclose(inclination, 53.0, atol=1e-9)
    np.testing.assert_allclose(altitude, 550.0, atol=0.01)
    nodes, per_plane = np.unique(np.round(np.degrees([s.nodeo for s in orbits.satrecs]), 6),
                                 return_counts=True)
    assert len(nodes) == 72 and np.all(per_plane == 22)
    np.testing.assert_allclose(np.diff(nodes), 5.0, atol=1e-6)  # 360 / 72


def _suncatcher(hours: float, step_s: float) -> np.ndarray:
    scenario = load_scenario("suncatcher-81")
    orbits = build_orbits(scenario)
    grid = TimeGrid.from_duration(scenario.run.start, hours * 3600, step_s)
    return np.concatenate([c.r_teme_km for c in iter_chunks(orbits.array(), len(orbits), grid)])


def _nearest_neighbour_m(positions_km: np.ndarray) -> np.ndarray:
    d = cdist(positions_km, positions_km)
    np.fill_diagonal(d, np.inf)
    return d.min(axis=1) * 1000


def test_suncatcher_cluster_at_epoch():
    # Google, Project Suncatcher (arXiv 2511.19468): 81 satellites in a cluster of 1 km
    # radius, nearest neighbours 100-200 m apart.
    r = _suncatcher(0.0, 60.0)[0]
    assert len(r) == 81
    assert np.linalg.norm(r - r.mean(axis=0), axis=1).max() == pytest.approx(1.0, abs=0.02)
    nearest = _nearest_neighbour_m(r)
    assert np.all((100 <= nearest) & (nearest <= 200))


def test_suncatcher_cluster_keeps_its_spacing_over_an_orbit():
    # Over one 98-minute orbit, every member's nearest neighbour stays 100-200 m away (10%
    # allowed for J2 and the curvature the linear design leaves out).
    for r in _suncatcher(98 / 60, 60.0):
        nearest = _nearest_neighbour_m(r)
        assert np.all((90 <= nearest) & (nearest <= 220))
        assert np.linalg.norm(r - r.mean(axis=0), axis=1).max() <= 1.1


def test_suncatcher_disc_turns_rigidly():
    # A rigid disc keeps every pairwise distance: over one orbit none changes by more than
    # 1 % of the cluster's 2 km diameter. What remains is secular J2 differential drift
    # (members differ in inclination by up to 1e-4 rad), about 10 m an orbit, which a real
    # cluster trims with station-keeping.
    r = _suncatcher(98 / 60, 60.0)
    d = np.stack([cdist(x, x) for x in r])
    assert np.abs(d - d[0]).max() < 0.02
