"""`aether czml [SCENARIO] [--out FILE] [--step S] [--json]`: the run as a CZML scene for
CesiumJS (the same scene.czml that `aether run` writes into its folder).

aether.cli registers `czml` and prints bad input (ScenarioError) as one line, exit 2.
"""

import json
import math
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from aether.scenario import ScenarioError, load_scenario


def czml(
    scenario: Annotated[str, typer.Argument(help="YAML path or preset name")] = "project-aether",
    out: Annotated[Path | None, typer.Option(help="file to write (default: <scenario>.czml here; never replaced)")]
    = None,
    step: Annotated[float, typer.Option(help="seconds between position and link samples")] = 300.0,
    json_output: Annotated[bool, typer.Option("--json", help="print only a JSON summary")] = False,
    workers: Annotated[int | None, typer.Option(min=1, help="processes (default: all cores)")] = None,
):
    """The run as CZML: ships, relays, gateways and sites, links and eclipses over time."""
    from aether.cli import _run_with_progress
    from aether.czml import MAX_STEP_S, write_scene
    from aether.files import output_file, safe_name
    from aether.parallel import block_executor

    loaded = load_scenario(scenario)
    run_step = loaded.run.step_s
    if not (math.isfinite(step) and run_step <= step <= MAX_STEP_S):
        raise ScenarioError([f"--step: {step:g} s is out of range (allowed: the run's step, {run_step:g} s, "
                             f"to {MAX_STEP_S:g} s)"])
    out = out if out is not None else Path(f"{safe_name(loaded.name)}.czml")
    with output_file(out) as staging:  # entered first: a file already there is refused at once
        with block_executor(workers) as executor:
            results = _run_with_progress(loaded, show=not json_output, workers=workers, executor=executor)
        summary = write_scene(results, staging, step)
    summary = {"file": str(out), "bytes": out.stat().st_size, **summary}
    if json_output:
        sys.stdout.write(json.dumps(summary) + "\n")
        return
    roles = ", ".join(f"{n} {role}" for role, n in summary["roles"].items())
    Console(stderr=True).print(escape(f"wrote {out}: {summary['bytes'] / 1e6:.1f} MB, "
                                      f"{summary['entities']} entities ({roles})"))
