"""`aether sweep SPEC [--backend local|ray] [--workers N] [--address ADDR] [--out DIR] [--resume]`:
many scenarios from one spec, with a progress bar, a summary and figures (docs/sweeps.md)."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from aether.scenario import ScenarioError

BACKENDS = ("local", "ray")


def _shown(value) -> str:
    if value is None or value != value:  # None or NaN
        return "-"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def summary_tables(frame, spec) -> list[Table]:
    """The metrics over the finished cases (min, median, max), and the best designs."""
    ok = frame[frame["status"] == "ok"]
    stats = Table(title=f"{spec.name}: {len(ok)} of {len(frame)} cases finished")
    for column in ("metric", "min", "median", "max"):
        stats.add_column(column, justify="left" if column == "metric" else "right")
    for name in spec.metrics:
        values = ok[name].dropna()
        stats.add_row(name, *(_shown(getattr(values, f)()) if len(values) else "-" for f in ("min", "median", "max")))
    tables = [stats]
    from aether.sweep.pareto import best_designs

    best = best_designs(frame, spec)
    if len(best):
        inputs = [a.path for a in spec.axes] + (spec.seeds.paths if spec.seeds else [])
        title = "Pareto front" if len(spec.objectives) == 2 else "best designs"
        table = Table(title=f"{title} (meeting the constraints)" if spec.constraints else title)
        for column in ["case", *inputs, *spec.metrics]:
            table.add_column(column, justify="right")
        for _, row in best.head(20).iterrows():
            table.add_row(*(_shown(row[c]) for c in ["case", *inputs, *spec.metrics]))
        tables.append(table)
    return tables


def sweep(
    spec: Annotated[str, typer.Argument(help="a sweep spec (YAML path) or a built-in one's name")],
    backend: Annotated[str, typer.Option(help="where cases run: local (a process pool) or ray")] = "local",
    workers: Annotated[int | None, typer.Option(help="cases at once (default: every core; on Ray the "
                                                     "cluster's CPUs)")] = None,
    address: Annotated[str | None, typer.Option(help="Ray cluster to join (auto: the one on this node); "
                                                     "none starts a local Ray")] = None,
    out: Annotated[Path | None, typer.Option(help="output folder (default: sweeps/<spec name>)")] = None,
    resume: Annotated[bool, typer.Option(help="carry on the sweep in --out, skipping finished cases")] = False,
):
    """Run a sweep or an optimisation: one row per case in OUT/results.parquet, figures and a summary."""
    from aether.sweep import load_spec, run_sweep
    from aether.sweep.plots import write_figures

    if backend not in BACKENDS:
        raise ScenarioError([f"--backend {backend}: not a backend (allowed: {', '.join(BACKENDS)})"])
    if workers is not None and not 1 <= workers <= 100_000:
        raise ScenarioError([f"--workers {workers}: not allowed (allowed: 1 to 100000)"])
    loaded = load_spec(spec)
    out = out if out is not None else Path("sweeps") / loaded.name
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.fields[failed]} failed"), TimeElapsedColumn(), TimeRemainingColumn(),
                        console=Console(stderr=True))
    bar, failed = None, 0

    def on_start(total: int, finished: int) -> None:  # the folder and base are ready: show the bar
        nonlocal bar
        progress.start()
        bar = progress.add_task(f"{loaded.name} ({backend})", total=total, completed=finished, failed=0)

    def on_row(row: dict, done: int, total: int) -> None:
        nonlocal failed
        failed += row["status"] != "ok"
        progress.update(bar, completed=done, total=total, failed=failed)

    try:
        frame = run_sweep(loaded, out, backend, workers, address, resume, on_row=on_row, on_start=on_start)
    finally:
        if bar is not None:
            progress.stop()
    figures = write_figures(frame, loaded, out)
    console = Console()
    for table in summary_tables(frame, loaded):
        console.print(table)
    a = frame.attrs
    rate = a["ran"] / a["wall_s"] * 60 if a["wall_s"] > 0 else 0.0
    console.print(f"{a['ran']} cases run ({rate:,.0f} per minute on {a['backend']}), {a['skipped']} skipped as "
                  f"finished, {int((frame['status'] != 'ok').sum())} failed; {a['wall_s']:.1f} s")
    console.print(f"rows: {out / 'results.parquet'}; figures: {', '.join(figures) or 'none'}")
