"""Workloads on the fleet: training, fine-tuning and inference, with failures.

A deterministic discrete-event simulation (training, fine-tuning) and a cohort model of
inference, driven by plain arrays from the ship and network stages (`WorkloadInputs`).

    from aether.workload import WorkloadSettings, simulate_workload, synthetic_inputs
    result = simulate_workload(WorkloadSettings(), synthetic_inputs(), seed=0)
    result.metrics()
"""

from aether.settings.workload import WorkloadSettings, training_flops
from aether.workload.calibration import GRIDS, Measurements, check_peaks, document, fit_measurements, measure, plan
from aether.workload.checkpoint import checkpoint_bytes, daly_interval_s, young_interval_s
from aether.workload.failures import FailureRates, job_failure_rates
from aether.workload.fitting import ENGINE_PARAMETERS, fit_engine
from aether.workload.inputs import WorkloadInputs, synthetic_inputs
from aether.workload.microbench import NumpyBackend, Shape, catalogue_gpu, torch_backend
from aether.workload.parallelism import Efficiencies, pipeline_bubble, training_step
from aether.workload.percentiles import weighted_percentiles
from aether.workload.result import WorkloadResult
from aether.workload.serving import (
    Replica,
    Served,
    infer,
    iteration_s,
    replica,
    serve_concurrency,
    serve_rate,
)
from aether.workload.simulate import simulate_workload
from aether.workload.stage import check_workload, run_workload
from aether.workload.training import job_mfu

__all__ = [
    "Efficiencies",
    "ENGINE_PARAMETERS",
    "GRIDS",
    "Measurements",
    "NumpyBackend",
    "Shape",
    "catalogue_gpu",
    "check_peaks",
    "document",
    "fit_engine",
    "fit_measurements",
    "measure",
    "plan",
    "torch_backend",
    "FailureRates",
    "Replica",
    "Served",
    "WorkloadInputs",
    "WorkloadResult",
    "WorkloadSettings",
    "check_workload",
    "checkpoint_bytes",
    "daly_interval_s",
    "infer",
    "pipeline_bubble",
    "iteration_s",
    "job_failure_rates",
    "job_mfu",
    "replica",
    "run_workload",
    "serve_concurrency",
    "serve_rate",
    "simulate_workload",
    "synthetic_inputs",
    "training_flops",
    "training_step",
    "weighted_percentiles",
    "young_interval_s",
]
