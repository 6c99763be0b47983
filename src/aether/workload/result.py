"""What the workload stage returns: per-job results, inference cohorts, GPU utilisation."""

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from aether.settings.workload import WorkloadSettings
from aether.workload.finetuning import FineTuningResult
from aether.workload.inference import InferenceResult
from aether.workload.training import TrainingResult


def busy_seconds_per_step(starts, ends, weights, n_steps: int, step_s: float) -> np.ndarray:
    """Sum over intervals of weight x seconds of [start, end) inside each step [k step, (k+1) step).

    Intervals may overlap. Uses C(t) = sum_i w_i (max(0, t - a_i) - max(0, t - b_i)) at the
    step edges, each ramp sum from sorted starts and prefix sums.
    """
    edges = np.arange(n_steps + 1) * step_s
    if len(starts) == 0:
        return np.zeros(n_steps)
    a = np.asarray(starts, float)
    b = np.asarray(ends, float)
    w = np.asarray(weights, float) * np.ones_like(a)

    def ramps(points):
        order = np.argsort(points)
        p, g = points[order], w[order]
        cw = np.concatenate([[0.0], np.cumsum(g)])
        cwp = np.concatenate([[0.0], np.cumsum(g * p)])
        i = np.searchsorted(p, edges, side="right")
        return cw[i] * edges - cwp[i]

    return np.diff(ramps(a) - ramps(b))


@dataclass
class WorkloadResult:
    settings: WorkloadSettings
    ship_names: list[str]
    start_utc: datetime
    step_s: float
    n_steps: int
    horizon_s: float
    training: dict[str, TrainingResult]
    fine_tuning: FineTuningResult | None
    inference: InferenceResult | None
    gpu_utilisation: np.ndarray  # [time, ship] share of the ship's GPUs doing work
    allocation: dict[str, list[int]]  # use -> GPUs per ship
    events_fired: int = 0
    wall_time_s: float = 0.0
    timings_s: dict[str, float] = field(default_factory=dict)

    @property
    def run_s(self) -> float:
        return self.n_steps * self.step_s

    def metrics(self) -> dict:
        """JSON-ready metrics (keys documented in docs/metrics.md)."""
        weights = np.asarray(self.allocation["total"], float)
        util = self.gpu_utilisation
        mean = (float(np.average(util.mean(axis=0), weights=weights))
                if util.size and weights.sum() > 0 else 0.0)
        return {
            "training": {name: r.metrics(self.run_s, self.horizon_s)
                         for name, r in self.training.items()},
            "inference": self.inference.metrics() if self.inference is not None else None,
            "fine_tuning": self.fine_tuning.metrics() if self.fine_tuning is not None else None,
            "gpu_utilisation_mean": round(mean, 6),
            "gpu_allocation": {k: [int(x) for x in v] for k, v in self.allocation.items()},
            "events": self.events_fired,
        }

    def state_at(self, t_s: float) -> dict:
        """The fleet's workload state at time t (seconds from the start)."""
        k = int(min(max(t_s // self.step_s, 0), self.n_steps - 1))
        training = {}
        for name, r in self.training.items():
            f = float(np.interp(t_s, r.progress_t, r.progress_f)) if r.progress_t else 0.0
            training[name] = {"progress": f, "finished": r.end_s is not None and r.end_s <= t_s}
        return {
            "t_s": t_s,
            "gpu_utilisation": dict(zip(self.ship_names,
                                        map(float, self.gpu_utilisation[k]), strict=True)),
            "training": training,
        }
