"""Propellant and power for the velocity a ship must buy: the rocket equation and disposal.

Tsiolkovsky: a ship ending at dry mass m_f after a total delta-v dv burns
m_f (exp(dv / (g0 Isp)) - 1) of propellant (Sutton & Biblarz, "Rocket Propulsion Elements",
9th ed., eq. 4-7). Sized at the dry mass (end of life), the propellant covers every burn.
"""

import numpy as np

from aether.constants import WGS72_MU_KM3_S2, WGS72_RADIUS_KM
from aether.orbit import circular_speed_m_s

# Standard gravity, the g0 of specific impulse (CGPM 1901, exact).
G0_M_S2 = 9.80665
# End-of-life disposal (ASSUMPTIONS): an electric ship spirals down to 250 km, where drag
# brings it in within weeks; a chemical one lowers its perigee to 50 km in one burn, for a
# prompt re-entry (the targets of controlled re-entries, e.g. ESA's ATV).
SPIRAL_DISPOSAL_ALTITUDE_KM = 250.0
BURN_DISPOSAL_PERIGEE_KM = 50.0


def propellant_kg(final_mass_kg, dv_m_s, isp_s) -> np.ndarray:
    """Propellant that gives dv_m_s to a ship ending at final_mass_kg (the rocket equation)."""
    return np.asarray(final_mass_kg, float) * np.expm1(np.asarray(dv_m_s, float) / (G0_M_S2 * isp_s))


def delta_v_m_s(initial_mass_kg, final_mass_kg, isp_s) -> np.ndarray:
    """The rocket equation the other way: delta-v from the mass ratio."""
    return G0_M_S2 * isp_s * np.log(np.asarray(initial_mass_kg, float) / np.asarray(final_mass_kg, float))


def disposal_dv_m_s(altitude_km: float, kind: str) -> float:
    """Delta-v to leave a circular orbit at the end of life: a low-thrust spiral (electric) is
    the difference of circular speeds; a burn (chemical) drops the perigee from apogee."""
    if kind == "hall":
        return float(circular_speed_m_s(SPIRAL_DISPOSAL_ALTITUDE_KM) - circular_speed_m_s(altitude_km))
    r1_km = WGS72_RADIUS_KM + altitude_km
    a_km = (r1_km + WGS72_RADIUS_KM + BURN_DISPOSAL_PERIGEE_KM) / 2.0
    apogee_km_s = np.sqrt(WGS72_MU_KM3_S2 * (2.0 / r1_km - 1.0 / a_km))
    return float(circular_speed_m_s(altitude_km) - apogee_km_s * 1e3)
