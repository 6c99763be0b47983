"""Exact percentiles of per-request values held as cohorts (value, count)."""

import numpy as np


def weighted_percentiles(values: np.ndarray, counts: np.ndarray, q) -> np.ndarray:
    """Percentiles q (0..100) of the multiset where values[i] occurs counts[i] times.

    Same definition as numpy's method="inverted_cdf" on the expanded array: the smallest
    value whose cumulative share reaches q. NaN when there are no requests.
    """
    q = np.atleast_1d(np.asarray(q, float))
    values = np.asarray(values)
    counts = np.asarray(counts, np.int64)
    keep = counts > 0
    values, counts = values[keep], counts[keep]
    if values.size == 0:
        return np.full(q.shape, np.nan)
    # Any sort gives the same answer (tied values are equal, whatever their order), so the
    # fast unstable one: these run over millions of cohorts when the report writes metrics.
    order = np.argsort(values)
    cum = np.cumsum(counts[order])
    total = cum[-1]
    # Integer rank: the k-th request (1-based) with k = ceil(q x total / 100), at least 1.
    rank = np.maximum(np.ceil(q * total / 100.0 - 1e-9 * total / 100.0), 1).astype(np.int64)
    idx = np.searchsorted(cum, rank, side="left")
    return values[order][np.minimum(idx, len(order) - 1)].astype(float)
