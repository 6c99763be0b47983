import numpy as np
import pytest

from aether.constants import C_KM_S
from aether.network.stage import simulate_network
from aether.network.terminals import TerminalPlanner
from aether.orbit.build import build_orbits
from aether.orbit.frames import geodetic_to_ecef
from aether.orbit.propagate import iter_chunks
from aether.parallel import block_executor
from aether.timegrid import TimeGrid

from .conftest import make

KEYS = {"rtt_p50_ms", "rtt_p95_ms", "rtt_max_ms", "reachable_fraction", "fibre_rtt_ms"}


def test_simulate_network_metrics(small):
    scenario, orbits, grid = small
    result = simulate_network(scenario, orbits, grid)
    metrics = result.metrics()
    assert set(metrics["sites"]) == {"London", "Lagos", "Tokyo", "Sydney", "New York"}
    for stats in metrics["sites"].values():
        assert KEYS <= set(stats)
        assert 0.0 <= stats["reachable_fraction"] <= 1.0
        if stats["reachable_fraction"] == 0:
            assert stats["rtt_p50_ms"] is None
        else:
            assert 0 < stats["rtt_p50_ms"] <= stats["rtt_p95_ms"] <= stats["rtt_max_ms"]
    # London's nearest bundled region is London itself.
    assert metrics["sites"]["London"]["fibre_rtt_ms"] < 0.1
    assert result.rtt_ms.shape == (30, 5)
    # No round trip beats light in vacuum straight to the ship and back.
    ship = np.concatenate([c.r_ecef_km for c in iter_chunks(orbits.array(), len(orbits), grid)])
    ship = ship[:, orbits.members("ship")[0]]
    sites = np.stack(geodetic_to_ecef(result.lat_deg, result.lon_deg, 0.0), -1)
    light_ms = 2 * np.linalg.norm(ship[:, None] - sites[None], axis=-1) / C_KM_S * 1e3
    reached = np.isfinite(result.rtt_ms)
    assert reached.any()
    assert np.all(result.rtt_ms[reached] >= light_ms[reached] * (1 - 1e-6))


def test_results_do_not_depend_on_workers(small, monkeypatch):
    import aether.network.stage as stage

    scenario, orbits, grid = small
    monkeypatch.setattr(stage, "BLOCK_STEPS", 7)
    one = simulate_network(scenario, orbits, grid)
    with block_executor(2) as executor:
        two = simulate_network(scenario, orbits, grid, executor=executor)
    assert np.array_equal(one.rtt_ms, two.rtt_ms, equal_nan=True)
    assert one.metrics() == two.metrics()


def test_never_reachable_is_null():
    scenario = make(spacecraft=[{"name": "ship", "role": "compute",
                                 "orbit": {"kind": "circular", "altitude_km": 500,
                                           "inclination_deg": 0}}])
    # An equatorial ship at 500 km with nothing to relay through: a site sees it above the
    # 25 deg mask only within the Earth central angle
    #   90 - 25 - asin(6378.137 x cos 25 / 6878.137) = 65 - 57.2 = 7.8 deg
    # of its track, i.e. within 7.8 deg of the equator. London, Tokyo, Sydney and New York
    # lie 34-52 deg away and can never reach it; Lagos (6.45 N) can when it passes. Over one
    # synodic pass (320 steps of 20 s) the round trip then lies between twice the distance
    # at closest approach, sqrt(6378.1^2 + 6878.1^2 - 2 x 6378.1 x 6878.1 x cos 6.45 deg)
    # = 897.4 km (5.99 ms), and twice the slant range at 25 deg elevation, 1031.9 km (6.88 ms);
    # 0.1 ms either side (15 km) covers the few km the SGP4 radius swings about its mean.
    orbits = build_orbits(scenario)
    grid = TimeGrid(scenario.run.start, 20.0, 320)
    metrics = simulate_network(scenario, orbits, grid).metrics()
    assert set(metrics["sites"]) == {"London", "Lagos", "Tokyo", "Sydney", "New York"}
    for name in ("London", "Tokyo", "Sydney", "New York"):
        site = metrics["sites"][name]
        assert site["reachable_fraction"] == 0.0, name
        assert site["rtt_p50_ms"] is None and site["rtt_max_ms"] is None, name
        assert site["fibre_rtt_ms"] is not None, name
    lagos = metrics["sites"]["Lagos"]
    assert 0 < lagos["reachable_fraction"] < 0.1
    assert 5.89 <= lagos["rtt_p50_ms"] <= lagos["rtt_max_ms"] <= 6.98


def test_terminals_hold_nearest_partners_and_respect_dwell():
    # One ship at the origin side, partners on a line at growing distance.
    sats = np.array([[7000.0, 0, 0], [7000, 100, 0], [7000, 200, 0], [7000, 300, 0],
                     [7000, 400, 0]])
    allowed = np.ones((1, 5), bool)
    allowed[0, 0] = False
    planner = TerminalPlanner(np.array([0]), allowed, k=2, min_dwell_s=30, range_km=1000,
                              min_altitude_km=80)
    assert planner.step(0.0, sats).tolist() == [[0, 1], [0, 2]]
    moved = sats.copy()
    moved[1:3, 1] = [350, 380]  # the partners fall behind 3 but stay in range
    assert planner.step(10.0, moved).tolist() == [[0, 1], [0, 2]]  # dwell holds them
    assert planner.step(40.0, moved).tolist() == [[0, 1], [0, 3]]  # then the nearest two
    gone = moved.copy()
    gone[3, 1] = 5000  # out of range: dropped at once, the next nearest takes over
    assert planner.step(45.0, gone).tolist() == [[0, 1], [0, 2]]


def test_network_figures(small):
    from aether.report.network import network_figures

    scenario, orbits, grid = small
    result = simulate_network(scenario, orbits, TimeGrid(grid.start, 60.0, 5))
    figures = network_figures(result)
    assert len(figures) == 2
    for fig in figures:
        fig.savefig(__import__("io").BytesIO(), format="png")
    # The CDF draws the run's round trips (unreachable site-steps never arrive) and the
    # sites' fibre round trips.
    orbit, fibre = figures[1].axes[0].lines
    reachable = np.isfinite(result.rtt_ms)
    assert reachable.any()
    np.testing.assert_allclose(orbit.get_xdata(), np.sort(result.rtt_ms[reachable]))
    assert orbit.get_ydata()[-1] == pytest.approx(reachable.mean())
    np.testing.assert_allclose(fibre.get_xdata(), np.sort(result.fibre_rtt_ms))
    assert fibre.get_ydata()[-1] == 1.0


def test_sub_second_steps_work(small):
    scenario, orbits, grid = small
    fine = TimeGrid(grid.start, 0.1, 6)
    result = simulate_network(scenario, orbits, fine)
    assert np.allclose(result.grid.seconds, [0, 0.1, 0.2, 0.3, 0.4, 0.5])
    assert result.rtt_ms.shape == (6, 5)
    # In half a second a round trip changes by well under a millisecond.
    ok = np.isfinite(result.rtt_ms).all(0)
    assert ok.any() and (np.ptp(result.rtt_ms[:, ok], axis=0) < 1.0).all()
