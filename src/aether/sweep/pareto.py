"""The Pareto front: the rows no other row beats in every objective."""

import numpy as np

# Rows compared at once against all others: memory stays at BLOCK x rows x objectives.
BLOCK = 1024


def pareto_front(values, goals: list[str]) -> np.ndarray:
    """A mask of the non-dominated rows of values [row, objective], each objective to
    "min" or "max". Row i is dominated when another row is at least as good in every
    objective and better in one (exact comparisons; equal rows dominate neither). Rows
    with NaN are never on the front and dominate nothing."""
    v = np.asarray(values, dtype=float)
    if v.ndim != 2 or v.shape[1] != len(goals):
        raise ValueError(f"values of shape {v.shape} for {len(goals)} goals (allowed: [rows, {len(goals)}])")
    if any(g not in ("min", "max") for g in goals):
        raise ValueError(f"goals {goals} (allowed: min or max)")
    v = v * np.where(np.array(goals) == "max", -1.0, 1.0)  # every objective to minimise
    valid = ~np.isnan(v).any(axis=1)
    others = v[valid]
    front = np.zeros(len(v), dtype=bool)
    rows = np.flatnonzero(valid)
    for start in range(0, len(rows), BLOCK):
        block = v[rows[start:start + BLOCK]][:, None, :]
        no_worse = (others[None, :, :] <= block).all(axis=2)
        better = (others[None, :, :] < block).any(axis=2)
        front[rows[start:start + BLOCK]] = ~(no_worse & better).any(axis=1)
    return front


def best_designs(frame, spec, count: int = 5):
    """The rows worth reading first, among the finished ones that meet every constraint: the
    Pareto front of two objectives (by the first objective), or the `count` best by one; the
    DataFrame with every column (inputs and all kept metrics)."""
    kept = frame[frame["status"] == "ok"]
    if spec.constraints:
        kept = kept[kept["feasible"].fillna(False).astype(bool)]
    goals = [o.goal for o in spec.objectives]
    names = [o.metric for o in spec.objectives]
    if not names:
        return kept.iloc[:0]
    if len(names) == 2:
        front = kept[pareto_front(kept[names].to_numpy(dtype=float), goals)]
        return front.sort_values(names[0], ascending=goals[0] == "min")
    kept = kept.dropna(subset=names)
    return kept.sort_values(names[0], ascending=goals[0] == "min").head(count)
