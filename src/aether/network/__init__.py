"""The network: laser mesh, Compute Ship terminals, ground links, routing, capacity and
the fibre baseline.

Public API (imported lazily so that aether.scenario.schema can import the settings):

- simulate_network(scenario, orbits, grid, workers=1, on_progress=None) -> NetworkResult
- network_figures(result) -> list[Figure]
- route_samples(scenario, src, dst) -> RouteResult
- build_topology, iter_snapshots, rtt_ms, nearest_rtt_ms, route
- fibre_rtt_ms, load_data_centres
- bottleneck_gbps, backhaul_gbps, max_flow_gbps, transfer_time_s
"""

from importlib import import_module

_EXPORTS = {
    "NetworkSettings": "aether.network.settings",
    "NetworkResult": "aether.network.stage",
    "simulate_network": "aether.network.stage",
    "RouteResult": "aether.network.stage",
    "route_samples": "aether.network.stage",
    "network_figures": "aether.network.figures",
    "Topology": "aether.network.topology",
    "Snapshot": "aether.network.topology",
    "build_topology": "aether.network.topology",
    "iter_snapshots": "aether.network.topology",
    "rtt_ms": "aether.network.routing",
    "nearest_rtt_ms": "aether.network.routing",
    "route": "aether.network.routing",
    "fibre_rtt_ms": "aether.network.fibre",
    "load_data_centres": "aether.network.fibre",
    "bottleneck_gbps": "aether.network.capacity",
    "backhaul_gbps": "aether.network.capacity",
    "max_flow_gbps": "aether.network.capacity",
    "transfer_time_s": "aether.network.capacity",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'aether.network' has no attribute {name!r}")
