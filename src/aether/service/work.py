"""What a job asks of the fleet, from the workload stage's models: its GPUs, its work and
how fast a ship does it, its failure rate, checkpoint interval and restart, and for
inference the latency its users see. A job that no ship could ever run is refused here.

Work is counted in the job's own unit: FLOPs for training (6 N D, the training model's
count), GPU-seconds for fine-tuning, seconds served for inference.
"""

from dataclasses import dataclass

import numpy as np

from aether.service.schemas import FineTuningIn, InferenceIn, TrainingIn
from aether.service.twin import Twin
from aether.settings.workload import GPU_MTBF_H, InferenceModel, Serving, TrainingJob
from aether.workload import (
    checkpoint_bytes,
    job_failure_rates,
    job_mfu,
    replica,
    serve_rate,
    training_flops,
    young_interval_s,
)

KINDS = ("training", "fine_tuning", "inference")
PRECISIONS = ("bf16", "fp8")
UNITS = {"training": "flop", "fine_tuning": "gpu_s", "inference": "s"}
# Defaults of a training job in the scenario schema (restart, checkpoint write rate), sourced there.
TRAINING_DEFAULTS = TrainingJob(name="service", parameters=1e9, tokens=1e9, gpus=1)


class Impossible(Exception):
    """A job no ship of the fleet can ever run; the message starts with the reason code."""


@dataclass(frozen=True)
class JobPlan:
    gpus: int
    mfu: float  # training: the parallelism model's MFU on the fleet's first Compute Ship; else 1
    work_total: float
    checkpoint_every_work: float  # 0: stateless (inference), nothing to roll back
    failure_rate_per_s: float
    restart_s: float
    deadline_s: float | None  # after submission


@dataclass(frozen=True)
class FleetRates:
    """Per ship: dense peak FLOP/s per GPU, by precision [precision, ship]."""

    peak_flops_per_gpu: np.ndarray

    @classmethod
    def of(cls, twin: Twin) -> "FleetRates":
        return cls(np.array([[spec.accelerator.peak_flops(p) for spec in twin.specs] for p in PRECISIONS]))


def work_rates(kind: np.ndarray, precision: np.ndarray, gpus: np.ndarray, mfu: np.ndarray, ship: np.ndarray,
               fraction: np.ndarray, rates: FleetRates) -> np.ndarray:
    """Work per second of each job on its ship at the ship's delivered fraction now
    (kind, precision: indices into KINDS, PRECISIONS; ship: index of the job's ship)."""
    delivered = fraction[ship]
    flops = gpus * rates.peak_flops_per_gpu[precision, ship] * mfu * delivered
    return np.select([kind == 0, kind == 1], [flops, gpus * delivered], 1.0)


def _failures(gpus: int, twin: Twin) -> float:
    return job_failure_rates(gpus, GPU_MTBF_H, twin.dose_rad_per_year, **twin.reliability.model_dump()).total_per_s


def _checkpoint_interval_s(parameters: float, gpus: int, mtbf_s: float) -> float:
    """Young's interval for a checkpoint of weights and Adam state written by every GPU at once."""
    cost_s = checkpoint_bytes(parameters) / (gpus * TRAINING_DEFAULTS.onboard_write_gbytes_per_s_per_gpu * 1e9)
    return young_interval_s(cost_s, mtbf_s)


def inference_latency_ms(job: InferenceIn, gpu_spec) -> tuple[float, float]:
    """(mean TTFT, mean time per output token) of one replica on this accelerator at the
    job's mean request rate per replica, from the serving model; inf when it cannot keep up."""
    served = serve_rate(replica(InferenceModel(name=job.model), Serving(), gpu_spec), job.prompt_tokens,
                        job.output_tokens, sum(job.requests_per_day.values()) / 86400.0 / job.replicas)
    ttft, tpot = float(np.asarray(served.ttft_mean_s)), float(np.asarray(served.point.itl_mean_s))
    return (ttft * 1e3, tpot * 1e3) if np.isfinite(ttft) and np.isfinite(tpot) else (np.inf, np.inf)


def plan_job(job: TrainingIn | FineTuningIn | InferenceIn, twin: Twin) -> JobPlan:
    """The job's demands on the fleet; Impossible when no ship could ever meet them."""
    capacity = twin.gpus
    if isinstance(job, InferenceIn):
        gpus = job.replicas * Serving().tensor_parallel * Serving().pipeline_parallel
    else:
        gpus = job.gpus
    if gpus > capacity.max(initial=0):
        raise Impossible(f"NO_COMPLIANT_CAPACITY: the job needs {gpus} GPUs on one Compute Ship; "
                         f"the largest has {capacity.max(initial=0)}")
    rate = _failures(gpus, twin)
    if isinstance(job, TrainingIn):
        accelerator = twin.specs[0].accelerator
        mfu = job_mfu(TrainingJob(name="service", parameters=job.parameters, tokens=job.tokens, gpus=gpus,
                                  precision=job.precision), accelerator)
        every_s = _checkpoint_interval_s(job.parameters, gpus, 1.0 / rate)
        nominal = gpus * accelerator.peak_flops(job.precision) * mfu
        return JobPlan(gpus, mfu, training_flops(job.parameters, job.tokens), every_s * nominal, rate,
                       TRAINING_DEFAULTS.restart_s, None)
    if isinstance(job, FineTuningIn):
        if job.gpu_hours / gpus > job.deadline_h:
            raise Impossible(f"DEADLINE_UNREACHABLE: {job.gpu_hours:g} GPU-hours on {gpus} GPUs take "
                             f"{job.gpu_hours / gpus:g} h at full delivery; the deadline is {job.deadline_h:g} h")
        every_s = _checkpoint_interval_s(job.parameters, gpus, 1.0 / rate)
        return JobPlan(gpus, 1.0, job.gpu_hours * 3600.0, every_s * gpus, rate, TRAINING_DEFAULTS.restart_s,
                       job.deadline_h * 3600.0)
    unknown = sorted(set(job.requests_per_day) - set(twin.site_names))
    if unknown:
        raise Impossible(f"UNKNOWN_REGION: {', '.join(unknown)} (allowed: the scenario's user sites, "
                         f"{', '.join(twin.site_names)})")
    best = min((inference_latency_ms(job, spec.accelerator) for spec in twin.specs), default=(np.inf, np.inf))
    if best[0] > job.slo.ttft_ms or best[1] > job.slo.tpot_ms:
        raise Impossible(f"SLO_UNREACHABLE: a replica gives TTFT {best[0]:.0f} ms and {best[1]:.1f} ms per "
                         f"output token before any round trip; the SLO asks {job.slo.ttft_ms:g} ms and "
                         f"{job.slo.tpot_ms:g} ms")
    return JobPlan(gpus, 1.0, job.duration_h * 3600.0, 0.0, rate, TRAINING_DEFAULTS.restart_s, None)
