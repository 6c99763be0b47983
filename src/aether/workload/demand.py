"""Inference demand: requests per site and time step, by population and local time of day."""

import numpy as np

from aether.constants import SECONDS_PER_DAY, SECONDS_PER_HOUR
from aether.settings.workload import Demand


def local_hour(utc_seconds: np.ndarray, lon_deg: np.ndarray) -> np.ndarray:
    """Local mean solar hour [time, site] from seconds since 00:00 UTC and longitude."""
    hours = np.asarray(utc_seconds, float)[:, None] / SECONDS_PER_HOUR + np.asarray(lon_deg)[None, :] / 15.0
    return np.mod(hours, 24.0)


def diurnal_weight(profile, hour: np.ndarray) -> np.ndarray:
    """Profile value at each local hour, linear between hourly values (wrapping at
    midnight), normalised so the day's mean is 1. profile[h] is the rate at h:30."""
    p = np.asarray(profile, float)
    p = p / p.mean()
    x = np.mod(hour - 0.5, 24.0)
    i = np.floor(x).astype(np.int64) % 24
    f = x - np.floor(x)
    return p[i] * (1.0 - f) + p[(i + 1) % 24] * f


def population_share(population: np.ndarray) -> np.ndarray:
    pop = np.asarray(population, float)
    total = pop.sum()
    return pop / total if total > 0 else np.full(len(pop), 1.0 / max(len(pop), 1))


def expected_requests(demand: Demand, utc_seconds: np.ndarray, lon_deg: np.ndarray,
                      population: np.ndarray, step_s: float) -> np.ndarray:
    """Mean requests per step at each site [time, site]: requests_per_day x population share x
    diurnal weight at the site's local hour x step / day."""
    rate = demand.requests_per_day / SECONDS_PER_DAY * population_share(population)
    return rate[None, :] * diurnal_weight(demand.diurnal_profile,
                                          local_hour(utc_seconds, lon_deg)) * step_s
