"""SGP4 propagation over the run's time grid, chunk by chunk.

Each chunk holds TEME and Earth-fixed states, the Sun and the visible fraction of the
Sun's disc for a few consecutive steps of every satellite, so memory stays bounded
however long the run. Component arrays are stored [xyz, time, object] for speed; the
public properties give the [time, object, xyz] layout of the project's conventions.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from sgp4.api import SatrecArray

from aether.orbit.frames import ecef_to_geodetic, gmst_rad, teme_to_ecef, teme_velocity_to_ecef
from aether.orbit.shadow import sunlit_fraction
from aether.orbit.sun import sun_position_km
from aether.timegrid import TimeGrid

# About this many satellite-steps per chunk keeps every temporary array in the L2/L3 cache.
SAT_STEPS_PER_CHUNK = 100_000


@dataclass
class OrbitChunk:
    """States of every satellite over the steps `steps` of the grid."""

    steps: slice
    jd: tuple[np.ndarray, np.ndarray]
    gmst_rad: np.ndarray
    sun_teme_km: np.ndarray
    teme_km: np.ndarray
    teme_km_s: np.ndarray
    ecef_km: np.ndarray
    sunlit: np.ndarray
    sgp4_error: np.ndarray

    @property
    def r_teme_km(self) -> np.ndarray:
        """[time, object, 3] TEME position."""
        return np.moveaxis(self.teme_km, 0, -1)

    @property
    def v_teme_km_s(self) -> np.ndarray:
        """[time, object, 3] TEME velocity."""
        return np.moveaxis(self.teme_km_s, 0, -1)

    @property
    def r_ecef_km(self) -> np.ndarray:
        """[time, object, 3] Earth-fixed position."""
        return np.moveaxis(self.ecef_km, 0, -1)

    @cached_property
    def v_ecef_km_s(self) -> np.ndarray:
        """[time, object, 3] Earth-fixed velocity (relative to the rotating Earth)."""
        v = teme_velocity_to_ecef(*self.teme_km_s, self.ecef_km[0], self.ecef_km[1], self.gmst_rad)
        return np.stack(v, axis=-1)

    @cached_property
    def geodetic(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """WGS84 latitude (deg), longitude (deg), height (km), each [time, object]."""
        return ecef_to_geodetic(*self.ecef_km)


def steps_per_chunk(n_satellites: int) -> int:
    return max(1, SAT_STEPS_PER_CHUNK // max(1, n_satellites))


def iter_chunks(
    satellites: SatrecArray, n_satellites: int, grid: TimeGrid, steps: slice = slice(None)
) -> Iterator[OrbitChunk]:
    """Propagate every satellite over grid[steps] and yield one OrbitChunk at a time."""
    first, stop, _ = steps.indices(grid.n_steps)
    per_chunk = steps_per_chunk(n_satellites)
    for start in range(first, stop, per_chunk):
        block = slice(start, min(start + per_chunk, stop))
        jd_whole, jd_fraction = grid.jd(block)
        error, r, v = satellites.sgp4(jd_whole, jd_fraction)
        teme = np.ascontiguousarray(r.transpose(2, 1, 0))
        teme_v = np.ascontiguousarray(v.transpose(2, 1, 0))
        gmst = gmst_rad(jd_whole, jd_fraction)
        sun = sun_position_km(jd_whole, jd_fraction)
        ecef = np.stack(teme_to_ecef(teme[0], teme[1], teme[2], gmst))
        yield OrbitChunk(
            steps=block,
            jd=(jd_whole, jd_fraction),
            gmst_rad=gmst,
            sun_teme_km=sun,
            teme_km=teme,
            teme_km_s=teme_v,
            ecef_km=ecef,
            sunlit=sunlit_fraction(teme[0], teme[1], teme[2], sun),
            sgp4_error=error.T,
        )
