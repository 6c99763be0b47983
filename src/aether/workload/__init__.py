"""Workloads on the fleet: training, fine-tuning and inference, with failures.

A deterministic discrete-event simulation (training, fine-tuning) and a cohort model of
inference, driven by plain arrays from the ship and network stages (`WorkloadInputs`).

    from aether.workload import WorkloadSettings, simulate_workload, synthetic_inputs
    result = simulate_workload(WorkloadSettings(), synthetic_inputs(), seed=0)
    result.metrics()
"""

from aether.settings.workload import WorkloadSettings, training_flops
from aether.workload.checkpoint import checkpoint_bytes, daly_interval_s, young_interval_s
from aether.workload.inputs import WorkloadInputs, synthetic_inputs
from aether.workload.percentiles import weighted_percentiles
from aether.workload.result import WorkloadResult
from aether.workload.serving import (
    decode_step_seconds,
    decode_tokens_per_s,
    kv_bytes_per_token,
    prefill_seconds,
)
from aether.workload.simulate import simulate_workload
from aether.workload.stage import check_workload, run_workload

__all__ = [
    "WorkloadInputs",
    "WorkloadResult",
    "WorkloadSettings",
    "check_workload",
    "checkpoint_bytes",
    "daly_interval_s",
    "decode_step_seconds",
    "decode_tokens_per_s",
    "kv_bytes_per_token",
    "prefill_seconds",
    "run_workload",
    "simulate_workload",
    "synthetic_inputs",
    "training_flops",
    "weighted_percentiles",
    "young_interval_s",
]
