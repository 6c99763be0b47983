"""Figures of a workload run: GPU utilisation over time, the TTFT CDF, training progress."""

import numpy as np

from aether.workload import WorkloadResult


def workload_figures(result: WorkloadResult) -> list:
    """Three matplotlib Figures (utilisation, TTFT CDF, training progress)."""
    from matplotlib.figure import Figure

    figures = []
    fig = Figure(figsize=(8, 3.5))
    ax = fig.add_subplot()
    hours = np.arange(result.n_steps) * result.step_s / 3600.0
    for i, name in enumerate(result.ship_names[:12]):
        ax.plot(hours, 100.0 * result.gpu_utilisation[:, i], lw=0.8, label=name)
    ax.set(xlabel="hours from start", ylabel="GPU utilisation (%)", ylim=(0, 105),
           title="GPU utilisation")
    ax.legend(fontsize="small", loc="lower right")
    figures.append(fig)

    fig = Figure(figsize=(6, 4))
    ax = fig.add_subplot()
    inf = result.inference
    if inf is not None and inf.count.size:
        order = np.argsort(inf.ttft_ms, kind="stable")
        x = inf.ttft_ms[order]
        y = np.cumsum(inf.count[order], dtype=np.int64) / max(inf.requests, 1)
        keep = np.unique(np.linspace(0, len(x) - 1, min(len(x), 4000)).astype(np.int64))
        ax.step(x[keep], 100.0 * y[keep], where="post")
        ax.axvline(inf.slo_ttft_ms, color="grey", ls="--", lw=0.8, label="TTFT SLO")
        ax.legend(fontsize="small")
    ax.set(xlabel="time to first token (ms)", ylabel="requests (%)", ylim=(0, 100),
           title="TTFT distribution (dropped requests never reach 100%)")
    figures.append(fig)

    fig = Figure(figsize=(8, 3.5))
    ax = fig.add_subplot()
    for name, r in result.training.items():
        if r.progress_t:
            ax.plot(np.asarray(r.progress_t) / 86400.0, 100.0 * np.asarray(r.progress_f),
                    lw=0.8, label=name)
    ax.axvline(result.run_s / 86400.0, color="grey", ls=":", lw=0.8, label="end of run")
    ax.set(xlabel="days from start", ylabel="FLOPs done (%)", ylim=(0, 102),
           title="Training progress (past the run: repeated timeline)")
    ax.legend(fontsize="small")
    figures.append(fig)
    return figures
