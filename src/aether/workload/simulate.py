"""The workload stage: settings and input timelines in, WorkloadResult out."""

import time
from collections.abc import Callable

import numpy as np

from aether.constants import SECONDS_PER_DAY
from aether.errors import ScenarioError
from aether.settings.hardware import Accelerator
from aether.settings.workload import WorkloadSettings
from aether.workload import events as ev
from aether.workload.finetuning import FineTuningProcess
from aether.workload.inference import simulate_inference
from aether.workload.inputs import WorkloadInputs
from aether.workload.parallelism import job_layout, layout_problems
from aether.workload.result import WorkloadResult, busy_seconds_per_step
from aether.workload.serving import inference_replica, replica, replica_problem
from aether.workload.timeline import RateTimeline
from aether.workload.training import TrainingProcess, plan_training


def _gb(x: float) -> str:
    return f"{x / 1e9:,.1f} GB"


def _ship_indices(names: list[str] | None, known: dict[str, int], where: str) -> list[int]:
    if names is None:
        return [0]
    missing = [n for n in names if n not in known]
    if missing:
        raise ScenarioError([f"{where}: unknown ship {', '.join(missing)} "
                             f"(known: {', '.join(known)})"])
    return [known[n] for n in names]


def allocate_gpus(settings: WorkloadSettings, ship_names: list[str], gpus_per_ship,
                  acc: Accelerator) -> dict[str, np.ndarray]:
    """GPUs per ship for training, fine-tuning and inference; ScenarioError when they do not
    fit the ships or a model does not fit its GPUs' memory (the verdict with the numbers).
    Needs only the ships' names, GPU counts and accelerator, so scenarios can be checked
    before any simulation."""
    if acc.hbm_bytes <= 0 or acc.hbm_bytes_per_s <= 0:
        raise ScenarioError([f"workload: the {acc.name} accelerator has no hbm_gb or hbm_tb_s "
                             "(allowed: both above 0 on the ships' accelerator to run a workload)"])
    known = {n: i for i, n in enumerate(ship_names)}
    total = np.asarray(gpus_per_ship, np.int64)
    problems: list[str] = []
    train = _training_gpus(settings, known, acc, problems)
    ft = _fine_tuning_gpus(settings, known, problems)
    inf = _inference_gpus(settings, total - train - ft, acc, problems)
    used = train + ft + inf
    for i in np.nonzero(used > total)[0]:
        problems.append(
            f"workload: ship {ship_names[i]} has {total[i]} GPUs but the workload asks "
            f"for {used[i]} (training {train[i]}, fine-tuning {ft[i]}, inference {inf[i]})")
    for k, o in enumerate(settings.outages):
        if o.ship not in known:
            problems.append(f"workload.outages[{k}].ship: unknown ship {o.ship} "
                            f"(known: {', '.join(known)})")
    if problems:
        raise ScenarioError(problems)
    return {"training": train, "fine_tuning": ft, "inference": inf, "total": total}


def _training_gpus(settings: WorkloadSettings, known: dict[str, int], acc: Accelerator,
                   problems: list[str]) -> np.ndarray:
    """Training GPUs per ship; a job must split evenly, its layout fit a ship's GPUs and its
    sharded state fit in HBM."""
    train = np.zeros(len(known), np.int64)
    for j, job in enumerate(settings.training):
        where = f"workload.training[{j}] ({job.name})"
        idx = _ship_indices(job.ships, known, f"{where}.ships")
        if job.gpus % len(idx):
            problems.append(f"{where}: gpus {job.gpus} do not split evenly over "
                            f"{len(idx)} ships")
            continue
        per_ship = job.gpus // len(idx)
        train[idx] += per_ship
        layout = job_layout(job, acc, per_ship, job.global_batch_tokens / len(idx))
        problems += [f"{where}.layout: {p}" for p in layout_problems(job, acc, per_ship, layout)]
        need = job.parameters * job.checkpoint_bytes_per_param / per_ship
        if need > acc.hbm_bytes:
            problems.append(
                f"{where}: model does not fit: {job.parameters:.3g} parameters x "
                f"{job.checkpoint_bytes_per_param:g} bytes (weights and optimizer state) "
                f"sharded over {per_ship} GPUs is {_gb(need)} per GPU, more than the "
                f"{_gb(acc.hbm_bytes)} of one {acc.name}")
    return train


def _fine_tuning_gpus(settings: WorkloadSettings, known: dict[str, int],
                      problems: list[str]) -> np.ndarray:
    """Fine-tuning GPUs per ship (a fixed pool on each chosen ship)."""
    ft = np.zeros(len(known), np.int64)
    f = settings.fine_tuning
    if f is None or f.arrivals_per_day <= 0:
        return ft
    idx = (list(range(len(known))) if f.ships is None
           else _ship_indices(f.ships, known, "workload.fine_tuning.ships"))
    ft[idx] = f.gpus_per_ship
    if f.gpus_per_job > f.gpus_per_ship:
        problems.append(f"workload.fine_tuning: gpus_per_job {f.gpus_per_job} is more than "
                        f"gpus_per_ship {f.gpus_per_ship}, so no job can ever run")
    return ft


def _inference_gpus(settings: WorkloadSettings, left: np.ndarray, acc: Accelerator,
                    problems: list[str]) -> np.ndarray:
    """Inference GPUs per ship (what training and fine-tuning left, unless stated); the
    model's weights and one request's KV cache must fit a replica."""
    inf = np.zeros(len(left), np.int64)
    inference = settings.inference
    if inference is None:
        return inf
    if inference.gpus_per_ship is None:
        inf = np.maximum(left, 0)
    else:
        inf[:] = inference.gpus_per_ship
    sv, m = inference.serving, inference.model
    longest = max(c.prompt_tokens + c.output_tokens for c in inference.demand.classes)
    problem = replica_problem(replica(m, sv, acc), longest, m.name, acc.name)
    if problem is not None:
        problems.append(f"workload.inference.{problem[0]}: {problem[1]}")
    elif inference.demand.requests_per_day > 0 and (inf // sv.gpus_per_replica).sum() == 0:
        problems.append(
            f"workload.inference: no ship has {sv.gpus_per_replica} GPUs left for one "
            f"replica (inference GPUs per ship: {', '.join(map(str, inf.tolist()))})")
    return inf


def apply_outages(settings: WorkloadSettings, inputs: WorkloadInputs) -> np.ndarray:
    """Delivered fraction [time, ship] with the injected outages' steps set to zero."""
    d = np.clip(np.asarray(inputs.delivered_fraction, float), 0.0, 1.0).copy()
    index = {n: i for i, n in enumerate(inputs.ship_names)}
    for o in settings.outages:
        k0 = int(np.floor(o.start_s / inputs.step_s))
        k1 = int(np.ceil((o.start_s + o.duration_s) / inputs.step_s))
        d[max(k0, 0):max(min(k1, inputs.n_steps), 0), index[o.ship]] = 0.0
    return d


def simulate_workload(settings: WorkloadSettings, inputs: WorkloadInputs, seed: int,
                      on_progress: Callable[[float], None] | None = None) -> WorkloadResult:
    """Run training, fine-tuning and inference over the inputs' timelines.

    Deterministic: the same settings, inputs and seed give the same metrics. on_progress,
    if given, is called with the fraction done (0..1).
    """
    started = time.perf_counter()
    inputs.check()
    alloc = allocate_gpus(settings, inputs.ship_names, inputs.gpus_per_ship, inputs.accelerator)
    horizon_s = max(settings.horizon_days * SECONDS_PER_DAY, inputs.duration_s)
    d_orig = np.clip(np.asarray(inputs.delivered_fraction, float), 0.0, 1.0)
    d_run = apply_outages(settings, inputs)
    rng_inference, rng_ft, *rng_jobs = np.random.default_rng(seed).spawn(2 + len(settings.training))
    timings: dict[str, float] = {}

    t0 = time.perf_counter()
    queue = ev.EventQueue()
    processes = _training_processes(settings, inputs, d_run, d_orig, queue, rng_jobs)
    ft_proc = None
    if settings.fine_tuning is not None and alloc["fine_tuning"].sum() > 0:
        ft_ships = [int(i) for i in np.nonzero(alloc["fine_tuning"])[0]]
        timelines = [RateTimeline(d_run[:, i], inputs.step_s, d_orig[:, i]) for i in ft_ships]
        ft_proc = FineTuningProcess(settings.fine_tuning, ft_ships, timelines, queue, rng_ft,
                                    inputs.duration_s)
    queue.run(until=horizon_s)
    training = {p.p.job.name: p.finish(horizon_s) for p in processes}
    timings["events_s"] = time.perf_counter() - t0
    if on_progress is not None:
        on_progress(0.05)

    t0 = time.perf_counter()
    inference = None
    if settings.inference is not None:
        replica = inference_replica(settings.inference, inputs.accelerator)
        replicas = alloc["inference"] // settings.inference.serving.gpus_per_replica
        inference = simulate_inference(
            settings.inference, inputs, replica, replicas, d_run, rng_inference,
            settings.chunk_steps,
            on_progress=(lambda f: on_progress(0.05 + 0.9 * f)) if on_progress else None)
    timings["inference_s"] = time.perf_counter() - t0

    util = _gpu_utilisation(inputs, d_run, training, ft_proc, inference, alloc)
    if on_progress is not None:
        on_progress(1.0)
    return WorkloadResult(
        settings=settings, ship_names=list(inputs.ship_names), start_utc=inputs.start_utc,
        step_s=inputs.step_s, n_steps=inputs.n_steps, horizon_s=horizon_s, training=training,
        fine_tuning=ft_proc.r if ft_proc is not None else None, inference=inference,
        gpu_utilisation=util.astype(np.float32),
        allocation={k: [int(x) for x in v] for k, v in alloc.items()},
        events_fired=queue.fired, wall_time_s=time.perf_counter() - started, timings_s=timings)


def _training_processes(settings: WorkloadSettings, inputs: WorkloadInputs, d_run, d_orig,
                        queue: ev.EventQueue, rngs) -> list[TrainingProcess]:
    """One event process per training job, with the injected outages scheduled on it."""
    known = {n: i for i, n in enumerate(inputs.ship_names)}
    processes = []
    for job, rng in zip(settings.training, rngs, strict=True):
        idx = _ship_indices(job.ships, known, "")
        plan = plan_training(job, idx, inputs.accelerator, d_run, d_orig, inputs.backhaul_bps,
                             inputs.inter_ship_bps, inputs.step_s, inputs.dose_rad_per_year,
                             settings.reliability)
        processes.append(TrainingProcess(plan, queue, rng, inputs.duration_s))
    for o in settings.outages:
        ship = known[o.ship]
        for p in processes:
            if ship in p.p.ship_index:
                queue.schedule(o.start_s, ev.OUTAGE, p.outage_start)
                queue.schedule(o.start_s + o.duration_s, ev.OUTAGE, p.outage_end)
    return processes


def _gpu_utilisation(inputs: WorkloadInputs, d_run, training, ft_proc, inference, alloc) -> np.ndarray:
    """Share of each ship's GPUs busy at each step [time, ship], all three workloads together."""
    T, step = inputs.n_steps, inputs.step_s
    busy = np.zeros((T, inputs.n_ships))
    for r in training.values():
        if r.running:
            a, b = np.array(r.running).T
            cover = busy_seconds_per_step(a, b, 1.0, T, step)
            for i in r.plan.ship_index:
                busy[:, i] += r.plan.gpus_per_ship * cover * d_run[:, i]
    if ft_proc is not None and ft_proc.r.busy:
        a, b, ship, g = (np.array(x) for x in zip(*ft_proc.r.busy, strict=True))
        for i in np.unique(ship):
            m = ship == i
            busy[:, i] += busy_seconds_per_step(a[m], b[m], g[m], T, step) * d_run[:, i]
    if inference is not None:
        busy += inference.busy * alloc["inference"][None, :] * step
    total = np.asarray(inputs.gpus_per_ship, float)
    return np.divide(busy, total[None, :] * step, out=np.zeros_like(busy),
                     where=total[None, :] > 0)
