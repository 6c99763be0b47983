"""Failure rates of a job's GPUs: hard failures, radiation-induced SDC and interrupts.

Rates are events per second for the whole job (all its GPUs), as a Poisson process.
"""

from dataclasses import dataclass

from aether.constants import SECONDS_PER_HOUR, SECONDS_PER_YEAR


@dataclass(frozen=True)
class FailureRates:
    hard_per_s: float
    sdc_per_s: float
    functional_per_s: float

    @property
    def total_per_s(self) -> float:
        return self.hard_per_s + self.sdc_per_s + self.functional_per_s

    @property
    def mtbf_s(self) -> float:
        total = self.total_per_s
        return float("inf") if total <= 0 else 1.0 / total

    def kinds(self) -> tuple[list[str], list[float]]:
        """Failure kinds and the probability that a failure is of each kind."""
        total = self.total_per_s
        names = ["hard", "sdc", "functional"]
        rates = [self.hard_per_s, self.sdc_per_s, self.functional_per_s]
        return names, [r / total if total > 0 else 0.0 for r in rates]


def job_failure_rates(
    gpus: int,
    gpu_mtbf_h: float,
    dose_rad_per_year: float,
    *,
    rad_per_sdc: float,
    sdc_rollback_fraction: float,
    rad_per_functional_interrupt: float,
    hard_failure_increase_per_krad_per_year: float,
) -> FailureRates:
    """Failures that interrupt a job on `gpus` GPUs.

    hard: gpus / MTBF per GPU, raised by (1 + k x dose in krad/yr);
    sdc: dose rate / rad per event per GPU, times the share that forces a rollback
    (Suncatcher: about one SDC per 14-20 rad);
    functional: dose rate / rad per interrupt per GPU.
    """
    dose_rad_per_s = dose_rad_per_year / SECONDS_PER_YEAR
    hard = gpus / (gpu_mtbf_h * SECONDS_PER_HOUR)
    hard *= 1.0 + hard_failure_increase_per_krad_per_year * dose_rad_per_year / 1000.0
    sdc = gpus * dose_rad_per_s / rad_per_sdc * sdc_rollback_fraction
    functional = gpus * dose_rad_per_s / rad_per_functional_interrupt
    return FailureRates(hard, sdc, functional)
