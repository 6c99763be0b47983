"""Pre-training jobs on the fleet, as processes on the event core.

A job computes 6 x parameters x tokens FLOPs at gpus x peak x MFU x delivered fraction
(the slowest of its ships sets the pace), less the time its ships spend exchanging
gradients. It checkpoints every interval (Young/Daly from its failure rate, or fixed),
fails as a Poisson process (hard GPU failures, radiation SDC and interrupts), rolls back
to the last durable checkpoint, and pays a restart. Planned interruptions (maintenance,
firmware) come as their own Poisson process: the job checkpoints first, so each costs a
checkpoint and a restart but no work. Injected outages stop it until the ship is back. The MFU
is the job's `mfu` where given, else the layout model's (aether.workload.parallelism).
"""

from dataclasses import dataclass, field

import numpy as np

from aether.constants import SECONDS_PER_DAY, SECONDS_PER_HOUR
from aether.settings.hardware import Accelerator
from aether.settings.workload import Reliability, TrainingJob
from aether.workload import events as ev
from aether.workload.checkpoint import checkpoint_bytes, daly_interval_s, young_interval_s
from aether.workload.failures import FailureRates, job_failure_rates
from aether.workload.parallelism import Layout, StepTimes, job_layout, layout_step
from aether.workload.timeline import RateTimeline


def mfu_for(mfu: dict[str, float], accelerator_name: str) -> float:
    """A given MFU table's value for this accelerator: exact name, then a key inside the name,
    then default."""
    name = accelerator_name.lower()
    table = {k.lower(): v for k, v in mfu.items()}
    if name in table:
        return table[name]
    matches = sorted((k for k in table if k != "default" and k in name), key=len, reverse=True)
    if matches:
        return table[matches[0]]
    return table.get("default", 0.35)


def job_mfu(job: TrainingJob, accelerator: Accelerator, ships: int = 1) -> float:
    """The job's MFU on this accelerator over `ships` ships: its own table's value when it gives
    one, else the parallelism model's for its shape and layout."""
    if job.mfu is not None:
        return mfu_for(job.mfu, accelerator.name)
    layout = job_layout(job, accelerator, job.gpus // ships, job.global_batch_tokens / ships)
    return float(layout_step(job, accelerator, layout).mfu)


def allreduce_seconds(gradient_bytes: float, n_ships: int, link_bps: np.ndarray) -> np.ndarray:
    """Ring all-reduce across n ships: 2 x bytes x (n-1)/n sent per ship at the link rate."""
    bits = 8.0 * 2.0 * gradient_bytes * (n_ships - 1) / n_ships
    link = np.asarray(link_bps, float)
    with np.errstate(divide="ignore"):
        return np.where(link > 0, bits / np.maximum(link, 1e-300), np.inf)


def communication_efficiency(
    step_compute_s: float, delivered: np.ndarray, allreduce_s: np.ndarray, sync_every: int
) -> np.ndarray:
    """Share of wall time spent computing when each optimizer step (step_compute_s at full
    delivery, longer when throttled) is followed by 1/sync_every of an all-reduce (no overlap)."""
    d = np.asarray(delivered, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        compute = np.where(d > 0, step_compute_s / np.maximum(d, 1e-300), np.inf)
        comm = np.asarray(allreduce_s, float) / sync_every
        eff = np.where(np.isfinite(comm), compute / (compute + comm), 0.0)
    return np.where(d > 0, eff, 0.0)


@dataclass
class TrainingPlan:
    """Everything about a job that follows from its settings and the inputs."""

    job: TrainingJob
    ship_index: list[int]
    gpus_per_ship: float
    peak_flops: float
    mfu: float
    flops: float
    rates: FailureRates
    planned_per_s: float
    layout: Layout
    step: StepTimes
    mfu_source: str  # "model" or "given"
    checkpoint_bytes: float
    checkpoint_cost_s: float
    checkpoint_interval_s: float
    progress: RateTimeline  # useful FLOP/s
    delivered: RateTimeline  # FLOP/s at the job's MFU without communication losses
    upload: RateTimeline | None  # bit/s to the ground
    comm_efficiency_mean: float

    @property
    def nominal_flops_per_s(self) -> float:
        return self.job.gpus * self.peak_flops * self.mfu


def plan_training(
    job: TrainingJob,
    ship_index: list[int],
    accelerator: Accelerator,
    delivered_run: np.ndarray,
    delivered_repeat: np.ndarray,
    backhaul_bps: np.ndarray,
    inter_ship_bps: np.ndarray | None,
    step_s: float,
    dose_rad_per_year: float,
    reliability: Reliability,
) -> TrainingPlan:
    """delivered_run: [time, ship] with injected outages; delivered_repeat: without."""
    n = len(ship_index)
    peak = accelerator.peak_flops(job.precision)
    layout = job_layout(job, accelerator, job.gpus // n, job.global_batch_tokens / n)
    step = layout_step(job, accelerator, layout)
    mfu = float(step.mfu) if job.mfu is None else mfu_for(job.mfu, accelerator.name)
    nominal = job.gpus * peak * mfu
    d_run = delivered_run[:, ship_index].min(axis=1)
    d_rep = delivered_repeat[:, ship_index].min(axis=1)
    if n > 1:
        if inter_ship_bps is not None:
            link = inter_ship_bps[:, ship_index].min(axis=1)
        else:
            link = np.full(len(d_run), job.inter_ship_link_gbps * 1e9)
        ar = allreduce_seconds(job.parameters * job.gradient_bytes_per_param, n, link)
        step_compute_s = 6.0 * job.parameters * job.global_batch_tokens / nominal
        sync_every = 1 if job.cross_ship == "sync_dp" else job.diloco_local_steps
        eff_run = communication_efficiency(step_compute_s, d_run, ar, sync_every)
        eff_rep = communication_efficiency(step_compute_s, d_rep, ar, sync_every)
    else:
        eff_run = np.where(d_run > 0, 1.0, 0.0)
        eff_rep = np.where(d_rep > 0, 1.0, 0.0)
    progress = RateTimeline(nominal * d_run * eff_run, step_s, nominal * d_rep * eff_rep)
    delivered = RateTimeline(nominal * d_run, step_s, nominal * d_rep)
    rates = job_failure_rates(
        job.gpus, job.gpu_mtbf_h, dose_rad_per_year,
        rad_per_sdc=reliability.rad_per_sdc,
        sdc_rollback_fraction=reliability.sdc_rollback_fraction,
        rad_per_functional_interrupt=reliability.rad_per_functional_interrupt,
        hard_failure_increase_per_krad_per_year=reliability.hard_failure_increase_per_krad_per_year,
    )
    size = checkpoint_bytes(job.parameters, job.checkpoint_bytes_per_param)
    cost = size / (job.gpus * job.onboard_write_gbytes_per_s_per_gpu * 1e9)
    if job.checkpoint_interval == "young":
        interval = young_interval_s(cost, rates.mtbf_s)
    elif job.checkpoint_interval == "daly":
        interval = daly_interval_s(cost, rates.mtbf_s)
    else:
        interval = float(job.checkpoint_interval)
    upload = None
    if job.checkpoint_target == "ground":
        bh = backhaul_bps[:, ship_index].sum(axis=1) * job.checkpoint_backhaul_share
        upload = RateTimeline(bh, step_s)
    weights = np.where(d_rep > 0, 1.0, 0.0)
    comm_mean = float(np.average(eff_rep, weights=weights)) if weights.sum() else 0.0
    planned = job.gpus / (job.gpu_planned_interval_h * SECONDS_PER_HOUR)
    return TrainingPlan(job, ship_index, job.gpus / n, peak, mfu, job.flops, rates, planned, layout, step,
                        "model" if job.mfu is None else "given", size, cost, interval, progress, delivered,
                        upload, comm_mean)


@dataclass
class TrainingResult:
    plan: TrainingPlan
    start_s: float
    end_s: float | None = None
    checkpoints: int = 0
    restarts: int = 0
    failures: dict[str, int] = field(default_factory=lambda: {
        "hard": 0, "sdc": 0, "functional": 0, "outage": 0})
    planned: int = 0
    planned_down_s: float = 0.0
    lost_flops: float = 0.0
    restart_gpu_s: float = 0.0
    checkpoint_gpu_s: float = 0.0
    useful_flops: float = 0.0
    delivered_flops: float = 0.0
    # (time s, fraction of FLOPs done) at every change of state.
    progress_t: list[float] = field(default_factory=list)
    progress_f: list[float] = field(default_factory=list)
    # Intervals (start s, end s) when the job computed.
    running: list[tuple[float, float]] = field(default_factory=list)
    down: list[tuple[float, float]] = field(default_factory=list)
    progress_at_run_end: float = 0.0

    @property
    def finished(self) -> bool:
        return self.end_s is not None

    def metrics(self, run_s: float, horizon_s: float) -> dict:
        p = self.plan
        end = self.end_s if self.end_s is not None else horizon_s
        elapsed = max(end - self.start_s, 0.0)
        frac = self.useful_flops / p.flops
        days = elapsed / SECONDS_PER_DAY
        lost_gpu_h = self.lost_flops / (p.peak_flops * p.mfu) / SECONDS_PER_HOUR + self.restart_gpu_s / SECONDS_PER_HOUR
        return {
            "finished": self.finished,
            "finished_within_run": self.finished and self.end_s <= run_s,
            "wall_clock_days": round(days, 6) if self.finished else None,
            "wall_clock_s": round(elapsed, 3) if self.finished else None,
            "projected_wall_clock_days": round(days / frac, 4) if frac > 0 else None,
            "progress_at_run_end": round(self.progress_at_run_end, 6),
            "progress": round(frac, 6),
            "compute_flops": p.flops,
            "ideal_days": round(p.flops / p.nominal_flops_per_s / SECONDS_PER_DAY, 4),
            "goodput": round(self.useful_flops / self.delivered_flops, 6)
            if self.delivered_flops > 0 else 0.0,
            "checkpoints": self.checkpoints,
            "checkpoint_interval_s": round(p.checkpoint_interval_s, 3),
            "checkpoint_bytes": p.checkpoint_bytes,
            "checkpoint_cost_s": round(p.checkpoint_cost_s, 3),
            "checkpoint_target": p.job.checkpoint_target,
            "restarts": self.restarts,
            "failures": dict(self.failures),
            "job_mtbf_h": round(p.rates.mtbf_s / SECONDS_PER_HOUR, 4),
            "lost_gpu_hours": round(lost_gpu_h, 3),
            "checkpoint_gpu_hours": round(self.checkpoint_gpu_s / SECONDS_PER_HOUR, 3),
            "mfu": round(p.mfu, 6),
            "mfu_source": p.mfu_source,
            "layout": p.layout.as_dict(),
            "pipeline_bubble": round(float(p.step.bubble), 6),
            "planned_interruptions": self.planned,
            "planned_downtime_h": round(self.planned_down_s / SECONDS_PER_HOUR, 4),
            "job_planned_interval_h": round(1.0 / p.planned_per_s / SECONDS_PER_HOUR, 4)
            if p.planned_per_s > 0 else None,
            "gpus": p.job.gpus,
            "ships": [int(i) for i in p.ship_index],
            "cross_ship": p.job.cross_ship if len(p.ship_index) > 1 else None,
            "communication_efficiency": round(p.comm_efficiency_mean, 6),
        }


PENDING, RUNNING, CHECKPOINTING, RESTARTING, DOWN, DONE = range(6)


class TrainingProcess:
    """One job's state machine on the event queue."""

    def __init__(self, plan: TrainingPlan, queue: ev.EventQueue, rng: np.random.Generator,
                 run_s: float):
        self.p, self.q, self.rng, self.run_s = plan, queue, rng, run_s
        self.r = TrainingResult(plan, plan.job.start_s)
        self.state = PENDING
        self.done_flops = 0.0  # progress at the start of the current segment
        self.committed = 0.0
        self.seg_start = 0.0
        self.since_checkpoint_s = 0.0
        self.outages = 0
        self.down_since = 0.0
        self.uploading: float | None = None
        self.pending_upload: float | None = None
        self._finish = self._checkpoint = self._stall = None
        kinds, probs = plan.rates.kinds()
        self._kinds, self._probs = kinds, np.asarray(probs)
        queue.schedule(plan.job.start_s, ev.ARRIVAL, self._start)
        if plan.rates.total_per_s > 0:
            self._schedule_failure(plan.job.start_s)
        if plan.planned_per_s > 0:
            self._schedule_planned(plan.job.start_s)
        # Progress at the end of the simulated window.
        queue.schedule(run_s, ev.ARRIVAL + 1, self._mark_run_end)

    # -- helpers
    def _now_flops(self, t: float) -> float:
        if self.state == RUNNING:
            return min(self.done_flops + self.p.progress.integral(self.seg_start, t), self.p.flops)
        return self.done_flops

    def _record(self, t: float) -> None:
        self.r.progress_t.append(t)
        self.r.progress_f.append(self._now_flops(t) / self.p.flops)

    def _cancel(self) -> None:
        for e in (self._finish, self._checkpoint, self._stall):
            if e is not None:
                e.cancel()
        self._finish = self._checkpoint = self._stall = None

    def _leave_running(self, t: float) -> None:
        if self.state == RUNNING:
            self.done_flops = self._now_flops(t)
            self.since_checkpoint_s += t - self.seg_start
            self.r.running.append((self.seg_start, t))

    def _run(self, t: float) -> None:
        self.state = RUNNING
        self.seg_start = t
        left = self.p.flops - self.done_flops
        t_finish = self.p.progress.time_to_accumulate(t, left)
        if np.isfinite(t_finish):
            self._finish = self.q.schedule(t_finish, ev.COMPLETION, self._on_finish)
        due = t + max(self.p.checkpoint_interval_s - self.since_checkpoint_s, 0.0)
        if due < t_finish:
            self._checkpoint = self.q.schedule(due, ev.CHECKPOINT, self._on_checkpoint_due)
        self._record(t)

    def _schedule_failure(self, t: float) -> None:
        dt = self.rng.exponential(self.p.rates.mtbf_s)
        self.q.schedule(t + dt, ev.FAILURE, self._on_failure)

    def _schedule_planned(self, t: float) -> None:
        dt = self.rng.exponential(1.0 / self.p.planned_per_s)
        self.q.schedule(t + dt, ev.FAILURE, self._on_planned)

    def _interrupt(self, t: float) -> None:
        """Lose everything since the last durable checkpoint."""
        self._leave_running(t)
        self._cancel()
        self.r.lost_flops += self.done_flops - self.committed
        self.done_flops = self.committed
        self.since_checkpoint_s = 0.0

    def _restart(self, t: float) -> None:
        self.state = RESTARTING
        self.r.restarts += 1
        self.r.restart_gpu_s += self.p.job.gpus * self.p.job.restart_s
        self._stall = self.q.schedule(t + self.p.job.restart_s, ev.COMPLETION, self._on_restarted)
        self._record(t)

    # -- events
    def _start(self, t: float) -> None:
        if self.outages:
            self.state = DOWN
            self.down_since = t
            return
        self._run(t)

    def _mark_run_end(self, t: float) -> None:
        self.r.progress_at_run_end = self._now_flops(t) / self.p.flops

    def _on_finish(self, t: float) -> None:
        self._leave_running(t)
        self._cancel()
        self.done_flops = self.committed = self.p.flops
        self.state = DONE
        self.r.end_s = t
        self._record(t)

    def _on_checkpoint_due(self, t: float) -> None:
        self._checkpoint = None
        self._leave_running(t)
        if self._finish is not None:
            self._finish.cancel()
            self._finish = None
        self.state = CHECKPOINTING
        self.since_checkpoint_s = 0.0
        self.r.checkpoint_gpu_s += self.p.job.gpus * self.p.checkpoint_cost_s
        self._stall = self.q.schedule(t + self.p.checkpoint_cost_s, ev.COMPLETION,
                                      self._on_checkpoint_written)

    def _on_checkpoint_written(self, t: float) -> None:
        self._stall = None
        self.r.checkpoints += 1
        if self.p.upload is None:
            self.committed = self.done_flops
        elif self.uploading is None:
            self._start_upload(t, self.done_flops)
        else:
            self.pending_upload = self.done_flops
        self._run(t)

    def _start_upload(self, t: float, snapshot: float) -> None:
        self.uploading = snapshot
        t_done = self.p.upload.time_to_accumulate(t, 8.0 * self.p.checkpoint_bytes)
        if np.isfinite(t_done):
            self.q.schedule(t_done, ev.CHECKPOINT, self._on_uploaded)

    def _on_uploaded(self, t: float) -> None:
        self.committed = max(self.committed, self.uploading)
        self.uploading = None
        if self.pending_upload is not None and self.state != DONE:
            snapshot, self.pending_upload = self.pending_upload, None
            self._start_upload(t, snapshot)

    def _on_failure(self, t: float) -> None:
        if self.state == DONE:
            return
        self._schedule_failure(t)
        if self.state in (PENDING, DOWN):
            return
        kind = self._kinds[int(self.rng.choice(len(self._kinds), p=self._probs))]
        self.r.failures[kind] += 1
        self._interrupt(t)
        self._restart(t)

    def _on_planned(self, t: float) -> None:
        """A planned interruption of a running job: write a checkpoint (durable: the hardware is
        intact, so the local copy survives), then restart. Others find the job already stopped."""
        if self.state == DONE:
            return
        self._schedule_planned(t)
        if self.state != RUNNING:
            return
        self._leave_running(t)
        self._cancel()
        self.r.planned += 1
        self.since_checkpoint_s = 0.0
        self.committed = self.done_flops
        self.r.checkpoint_gpu_s += self.p.job.gpus * self.p.checkpoint_cost_s
        self.r.planned_down_s += self.p.checkpoint_cost_s + self.p.job.restart_s
        self.state = CHECKPOINTING
        self._stall = self.q.schedule(t + self.p.checkpoint_cost_s, ev.COMPLETION, self._on_planned_written)
        self._record(t)

    def _on_planned_written(self, t: float) -> None:
        self._stall = None
        self.r.checkpoints += 1
        self._restart(t)

    def _on_restarted(self, t: float) -> None:
        self._stall = None
        self._run(t)

    def outage_start(self, t: float) -> None:
        self.outages += 1
        if self.outages > 1 or self.state in (PENDING, DONE):
            return
        self.r.failures["outage"] += 1
        self._interrupt(t)
        self.state = DOWN
        self.down_since = t
        self._record(t)

    def outage_end(self, t: float) -> None:
        self.outages -= 1
        if self.outages == 0 and self.state == DOWN:
            self.r.down.append((self.down_since, t))
            self._restart(t)

    def finish(self, horizon_s: float) -> TrainingResult:
        """Close the books at the end of the simulation."""
        r = self.r
        end = r.end_s if r.end_s is not None else horizon_s
        if r.end_s is None:
            if self.state == DOWN:
                r.down.append((self.down_since, horizon_s))
            self._leave_running(horizon_s)
            self.state = DONE
        r.useful_flops = self.done_flops
        delivered = self.p.delivered.integral(r.start_s, end)
        for a, b in r.down:
            delivered -= self.p.delivered.integral(a, min(b, end))
        r.delivered_flops = max(delivered, 0.0)
        return r
