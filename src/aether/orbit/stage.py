"""The orbit stage: propagate a scenario's satellites over the run and summarise them."""

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np

from aether.constants import WGS72_RADIUS_KM
from aether.orbit.build import OrbitSet
from aether.orbit.positions import StoredPositions
from aether.orbit.propagate import iter_chunks
from aether.orbit.seasons import Seasons, eclipse_seasons, mean_radius_km, period_min
from aether.orbit.shadow import beta_angle_deg
from aether.parallel import map_time_blocks, time_blocks
from aether.timegrid import TimeGrid

# Spacecraft groups up to this size keep full timelines (ground track, shadow, beta).
TRACKED_GROUP_LIMIT = 100
# Time blocks a run is split into for progress reports and worker processes.
BLOCKS = 16


@dataclass
class Track:
    """Timelines of one satellite, each [time]."""

    lat_deg: np.ndarray
    lon_deg: np.ndarray
    altitude_km: np.ndarray
    sunlit: np.ndarray
    beta_deg: np.ndarray


@dataclass
class OrbitResult:
    grid: TimeGrid
    orbits: OrbitSet
    sunlit_fraction: np.ndarray      # [satellite], over the run
    mean_height_km: np.ndarray       # [satellite], mean WGS84 geodetic height over the run
    tracks: dict[str, Track]         # satellite name -> timelines
    seasons: Seasons

    def summary(self) -> dict[str, dict]:
        """Per spacecraft entry: orbit figures, sunlit fraction over the run, and the season.

        altitude_km is the SGP4 mean semi-major axis above the equatorial radius (the
        altitude a scenario asks for); mean_height_km the mean geodetic height flown.

        A group reports once: sunlit fractions averaged over members, eclipse days and the
        longest eclipse the largest of any member.
        """
        inclination = np.degrees([s.inclo for s in self.orbits.satrecs])
        period = period_min(self.orbits.satrecs)
        altitude = mean_radius_km(self.orbits.satrecs) - WGS72_RADIUS_KM
        out = {}
        for name in self.orbits.group_names:
            m = self.orbits.members(name)
            out[name] = {
                "members": int(m.size),
                "orbit": {
                    "altitude_km": float(altitude[m].mean()),
                    "mean_height_km": float(self.mean_height_km[m].mean()),
                    "inclination_deg": float(inclination[m].mean()),
                    "period_min": float(period[m].mean()),
                },
                "sunlit_fraction": float(self.sunlit_fraction[m].mean()),
                "season": {
                    "sunlit_fraction": float(self.seasons.sunlit_fraction[m].mean()),
                    "eclipse_days": int(self.seasons.eclipse_days[m].max()),
                    "max_eclipse_min": float(self.seasons.max_eclipse_min[m].max()),
                },
            }
        return out


def tracked_indices(orbits: OrbitSet, groups: list[str]) -> np.ndarray:
    """Satellites of the named groups whose size allows full timelines."""
    chosen = [orbits.members(g) for g in groups if orbits.members(g).size <= TRACKED_GROUP_LIMIT]
    return np.concatenate(chosen) if chosen else np.zeros(0, int)


@dataclass(frozen=True)
class OrbitBlockTask:
    """The orbit stage over one block of steps: per-satellite sums of the sunlit fraction
    and geodetic height, the tracked satellites' timelines, and every Earth-fixed position
    written into `store` when one is given. Plain data, so it pickles to worker processes."""

    orbits: OrbitSet
    grid: TimeGrid
    tracked: np.ndarray
    store: StoredPositions | None = None

    def __call__(self, steps: slice) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n, tracked = len(self.orbits), self.tracked
        sunlit_sum = np.zeros(n)
        height_sum = np.zeros(n)
        kept = []
        for chunk in iter_chunks(self.orbits.array(), n, self.grid, steps):
            if self.store is not None:
                self.store.write(chunk.steps, chunk.r_ecef_km)
            sunlit_sum += chunk.sunlit.sum(axis=0)
            lat, lon, height = chunk.geodetic
            height_sum += height.sum(axis=0)
            beta = beta_angle_deg(
                chunk.r_teme_km[:, tracked], chunk.v_teme_km_s[:, tracked],
                chunk.sun_teme_km[:, None, :],
            )
            kept.append(np.stack([lat[:, tracked], lon[:, tracked], height[:, tracked],
                                  chunk.sunlit[:, tracked], beta]))
        return sunlit_sum, height_sum, np.concatenate(kept, axis=1)


def run_orbit_stage(
    orbits: OrbitSet, grid: TimeGrid, tracked: np.ndarray, executor: Executor | None = None,
    on_progress: Callable[[float], None] | None = None, store: StoredPositions | None = None,
) -> OrbitResult:
    """Propagate everything over the grid in time blocks (on the executor's workers when one
    is given, see aether.parallel); with a store, keep every Earth-fixed position in it for
    the stages that follow."""
    tracked = np.asarray(tracked, int)
    # A fixed partition, whatever the worker count, so sums (and metrics) are bit-identical.
    blocks = time_blocks(grid, BLOCKS)
    results = map_time_blocks(OrbitBlockTask(orbits, grid, tracked, store), blocks, executor, on_progress)
    sunlit = sum(r[0] for r in results) / grid.n_steps
    height = sum(r[1] for r in results) / grid.n_steps
    kept = np.concatenate([r[2] for r in results], axis=1)
    tracks = {
        orbits.names[i]: Track(*(kept[q, :, k] for q in range(5)))
        for k, i in enumerate(tracked)
    }
    seasons = eclipse_seasons(
        orbits.array(), mean_radius_km(orbits.satrecs), period_min(orbits.satrecs), grid.start_jd
    )
    return OrbitResult(grid, orbits, sunlit, height, tracks, seasons)
