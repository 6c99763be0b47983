"""A sweep's figures: each metric against each axis, and the Pareto front of two objectives.

matplotlib's object API (Figure, drawn by the Agg canvas when saved), never pyplot, as in the report.
"""

import numpy as np
from matplotlib.figure import Figure

from aether.sweep.pareto import pareto_front


def metric_figure(frame, spec, metric: str) -> Figure:
    """One metric against each axis (a panel per axis); failed cases are left out and cases
    that break a constraint are drawn hollow."""
    axes = [a.path for a in spec.axes] + (spec.seeds.paths if spec.seeds else [])
    fig = Figure(figsize=(4.2 * max(1, len(axes)), 3.8))
    panels = np.atleast_1d(fig.subplots(1, max(1, len(axes))))
    ok = frame[frame["status"] == "ok"]
    meets = ok["feasible"].fillna(False).astype(bool) if "feasible" in ok else np.ones(len(ok), bool)
    for panel, path in zip(panels, axes, strict=False):
        x = ok[path]
        x = x.astype(str) if x.dtype == object else x
        panel.scatter(x[meets], ok[metric][meets], s=14, c="tab:blue", label="meets the constraints")
        if not np.all(meets):
            panel.scatter(x[~meets], ok[metric][~meets], s=14, facecolors="none", edgecolors="tab:red",
                          label="breaks a constraint")
            panel.legend(fontsize=7)
        panel.set_xlabel(path)
        panel.set_ylabel(metric)
    fig.suptitle(f"{spec.name}: {metric} ({len(ok)} of {len(frame)} cases finished)")
    fig.tight_layout()
    return fig


def pareto_figure(frame, spec) -> Figure:
    """The two objectives of every finished case, with the Pareto front of those that meet
    every constraint joined up."""
    (first, second), goals = [o.metric for o in spec.objectives], [o.goal for o in spec.objectives]
    ok = frame[frame["status"] == "ok"]
    meets = ok[ok["feasible"].fillna(False).astype(bool)] if "feasible" in ok else ok
    front = meets[pareto_front(meets[[first, second]].to_numpy(dtype=float), goals)].sort_values(first)
    fig = Figure(figsize=(6.5, 5))
    ax = fig.subplots()
    ax.scatter(ok[first], ok[second], s=12, c="0.7", label="cases")
    ax.plot(front[first], front[second], "o-", c="tab:red", ms=5, label=f"Pareto front ({len(front)})")
    ax.set_xlabel(f"{first} ({goals[0]})")
    ax.set_ylabel(f"{second} ({goals[1]})")
    ax.set_title(f"{spec.name}: Pareto front")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def sweep_figures(frame, spec) -> dict[str, Figure]:
    """File name -> figure: metric-<name>.png for each metric, pareto.png with two objectives."""
    figures = {}
    if spec.axes or spec.seeds:
        figures |= {f"metric-{name}.png": metric_figure(frame, spec, name) for name in spec.metrics}
    if len(spec.objectives) == 2:
        figures["pareto.png"] = pareto_figure(frame, spec)
    return figures


def write_figures(frame, spec, folder) -> list[str]:
    """Draw the sweep's figures into folder as PNGs (each file whole); their names."""
    from aether.files import inside, write_whole
    from aether.report.plots import figure_png

    figures = sweep_figures(frame, spec)
    for name, figure in figures.items():
        write_whole(inside(folder, name), figure_png(figure))
    return list(figures)
