"""Helpers for the workload tests: small synthetic inputs and quiet settings."""

import numpy as np
import pytest

from aether.settings.workload import FineTuning, Inference, Reliability, TrainingJob
from aether.workload import WorkloadSettings, synthetic_inputs

# No radiation-driven failures and an effectively infinite GPU MTBF.
NO_FAILURES = Reliability(rad_per_sdc=1e30, rad_per_functional_interrupt=1e30,
                          hard_failure_increase_per_krad_per_year=0.0)


def small_inputs(**kw):
    args = dict(n_ships=1, gpus_per_ship=1024, n_sites=20, duration_s=6 * 3600.0, step_s=30.0,
                seed=3)
    args.update(kw)
    return synthetic_inputs(**args)


def steady(inputs):
    """No throttling: delivered fraction 1 everywhere."""
    inputs.delivered_fraction = np.ones_like(inputs.delivered_fraction)
    return inputs


def small_job(**kw) -> TrainingJob:
    """An 8B job at a given MFU of 0.40 (so hand calculations stay simple) and without planned
    interruptions unless asked."""
    args = dict(name="job", parameters=8e9, tokens=2e11, gpus=512, mfu={"default": 0.40},
                gpu_planned_interval_h=1e30)
    args.update(kw)
    return TrainingJob(**args)


def settings(training=(), inference=None, fine_tuning=None, **kw) -> WorkloadSettings:
    return WorkloadSettings(training=list(training), inference=inference,
                            fine_tuning=fine_tuning, **kw)


@pytest.fixture
def inference_settings():
    return Inference(demand={"requests_per_day": 2e6}, gpus_per_ship=256)


@pytest.fixture
def ft_settings():
    return FineTuning(arrivals_per_day=40, gpus_per_job=32, gpus_per_ship=128,
                      size_gpu_hours={"median": 50, "sigma": 0.5}, deadline_h=4)
