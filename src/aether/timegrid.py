"""The one time grid every stage shares: a UTC start, a step and a number of steps."""

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from sgp4.api import jday

from aether.constants import SECONDS_PER_DAY


@dataclass(frozen=True)
class TimeGrid:
    """Instants start + k * step_s for k in 0..n_steps-1 (UTC)."""

    start: datetime
    step_s: float
    n_steps: int

    @classmethod
    def from_duration(cls, start: datetime, duration_s: float, step_s: float) -> "TimeGrid":
        """A grid covering [start, start + duration_s], both ends included when they fall on a step."""
        n_steps = int(np.floor(duration_s / step_s + 1e-9)) + 1
        return cls(start=start, step_s=float(step_s), n_steps=n_steps)

    @property
    def seconds(self) -> np.ndarray:
        """Seconds since start for every step."""
        return np.arange(self.n_steps) * self.step_s

    @property
    def duration_s(self) -> float:
        return (self.n_steps - 1) * self.step_s

    @property
    def start_jd(self) -> tuple[float, float]:
        """Start as (whole Julian date, day fraction), the split sgp4 takes for precision."""
        s = self.start.astimezone(UTC)
        seconds = s.second + s.microsecond * 1e-6
        return jday(s.year, s.month, s.day, s.hour, s.minute, seconds)

    def jd(self, steps: slice | np.ndarray = slice(None)) -> tuple[np.ndarray, np.ndarray]:
        """(whole, fraction) Julian dates for the chosen steps, fraction kept in [0, 1)."""
        jd0, fr0 = self.start_jd
        fraction = fr0 + self.seconds[steps] / SECONDS_PER_DAY
        whole_days = np.floor(fraction)
        return jd0 + whole_days, fraction - whole_days

    def chunks(self, steps_per_chunk: int):
        """Slices of at most steps_per_chunk consecutive steps covering the grid."""
        for first in range(0, self.n_steps, steps_per_chunk):
            yield slice(first, min(first + steps_per_chunk, self.n_steps))
