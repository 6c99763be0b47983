"""Routing benchmark: Starlink shell 1 (72 x 22 = 1,584 satellites, +Grid lasers) and the
100 most populous cities; round trips for all 4,950 city pairs at every step of one day
at 10 s steps.

Prints milliseconds per step on one core, the whole run on all cores (two here), and the
ratio to a plain loop (sgp4 per satellite, links and ground visibility tested pair by
pair, then scipy Dijkstra per city), timed on a sample of steps and scaled.

    .venv/bin/python benchmarks/routing.py            # the whole day
    .venv/bin/python benchmarks/routing.py --steps 200
"""

import os

# One thread per process: BLAS threads would fight the worker processes for the cores.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import math  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import numpy as np  # noqa: E402
from scipy.sparse import csr_matrix  # noqa: E402
from scipy.sparse.csgraph import dijkstra  # noqa: E402

from aether.constants import C_KM_S, WGS84_RADIUS_KM  # noqa: E402
from aether.network.topology import Topology, build_topology, iter_snapshots  # noqa: E402
from aether.orbit import Propagated  # noqa: E402
from aether.orbit.build import build_orbits  # noqa: E402
from aether.orbit.frames import gmst_rad  # noqa: E402
from aether.parallel import block_executor, default_workers, map_time_blocks, time_blocks  # noqa: E402
from aether.scenario import load_scenario  # noqa: E402
from aether.timegrid import TimeGrid  # noqa: E402


@dataclass(frozen=True)
class AllPairs:
    """Round trips between every pair of cities at every step of one block: count of
    reachable steps, their sum and the worst."""

    topology: Topology
    positions: Propagated
    grid: TimeGrid

    def __call__(self, steps: slice):
        cities = self.topology.user_sites
        up, down = self.topology.up_node(cities), self.topology.down_node(cities)
        iu = np.triu_indices(len(cities), 1)
        n_pairs = iu[0].size
        count = np.zeros(n_pairs)
        total = np.zeros(n_pairs)
        worst = np.zeros(n_pairs)
        for snap in iter_snapshots(self.topology, self.positions, self.grid, steps):
            dist = dijkstra(snap.delay_graph(), directed=True, indices=up)
            rtt = 2.0 * dist[:, down][iu]
            ok = np.isfinite(rtt)
            count += ok
            total += np.where(ok, rtt, 0.0)
            worst = np.maximum(worst, np.where(ok, rtt, 0.0))
        return count, total, worst


def plain_loop_step(orbits, topology, grid, step: int, settings) -> np.ndarray:
    """The straightforward way: Python loops over satellites, links and city-satellite pairs."""
    jd, fr = grid.jd(np.array([step]))
    g = float(gmst_rad(jd, fr)[0])
    cos_g, sin_g = math.cos(g), math.sin(g)
    pos = []
    for sat in orbits.satrecs:
        _, r, _ = sat.sgp4(float(jd[0]), float(fr[0]))
        pos.append((cos_g * r[0] + sin_g * r[1], cos_g * r[1] - sin_g * r[0], r[2]))
    rows, cols, ms = [], [], []
    floor = WGS84_RADIUS_KM + settings.los_min_altitude_km
    for a, b in topology.mesh:
        pa, pb = pos[a], pos[b]
        d = [pb[k] - pa[k] for k in range(3)]
        length = math.sqrt(sum(x * x for x in d))
        t = max(0.0, min(1.0, -sum(pa[k] * d[k] for k in range(3)) / (length * length)))
        clearance = math.sqrt(sum((pa[k] + t * d[k]) ** 2 for k in range(3)))
        if length <= settings.laser_range_km and clearance >= floor:
            rows += [a, b]
            cols += [b, a]
            ms += [length / C_KM_S * 1e3] * 2
    sin_min = math.sin(math.radians(settings.ground_min_elevation_deg))
    st = topology.stations
    for c in range(topology.n_users):
        site, up = st.r_km[c], st.up[c]
        for j, p in enumerate(pos):
            d = [p[k] - site[k] for k in range(3)]
            length = math.sqrt(sum(x * x for x in d))
            if sum(d[k] * up[k] for k in range(3)) >= sin_min * length:
                rows += [topology.n_sats + c, j]
                cols += [j, topology.n_sats + topology.n_sites + c]
                ms += [length / C_KM_S * 1e3] * 2
    graph = csr_matrix((ms, (rows, cols)), shape=(topology.n_nodes, topology.n_nodes))
    out = []
    for c in range(topology.n_users):
        dist = dijkstra(graph, directed=True, indices=topology.n_sats + c)
        out.append(2.0 * dist[topology.down_node(topology.user_sites)])
    return np.array(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=8640, help="steps of 10 s (8640 = one day)")
    parser.add_argument("--baseline-steps", type=int, default=3,
                        help="steps the plain loop is timed on (then scaled)")
    parser.add_argument("--workers", type=int, default=default_workers())
    args = parser.parse_args()

    scenario = load_scenario("starlink-shell1")
    orbits = build_orbits(scenario)
    grid = TimeGrid(scenario.run.start, 10.0, args.steps)
    positions = Propagated(orbits, grid)
    topology = build_topology(scenario, orbits, positions)
    task = AllPairs(topology, positions, grid)
    print(f"{len(orbits)} satellites, {topology.mesh.shape[0]} +Grid links, "
          f"{topology.n_users} cities, {topology.n_users * (topology.n_users - 1) // 2} pairs, "
          f"{args.steps} steps of 10 s")

    t0 = time.perf_counter()
    count, total, worst = task(slice(None))
    one_core = time.perf_counter() - t0
    ms_step = one_core / args.steps * 1e3
    print(f"one core: {one_core:.1f} s, {ms_step:.2f} ms per step (target <= 40)")

    t0 = time.perf_counter()
    with block_executor(args.workers) as executor:
        parts = map_time_blocks(task, time_blocks(grid, args.workers * 4), executor)
    many = time.perf_counter() - t0
    count2 = sum(p[0] for p in parts)
    assert np.array_equal(count, count2)
    print(f"{args.workers} cores: {many:.1f} s for {args.steps} steps "
          f"({many * 8640 / args.steps:.0f} s scaled to a day; target < 180)")

    sample = np.linspace(0, args.steps - 1, max(1, args.baseline_steps)).astype(int)
    t0 = time.perf_counter()
    for step in sample:
        plain = plain_loop_step(orbits, topology, grid, int(step), scenario.network)
    plain_ms = (time.perf_counter() - t0) / len(sample) * 1e3
    print(f"plain loop: {plain_ms:.0f} ms per step (timed on {len(sample)} steps); "
          f"ratio {plain_ms / ms_step:.1f}x slower than the vectorised core")
    # The plain loop must give the same round trips at its last sampled step.
    snap = next(iter_snapshots(topology, positions, grid, slice(int(step), int(step) + 1)))
    fast = 2.0 * dijkstra(snap.delay_graph(), directed=True,
                          indices=topology.up_node(topology.user_sites))[:, topology.down_node(
                              topology.user_sites)]
    assert np.allclose(np.nan_to_num(fast, posinf=-1), np.nan_to_num(plain, posinf=-1))

    reach = count / args.steps
    mean = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    print(f"pairs ever reachable: {np.mean(count > 0):.1%}; mean reachable share {reach.mean():.1%}; "
          f"median of pair mean RTT {np.nanmedian(mean):.1f} ms; worst RTT {worst.max():.1f} ms")
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
