"""The network stage: round trips from every user site to the nearest Compute Ship over
the run, ship backhaul and gateway throughput, the fibre baseline beside them; and
routes between two named endpoints step by step (`aether route`).
"""

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

import numpy as np

from aether.geo import NONE
from aether.network.capacity import backhaul_gbps, bottleneck_gbps, max_flow_gbps
from aether.network.fibre import fibre_rtt_ms, load_data_centres
from aether.network.routing import nearest_of_trees_ms, nearest_rtt_ms, route
from aether.network.sovereignty import (
    PolicyBlock,
    PolicyPlan,
    PolicyResult,
    allowed_edges,
    best_flows,
    flow_nodes,
    plan_policies,
    plan_policy,
    route_policies,
    ship_trees,
    subsatellite_country,
)
from aether.network.topology import Topology, build_topology, iter_snapshots
from aether.orbit import PositionSource, Propagated, build_orbits
from aether.parallel import map_time_blocks
from aether.timegrid import TimeGrid

# Gateway max-flow is sampled at about this many steps over the run (it costs ms a step).
FLOW_SAMPLES = 96
# Sovereignty paths (countries crossed, the binding constraint) are walked at about this
# many steps; round trips under each policy are computed at every step.
PATH_SAMPLES = 144
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
    site_country: list[str] = None   # [site] alpha-2 code or "none"
    sovereignty: list[PolicyResult] = None  # one per scenario policy

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
                         "fibre_rtt_ms": float(self.fibre_rtt_ms[k]) if np.isfinite(self.fibre_rtt_ms[k]) else None,
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

    def sovereignty_metrics(self) -> dict:
        """{policy: {sites, compliant_fraction, rtt_p50_ms, ...}} (aether run's `sovereignty`)."""
        return {p.name: p.metrics() for p in self.sovereignty or []}


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
    plans: list[PolicyPlan]
    path_stride: int

    def __call__(self, steps: slice):
        first, stop, _ = steps.indices(self.grid.n_steps)
        groups = self.group_members
        rtt = np.empty((stop - first, self.targets.size, len(groups)), np.float32)
        backhaul = np.zeros((stop - first, len(groups)), np.float32)
        flow_t, flow = [], []
        policies = [PolicyBlock.empty(stop - first, p.users.size) for p in self.plans]
        if not groups:  # nothing to route to: round trips stay empty
            return rtt, backhaul, flow_t, flow, policies
        # With policies, one Dijkstra from every Compute Ship serves them and the groups' round trips.
        rows = [np.searchsorted(self.topology.compute, m) for m in groups]
        for k, snap in enumerate(iter_snapshots(self.topology, self.positions, self.grid, steps)):
            graph = snap.delay_graph(self.hop_delay_ms)
            sample = (first + k) % self.path_stride == 0
            trees = ship_trees(graph, self.topology.compute, sample) if self.plans else None
            for j, members in enumerate(groups):
                rtt[k, :, j] = (nearest_rtt_ms(graph, members, self.targets) if trees is None
                                else nearest_of_trees_ms(trees[0][rows[j]], self.targets))
                backhaul[k, j] = backhaul_gbps(snap, members).sum()
            if (first + k) % self.flow_stride == 0:
                flow_t.append(snap.t_s)
                flow.append([max_flow_gbps(snap, m, self.gateways_down) for m in groups])
            if self.plans:
                route_policies(snap, trees, self.topology, self.plans, policies, k, sample, self.hop_delay_ms)
        return rtt, backhaul, flow_t, flow, policies


def _sovereign_fibre(topology: Topology, plans: list[PolicyPlan], centres, route_factor: float,
                     fibre: np.ndarray, nearest: np.ndarray) -> list[str]:
    """Fibre to the nearest data centre a site's policy allows (the first policy covering it);
    NaN and "none" where it allows none. fibre is updated in place; returns the names."""
    region = [centres.names[i] for i in nearest]
    covered = np.zeros(topology.n_users, bool)
    country = centres.countries() if any(p.fibre_countries for p in plans) else None
    for plan in plans:
        sites = plan.users[~covered[plan.users]]
        covered[sites] = True
        if plan.fibre_countries is None or not sites.size:
            continue
        keep = np.isin(country, plan.fibre_countries)
        if not keep.any():
            fibre[sites] = np.nan
            for s in sites:
                region[s] = NONE
            continue
        allowed = centres.subset(keep)
        rtt, index = fibre_rtt_ms(topology.site_lat_deg[sites], topology.site_lon_deg[sites], allowed, route_factor)
        fibre[sites] = rtt
        for s, i in zip(sites, index, strict=True):
            region[s] = allowed.names[i]
    return region


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
    plans = plan_policies(scenario, topology, topology.site_country)
    fibre_region = _sovereign_fibre(topology, plans, centres, settings.fibre_route_factor, fibre, nearest)
    groups = scenario.compute_group_names
    task = NetworkBlockTask(
        topology=topology, positions=positions, grid=grid,
        group_members=[orbits.members(g) for g in groups], targets=topology.down_node(users),
        gateways_down=topology.down_node(topology.gateway_sites),
        hop_delay_ms=settings.hop_delay_ms, flow_stride=_flow_stride(grid),
        plans=plans,
        path_stride=max(1, grid.n_steps // PATH_SAMPLES),
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
        fibre_region=fibre_region,
        centre_lat_deg=centres.lat_deg,
        centre_lon_deg=centres.lon_deg,
        gateway_names=[topology.site_names[g] for g in gateways],
        gateway_lat_deg=topology.site_lat_deg[gateways],
        gateway_lon_deg=topology.site_lon_deg[gateways],
        compute_groups=groups,
        backhaul_gbps=np.concatenate([r[1] for r in results]),
        flow_t_s=flow_t,
        gateway_flow_gbps=flow,
        site_country=[topology.site_country[u] for u in users],
        sovereignty=[PolicyResult.gather(plan, topology, [r[4][p] for r in results])
                     for p, plan in enumerate(task.plans)],
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
    """Round trip, path and bottleneck between two nodes at every step of one block; under a
    policy, on the links it keeps, and with no target, the policy's flow from the source
    site (up, to an allowed ship, down at an allowed gateway)."""

    topology: Topology
    positions: PositionSource
    grid: TimeGrid
    source: int
    target: int | None
    hop_delay_ms: float
    plan: PolicyPlan | None = None
    site: int | None = None

    def __call__(self, steps: slice) -> list[tuple[float | None, list[str], float | None]]:
        out = []
        for snap in iter_snapshots(self.topology, self.positions, self.grid, steps):
            keep = None
            if self.plan is not None:
                country = subsatellite_country(snap.sat_km) if self.plan.transit_forbidden.size else None
                keep = allowed_edges(snap, self.topology, self.plan, country)
            graph = snap.delay_graph(self.hop_delay_ms, keep)
            if self.target is None:
                dist, pred = ship_trees(graph, self.plan.ships, True)
                flow = best_flows(dist, pred, self.plan.ships, self.topology, np.array([self.site]),
                                  self.plan.landing)
                rtt = None if np.isnan(flow.rtt_ms[0]) else float(flow.rtt_ms[0])
                nodes = flow_nodes(flow, self.topology, self.site, 0)
            else:
                rtt, nodes = route(graph, self.source, self.target)
            out.append((rtt, [self.topology.node_name(n) for n in nodes], bottleneck_gbps(snap, nodes)))
        return out


def _route_policy(scenario, topology: Topology, name: str, dst: str | None) -> PolicyPlan:
    """The named policy's plan; ValueError (one line) for an unknown name or an endpoint it rules out."""
    import difflib

    plans = {p.name: p for p in plan_policies(scenario, topology, topology.site_country)}
    if name not in plans:
        close = difflib.get_close_matches(name, list(plans), n=3)
        known = f"did you mean {', '.join(close)}?" if close else f"policies: {', '.join(plans) or 'none'}"
        raise ValueError(f"unknown policy {name!r} ({known})")
    plan = plans[name]
    node = topology.endpoint(dst, as_source=False) if dst is not None else None
    if node is not None and node < topology.n_sats and node in topology.compute and node not in plan.ships:
        raise ValueError(f"{dst} is a Compute Ship whose registry policy {name} does not allow")
    site = (node - topology.n_sats) % topology.n_sites if node is not None and node >= topology.n_sats else None
    if site is not None and plan.landing is not None and site >= topology.n_users and site not in plan.landing:
        raise ValueError(f"{dst} is a gateway in {topology.site_country[site]}, where policy {name} "
                         "does not let data land")
    return plan


def route_samples(scenario, src: str, dst: str | None, orbits=None, grid: TimeGrid | None = None,
                  executor: Executor | None = None, policy: str | None = None) -> RouteResult:
    """Round trip, path and bottleneck between two named endpoints at every step of the run;
    under a policy, on what it allows; with dst None, the policy's flow from the site src.

    ValueError (one line, with close matches) for an unknown name.
    """
    orbits = orbits or build_orbits(scenario)
    grid = grid or scenario.run.grid
    positions = Propagated(orbits, grid)
    topology = build_topology(scenario, orbits, positions)
    plan = _route_policy(scenario, topology, policy, dst) if policy is not None else None
    if dst is None:
        if plan is None:
            raise ValueError("give a destination, or a policy whose flow to follow (--policy)")
        source, target = resolve_endpoints(topology, src, src)[0], None
        site = topology._site_index.get(src)
        if site is None or site >= topology.n_users:
            raise ValueError(f"{src!r} is not a user site (allowed: a user site, whose flow the policy routes)")
    else:
        (source, target), site = resolve_endpoints(topology, src, dst), None
    task = RouteBlockTask(topology, positions, grid, source, target, scenario.network.hop_delay_ms, plan, site)
    rows = [row for part in map_time_blocks(task, _blocks(grid), executor) for row in part]
    return RouteResult(src, dst or "", grid.seconds, [r[0] for r in rows], [r[1] for r in rows],
                       [r[2] for r in rows])


@dataclass
class PolicyAt:
    """One policy at one instant for a set of user sites, per Compute Ship of the topology,
    as the stage routes a scenario's policy: the flow goes up from each site to the ship and,
    when the policy names landing countries, on to a gateway in one of them."""

    ship_names: list[str]        # [ship] every Compute Ship
    reach: np.ndarray            # [ship] registry allowed, not over a forbidden country, every flow routed
    rtt_ms: np.ndarray           # [site, ship] round trip of each site's flow; inf: unreachable
    gateway: list[str | None]    # [ship] the allowed gateway nearest over the kept links (None: none reachable)
    sat_country: list[str]       # [ship] the country under each ship ("none" at sea)
    crossed: dict                # ship -> countries under the satellites of its flows and its downlink path

    def countries_crossed(self, ship: str) -> list[str]:
        return self.crossed.get(ship, [])


def policy_at(scenario, orbits, topology: Topology, when: datetime, sets: dict[str, frozenset[str]],
              sites: list[str]) -> PolicyAt:
    """Route a policy's flows from `sites` (user site names) at the instant `when` as the stage
    routes a scenario's policies (forbidden nodes and hops dropped, Dijkstra on the rest)."""
    from aether.geo import country_map
    from aether.network.routing import path_nodes

    grid = TimeGrid(when, scenario.run.step_s, 1)
    positions = Propagated(orbits, grid)
    index = {name: k for k, name in enumerate(topology.site_names[:topology.n_users])}
    users = np.array([index[s] for s in sites], int)
    plan = plan_policy(scenario, topology, topology.site_country, "job", sets, users)
    snap = next(iter_snapshots(topology, positions, grid))
    sat_country = subsatellite_country(snap.sat_km)
    graph = snap.delay_graph(scenario.network.hop_delay_ms, allowed_edges(snap, topology, plan, sat_country))
    dist, pred = ship_trees(graph, plan.ships, True)
    landing = topology.gateway_sites if plan.landing is None else plan.landing
    compute = topology.compute
    rows = np.searchsorted(compute, plan.ships)
    to_gateway = dist[:, topology.down_node(landing)] if landing.size else np.full((plan.ships.size, 1), np.inf)
    nearest = np.argmin(to_gateway, axis=1)
    down = to_gateway[np.arange(plan.ships.size), nearest]                 # [allowed ship] one way to a gateway
    legs = down if plan.landing is not None else np.zeros(plan.ships.size)  # the flow lands only where named
    rtt = np.full((users.size, compute.size), np.inf)
    rtt[:, rows] = 2.0 * (dist[:, topology.down_node(users)] + legs[:, None]).T
    reach = np.zeros(compute.size, bool)
    reach[rows] = np.isfinite(legs) & ~np.isin(sat_country[plan.ships], plan.transit_forbidden)
    reach &= np.isfinite(rtt).all(axis=0)
    gateway: list[str | None] = [None] * compute.size
    crossed: dict[str, list[str]] = {}
    names = country_map().names
    for k, ship in enumerate(plan.ships):
        nodes = [n for u in users for n in path_nodes(pred[k], int(ship), int(topology.down_node(u)))] + [int(ship)]
        if np.isfinite(down[k]):
            g = int(landing[nearest[k]])
            gateway[rows[k]] = topology.site_names[g]
            nodes += path_nodes(pred[k], int(ship), int(topology.down_node(g)))
        sats = np.array(sorted({n for n in nodes if n < topology.n_sats}), int)
        under = sat_country[sats]
        crossed[topology.sat_names[ship]] = sorted({str(c) for c in names(under[under >= 0])})
    return PolicyAt([topology.sat_names[s] for s in compute], reach, rtt, gateway,
                    [str(c) for c in names(sat_country[compute])], crossed)
