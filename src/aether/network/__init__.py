"""The network: laser mesh, Compute Ship terminals, ground links, routing, capacity and
the fibre baseline.

The stage's public surface; other stages use these names, never the modules behind them.
"""

from aether.network.capacity import backhaul_gbps, bottleneck_gbps, max_flow_gbps, transfer_time_s
from aether.network.fibre import fibre_rtt_ms, great_circle_km, load_data_centres
from aether.network.mesh import mesh_pairs
from aether.network.routing import nearest_rtt_ms, route, rtt_ms
from aether.network.scene import SceneLinks, scene_links
from aether.network.sovereignty import PolicyResult, subsatellite_country
from aether.network.stage import NetworkResult, PolicyAt, RouteResult, policy_at, route_samples, simulate_network
from aether.network.topology import Snapshot, Topology, build_topology, iter_snapshots

__all__ = [
    "NetworkResult", "PolicyAt", "PolicyResult", "RouteResult", "SceneLinks", "Snapshot", "Topology", "backhaul_gbps",
    "bottleneck_gbps", "build_topology", "fibre_rtt_ms", "great_circle_km", "iter_snapshots", "load_data_centres",
    "max_flow_gbps", "mesh_pairs", "nearest_rtt_ms", "policy_at", "route", "route_samples", "rtt_ms", "scene_links",
    "simulate_network", "subsatellite_country", "transfer_time_s",
]
