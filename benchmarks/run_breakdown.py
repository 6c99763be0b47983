"""Run breakdown: where `aether run` spends its wall time, as shares of the simulation.

Runs `aether run SCENARIO --verbose` in a fresh process, so that start-up is real (the
interpreter, the imports, reading the scenario), and prints start-up, each stage and the
report with their shares of the simulation; the target is start-up + report under 10 %.
Beside them, this machine's bare SGP4 speed (SatrecArray.sgp4 over the scenario's
satellites and the run's grid, one core) and the orbit stage against it, so that the
figures can be scaled to other machines.

    .venv/bin/python benchmarks/run_breakdown.py                 # project-aether
    .venv/bin/python benchmarks/run_breakdown.py iss --workers 1
"""

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from aether import load_scenario
from aether.orbit import build_orbits
from aether.orbit.propagate import steps_per_chunk

LINE = re.compile(r"^\s*(?P<part>[a-z-]+)\s+(?P<seconds>\d+\.\d+) s")


def run_breakdown(scenario: str, workers: int | None) -> dict[str, float]:
    """Seconds per part as `aether run --verbose` prints them, in order."""
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-c", "from aether.cli import main; main()", "run", scenario,
                   "--out", str(Path(folder) / "out"), "--verbose", "--json"]
        command += ["--workers", str(workers)] if workers else []
        done = subprocess.run(command, capture_output=True, text=True, check=True)
    return {m["part"]: float(m["seconds"]) for m in map(LINE.match, done.stderr.splitlines()) if m}


def bare_sgp4_s(scenario: str) -> tuple[float, int]:
    """(seconds, satellite-steps) of bare SatrecArray.sgp4 over the run's grid on one core."""
    loaded = load_scenario(scenario)
    orbits, grid = build_orbits(loaded), loaded.run.grid
    satellites = orbits.array()
    started = time.perf_counter()
    for block in grid.chunks(steps_per_chunk(len(orbits))):
        satellites.sgp4(*grid.jd(block))
    return time.perf_counter() - started, len(orbits) * grid.n_steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="project-aether")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    args = parser.parse_args()

    parts = run_breakdown(args.scenario, args.workers)
    simulation = parts["simulation"]
    print(f"aether run {args.scenario} --verbose, in a fresh process")
    for part, seconds in parts.items():
        print(f"  {part:<11} {seconds:7.2f} s  {seconds / simulation:6.1%} of the simulation")
    overhead = (parts["start-up"] + parts["report"]) / simulation
    print(f"start-up + report: {overhead:.1%} of the simulation (target < 10%)")
    bare_s, sat_steps = bare_sgp4_s(args.scenario)
    print(f"bare SatrecArray.sgp4, one core: {sat_steps / bare_s / 1e6:.2f} M satellite-steps/s "
          f"({bare_s:.1f} s for the run's {sat_steps / 1e6:.1f} M); "
          f"the orbit stage took {parts['orbit'] / bare_s:.2f} x that")


if __name__ == "__main__":
    main()
