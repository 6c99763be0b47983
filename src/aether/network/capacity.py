"""Capacity: the bottleneck rate of a path, each ship's total backhaul, and the time to
move a volume between ships and the gateways over the links of each step (max-flow).

scipy is imported inside the functions that use it, so that `aether validate` and
the scenario checks start without it.
"""

import numpy as np

from aether.network.topology import DOWNLINK, RELAY, TERMINAL, Snapshot

# Max-flow works on integers: capacities in units of this many Gbps (1 Mbps).
_UNIT_GBPS = 1e-3


def bottleneck_gbps(snapshot: Snapshot, path: list[int]) -> float | None:
    """The smallest link rate along a path of node indices; None for an empty path."""
    from scipy.sparse import csr_matrix

    if len(path) < 2:
        return None
    rate = csr_matrix((snapshot.rate_gbps, (snapshot.src, snapshot.dst)),
                      shape=(snapshot.n_nodes, snapshot.n_nodes))
    hops = np.asarray(path)
    return float(np.asarray(rate[hops[:-1], hops[1:]]).min())


def backhaul_gbps(snapshot: Snapshot, ships: np.ndarray) -> np.ndarray:
    """Each ship's total outgoing link rate to the rest of the network (terminal links and
    direct ground links; links inside its own formation excluded)."""
    counted = (snapshot.kind == TERMINAL) | (snapshot.kind == DOWNLINK)
    sums = np.bincount(snapshot.src[counted], weights=snapshot.rate_gbps[counted],
                       minlength=snapshot.n_nodes)
    return sums[np.asarray(ships, int)]


def max_flow_gbps(snapshot: Snapshot, sources: np.ndarray, sinks: np.ndarray) -> float:
    """Largest rate (Gbps) from the source nodes together into the sink nodes together.

    Every link carries its own rate each way; ground relay edges are unlimited.
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_flow

    n = snapshot.n_nodes
    if len(sources) == 0 or len(sinks) == 0:
        return 0.0
    big = np.int64(2**30)  # effectively unlimited (about 1 Pbps)
    cap = np.round(snapshot.rate_gbps / _UNIT_GBPS).astype(np.int64)
    cap = np.where(snapshot.kind == RELAY, big, cap)
    super_source, super_sink = n, n + 1
    src = np.concatenate([snapshot.src, np.full(len(sources), super_source), np.asarray(sinks)])
    dst = np.concatenate([snapshot.dst, np.asarray(sources), np.full(len(sinks), super_sink)])
    cap = np.concatenate([cap, np.full(len(sources) + len(sinks), big)])
    keep = src != dst
    graph = csr_matrix((cap[keep], (src[keep], dst[keep])), shape=(n + 2, n + 2))
    graph.sum_duplicates()
    graph.data = np.minimum(graph.data, 2**31 - 1).astype(np.int32)
    return float(maximum_flow(graph, super_source, super_sink).flow_value * _UNIT_GBPS)


def transfer_time_s(
    rates_gbps: np.ndarray, step_s: float, volume_gigabytes: float, start_step: int = 0
) -> float | None:
    """Time to move volume_gigabytes at the rate of each step held until the next.

    None when the run ends first.
    """
    bits = volume_gigabytes * 8.0
    rates = np.asarray(rates_gbps, float)[start_step:]
    if bits <= 0:
        return 0.0
    done = np.cumsum(rates * step_s)
    k = int(np.searchsorted(done, bits))
    if k >= len(rates):
        return None
    before = done[k - 1] if k else 0.0
    return k * step_s + (bits - before) / rates[k]
