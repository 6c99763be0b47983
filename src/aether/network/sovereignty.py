"""Data-sovereignty policies enforced in routing, step by step.

A policy's flow from a user site goes up, over the network to a Compute Ship whose state of
registry the policy allows, and, when the policy names landing countries, on to a gateway in
one of them, where the data comes down. At each step the nodes and hops the policy forbids
are dropped (satellites whose sub-satellite point lies in a forbidden country, ground relays
in forbidden countries) and the flow is routed on what is left (csgraph Dijkstra); where
nothing is left the step is unreachable for that site (NaN), never routed some other way.
The same flow without the policy (any ship, any gateway, every hop) gives the penalty.

Links are symmetric (each physical link appears once each way with the same delay, and a
site's up and down nodes mirror each other), so one Dijkstra from the ships gives both
legs: ship -> a site's down node is as long as the site's up node -> ship.
"""

from dataclasses import dataclass

import numpy as np

from aether.geo import NONE, country_map, expand
from aether.network.topology import RELAY, Snapshot, Topology
from aether.orbit import ecef_to_geodetic

CONSTRAINTS = ("landing_countries", "compute_registries", "forbid_transit_over",
               "forbid_ground_relay_countries")


@dataclass(frozen=True)
class PolicyPlan:
    """One policy as node sets of a topology: plain arrays, so it pickles to workers."""

    name: str
    users: np.ndarray              # user site indices the policy covers
    ships: np.ndarray              # compute satellites whose registry it allows
    landing: np.ndarray | None     # gateway site indices it may land at; None: flow ends at the ship
    transit_forbidden: np.ndarray  # country indices (aether.geo codes) no hop may lie over
    relay_forbidden: np.ndarray    # site indices that may not relay
    # Countries whose ground data centres the fibre baseline may use: where the data may
    # land, else where it may be processed; None: any.
    fibre_countries: tuple[str, ...] | None = None

    @property
    def restricts_graph(self) -> bool:
        return bool(self.transit_forbidden.size or self.relay_forbidden.size)


def plan_policies(scenario, topology: Topology, site_country: list[str]) -> list[PolicyPlan]:
    """Each of the scenario's policies on this topology; site_country: users then gateways."""
    users = topology.user_sites
    covered = [users[np.isin(np.asarray(site_country, object)[users], list(expand(p.users)))]
               for p in scenario.sovereignty.policies]
    return [plan_policy(scenario, topology, site_country, p.name, p.constraints, c)
            for p, c in zip(scenario.sovereignty.policies, covered, strict=True)]


def plan_policy(scenario, topology: Topology, site_country: list[str], name: str,
                sets: dict[str, frozenset[str]], covered: np.ndarray) -> PolicyPlan:
    """One policy's constraint sets (Constraints.constraints) as node sets for the user sites `covered`."""
    registry = np.array([scenario.spacecraft[g].registry_country or NONE for g in topology.group_of], object)
    site_country = np.asarray(site_country, object)
    ships = topology.compute
    if sets["compute_registries"]:
        ships = ships[np.isin(registry[ships], list(sets["compute_registries"]))]
    landing = None
    if sets["landing_countries"]:
        gateways = topology.gateway_sites
        landing = gateways[np.isin(site_country[gateways], list(sets["landing_countries"]))]
    forbidden = country_map().index_of(sorted(sets["forbid_transit_over"]))
    relay = np.flatnonzero(np.isin(site_country, list(sets["forbid_ground_relay_countries"])))
    fibre = sets["landing_countries"] or sets["compute_registries"]
    return PolicyPlan(name, covered, ships, landing, forbidden[forbidden >= 0], relay,
                      tuple(sorted(fibre)) if fibre else None)


def subsatellite_country(sat_km: np.ndarray) -> np.ndarray:
    """Country index (aether.geo codes; -1 none) under each satellite, any leading shape."""
    lat, lon, _ = ecef_to_geodetic(sat_km[..., 0], sat_km[..., 1], sat_km[..., 2])
    return country_map().lookup(lat, lon)


def allowed_edges(snap: Snapshot, topology: Topology, plan: PolicyPlan,
                  sat_country: np.ndarray | None) -> np.ndarray | None:
    """Edges the policy keeps at this step; None where it keeps them all."""
    if not plan.restricts_graph:
        return None
    keep = np.ones(snap.src.size, bool)
    if plan.transit_forbidden.size:
        banned = np.zeros(snap.n_nodes, bool)
        banned[:topology.n_sats] = np.isin(sat_country, plan.transit_forbidden)
        keep &= ~banned[snap.src] & ~banned[snap.dst]
    if plan.relay_forbidden.size:
        relay_banned = np.zeros(snap.n_nodes, bool)
        relay_banned[topology.down_node(plan.relay_forbidden)] = True
        keep &= ~((snap.kind == RELAY) & relay_banned[snap.src])
    return keep


@dataclass
class Flow:
    """One step's best flows from a set of ships to a set of user sites."""

    rtt_ms: np.ndarray     # [user] NaN where unreachable
    ship: np.ndarray       # [user] satellite index of the processing ship (-1: none)
    gateway: np.ndarray    # [user] landing gateway site index (-1: none or no landing)
    predecessors: np.ndarray | None  # [ship, node] Dijkstra trees, when paths were asked for
    ships: np.ndarray      # the ships the trees start from


def ship_trees(graph, ships: np.ndarray, paths: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """([ship, node] one-way ms from each ship, predecessors or None)."""
    from scipy.sparse.csgraph import dijkstra

    if ships.size == 0:
        return np.zeros((0, graph.shape[0])), (np.zeros((0, graph.shape[0]), int) if paths else None)
    found = dijkstra(graph, directed=True, indices=ships, return_predecessors=paths)
    dist, pred = found if paths else (found, None)
    return np.atleast_2d(dist), (np.atleast_2d(pred) if paths else None)


def best_flows(dist: np.ndarray, pred: np.ndarray | None, ships: np.ndarray, topology: Topology,
               users: np.ndarray, landing: np.ndarray | None) -> Flow:
    """Round trip user -> ship (-> landing gateway), minimised over ships and gateways;
    dist and pred: ship_trees from these ships."""
    n_users = users.size
    if ships.size == 0 or n_users == 0 or (landing is not None and landing.size == 0):
        none = np.full(n_users, -1)
        return Flow(np.full(n_users, np.nan), none, none, pred, ships)
    total = dist[:, topology.down_node(users)]                     # [ship, user]
    if landing is not None:
        to_gateway = dist[:, topology.down_node(landing)]          # [ship, gateway]
        nearest = np.argmin(to_gateway, axis=1)
        total = total + to_gateway[np.arange(ships.size), nearest][:, None]
    best = np.argmin(total, axis=0)
    one_way = total[best, np.arange(n_users)]
    ok = np.isfinite(one_way)
    gateway = np.where(ok, landing[nearest[best]], -1) if landing is not None else np.full(n_users, -1)
    return Flow(np.where(ok, 2.0 * one_way, np.nan), np.where(ok, ships[best], -1), gateway, pred, ships)


def flow_nodes(flow: Flow, topology: Topology, user: int, k: int) -> list[int]:
    """Nodes of the flow of the k-th user: up node, ..., ship, ..., landing down node."""
    from aether.network.routing import path_nodes

    if flow.ship[k] < 0 or flow.predecessors is None:
        return []
    row = flow.predecessors[np.flatnonzero(flow.ships == flow.ship[k])[0]]
    ship = int(flow.ship[k])
    to_user = path_nodes(row, ship, int(topology.down_node(user)))
    up = [int(topology.up_node(user))] + [n for n in to_user[::-1][1:]]  # mirror: up node -> ship
    if flow.gateway[k] < 0:
        return up
    return up + path_nodes(row, ship, int(topology.down_node(flow.gateway[k])))[1:]


def violations(nodes: list[int], ship: int, gateway: int, topology: Topology, plan: PolicyPlan,
               sat_country: np.ndarray) -> np.ndarray:
    """Which of the policy's constraints (CONSTRAINTS order) a flow breaks: [4] bools."""
    nodes = np.asarray(nodes, int)
    sats = nodes[nodes < topology.n_sats]
    sites = (nodes[nodes >= topology.n_sats] - topology.n_sats) % topology.n_sites
    relays = sites[1:-1] if plan.landing is not None else sites[1:]
    return np.array([
        plan.landing is not None and gateway not in plan.landing,
        ship not in plan.ships,
        bool(np.isin(sat_country[sats], plan.transit_forbidden).any()),
        bool(np.isin(relays, plan.relay_forbidden).any()),
    ])


@dataclass
class PolicyBlock:
    """One policy over one block of steps (the network stage's task fills it)."""

    rtt_ms: np.ndarray          # [step, user] under the policy, NaN: cannot be met
    free_rtt_ms: np.ndarray     # [step, user] the same flow without the policy
    ship: np.ndarray            # [step, user] processing satellite (-1: none)
    gateway: np.ndarray         # [step, user] landing gateway site (-1: none)
    crossed: set                # country indices under the policy's hops (sampled steps)
    broken: np.ndarray          # [constraint] sampled flows whose free route breaks it
    sampled: int                # sampled flows with a free route

    @classmethod
    def empty(cls, steps: int, users: int) -> "PolicyBlock":
        return cls(np.full((steps, users), np.nan, np.float32), np.full((steps, users), np.nan, np.float32),
                   np.full((steps, users), -1, np.int32), np.full((steps, users), -1, np.int32), set(),
                   np.zeros(len(CONSTRAINTS), np.int64), 0)


def route_policies(snap: Snapshot, trees: tuple[np.ndarray, np.ndarray | None], topology: Topology,
                   plans: list[PolicyPlan], blocks: list[PolicyBlock], k: int, sample: bool,
                   hop_delay_ms: float) -> None:
    """Route every policy's flows at one step (row k of blocks); trees: ship_trees from every
    Compute Ship on the whole graph (predecessors on sampled steps). On sampled steps also
    walk the paths for the countries crossed and the constraints the free route breaks."""
    need_countries = sample or any(p.transit_forbidden.size for p in plans)
    sat_country = subsatellite_country(snap.sat_km) if need_countries else None
    ships = topology.compute
    dist, pred = trees
    for plan, block in zip(plans, blocks, strict=True):
        free_landing = topology.gateway_sites if plan.landing is not None else None
        free = best_flows(dist, pred, ships, topology, plan.users, free_landing)
        keep = allowed_edges(snap, topology, plan, sat_country)
        if keep is None:
            rows = np.searchsorted(ships, plan.ships)
            flow = best_flows(dist[rows], None if pred is None else pred[rows], plan.ships, topology,
                              plan.users, plan.landing)
        else:
            tree = ship_trees(snap.delay_graph(hop_delay_ms, keep), plan.ships, sample)
            flow = best_flows(*tree, plan.ships, topology, plan.users, plan.landing)
        block.rtt_ms[k], block.free_rtt_ms[k] = flow.rtt_ms, free.rtt_ms
        block.ship[k], block.gateway[k] = flow.ship, flow.gateway
        if not sample:
            continue
        for j, user in enumerate(plan.users):
            nodes = flow_nodes(flow, topology, user, j)
            sats = np.asarray([n for n in nodes if n < topology.n_sats], int)
            block.crossed.update(int(c) for c in sat_country[sats] if c >= 0)
            if free.ship[j] >= 0:
                block.sampled += 1
                block.broken += violations(flow_nodes(free, topology, user, j), int(free.ship[j]),
                                           int(free.gateway[j]), topology, plan, sat_country)


@dataclass
class PolicyResult:
    """A policy over the whole run, for its user sites."""

    name: str
    site_names: list[str]
    sites: np.ndarray           # [site] user site indices
    rtt_ms: np.ndarray          # [time, site] under the policy, NaN where it cannot be met
    free_rtt_ms: np.ndarray     # [time, site] the same flow without the policy
    ship_names: list[str]       # [time, site] index -> processing ship
    ship: np.ndarray            # [time, site] index into ship_names (-1: none)
    gateway_names: list[str]
    gateway: np.ndarray         # [time, site] index into gateway_names (-1: none or no landing)
    countries_crossed: list[str]
    broken: dict[str, int]      # constraint -> sampled flows whose free route breaks it
    allowed_ships: list[str]    # Compute Ships whose registry the policy allows

    @classmethod
    def gather(cls, plan: PolicyPlan, topology: Topology, blocks: list[PolicyBlock]) -> "PolicyResult":
        crossed = set().union(*(b.crossed for b in blocks)) if blocks else set()
        gateway = np.concatenate([b.gateway for b in blocks])
        broken = sum((b.broken for b in blocks), np.zeros(len(CONSTRAINTS), np.int64))
        return cls(
            name=plan.name,
            site_names=[topology.site_names[u] for u in plan.users],
            sites=plan.users,
            rtt_ms=np.concatenate([b.rtt_ms for b in blocks]),
            free_rtt_ms=np.concatenate([b.free_rtt_ms for b in blocks]),
            ship_names=list(topology.sat_names),
            ship=np.concatenate([b.ship for b in blocks]),
            gateway_names=list(topology.site_names),
            gateway=gateway,
            countries_crossed=sorted(str(c) for c in country_map().names(np.array(sorted(crossed), int))),
            broken={c: int(n) for c, n in zip(CONSTRAINTS, broken, strict=True)},
            allowed_ships=[topology.sat_names[i] for i in plan.ships],
        )

    @property
    def compliant(self) -> np.ndarray:
        """[time, site] whether a flow meets the policy."""
        return np.isfinite(self.rtt_ms)

    @property
    def binding(self) -> str:
        """The constraint the unconstrained route breaks most often (sampled steps), or none."""
        name, count = max(self.broken.items(), key=lambda item: item[1])
        return name if count > 0 else NONE

    def metrics(self) -> dict:
        """{compliant_fraction, rtt_p50_ms, rtt_p95_ms, rtt_penalty_p50_ms, countries_crossed,
        binding}; null where the policy is never met."""
        met = self.compliant
        values = self.rtt_ms[met].astype(float)
        both = met & np.isfinite(self.free_rtt_ms)
        penalty = (self.rtt_ms[both] - self.free_rtt_ms[both]).astype(float)
        p50, p95 = np.percentile(values, [50, 95]) if values.size else (None, None)
        return {
            "sites": len(self.site_names),
            "compliant_fraction": float(met.mean()) if met.size else 0.0,
            "rtt_p50_ms": None if p50 is None else float(p50),
            "rtt_p95_ms": None if p95 is None else float(p95),
            "rtt_penalty_p50_ms": float(np.median(penalty)) if penalty.size else None,
            "countries_crossed": self.countries_crossed,
            "binding": self.binding,
        }
