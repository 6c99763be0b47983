"""The Pareto front is exact: checked on a hand-made table and against a plain double loop."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aether.sweep import pareto_front
from aether.sweep.pareto import best_designs
from aether.sweep.spec import SweepSpec


def test_a_hand_made_table():
    # (latency ms, cost $/GPU-h), both minimised. By hand: A (10, 5) and B (20, 3) and E (30, 1)
    # trade off; C (20, 4) is beaten by B (same latency, cheaper); D (40, 6) by everyone;
    # F (10, 5) equals A, and equal rows dominate neither; G has NaN and is never on the front.
    table = np.array([[10, 5], [20, 3], [20, 4], [40, 6], [30, 1], [10, 5], [np.nan, 0]])
    assert pareto_front(table, ["min", "min"]).tolist() == [True, True, False, False, True, True, False]


def test_maximised_objectives_flip():
    # Throughput maximised, cost minimised: (100, 5) beats (90, 5); (120, 7) trades off.
    table = np.array([[100, 5], [90, 5], [120, 7], [80, 9]])
    assert pareto_front(table, ["max", "min"]).tolist() == [True, False, True, False]


def brute_force(values: np.ndarray) -> list[bool]:
    """Every row against every other, in plain Python (all objectives minimised)."""
    front = []
    for i, a in enumerate(values):
        dominated = any(all(b[k] <= a[k] for k in range(len(a))) and any(b[k] < a[k] for k in range(len(a)))
                        for j, b in enumerate(values) if j != i)
        front.append(not dominated)
    return front


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(0, 6)), min_size=1, max_size=40))
def test_the_front_matches_a_double_loop(rows):
    values = np.array(rows, dtype=float)
    assert pareto_front(values, ["min"] * 3).tolist() == brute_force(values)


def test_blocks_give_the_same_front(monkeypatch):
    rng = np.random.default_rng(1)
    values = rng.integers(0, 50, size=(300, 2)).astype(float)
    whole = pareto_front(values, ["min", "max"])
    monkeypatch.setattr("aether.sweep.pareto.BLOCK", 7)
    assert (pareto_front(values, ["min", "max"]) == whole).all()


def test_best_designs_keep_only_finished_feasible_rows_on_the_front():
    spec = SweepSpec(name="t", base="x", axes=[{"path": "fleet.ships", "values": [1, 2, 3, 4, 5]}],
                     metrics={"rtt": "a", "usd": "b"}, constraints=[{"metric": "rtt", "max": 35}],
                     objectives=[{"metric": "rtt", "goal": "min"}, {"metric": "usd", "goal": "min"}])
    frame = pd.DataFrame({"case": range(5), "fleet.ships": [1, 2, 3, 4, 5],
                          "status": ["ok", "ok", "ok", "failed", "ok"],
                          "rtt": [30.0, 20.0, 40.0, np.nan, 25.0], "usd": [1.0, 2.0, 0.5, np.nan, 3.0],
                          "feasible": [True, True, False, None, True]})
    # Case 2 breaks the constraint (it would be on the front); case 4 is beaten by case 1.
    assert best_designs(frame, spec)["case"].tolist() == [1, 0]


def test_shapes_and_goals_are_checked():
    with pytest.raises(ValueError, match="goals"):
        pareto_front(np.zeros((3, 2)), ["min", "up"])
    with pytest.raises(ValueError, match="shape"):
        pareto_front(np.zeros((3, 2)), ["min"])
