"""Piecewise-constant rates over the time grid, integrated and inverted in O(log n).

A rate (FLOP/s of a job, bit/s of a link) holds for each step. `RateTimeline` answers
"how much accumulates between t0 and t1" and "when has `amount` accumulated since t0".
Past the run's end the timeline repeats a given period (by default the run itself), so a
training run longer than the simulated window still sees eclipses and throttling.
"""

import math

import numpy as np


class RateTimeline:
    def __init__(self, rates: np.ndarray, step_s: float, repeat: np.ndarray | None = None):
        """rates[k] holds on [k step_s, (k+1) step_s); after the last step, `repeat`
        (default: rates) is laid end to end forever."""
        self.step_s = float(step_s)
        self._first = self._cumulative(np.asarray(rates, float))
        rep = self._first if repeat is None else self._cumulative(np.asarray(repeat, float))
        self._rep = rep
        self._first_end = len(self._first) - 1
        self._first_total = self._first[-1]
        self._rep_n = len(rep) - 1
        self._rep_total = rep[-1]
        self._first_rates = np.asarray(rates, float)
        self._rep_rates = self._first_rates if repeat is None else np.asarray(repeat, float)

    def _cumulative(self, rates: np.ndarray) -> np.ndarray:
        if np.any(rates < 0):
            raise ValueError("rates must not be negative")
        return np.concatenate([[0.0], np.cumsum(rates * self.step_s)])

    def integral_to(self, t: float) -> float:
        """Amount accumulated from time 0 to t."""
        if t <= 0:
            return 0.0
        k_float = t / self.step_s
        if k_float < self._first_end:
            k = int(k_float)
            return self._first[k] + self._first_rates[k] * (t - k * self.step_s)
        rest = t - self._first_end * self.step_s
        periods, within = divmod(rest / self.step_s, self._rep_n)
        k = int(within)
        if k >= self._rep_n:  # rounding at a period's end
            k = self._rep_n - 1
        part = self._rep[k] + self._rep_rates[k] * (within - k) * self.step_s
        return self._first_total + periods * self._rep_total + part

    def integral(self, t0: float, t1: float) -> float:
        return self.integral_to(t1) - self.integral_to(t0)

    def time_to_accumulate(self, t0: float, amount: float) -> float:
        """Earliest t >= t0 with integral(t0, t) >= amount; inf if it never comes."""
        if amount <= 0:
            return t0
        target = self.integral_to(t0) + amount
        if target <= self._first_total:
            return self._invert(self._first, self._first_rates, target, 0.0)
        if self._rep_total <= 0:
            return math.inf
        rest = target - self._first_total
        periods = math.floor(rest / self._rep_total)
        within = rest - periods * self._rep_total
        if within <= 0 and periods > 0:
            periods -= 1
            within = self._rep_total
        offset = (self._first_end + periods * self._rep_n) * self.step_s
        return max(t0, self._invert(self._rep, self._rep_rates, within, offset))

    def _invert(self, cum: np.ndarray, rates: np.ndarray, level: float, offset: float) -> float:
        k = int(np.searchsorted(cum, level, side="left")) - 1
        k = min(max(k, 0), len(rates) - 1)
        dt = (level - cum[k]) / rates[k] if rates[k] > 0 else 0.0
        return offset + k * self.step_s + min(dt, self.step_s)
