"""The event core, the rate timeline and the exact percentiles."""

import numpy as np
import pytest

from aether.workload.events import EventQueue
from aether.workload.percentiles import weighted_percentiles
from aether.workload.result import busy_seconds_per_step
from aether.workload.timeline import RateTimeline


def test_events_ordered_by_time_priority_sequence():
    q, seen = EventQueue(), []
    q.schedule(5.0, 2, lambda t: seen.append("c"))
    q.schedule(5.0, 1, lambda t: seen.append("b"))
    q.schedule(1.0, 9, lambda t: seen.append("a"))
    q.schedule(5.0, 2, lambda t: seen.append("d"))
    gone = q.schedule(3.0, 0, lambda t: seen.append("x"))
    gone.cancel()
    q.run()
    assert seen == ["a", "b", "c", "d"]
    assert q.now == 5.0
    with pytest.raises(ValueError):
        q.schedule(1.0, 0, lambda t: None)


def test_timeline_integral_and_inverse_with_repeat():
    tl = RateTimeline(np.array([1.0, 0.0, 2.0]), 10.0)  # 10, 0, 20 per 10 s period of 30 s
    assert tl.integral(0, 30) == pytest.approx(30.0)
    assert tl.integral(5, 25) == pytest.approx(5 + 0 + 10)
    assert tl.integral(0, 95) == pytest.approx(3 * 30 + 5)  # repeats past the end
    assert tl.time_to_accumulate(0, 10) == pytest.approx(10.0)
    assert tl.time_to_accumulate(0, 11) == pytest.approx(20.5)
    assert tl.time_to_accumulate(12, 30) == pytest.approx(40.0)
    for t0, amount in [(0, 1000.0), (7.3, 123.4), (61, 0.5)]:
        t1 = tl.time_to_accumulate(t0, amount)
        assert tl.integral(t0, t1) == pytest.approx(amount)
    assert RateTimeline(np.zeros(3), 1.0).time_to_accumulate(0, 1) == np.inf


def test_weighted_percentiles_match_numpy_on_expanded():
    rng = np.random.default_rng(0)
    values = rng.normal(100, 30, 500).round(1)
    counts = rng.integers(0, 20, 500)
    expanded = np.repeat(values, counts)
    q = [0, 1, 50, 95, 99, 99.9, 100]
    got = weighted_percentiles(values, counts, q)
    want = np.percentile(expanded, q, method="inverted_cdf")
    np.testing.assert_array_equal(got, want)
    assert np.isnan(weighted_percentiles([], [], [50])[0])


def test_busy_seconds_handles_overlaps_and_partial_steps():
    got = busy_seconds_per_step([5.0, 0.0], [25.0, 10.0], [1.0, 2.0], 4, 10.0)
    np.testing.assert_allclose(got, [5 + 20, 10, 5, 0])
