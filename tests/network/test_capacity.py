import networkx as nx
import numpy as np
import pytest

from aether.network.capacity import backhaul_gbps, bottleneck_gbps, max_flow_gbps, transfer_time_s
from aether.network.topology import DOWNLINK, MESH, TERMINAL, Snapshot


def _snapshot():
    # 0 = ship, 1..3 relays, 4 = gateway down node.
    pairs = [(0, 1, 100.0, TERMINAL), (0, 2, 100.0, TERMINAL), (1, 3, 100.0, MESH),
             (2, 3, 100.0, MESH), (1, 4, 20.0, DOWNLINK), (3, 4, 30.0, DOWNLINK),
             (2, 4, 5.0, DOWNLINK)]
    src, dst, rate, kind = [], [], [], []
    for a, b, r, k in pairs:
        src += [a] if k == DOWNLINK else [a, b]
        dst += [b] if k == DOWNLINK else [b, a]
        rate += [r] if k == DOWNLINK else [r, r]
        kind += [k] if k == DOWNLINK else [k, k]
    n = len(src)
    return Snapshot(0.0, 5, np.array(src), np.array(dst), np.ones(n), np.array(rate),
                    np.array(kind, np.int8))


def test_max_flow_matches_networkx():
    snap = _snapshot()
    g = nx.DiGraph()
    for a, b, r in zip(snap.src, snap.dst, snap.rate_gbps, strict=True):
        g.add_edge(int(a), int(b), capacity=float(r))
    expected = nx.maximum_flow_value(g, 0, 4)
    assert expected == 55.0
    assert max_flow_gbps(snap, np.array([0]), np.array([4])) == pytest.approx(expected)


def test_bottleneck_and_backhaul():
    snap = _snapshot()
    assert bottleneck_gbps(snap, [0, 1, 4]) == 20.0
    assert bottleneck_gbps(snap, []) is None
    assert backhaul_gbps(snap, np.array([0]))[0] == 200.0


def test_transfer_time_integrates_step_rates():
    # 10 Gbps for 10 s (100 Gb), then 40 Gbps: 25 GB = 200 Gb needs 10 s + 100/40 s.
    assert transfer_time_s([10.0, 40.0, 40.0], 10.0, 25.0) == pytest.approx(12.5)
    assert transfer_time_s([0.0, 0.0], 10.0, 1.0) is None
    assert transfer_time_s([1.0], 10.0, 0.0) == 0.0
