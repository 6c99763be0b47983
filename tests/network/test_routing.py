"""Routes against networkx and against the straight-line light time."""

import networkx as nx
import numpy as np
import pytest

from aether.constants import C_KM_S
from aether.network.routing import nearest_rtt_ms, route, rtt_ms
from aether.network.topology import build_topology, iter_snapshots
from aether.orbit import Propagated
from aether.orbit.propagate import iter_chunks


def _snapshots(small, steps=slice(0, 30, 6)):
    scenario, orbits, grid = small
    topology = build_topology(scenario, orbits)
    snaps = list(iter_snapshots(topology, Propagated(orbits, grid), grid))[steps]
    positions = np.concatenate(
        [c.r_ecef_km for c in iter_chunks(orbits.array(), len(orbits), grid)])[steps]
    return topology, snaps, positions


def test_paths_equal_networkx_shortest_paths(small):
    topology, snaps, _ = _snapshots(small)
    checked = 0
    for snap in snaps:
        graph = snap.delay_graph()
        g = nx.DiGraph()
        g.add_weighted_edges_from(zip(snap.src.tolist(), snap.dst.tolist(),
                                      np.asarray(graph[snap.src, snap.dst]).ravel().tolist(),
                                      strict=True))
        sources = [int(topology.up_node(s)) for s in range(topology.n_users)]
        sources += list(map(int, topology.compute))
        for source in sources:
            if source not in g:
                continue
            lengths, paths = nx.single_source_dijkstra(g, source)
            for target in map(int, topology.down_node(np.arange(topology.n_sites))):
                rtt, path = route(graph, source, target)
                if target not in lengths:
                    assert rtt is None and path == []
                    continue
                assert rtt == pytest.approx(2 * lengths[target], rel=1e-12)
                assert path == paths[target]
                checked += 1
    assert checked > 20


def test_every_round_trip_is_at_least_the_straight_line_light_time(small):
    topology, snaps, positions = _snapshots(small)
    users = topology.user_sites
    sites_km = topology.stations.r_km
    for snap, r in zip(snaps, positions, strict=True):
        graph = snap.delay_graph()
        rtt = rtt_ms(graph, topology.up_node(users), topology.down_node(users))
        straight = np.linalg.norm(sites_km[users][:, None] - sites_km[users][None], axis=-1)
        light = 2 * straight / C_KM_S * 1e3
        ok = np.isfinite(rtt)
        assert ok.any()
        assert (rtt[ok] >= light[ok] - 1e-9).all()
        to_ship = nearest_rtt_ms(graph, topology.compute, topology.down_node(users))
        ship_light = 2 * np.linalg.norm(sites_km[users] - r[topology.compute[0]], axis=1) / C_KM_S * 1e3
        finite = np.isfinite(to_ship)
        assert (to_ship[finite] >= ship_light[finite] - 1e-9).all()


def test_unreachable_is_none_never_zero():
    from scipy.sparse import csr_matrix

    graph = csr_matrix(([1.0], ([0], [1])), shape=(3, 3))
    assert route(graph, 0, 2) == (None, [])
    assert route(graph, 0, 1) == (2.0, [0, 1])
    assert np.isnan(rtt_ms(graph, [0], [2])[0, 0])


def test_hop_delay_adds_twice_per_hop(small):
    topology, snaps, positions = _snapshots(small, slice(0, 1))
    snap = snaps[0]
    source, target = int(topology.up_node(0)), int(topology.down_node(1))
    plain, path = route(snap.delay_graph(), source, target)
    delayed, path2 = route(snap.delay_graph(hop_delay_ms=1e-6), source, target)
    assert plain is not None and path == path2
    # Without hop delays the round trip is twice the light time along the path's geometry:
    # satellites where the propagator puts them, sites where they stand.
    def where(node):
        if node < topology.n_sats:
            return positions[0][node]
        return topology.stations.r_km[(node - topology.n_sats) % topology.n_sites]

    km = sum(np.linalg.norm(where(b) - where(a)) for a, b in zip(path, path[1:], strict=False))
    assert len(path) >= 3 and plain == pytest.approx(2 * km / C_KM_S * 1e3, rel=1e-9)
    assert delayed == pytest.approx(plain + 2 * (len(path) - 1) * 1e-6, abs=1e-9)


def test_ground_sites_do_not_relay_unless_allowed():
    from aether.network.topology import RELAY
    from aether.orbit.build import build_orbits
    from aether.timegrid import TimeGrid

    from .conftest import make

    for allowed in (False, True):
        scenario = make({"ground_relay": allowed})
        orbits = build_orbits(scenario)
        grid = TimeGrid(scenario.run.start, 60.0, 1)
        topology = build_topology(scenario, orbits)
        snap = next(iter_snapshots(topology, Propagated(orbits, grid), grid))
        assert ((snap.kind == RELAY).sum() > 0) == allowed
        _, pred = __import__("scipy.sparse.csgraph", fromlist=["dijkstra"]).dijkstra(
            snap.delay_graph(), indices=int(topology.compute[0]), return_predecessors=True)
        transit = np.isin(pred, topology.up_node(np.arange(topology.n_sites)))
        if not allowed:
            assert not transit.any()
