"""The network stage: round trips from every user site to the nearest Compute Ship over
the run, ship backhaul and gateway throughput, the fibre baseline beside them; and
routes between two named endpoints step by step (`aether route`).
"""

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from aether.network.capacity import backhaul_gbps, bottleneck_gbps, max_flow_gbps
from aether.network.fibre import fibre_rtt_ms, load_data_centres
from aether.network.routing import nearest_rtt_ms, route
from aether.network.topology import Topology, build_topology, iter_snapshots
from aether.orbit import PositionSource, Propagated, build_orbits
from aether.parallel import map_time_blocks
from aether.timegrid import TimeGrid

# Gateway max-flow is sampled at about this many steps over the run (it costs ms a step).
FLOW_SAMPLES = 96
# Runs are cut into blocks of this many steps, whatever the number of workers, so that
# results do not depend on the machine (terminal choices restart at each block).
BLOCK_STEPS = 512


def _blocks(grid: TimeGrid) -> list[slice]:
    return list(grid.chunks(BLOCK_STEPS))


@dataclass
class NetworkResult:
    """Per user site: round trips to the nearest Compute Ship at every step (NaN where
    unreachable) and the fibre baseline; per compute entry: backhaul and gateway flow."""

    grid: TimeGrid
    site_names: list[str]
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    rtt_group_ms: np.ndarray         # [time, site, compute group], float32, NaN where unreachable
    fibre_rtt_ms: np.ndarray         # [site]
    fibre_region: list[str]          # [site] the nearest data centre
    centre_lat_deg: np.ndarray       # bundled/chosen data centres, for the map
    centre_lon_deg: np.ndarray
    gateway_names: list[str]
    gateway_lat_deg: np.ndarray
    gateway_lon_deg: np.ndarray
    compute_groups: list[str]
    backhaul_gbps: np.ndarray        # [time, compute group], summed over the group's ships
    flow_t_s: np.ndarray             # [samples] instants of the gateway max-flow samples
    gateway_flow_gbps: np.ndarray    # [samples, compute group]

    @cached_property
    def rtt_ms(self) -> np.ndarray:
        """[time, site] round trip to the nearest Compute Ship of any group (NaN: none)."""
        if not self.compute_groups:
            return np.full(self.rtt_group_ms.shape[:2], np.nan, np.float32)
        return np.fmin.reduce(self.rtt_group_ms, axis=2)

    def site_stats(self) -> dict[str, dict[str, float | None]]:
        out = {}
        reachable = np.isfinite(self.rtt_ms)
        for k, name in enumerate(self.site_names):
            values = self.rtt_ms[reachable[:, k], k].astype(float)
            share = float(reachable[:, k].mean()) if len(reachable) else 0.0
            if values.size:
                p50, p95 = np.percentile(values, [50, 95])
                stats = {"rtt_p50_ms": float(p50), "rtt_p95_ms": float(p95),
                         "rtt_max_ms": float(values.max())}
            else:
                stats = {"rtt_p50_ms": None, "rtt_p95_ms": None, "rtt_max_ms": None}
            out[name] = {**stats, "reachable_fraction": share,
                         "fibre_rtt_ms": float(self.fibre_rtt_ms[k]),
                         "fibre_region": self.fibre_region[k]}
        return out

    def metrics(self) -> dict:
        """{"sites": {name: {rtt_p50_ms, rtt_p95_ms, rtt_max_ms, reachable_fraction,
        fibre_rtt_ms, fibre_region}}, "ships": {group: {...}}}; null where never reachable."""
        ships = {}
        for j, group in enumerate(self.compute_groups):
            flow = self.gateway_flow_gbps[:, j] if len(self.flow_t_s) else np.zeros(0)
            ships[group] = {
                "backhaul_mean_gbps": float(self.backhaul_gbps[:, j].mean()),
                "backhaul_min_gbps": float(self.backhaul_gbps[:, j].min()),
                "gateway_flow_p50_gbps": float(np.median(flow)) if flow.size else None,
                "gateway_flow_min_gbps": float(flow.min()) if flow.size else None,
            }
        return {"sites": self.site_stats(), "ships": ships}


def _flow_stride(grid: TimeGrid) -> int:
    return max(1, grid.n_steps // FLOW_SAMPLES)


@dataclass(frozen=True)
class NetworkBlockTask:
    """The network stage over one block of steps: round trips from every user site to the
    nearest ship of each compute group, backhaul, and sampled gateway max-flow. Plain data,
    so it pickles to worker processes."""

    topology: Topology
    positions: PositionSource
    grid: TimeGrid
    group_members: list[np.ndarray]
    targets: np.ndarray
    gateways_down: np.ndarray
    hop_delay_ms: float
    flow_stride: int

    def __call__(self, steps: slice):
        first, stop, _ = steps.indices(self.grid.n_steps)
        groups = self.group_members
        rtt = np.empty((stop - first, self.targets.size, len(groups)), np.float32)
        backhaul = np.zeros((stop - first, len(groups)), np.float32)
        flow_t, flow = [], []
        if not groups:  # nothing to route to: round trips stay empty
            return rtt, backhaul, flow_t, flow
        for k, snap in enumerate(iter_snapshots(self.topology, self.positions, self.grid, steps)):
            graph = snap.delay_graph(self.hop_delay_ms)
            for j, members in enumerate(groups):
                rtt[k, :, j] = nearest_rtt_ms(graph, members, self.targets)
                backhaul[k, j] = backhaul_gbps(snap, members).sum()
            if (first + k) % self.flow_stride == 0:
                flow_t.append(snap.t_s)
                flow.append([max_flow_gbps(snap, m, self.gateways_down) for m in groups])
        return rtt, backhaul, flow_t, flow


def simulate_network(
    scenario, orbits, grid: TimeGrid, positions: PositionSource | None = None,
    executor: Executor | None = None, on_progress: Callable[[float], None] | None = None,
) -> NetworkResult:
    """Route every user site to the nearest member of each compute group at every step.

    positions: the orbit stage's stored positions; by default the satellites are
    propagated here (for the network stage run on its own).
    """
    if positions is None:
        positions = Propagated(orbits, grid)
    topology = build_topology(scenario, orbits, positions)
    settings = scenario.network
    centres = load_data_centres(scenario)
    users = topology.user_sites
    fibre, nearest = fibre_rtt_ms(topology.site_lat_deg[users], topology.site_lon_deg[users],
                                  centres, settings.fibre_route_factor)
    groups = scenario.compute_group_names
    task = NetworkBlockTask(
        topology=topology, positions=positions, grid=grid,
        group_members=[orbits.members(g) for g in groups], targets=topology.down_node(users),
        gateways_down=topology.down_node(topology.gateway_sites),
        hop_delay_ms=settings.hop_delay_ms, flow_stride=_flow_stride(grid),
    )
    results = map_time_blocks(task, _blocks(grid), executor, on_progress)
    flow_t = np.array([t for r in results for t in r[2]], float)
    flow = np.array([f for r in results for f in r[3]], float).reshape(len(flow_t), len(groups))
    gateways = topology.gateway_sites
    return NetworkResult(
        grid=grid,
        site_names=[topology.site_names[u] for u in users],
        lat_deg=topology.site_lat_deg[users],
        lon_deg=topology.site_lon_deg[users],
        rtt_group_ms=np.concatenate([r[0] for r in results]),
        fibre_rtt_ms=fibre,
        fibre_region=[centres.names[i] for i in nearest],
        centre_lat_deg=centres.lat_deg,
        centre_lon_deg=centres.lon_deg,
        gateway_names=[topology.site_names[g] for g in gateways],
        gateway_lat_deg=topology.site_lat_deg[gateways],
        gateway_lon_deg=topology.site_lon_deg[gateways],
        compute_groups=groups,
        backhaul_gbps=np.concatenate([r[1] for r in results]),
        flow_t_s=flow_t,
        gateway_flow_gbps=flow,
    )


@dataclass
class RouteResult:
    src: str
    dst: str
    t_s: np.ndarray
    rtt_ms: list[float | None]
    paths: list[list[str]]
    bottleneck_gbps: list[float | None]

    @property
    def path_changes(self) -> int:
        return sum(a != b for a, b in zip(self.paths, self.paths[1:], strict=False))

    def to_json(self) -> dict:
        return {
            "src": self.src,
            "dst": self.dst,
            "path_changes": self.path_changes,
            "samples": [
                {"t_s": float(t), "rtt_ms": r, "path": p, "bottleneck_gbps": b}
                for t, r, p, b in zip(self.t_s, self.rtt_ms, self.paths, self.bottleneck_gbps,
                                      strict=True)
            ],
        }


def resolve_endpoints(topology: Topology, src: str, dst: str) -> tuple[int, int]:
    """Node indices of two names; ValueError (one line, with close matches) if unknown."""
    import difflib

    nodes = []
    for name in (src, dst):
        node = topology.endpoint(name, as_source=not nodes)
        if node is None:
            close = difflib.get_close_matches(name, topology.all_names(), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise ValueError(f"unknown site or spacecraft {name!r}{hint}")
        nodes.append(node)
    return nodes[0], nodes[1]


@dataclass(frozen=True)
class RouteBlockTask:
    """Round trip, path and bottleneck between two nodes at every step of one block."""

    topology: Topology
    positions: PositionSource
    grid: TimeGrid
    source: int
    target: int
    hop_delay_ms: float

    def __call__(self, steps: slice) -> list[tuple[float | None, list[str], float | None]]:
        out = []
        for snap in iter_snapshots(self.topology, self.positions, self.grid, steps):
            rtt, nodes = route(snap.delay_graph(self.hop_delay_ms), self.source, self.target)
            out.append((rtt, [self.topology.node_name(n) for n in nodes], bottleneck_gbps(snap, nodes)))
        return out


def route_samples(scenario, src: str, dst: str, orbits=None,
                  grid: TimeGrid | None = None, executor: Executor | None = None) -> RouteResult:
    """Round trip, path and bottleneck between two named endpoints at every step of the run.

    ValueError (one line, with close matches) for an unknown name.
    """
    orbits = orbits or build_orbits(scenario)
    grid = grid or scenario.run.grid
    positions = Propagated(orbits, grid)
    topology = build_topology(scenario, orbits, positions)
    source, target = resolve_endpoints(topology, src, dst)
    task = RouteBlockTask(topology, positions, grid, source, target, scenario.network.hop_delay_ms)
    rows = [row for part in map_time_blocks(task, _blocks(grid), executor) for row in part]
    return RouteResult(src, dst, grid.seconds, [r[0] for r in rows], [r[1] for r in rows],
                       [r[2] for r in rows])
