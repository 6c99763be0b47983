"""The network at a few instants, for pictures: which laser links each Compute Ship's
terminals hold, and each user site's route to its nearest Compute Ship (the satellite it
uplinks to and every hop). The CZML scene draws these; the stage's round trips come from
every step of the run, these from the instants of a coarser grid.
"""

from dataclasses import dataclass

import numpy as np

from aether.network.routing import path_nodes
from aether.network.topology import TERMINAL, build_topology, iter_snapshots
from aether.orbit import Propagated
from aether.timegrid import TimeGrid


@dataclass
class SceneLinks:
    """The network at each instant of a grid (index k)."""

    grid: TimeGrid
    n_satellites: int
    n_sites: int                       # ground sites, users then gateways
    terminal_links: list[np.ndarray]   # [k] -> [links, 2] satellite pairs held by steerable terminals
    access: np.ndarray                 # [k, user site] satellite the site uplinks to on its route (-1: none)
    routes: list[list[list[int]]]      # [k][user site] nodes from the site to its nearest Compute Ship
    rtt_ms: np.ndarray                 # [k, user site] that route's round trip (NaN: none)

    def node_site(self, node: int) -> int | None:
        """The ground site (users then gateways) of a route node; None for a satellite."""
        return None if node < self.n_satellites else (node - self.n_satellites) % self.n_sites


def scene_links(scenario, orbits, grid: TimeGrid) -> SceneLinks:
    """Terminal links and every user site's route to its nearest Compute Ship at each
    instant of grid, by the network stage's own rules (topology, terminals, routing)."""
    from scipy.sparse.csgraph import dijkstra

    positions = Propagated(orbits, grid)
    topology = build_topology(scenario, orbits, positions)
    users = topology.user_sites
    down = topology.down_node(users)
    up = topology.up_node(users)
    compute = topology.compute
    terminal_links, routes = [], []
    access = np.full((grid.n_steps, users.size), -1, int)
    rtt = np.full((grid.n_steps, users.size), np.nan)
    for k, snap in enumerate(iter_snapshots(topology, positions, grid)):
        term = snap.kind == TERMINAL
        pairs = np.stack([snap.src[term], snap.dst[term]], -1)
        terminal_links.append(pairs[pairs[:, 0] < pairs[:, 1]])
        if compute.size == 0:
            routes.append([[] for _ in users])
            continue
        graph = snap.delay_graph(scenario.network.hop_delay_ms)
        dist, pred, sources = dijkstra(graph, directed=True, indices=compute, min_only=True,
                                       return_predecessors=True)
        rows = []
        for j, target in enumerate(down):
            if not np.isfinite(dist[target]):
                rows.append([])
                continue
            # Links are symmetric: the route back is the ship's route to the site, reversed,
            # with the site's up node where the down node was.
            nodes = path_nodes(pred, int(sources[target]), int(target))[::-1]
            nodes[0] = int(up[j])
            rows.append(nodes)
            access[k, j] = nodes[1]
            rtt[k, j] = 2.0 * dist[target]
        routes.append(rows)
    return SceneLinks(grid, topology.n_sats, topology.n_sites, terminal_links, access, routes, rtt)
