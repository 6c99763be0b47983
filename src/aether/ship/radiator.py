"""Radiator heat balance: emission by Stefan-Boltzmann, absorption of Sun, albedo and Earth IR.

Per m^2 of panel. A two-sided panel emits from both faces; the Sun falls on one face
(sun_incidence_cos of full incidence); the Earth fills earth_view_factor of the panel's
view (summed over faces, as in the Starcloud white paper). Albedo only lights the panel
while the ship is sunlit (a proxy for flying over the day side).
"""

import numpy as np

from aether.ship.constants import (
    EARTH_ALBEDO,
    EARTH_IR_W_M2,
    SOLAR_CONSTANT_W_M2,
    STEFAN_BOLTZMANN_W_M2_K4,
    ZERO_C_K,
)


def emitted_w_m2(temperature_k, emissivity, sides=2, sigma=STEFAN_BOLTZMANN_W_M2_K4):
    """Power radiated per m^2 of panel at temperature_k."""
    return sides * emissivity * sigma * np.asarray(temperature_k, float) ** 4


def absorbed_w_m2(
    solar_absorptivity, ir_absorptivity, earth_view_factor, sun_incidence_cos=1.0, sunlit=1.0,
    solar_w_m2: float = SOLAR_CONSTANT_W_M2, albedo: float = EARTH_ALBEDO,
    earth_ir_w_m2: float = EARTH_IR_W_M2,
):
    """Environmental power absorbed per m^2 of panel: direct Sun, albedo and Earth IR."""
    sun = solar_absorptivity * solar_w_m2 * sun_incidence_cos * sunlit
    reflected = earth_view_factor * solar_absorptivity * albedo * solar_w_m2 * sunlit
    infrared = earth_view_factor * ir_absorptivity * earth_ir_w_m2
    return sun + reflected + infrared


def net_rejection_w_m2(temperature_k, emissivity, sides, absorbed, sigma=STEFAN_BOLTZMANN_W_M2_K4):
    """Heat a panel at temperature_k rejects per m^2 after what it absorbs (may be <= 0)."""
    return emitted_w_m2(temperature_k, emissivity, sides, sigma) - absorbed


def equilibrium_temperature_k(heat_w_m2, absorbed, emissivity, sides=2,
                              sigma=STEFAN_BOLTZMANN_W_M2_K4):
    """Steady panel temperature with internal heat heat_w_m2 per m^2 plus what it absorbs."""
    total = np.maximum(np.asarray(heat_w_m2 + absorbed, float), 0.0)
    return (total / (sides * emissivity * sigma)) ** 0.25


def c_to_k(temperature_c):
    return np.asarray(temperature_c, float) + ZERO_C_K


def k_to_c(temperature_k):
    return np.asarray(temperature_k, float) - ZERO_C_K
