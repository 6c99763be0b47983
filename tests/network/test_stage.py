import numpy as np

from aether.network.stage import simulate_network
from aether.network.terminals import TerminalPlanner
from aether.orbit.build import build_orbits
from aether.timegrid import TimeGrid

from .conftest import make

KEYS = {"rtt_p50_ms", "rtt_p95_ms", "rtt_max_ms", "reachable_fraction", "fibre_rtt_ms"}


def test_simulate_network_metrics(small):
    scenario, orbits, grid = small
    result = simulate_network(scenario, orbits, grid, workers=1)
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


def test_results_do_not_depend_on_workers(small, monkeypatch):
    import aether.network.stage as stage

    scenario, orbits, grid = small
    monkeypatch.setattr(stage, "BLOCK_STEPS", 7)
    one = simulate_network(scenario, orbits, grid, workers=1)
    two = simulate_network(scenario, orbits, grid, workers=2)
    assert np.array_equal(one.rtt_ms, two.rtt_ms, equal_nan=True)
    assert one.metrics() == two.metrics()


def test_never_reachable_is_null():
    scenario = make(spacecraft=[{"name": "ship", "role": "compute",
                                 "orbit": {"kind": "circular", "altitude_km": 500,
                                           "inclination_deg": 0}}])
    # An equatorial ship never rises above 25 deg at 78 N.
    data_sites = {"London", "Lagos", "Tokyo", "Sydney", "New York"}
    orbits = build_orbits(scenario)
    grid = TimeGrid(scenario.run.start, 60.0, 10)
    metrics = simulate_network(scenario, orbits, grid).metrics()
    assert set(metrics["sites"]) == data_sites
    london = metrics["sites"]["London"]
    assert london["reachable_fraction"] == 0.0 and london["rtt_p50_ms"] is None


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
    figures = network_figures(simulate_network(scenario, orbits, TimeGrid(grid.start, 60.0, 5)))
    assert len(figures) == 2
    for fig in figures:
        fig.savefig(__import__("io").BytesIO(), format="png")


def test_sub_second_steps_work(small):
    scenario, orbits, grid = small
    fine = TimeGrid(grid.start, 0.1, 6)
    result = simulate_network(scenario, orbits, fine)
    assert np.allclose(result.grid.seconds, [0, 0.1, 0.2, 0.3, 0.4, 0.5])
    assert result.rtt_ms.shape == (6, 5)
    # In half a second a round trip changes by well under a millisecond.
    ok = np.isfinite(result.rtt_ms).all(0)
    assert ok.any() and (np.ptp(result.rtt_ms[:, ok], axis=0) < 1.0).all()
