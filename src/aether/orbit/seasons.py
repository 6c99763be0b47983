"""Eclipse seasons over a year, sampled once a day.

Each day, the beta angle comes from the satellite's SGP4 state and the Sun; the eclipse
per orbit then follows from the cylindrical-shadow geometry of a circular orbit
(Wertz, "Space Mission Analysis and Design", eq. 5-7 with the shadow half-angle
rho = asin(Re / r)): the part of the orbit inside the shadow cylinder is
2 acos(sqrt(r^2 - Re^2) / (r cos beta)) of its 2 pi. Exact for circular orbits; the
conical penumbra adds a few seconds at each end, which is why this, not the run's
time series, answers "how long is the longest eclipse of the year".
"""

from dataclasses import dataclass

import numpy as np
from sgp4.api import SatrecArray

from aether.constants import WGS72_RADIUS_KM, WGS84_RADIUS_KM
from aether.orbit.shadow import beta_angle_deg
from aether.orbit.sun import sun_position_km


@dataclass(frozen=True)
class Seasons:
    """Daily beta angle and eclipse figures, each [satellite, day]."""

    day_jd: np.ndarray
    beta_deg: np.ndarray
    eclipse_min_per_orbit: np.ndarray
    eclipse_fraction: np.ndarray

    @property
    def sunlit_fraction(self) -> np.ndarray:
        """Share of the year in sunlight, per satellite."""
        return 1.0 - self.eclipse_fraction.mean(axis=1)

    @property
    def eclipse_days(self) -> np.ndarray:
        """Days of the year with any eclipse, per satellite."""
        return (self.eclipse_fraction > 0).sum(axis=1)

    @property
    def max_eclipse_min(self) -> np.ndarray:
        """Longest single eclipse of the year in minutes, per satellite."""
        return self.eclipse_min_per_orbit.max(axis=1)


def eclipse_fraction(radius_km: np.ndarray, beta_deg: np.ndarray,
                     earth_radius_km: float = WGS84_RADIUS_KM) -> np.ndarray:
    """Share of a circular orbit of this radius spent in the shadow cylinder at beta."""
    cos_beta = np.cos(np.radians(beta_deg))
    ratio = np.sqrt(np.maximum(radius_km**2 - earth_radius_km**2, 0.0)) / (radius_km * cos_beta)
    return np.where(ratio < 1.0, np.arccos(np.minimum(ratio, 1.0)) / np.pi, 0.0)


def eclipse_seasons(satellites: SatrecArray, mean_radius_km: np.ndarray,
                    period_min: np.ndarray, start_jd: tuple[float, float],
                    days: int = 365) -> Seasons:
    """Beta angle and eclipse per orbit for every satellite, once a day for `days` days."""
    jd_whole = np.full(days, start_jd[0]) + np.arange(days)
    jd_fraction = np.full(days, start_jd[1])
    _, r, v = satellites.sgp4(jd_whole, jd_fraction)
    sun = sun_position_km(jd_whole, jd_fraction)
    beta = beta_angle_deg(r, v, sun[None, :, :])
    fraction = eclipse_fraction(mean_radius_km[:, None], beta)
    return Seasons(
        day_jd=jd_whole + jd_fraction,
        beta_deg=beta,
        eclipse_min_per_orbit=fraction * period_min[:, None],
        eclipse_fraction=fraction,
    )


def mean_radius_km(satrecs) -> np.ndarray:
    """SGP4 mean semi-major axis of each satellite, km."""
    return np.array([s.a for s in satrecs]) * WGS72_RADIUS_KM


def period_min(satrecs) -> np.ndarray:
    """Anomalistic period from the SGP4 mean motion, minutes."""
    return 2.0 * np.pi / np.array([s.no_kozai for s in satrecs])


