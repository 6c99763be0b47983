"""A service job's sovereignty policy routed at one instant (`aether.network.policy_at`, what
the scheduler asks each tick): project-aether (1,585 satellites), EU registries and landing,
no hop over Russia, users in Paris and Berlin, at 60 instants a minute apart.

Prints milliseconds per instant and the ratio to the same work done plainly (every
satellite's country by plain shapely point-in-polygon, one polygon at a time; the kept links
filtered in a Python loop; scipy Dijkstra from each allowed ship), on the same snapshots,
and checks both give the same ships, round trips and gateways.

    .venv/bin/python benchmarks/policy.py
"""

import time
from datetime import timedelta

import numpy as np
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from aether.constants import C_KM_S
from aether.geo import country_map
from aether.network import build_topology, iter_snapshots, policy_at
from aether.network.topology import RELAY
from aether.orbit import Propagated, build_orbits, ecef_to_geodetic
from aether.scenario import load_scenario
from aether.settings.sovereignty import Constraints
from aether.timegrid import TimeGrid

INSTANTS = 60
SITES = ["Paris", "Berlin"]
POLICY = Constraints(compute_registries=["EU"], landing_countries=["EU"], forbid_transit_over=["RU"])


def plain(scenario, orbits, topology, when) -> tuple[np.ndarray, np.ndarray, list]:
    """(reach [ship], rtt [site, ship], gateway [ship]) the straightforward way."""
    grid = TimeGrid(when, scenario.run.step_s, 1)
    snap = next(iter_snapshots(topology, Propagated(orbits, grid), grid))
    lat, lon, _ = ecef_to_geodetic(snap.sat_km[:, 0], snap.sat_km[:, 1], snap.sat_km[:, 2])
    m = country_map()
    russia = m.geometries[np.array(m.codes)[m.feature_code] == "RU"]
    banned = {i for i in range(topology.n_sats) if any(shapely.contains_xy(p, lon[i], lat[i]) for p in russia)}
    keep = [k for k in range(snap.src.size) if snap.src[k] not in banned and snap.dst[k] not in banned]
    ms = snap.km[keep] * (1e3 / C_KM_S) + scenario.network.hop_delay_ms
    ms = np.where(snap.kind[keep] == RELAY, 1e-12, ms)  # a relay edge costs nothing, but must stay an edge
    graph = csr_matrix((ms, (snap.src[keep], snap.dst[keep])), shape=(snap.n_nodes, snap.n_nodes))
    eu = set(POLICY.constraints["compute_registries"])
    names = {s: k for k, s in enumerate(topology.site_names)}
    users = [names[s] for s in SITES]
    landing = POLICY.constraints["landing_countries"]
    gateways = [g for g in topology.gateway_sites if topology.site_country[g] in landing]
    compute = topology.compute
    reach, rtt, gateway = np.zeros(compute.size, bool), np.full((len(users), compute.size), np.inf), []
    for j, ship in enumerate(compute):
        registry = scenario.spacecraft[topology.group_of[ship]].registry_country
        if registry not in eu:
            gateway.append(None)
            continue
        dist = dijkstra(graph, indices=int(ship))
        down = [dist[topology.down_node(g)] for g in gateways]
        g = int(np.argmin(down))
        gateway.append(topology.site_names[gateways[g]] if np.isfinite(down[g]) else None)
        rtt[:, j] = [2.0 * (dist[topology.down_node(u)] + down[g]) for u in users]
        reach[j] = ship not in banned and np.isfinite(rtt[:, j]).all()
    return reach, rtt, gateway


def main() -> None:
    scenario = load_scenario("project-aether")
    orbits = build_orbits(scenario)
    topology = build_topology(scenario, orbits)
    whens = [scenario.run.start + timedelta(seconds=60 * k) for k in range(INSTANTS)]
    policy_at(scenario, orbits, topology, whens[0], POLICY.constraints, SITES)  # warm the country map
    start = time.perf_counter()
    fast = [policy_at(scenario, orbits, topology, w, POLICY.constraints, SITES) for w in whens]
    fast_s = (time.perf_counter() - start) / INSTANTS
    sample = whens[::10]
    start = time.perf_counter()
    slow = [plain(scenario, orbits, topology, w) for w in sample]
    plain_s = (time.perf_counter() - start) / len(sample)
    for f, (reach, rtt, gateway) in zip(fast[::10], slow, strict=True):
        assert (f.reach == reach).all() and f.gateway == gateway
        np.testing.assert_allclose(f.rtt_ms, rtt, rtol=1e-9)
    met = np.mean([f.reach.any() for f in fast])
    print(f"policy_at: {fast_s * 1e3:.1f} ms per instant on project-aether ({topology.n_sats:,} satellites; "
          f"policy met at {met:.0%} of {INSTANTS} instants); plain shapely + loops + scipy: "
          f"{plain_s * 1e3:.0f} ms, ratio {plain_s / fast_s:.0f}x; same ships, round trips and gateways")


if __name__ == "__main__":
    main()
