"""Shortest propagation-delay paths over a Snapshot (scipy.sparse.csgraph.dijkstra).

Round trip = the one-way shortest delay there and back (links are symmetric), each way
the light time over every hop plus the per-hop delay. Unreachable is NaN / None, never 0.

scipy is imported inside the functions that use it, so that `aether validate` and
the scenario checks start without it.
"""

import numpy as np


def rtt_ms(graph, sources: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """[source, target] round trips in ms, NaN where unreachable."""
    from scipy.sparse.csgraph import dijkstra

    dist = dijkstra(graph, directed=True, indices=np.asarray(sources))
    out = 2.0 * dist[:, np.asarray(targets)]
    out[~np.isfinite(out)] = np.nan
    return out


def nearest_rtt_ms(graph, sources: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """[target] round trip to the nearest of sources, NaN where none is reachable."""
    from scipy.sparse.csgraph import dijkstra

    if len(sources) == 0:
        return np.full(len(targets), np.nan)
    dist = dijkstra(graph, directed=True, indices=np.asarray(sources), min_only=True)
    out = 2.0 * dist[np.asarray(targets)]
    out[~np.isfinite(out)] = np.nan
    return out


def nearest_of_trees_ms(dist: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """nearest_rtt_ms from Dijkstra distances already found from each source ([source, node]
    one-way ms): [target] round trip to the nearest source, NaN where none is reachable."""
    if len(dist) == 0:
        return np.full(len(targets), np.nan)
    out = 2.0 * dist[:, np.asarray(targets)].min(axis=0)
    out[~np.isfinite(out)] = np.nan
    return out


def path_nodes(predecessors: np.ndarray, source: int, target: int) -> list[int]:
    """Node indices from source to target along a predecessor row; [] if unreachable."""
    if source == target:
        return [source]
    if predecessors[target] < 0:
        return []
    path = [target]
    node = target
    while node != source:
        node = int(predecessors[node])
        path.append(node)
    return path[::-1]


def route(graph, source: int, target: int) -> tuple[float | None, list[int]]:
    """(rtt_ms or None, path as node indices) from source to target."""
    from scipy.sparse.csgraph import dijkstra

    dist, pred = dijkstra(graph, directed=True, indices=source, return_predecessors=True)
    if not np.isfinite(dist[target]):
        return None, []
    return 2.0 * float(dist[target]), path_nodes(pred, source, target)
