"""Earth-fixed positions of every satellite over the run, chunk by chunk, from one of two
sources: SGP4 now (`Propagated`), or the copy the orbit stage wrote (`StoredPositions`).

A run propagates once: the orbit stage writes each satellite's Earth-fixed position into a
StoredPositions while it reduces its blocks, and the network stage reads them back block by
block instead of propagating again. The store is a float64 [time, xyz, satellite] file
(each step contiguous, and each component within it, as SGP4's chunks hold them) in a
temporary folder, written and read (numpy.memmap) one chunk at a time, so memory stays
bounded however long the run (disk holds 24 bytes per satellite-step: 330 MB for
project-aether's day; where the temporary folder lacks the room, the network stage
propagates again), and worker processes of any start method open it by path. Both sources are plain picklable
data and yield the same chunks (steps_per_chunk from the start of each block).
"""

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from aether.orbit.build import OrbitSet
from aether.orbit.frames import teme_to_gcrs_matrix
from aether.orbit.propagate import iter_chunks, steps_per_chunk
from aether.timegrid import TimeGrid

Chunk = tuple[slice, np.ndarray]  # (grid steps, Earth-fixed km [time, satellite, xyz])
BYTES_PER_SATELLITE_STEP = 3 * 8  # x, y, z in float64


class PositionSource(Protocol):
    n_satellites: int

    def chunks(self, steps: slice) -> Iterator[Chunk]:
        """Earth-fixed positions over grid[steps], a few steps at a time."""
        ...


@dataclass(frozen=True)
class Propagated:
    """Positions propagated with SGP4 when asked for (for commands that need no orbit stage)."""

    orbits: OrbitSet
    grid: TimeGrid

    @property
    def n_satellites(self) -> int:
        return len(self.orbits)

    def chunks(self, steps: slice) -> Iterator[Chunk]:
        for chunk in iter_chunks(self.orbits.array(), len(self.orbits), self.grid, steps):
            yield chunk.steps, chunk.r_ecef_km


@dataclass(frozen=True)
class StoredPositions:
    """Positions the orbit stage wrote, in a float64 [time, xyz, satellite] file."""

    path: Path
    n_steps: int
    n_satellites: int

    @classmethod
    def create(cls, folder: Path, n_steps: int, n_satellites: int) -> "StoredPositions":
        store = cls(Path(folder) / "ecef_km.f64", n_steps, n_satellites)
        with store.path.open("wb") as handle:
            handle.truncate(n_steps * store._step_bytes)
        return store

    @property
    def _step_bytes(self) -> int:
        return self.n_satellites * BYTES_PER_SATELLITE_STEP

    def _mapped(self, steps: slice) -> np.ndarray:
        first, stop, _ = steps.indices(self.n_steps)
        return np.memmap(self.path, np.float64, "r", offset=first * self._step_bytes,
                         shape=(stop - first, 3, self.n_satellites))

    def write(self, steps: slice, r_ecef_km: np.ndarray) -> None:
        """Store positions [time, satellite, xyz] for grid[steps]. A plain file write: several
        times faster than filling a fresh mapping page by page."""
        first, _, _ = steps.indices(self.n_steps)
        with self.path.open("r+b") as handle:
            handle.seek(first * self._step_bytes)
            handle.write(np.ascontiguousarray(np.moveaxis(r_ecef_km, -1, 1), np.float64).data)

    def chunks(self, steps: slice) -> Iterator[Chunk]:
        first, stop, _ = steps.indices(self.n_steps)
        per_chunk = steps_per_chunk(self.n_satellites)
        for start in range(first, stop, per_chunk):
            block = slice(start, min(start + per_chunk, stop))
            if not self._step_bytes:
                yield block, np.zeros((block.stop - block.start, 0, 3))
                continue
            # A copy, so that no mapping outlives the chunk (Windows cannot delete a mapped file).
            yield block, np.moveaxis(np.array(self._mapped(block)), 1, -1)


def gcrs_positions_km(orbits: OrbitSet, grid: TimeGrid) -> np.ndarray:
    """[time, satellite, xyz] positions in the GCRS (the ICRF's axes, CZML's INERTIAL frame)
    at every instant of grid: SGP4's TEME rotated by teme_to_gcrs_matrix."""
    out = np.empty((grid.n_steps, len(orbits), 3))
    for chunk in iter_chunks(orbits.array(), len(orbits), grid):
        rotation = teme_to_gcrs_matrix(*chunk.jd)  # [time, 3, 3]
        out[chunk.steps] = np.einsum("tij,jtn->tni", rotation, chunk.teme_km)
    return out


@contextmanager
def stored_positions(n_steps: int, n_satellites: int) -> Iterator[StoredPositions | None]:
    """An empty store in a new temporary folder, deleted on exit; None when the temporary
    folder lacks room for twice its size, and the stages that follow propagate again."""
    with tempfile.TemporaryDirectory(prefix="aether-", ignore_cleanup_errors=True) as folder:
        if shutil.disk_usage(folder).free < 2 * n_steps * n_satellites * BYTES_PER_SATELLITE_STEP:
            yield None
        else:
            yield StoredPositions.create(Path(folder), n_steps, n_satellites)
