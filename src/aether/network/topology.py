"""The network's nodes and the rules that make links between them, and the links at
each time step (a Snapshot).

Nodes are numbered: satellites 0..N-1 in OrbitSet order, then one "up" node per ground
site (traffic leaving the site) and one "down" node per site (traffic arriving). Ground
sites are users then gateways. Splitting a site in two means no path can pass through
it unless ground relaying is allowed, which adds a down -> up edge.

scipy is imported inside the functions that use it, so that `aether validate` and
the scenario checks start without it.
"""

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from aether.constants import C_KM_S
from aether.network.geometry import GroundStations, laser_link_ok
from aether.network.mesh import mesh_pairs
from aether.network.terminals import TerminalPlanner
from aether.orbit import PositionSource, Propagated
from aether.settings.network import NetworkSettings
from aether.timegrid import TimeGrid

# Edge kinds, for capacity accounting.
MESH, FORMATION, TERMINAL, UPLINK, DOWNLINK, RELAY = range(6)


@dataclass
class Topology:
    """Who may link with whom; built once per run."""

    settings: NetworkSettings
    sat_names: list[str]
    site_names: list[str]          # users then gateways
    n_users: int
    stations: GroundStations
    site_lat_deg: np.ndarray
    site_lon_deg: np.ndarray
    mesh: np.ndarray               # [links, 2] +Grid satellite pairs
    formation: np.ndarray          # [links, 2] formation member pairs
    ships: np.ndarray              # satellites carrying steerable terminals
    terminal_allowed: np.ndarray   # [ships, satellites]
    compute: np.ndarray            # satellites whose role is compute
    ground_capable: np.ndarray     # satellites that may link to the ground
    group_of: np.ndarray           # satellite -> spacecraft entry index
    group_names: list[str]
    site_country: list[str] = None  # users then gateways: alpha-2 code or "none"

    @property
    def n_sats(self) -> int:
        return len(self.sat_names)

    @property
    def n_sites(self) -> int:
        return len(self.site_names)

    @property
    def n_nodes(self) -> int:
        return self.n_sats + 2 * self.n_sites

    def up_node(self, site: int | np.ndarray):
        return self.n_sats + np.asarray(site)

    def down_node(self, site: int | np.ndarray):
        return self.n_sats + self.n_sites + np.asarray(site)

    @property
    def user_sites(self) -> np.ndarray:
        return np.arange(self.n_users)

    @property
    def gateway_sites(self) -> np.ndarray:
        return np.arange(self.n_users, self.n_sites)

    def node_name(self, node: int) -> str:
        if node < self.n_sats:
            return self.sat_names[node]
        return self.site_names[(node - self.n_sats) % self.n_sites]

    def endpoint(self, name: str, as_source: bool) -> int | None:
        """Node for a site or satellite name (a site's up node as source, down as target)."""
        if name in self._site_index:
            site = self._site_index[name]
            return int(self.up_node(site) if as_source else self.down_node(site))
        return self._sat_index.get(name)

    def all_names(self) -> list[str]:
        return list(self._site_index) + list(self._sat_index)

    def __post_init__(self):
        self._site_index = {n: k for k, n in enumerate(self.site_names)}
        self._sat_index = {n: k for k, n in enumerate(self.sat_names)}


def _formation_pairs(scenario, orbits, first_km: np.ndarray, neighbours: int) -> np.ndarray:
    """Each formation member linked to its nearest members (positions at the first step)."""
    from scipy.spatial import cKDTree

    pairs = []
    for craft in scenario.spacecraft:
        if craft.orbit.kind != "formation":
            continue
        members = orbits.members(craft.name)
        if members.size < 2:
            continue
        kk = min(neighbours, members.size - 1)
        _, nearest = cKDTree(first_km[members]).query(first_km[members], k=kk + 1)
        local = np.stack([np.repeat(np.arange(members.size), kk), nearest[:, 1:].ravel()], -1)
        local.sort(axis=1)
        pairs.append(members[np.unique(local, axis=0)])
    return np.concatenate(pairs) if pairs else np.zeros((0, 2), int)


def build_topology(scenario, orbits, positions: PositionSource | None = None) -> Topology:
    """The link rules of a scenario; raises ScenarioError for a mesh it cannot build.

    Formation links join the members nearest each other at the first step of `positions`
    (default: propagated at the run's start).
    """
    from aether.scenario.sites import gateway_sites, user_sites

    settings: NetworkSettings = scenario.network
    users, gateways = user_sites(scenario), gateway_sites(scenario)
    n = len(orbits)
    roles = np.array([c.role for c in scenario.spacecraft])[orbits.group_of]
    meshed = mesh_pairs(scenario, orbits)
    in_mesh = np.zeros(n, bool)
    in_mesh[meshed.ravel()] = True
    # Everything outside a mesh steers terminals: Compute Ships and lone relays.
    ships = np.flatnonzero(~in_mesh)
    formation_kind = np.array([c.orbit.kind == "formation" for c in scenario.spacecraft])
    same_formation = (orbits.group_of[ships][:, None] == orbits.group_of[None, :]) & formation_kind[
        orbits.group_of[ships]
    ][:, None]
    allowed = ~same_formation
    allowed[np.arange(ships.size), ships] = False
    formation = np.zeros((0, 2), int)
    if formation_kind.any() and settings.formation_neighbours > 0:
        if positions is None:
            positions = Propagated(orbits, TimeGrid(scenario.run.start, scenario.run.step_s, 1))
        first = next(positions.chunks(slice(0, 1)))[1][0]
        formation = _formation_pairs(scenario, orbits, first, settings.formation_neighbours)
    compute = np.flatnonzero(roles == "compute")
    ground_capable = np.ones(n, bool) if settings.ship_ground_links else roles == "relay"
    lat = np.concatenate([users.lat_deg, gateways.lat_deg])
    lon = np.concatenate([users.lon_deg, gateways.lon_deg])
    return Topology(
        settings=settings,
        sat_names=list(orbits.names),
        site_names=list(users.names) + list(gateways.names),
        n_users=len(users),
        stations=GroundStations(lat, lon),
        site_lat_deg=lat,
        site_lon_deg=lon,
        mesh=meshed,
        formation=formation,
        ships=ships,
        terminal_allowed=allowed,
        compute=compute,
        ground_capable=ground_capable,
        group_of=orbits.group_of,
        group_names=list(orbits.group_names),
        site_country=list(users.country) + list(gateways.country),
    )


@dataclass
class Snapshot:
    """The directed links at one instant: each physical link appears once each way."""

    t_s: float
    n_nodes: int
    src: np.ndarray
    dst: np.ndarray
    km: np.ndarray
    rate_gbps: np.ndarray
    kind: np.ndarray
    sat_km: np.ndarray | None = None  # [satellite, xyz] Earth-fixed positions at t_s

    def delay_graph(self, hop_delay_ms: float = 0.0, keep: np.ndarray | None = None):
        """CSR matrix of one-way delays in ms (light time plus the per-hop delay), of the
        links where keep is True (default: all)."""
        from scipy.sparse import csr_matrix

        ms = self.km * (1e3 / C_KM_S) + hop_delay_ms
        ms = np.where(self.kind == RELAY, 1e-12, ms)
        src, dst = self.src, self.dst
        if keep is not None:
            ms, src, dst = ms[keep], src[keep], dst[keep]
        return csr_matrix((ms, (src, dst)), shape=(self.n_nodes, self.n_nodes))


def _both_ways(pairs: np.ndarray, km: np.ndarray, kind: int, rate: float):
    src = np.concatenate([pairs[:, 0], pairs[:, 1]])
    dst = np.concatenate([pairs[:, 1], pairs[:, 0]])
    km2 = np.concatenate([km, km])
    return src, dst, km2, np.full(src.size, rate), np.full(src.size, kind, np.int8)


def iter_snapshots(
    topology: Topology, positions: PositionSource, grid: TimeGrid, steps: slice = slice(None)
) -> Iterator[Snapshot]:
    """Links at every step of grid[steps], from the satellites' Earth-fixed positions.

    Mesh and formation links are tested for a whole chunk of steps at once; terminals
    keep their state across the steps of one call.
    """
    s = topology.settings
    planner = TerminalPlanner(
        topology.ships, topology.terminal_allowed, s.ship_terminals, s.terminal_min_dwell_s,
        s.laser_range_km, s.los_min_altitude_km,
    )
    capable = np.flatnonzero(topology.ground_capable)
    n_sites = topology.n_sites
    relay_edges = None
    if s.ground_relay and n_sites:
        sites = np.arange(n_sites)
        relay_edges = (
            topology.down_node(sites), topology.up_node(sites), np.zeros(n_sites),
            np.zeros(n_sites), np.full(n_sites, RELAY, np.int8),
        )
    for chunk_steps, r in positions.chunks(steps):
        t_s = grid.seconds[chunk_steps]
        fixed = []
        for pairs, kind in ((topology.mesh, MESH), (topology.formation, FORMATION)):
            if len(pairs):
                ok, km = laser_link_ok(
                    r[:, pairs[:, 0]], r[:, pairs[:, 1]], s.laser_range_km, s.los_min_altitude_km
                )
                fixed.append((pairs, ok, km, kind))
        for k in range(len(t_s)):
            parts = [_both_ways(p[ok[k]], km[k][ok[k]], kind, s.laser_rate_gbps)
                     for p, ok, km, kind in fixed]
            rk = r[k]
            term = planner.step(float(t_s[k]), rk)
            if len(term):
                d = rk[term[:, 1]] - rk[term[:, 0]]
                parts.append(_both_ways(term, np.sqrt(np.einsum("lk,lk->l", d, d)), TERMINAL,
                                        s.laser_rate_gbps))
            if n_sites:
                g, j, km = topology.stations.visible(
                    rk[capable], s.ground_min_elevation_deg, s.ground_max_slant_range_km
                )
                sat = capable[j]
                rate = np.full(g.size, s.ground_link_rate_gbps)
                parts.append((topology.up_node(g), sat, km, rate, np.full(g.size, UPLINK, np.int8)))
                parts.append((sat, topology.down_node(g), km, rate,
                              np.full(g.size, DOWNLINK, np.int8)))
            if relay_edges is not None:
                parts.append(relay_edges)
            if parts:
                src, dst, km, rate, kind = (np.concatenate(x) for x in zip(*parts, strict=True))
            else:
                src = dst = np.zeros(0, int)
                km = rate = np.zeros(0)
                kind = np.zeros(0, np.int8)
            yield Snapshot(float(t_s[k]), topology.n_nodes, src, dst, km, rate, kind, rk)
