"""Drag on a circular orbit: the velocity it costs and the decay it causes, vectorised over objects.

An object of ballistic parameter B = Cd A / m (m2/kg) at semi-major axis a in density rho
loses speed at a rate 1/2 rho v^2 B and, on a near-circular orbit, height at
da/dt = -sqrt(mu a) rho B (King-Hele 1987, "Satellite Orbits in an Atmosphere"; Vallado
2013, eq. 9-37). Holding the altitude costs the same 1/2 rho v^2 B in delta-v per second.
Decay is stepped in time (a day by default) with the step that is exact for an exponential
atmosphere of the local scale height H: a' = a + H ln(1 - k dt / H), k = sqrt(mu a) rho B;
when k dt >= H the object re-enters within the step.
"""

from dataclasses import dataclass

import numpy as np

from aether.constants import SECONDS_PER_DAY, WGS72_MU_KM3_S2, WGS72_RADIUS_KM
from aether.orbit.atmosphere import profile_at

MU_M3_S2 = WGS72_MU_KM3_S2 * 1e9
# Below this altitude an object is counted as re-entered: the entry interface of 120 km
# (Vallado 2013, section 9.6), from which a decaying orbit lasts hours.
REENTRY_ALTITUDE_KM = 120.0


def circular_speed_m_s(altitude_km) -> np.ndarray:
    return np.sqrt(MU_M3_S2 / ((np.asarray(altitude_km, float) + WGS72_RADIUS_KM) * 1e3))


def drag_deceleration_m_s2(density_kg_m3, altitude_km, ballistic_m2_kg) -> np.ndarray:
    """1/2 rho v^2 B: the speed lost to drag per second, and the thrust per kg that holds the orbit."""
    return 0.5 * density_kg_m3 * circular_speed_m_s(altitude_km) ** 2 * ballistic_m2_kg


def decay_rate_m_s(density_kg_m3, altitude_km, ballistic_m2_kg) -> np.ndarray:
    """da/dt (negative, m/s) of a near-circular orbit."""
    a_m = (np.asarray(altitude_km, float) + WGS72_RADIUS_KM) * 1e3
    return -np.sqrt(MU_M3_S2 * a_m) * density_kg_m3 * ballistic_m2_kg


@dataclass
class Decay:
    """Altitude [step, object] from the start (NaN once re-entered) and each object's
    re-entry time in days (NaN: still in orbit at the end)."""

    days: np.ndarray
    altitude_km: np.ndarray
    reentry_day: np.ndarray


def decay(altitude_km, ballistic_m2_kg, log_rho_profiles: np.ndarray, step_days: float = 1.0) -> Decay:
    """Decay of objects [object] from altitude_km with no propulsion, through log density
    profiles [step, altitude level] or [step, object, altitude level] (see
    DensityTable.profiles); the ballistic parameter per object, or per step and object."""
    h = np.array(altitude_km, float, ndmin=1)
    n = log_rho_profiles.shape[0]
    b = np.broadcast_to(np.asarray(ballistic_m2_kg, float), (n, h.size))
    dt_s = step_days * SECONDS_PER_DAY
    heights = np.full((n + 1, h.size), np.nan)
    heights[0] = h
    reentry = np.full(h.size, np.nan)
    alive = h > REENTRY_ALTITUDE_KM
    for j in range(n):
        if not alive.any():
            break
        rho, scale_km = profile_at(log_rho_profiles[j], h)
        k_km = -decay_rate_m_s(rho, h, b[j]) * dt_s / 1e3
        ratio = k_km / scale_km
        falls = alive & (ratio >= 1.0)
        reentry[falls] = (j + 1.0 / ratio[falls]) * step_days
        moved = h + scale_km * np.log1p(-np.minimum(ratio, 1.0 - 1e-12))
        h = np.where(alive & ~falls, moved, REENTRY_ALTITUDE_KM)  # the fallen stay at the interface
        low = alive & ~falls & (h < REENTRY_ALTITUDE_KM)
        reentry[low] = (j + 1) * step_days
        alive &= ~(falls | low)
        heights[j + 1] = np.where(alive, h, np.nan)
    return Decay(np.arange(n + 1) * step_days, heights, reentry)
