"""`aether run --verbose`: where a run's wall time went.

Start-up is everything before the first stage computes: the interpreter, the command's
imports, reading the scenario, and importing the stages. Simulation is the stages' own
time (Results.timings_s). The report is writing the outputs. Start-up and report are given
as shares of the simulation so that the machine's speed cancels out.
"""

import os
import time
from pathlib import Path

from rich.console import Console

# Start-up plus report, as a share of the simulation, that a run should stay under.
OVERHEAD_TARGET = 0.10


def process_age_s() -> float:
    """Wall seconds since this process started, from /proc where the system keeps it
    (Linux); elsewhere the CPU seconds used so far, which a start-up of imports nearly is
    (a little more where a math library's threads spin up at import)."""
    try:
        after_name = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        started_ticks = float(after_name[19])  # field 22, starttime, in clock ticks after boot
        uptime_s = float(Path("/proc/uptime").read_text().split()[0])
        return uptime_s - started_ticks / os.sysconf("SC_CLK_TCK")
    except OSError:
        return time.process_time()


def breakdown_lines(before_run_s: float, timings_s: dict[str, float], report_s: float) -> list[str]:
    """Lines of the breakdown: start-up, each stage, report, and the overhead share."""
    stages = {name: t for name, t in timings_s.items() if name != "imports"}
    startup_s = before_run_s + timings_s.get("imports", 0.0)
    simulation_s = sum(stages.values())
    share = lambda t: t / simulation_s if simulation_s > 0 else float("nan")  # noqa: E731
    lines = [f"{'start-up':<12}{startup_s:8.2f} s  {share(startup_s):6.1%} of the simulation"]
    lines += [f"  {name:<10}{t:8.2f} s" for name, t in stages.items()]
    lines.append(f"{'simulation':<12}{simulation_s:8.2f} s")
    lines.append(f"{'report':<12}{report_s:8.2f} s  {share(report_s):6.1%} of the simulation")
    lines.append(f"start-up + report: {share(startup_s + report_s):.1%} of the simulation "
                 f"(target < {OVERHEAD_TARGET:.0%})")
    return lines


def print_breakdown(console: Console, before_run_s: float, timings_s: dict[str, float],
                    report_s: float) -> None:
    for line in breakdown_lines(before_run_s, timings_s, report_s):
        console.print(line, highlight=False)
