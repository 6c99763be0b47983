"""Benchmark: the first-generation Starlink fleet (4,408 satellites in four shells near
550 km) for one day at 10 s steps, through Earth-fixed positions and shadow.

Prints satellite-steps per second of the whole chain on one core and on all cores
(processes), the same grid through bare `SatrecArray.sgp4` in the same run, their
ratios, and peak memory. Targets (issue 2): chain >= 0.7 x bare on one core; two
processes >= 1.6 x one; peak memory under 2 GB.
"""

import argparse
import resource
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from sgp4.api import SatrecArray

from aether.orbit import OrbitSet, elements
from aether.orbit.propagate import iter_chunks, steps_per_chunk
from aether.parallel import block_executor, default_workers, map_time_blocks, time_blocks
from aether.timegrid import TimeGrid

# Gen-1 shells (FCC SAT-MOD-20190830-00087 and SAT-MOD-20200417-00037):
# altitude km, inclination deg, planes, satellites per plane.
STARLINK_GEN1 = [(550, 53.0, 72, 22), (540, 53.2, 72, 22), (570, 70.0, 36, 20),
                 (560, 97.6, 6, 58), (560, 97.6, 4, 43)]


def starlink_gen1(epoch) -> list:
    satrecs = []
    for altitude, inclination, planes, per_plane in STARLINK_GEN1:
        raan, u = elements.walker_delta_angles(planes * per_plane, planes, 1)
        inc = np.radians(inclination)
        mean = elements.circular(elements.mean_motion_rad_min(altitude, inc), inc, raan, u)
        satrecs += elements.to_satrecs(mean, epoch, first_satnum=len(satrecs) + 1)
    return satrecs


@dataclass(frozen=True)
class Chain:
    """The chain over one block: SGP4, Earth-fixed positions and shadow, summed sunlight."""

    orbits: OrbitSet
    grid: TimeGrid

    def __call__(self, steps: slice) -> np.ndarray:
        n = len(self.orbits)
        sunlit = np.zeros(n)
        for chunk in iter_chunks(self.orbits.array(), n, self.grid, steps):
            sunlit += chunk.sunlit.sum(axis=0)
            assert chunk.r_ecef_km.shape[1:] == (n, 3)
        return sunlit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=24.0)
    args = parser.parse_args()
    grid = TimeGrid.from_duration(datetime(2026, 6, 21, tzinfo=UTC), args.hours * 3600, 10.0)
    satrecs = starlink_gen1(grid.start_jd)
    n = len(satrecs)
    orbits = OrbitSet(names=[f"starlink-{k}" for k in range(n)], group_names=["starlink"],
                      group_of=np.zeros(n, int), satrecs=satrecs, derived={"starlink": {}})
    satellites = SatrecArray(orbits.satrecs)
    sat_steps = n * grid.n_steps

    started = time.perf_counter()
    for block in grid.chunks(steps_per_chunk(n)):
        satellites.sgp4(*grid.jd(block))
    bare_s = time.perf_counter() - started

    chain = Chain(orbits, grid)
    started = time.perf_counter()
    one = chain(slice(None))
    one_s = time.perf_counter() - started

    workers = default_workers()
    started = time.perf_counter()
    with block_executor(workers) as executor:
        many = sum(map_time_blocks(chain, time_blocks(grid, 16), executor))
    many_s = time.perf_counter() - started
    assert np.allclose(one, many)
    peak_gb = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 2**20

    rate = lambda s: sat_steps / s / 1e6  # noqa: E731
    print(f"Starlink gen-1: {n} satellites x {grid.n_steps} steps ({sat_steps / 1e6:.1f} M satellite-steps)")
    print(f"bare SatrecArray.sgp4          {rate(bare_s):6.2f} M sat-steps/s  ({bare_s:.1f} s)")
    print(f"aether chain, 1 core           {rate(one_s):6.2f} M sat-steps/s  ({one_s:.1f} s)"
          f"  ratio to bare {bare_s / one_s:.2f} (target >= 0.7)")
    print(f"aether chain, {workers} processes      {rate(many_s):6.2f} M sat-steps/s  ({many_s:.1f} s)"
          f"  speed-up {one_s / many_s:.2f} x one core (target >= 1.6)")
    print(f"peak memory (largest process)  {peak_gb:.2f} GB (target < 2)")
    print(f"mean sunlit fraction           {one.mean() / grid.n_steps:.3f}")


if __name__ == "__main__":
    main()
