"""The `aether` command: a thin shell over the Python API.

Bad input never shows a traceback: every command turns a ScenarioError into one line per
problem on stderr and exit code 2.
"""

import functools
import json
import sys
import time
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from aether.cli.breakdown import print_breakdown, process_age_s
from aether.cli.calibrate import calibrate
from aether.cli.cost import cost
from aether.cli.czml import czml
from aether.cli.deal import deal
from aether.cli.infer import infer
from aether.cli.jobs import jobs
from aether.cli.route import route
from aether.cli.serve import serve
from aether.cli.size import size
from aether.cli.sweep import sweep
from aether.cli.view import view
from aether.scenario import ScenarioError, load_scenario, preset_summaries

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Aether: plan and test orbital AI data centres.")
err = Console(stderr=True)

DEFAULT_SCENARIO = "project-aether"


def _show_version(value: bool) -> None:
    if value:
        from aether.version import __version__

        typer.echo(f"aether {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[bool, typer.Option("--version", callback=_show_version, is_eager=True,
                                          help="print the version and exit")] = False,
):
    """Aether: plan and test orbital AI data centres."""


def _printable(line: str) -> str:
    """Escape control characters (from user input quoted in a message) to keep one line."""
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in line)


def fail(lines: list[str], code: int = 2) -> None:
    """Print one line per problem to stderr and exit with code (2: bad input)."""
    for line in lines:
        typer.echo(_printable(line), err=True)
    raise typer.Exit(code)


def user_errors(command):
    """Turn ScenarioError into clean lines and exit 2."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except ScenarioError as error:
            fail(error.problems)

    return wrapper


def _progress_bar(enabled: bool):
    return Progress(
        TextColumn("{task.description:<8}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(), console=err, disable=not enabled, transient=False,
    )


def _run_with_progress(scenario, show: bool, workers: int | None, strict: bool = False, executor=None):
    from aether.simulate import simulate

    with _progress_bar(show) as bar:
        tasks: dict[str, int] = {}

        def on_progress(stage: str, fraction: float) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=1.0)
            bar.update(tasks[stage], completed=fraction)

        return simulate(scenario, workers=workers, on_progress=on_progress, strict=strict, executor=executor)


@app.command()
@user_errors
def run(
    scenario: Annotated[str, typer.Argument(help="YAML path or preset name")] = DEFAULT_SCENARIO,
    out: Annotated[Path | None, typer.Option(help="output folder (default: a new one under aether-runs/)")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="print only the metrics JSON")] = False,
    force: Annotated[bool, typer.Option(help="replace a finished run already in --out")] = False,
    workers: Annotated[int | None, typer.Option(min=1, help="processes (default: all cores)")] = None,
    strict: Annotated[bool, typer.Option(help="design warnings (e.g. a battery short of the eclipse) exit 2")] = False,
    verbose: Annotated[bool, typer.Option(help="print where the time went: start-up, each stage, report")] = False,
):
    """Run the whole pipeline; write metrics.json, report.html and time series."""
    from aether.files import output_folder, safe_name
    from aether.parallel import block_executor
    from aether.report import write_outputs

    loaded = load_scenario(scenario)
    if out is None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        out = Path("aether-runs") / f"{safe_name(loaded.name)}-{stamp}"
    try:
        # Entered before the simulation: a folder that cannot be written is refused at once.
        with output_folder(out, force=force) as staging, block_executor(workers) as executor:
            # One process pool for the stages, then the report's figures.
            before_run_s = process_age_s() if verbose else 0.0
            results = _run_with_progress(loaded, show=not json_output, workers=workers, strict=strict,
                                         executor=executor)
            report_started = time.perf_counter()
            metrics = write_outputs(results, staging, executor)
    except KeyboardInterrupt:
        fail([f"{out}: interrupted; nothing written"], code=130)
    if verbose:  # the report's time includes moving the finished folder into place
        print_breakdown(err, before_run_s, results.timings_s, time.perf_counter() - report_started)
    if json_output:
        sys.stdout.write(json.dumps(metrics, indent=2) + "\n")
        return
    err.print(f"[bold]{escape(loaded.name)}[/]: {metrics['run']['satellites']} satellites, "
              f"{metrics['run']['steps']} steps in {metrics['run']['wall_time_s']:.1f} s")
    for warning in results.ships.warnings:
        err.print(f"[yellow]warning[/]: {escape(warning)}")
    err.print(escape(f"wrote {out}/metrics.json, {out}/report.html, {out}/timeseries/, {out}/scene.czml "
                     f"(see it: aether view {out})"))


@app.command()
@user_errors
def validate(scenario: Annotated[str, typer.Argument(help="YAML path or preset name")]):
    """Check a scenario; exit 0 when valid, else one line per problem and exit 2."""
    from aether.network import mesh_pairs
    from aether.orbit import build_orbits
    from aether.scenario.policies import check_policies
    from aether.scenario.sites import gateway_sites, user_sites
    from aether.workload import check_workload

    loaded = load_scenario(scenario)
    orbits = build_orbits(loaded)
    mesh_pairs(loaded, orbits)
    check_workload(loaded, orbits)
    check_policies(loaded, user_sites(loaded), gateway_sites(loaded))
    typer.echo(f"{scenario}: valid ({len(orbits)} satellites in {len(orbits.group_names)} entries)")


@app.command()
def presets():
    """List the built-in scenarios."""
    for name, summary in preset_summaries().items():
        typer.echo(f"{name:<18} {summary}")


@app.command()
@user_errors
def orbit(
    scenario: Annotated[str, typer.Argument(help="YAML path or preset name")] = DEFAULT_SCENARIO,
    json_output: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    export_tle: Annotated[Path | None, typer.Option(help="also write every satellite as a TLE file")] = None,
    export_oem: Annotated[Path | None, typer.Option(
        help="also write a new folder with one CCSDS OEM per satellite (TEME states at every step)")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="processes (default: all cores)")] = None,
):
    """Orbit, sunlight over the run and eclipse season of every spacecraft."""
    from aether.files import output_file, output_folder
    from aether.orbit import TLEError, build_orbits, format_tles, run_orbit_stage, write_oem_files
    from aether.parallel import block_executor

    loaded = load_scenario(scenario)
    # Entered before the computation: a missing folder or an existing file is refused at once.
    with (output_file(export_tle) if export_tle is not None else nullcontext() as tle_staging,
          output_folder(export_oem) if export_oem is not None else nullcontext() as oem_staging):
        orbits = build_orbits(loaded)
        try:  # formatted before the computation: a satellite no TLE can hold is refused at once
            tle_text = format_tles(orbits.satrecs, orbits.names) if tle_staging is not None else ""
        except TLEError as error:
            raise ScenarioError([f"{export_tle}: {error}"]) from None
        grid = loaded.run.grid
        with block_executor(workers) as executor:
            result = run_orbit_stage(orbits, grid, tracked=[], executor=executor)
        if tle_staging is not None:
            tle_staging.write_text(tle_text)
        if oem_staging is not None:
            write_oem_files(oem_staging, orbits.names, orbits.satrecs, grid)
    from aether.ship import drag_by_entry
    from aether.simulate import with_drag

    summary = with_drag(result.summary(), drag_by_entry(loaded, result))
    if json_output:
        typer.echo(json.dumps({"spacecraft": summary}, indent=2))
        return
    table = Table(title=escape(f"{loaded.name}: orbits"))
    for column in ("spacecraft", "members", "altitude km", "incl. deg", "period min",
                   "sunlit (run)", "sunlit (year)", "eclipse days", "max eclipse min"):
        table.add_column(column, justify="right")
    for name, s in summary.items():
        table.add_row(escape(name), str(s["members"]), f"{s['orbit']['altitude_km']:.1f}",
                      f"{s['orbit']['inclination_deg']:.2f}", f"{s['orbit']['period_min']:.2f}",
                      f"{s['sunlit_fraction']:.3f}", f"{s['season']['sunlit_fraction']:.3f}",
                      str(s["season"]["eclipse_days"]), f"{s['season']['max_eclipse_min']:.1f}")
    Console().print(table)
    drag = {name: s["drag"] for name, s in summary.items() if "drag" in s}
    if drag:
        Console().print(drag_table(loaded.name, drag))


def drag_table(title: str, drag: dict[str, dict]) -> Table:
    """Station keeping and lifetime of each compute entry at low, mid and high solar activity."""
    table = Table(title=escape(f"{title}: drag (solar activity low / mid / high)"))
    for column in ("spacecraft", "frontal m2", "dv m/s/yr", "propellant kg/yr", "lifetime yr", "25-yr rule"):
        table.add_column(column, justify="right")
    for name, d in drag.items():
        per = [d[a] for a in ("low", "mid", "high")]
        life = [f"{p['lifetime_years']:.1f}" if p["lifetime_years"] is not None
                else f">{d['lifetime_horizon_years']:g}" for p in per]
        table.add_row(escape(name), f"{d['frontal_area_m2']:,.0f}",
                      " / ".join(f"{p['dv_m_s_per_year']:.2f}" for p in per),
                      " / ".join(f"{p['propellant_kg_per_year']:,.0f}" for p in per), " / ".join(life),
                      " / ".join("yes" if p["meets_25_year_guideline"] else "no" for p in per))
    return table


app.command("size")(user_errors(size))
app.command("route")(user_errors(route))
app.command("cost")(user_errors(cost))
app.command("deal")(user_errors(deal))
app.command("infer")(user_errors(infer))
app.command("calibrate")(user_errors(calibrate))
app.command("serve")(user_errors(serve))
for _command in jobs.registered_commands:
    _command.callback = user_errors(_command.callback)
app.add_typer(jobs, name="jobs")
app.command("czml")(user_errors(czml))
app.command("view")(user_errors(view))
app.command("sweep")(user_errors(sweep))


def main() -> None:
    app()
