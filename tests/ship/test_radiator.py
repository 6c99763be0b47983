"""Radiator balance against the Starcloud white paper and the Stefan-Boltzmann law."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aether.ship import radiator as rad

# Starcloud, "Why we should train AI in space" (2024): radiator at a mean 20 C, emissivity
# 0.92, solar absorptivity 0.09, view factor to Earth 0.25, albedo 0.3, solar flux 1366
# W/m^2, Earth at -20 C; two-sided.
# Their figures use sigma rounded to 5.67e-8 W m^-2 K^-4.
SIGMA = 5.67e-8
EARTH_IR_AT_MINUS_20C = SIGMA * 253.15**4


def starcloud_absorbed(ir_absorptivity):
    return rad.absorbed_w_m2(0.09, ir_absorptivity, 0.25, sun_incidence_cos=1.0, sunlit=1.0,
                             solar_w_m2=1366.0, albedo=0.30, earth_ir_w_m2=EARTH_IR_AT_MINUS_20C)


def test_starcloud_emission_both_sides():
    assert float(rad.emitted_w_m2(293.15, 0.92, sides=2, sigma=SIGMA)) == pytest.approx(770.48, abs=0.01)


def test_starcloud_absorbed_terms():
    sun = float(rad.absorbed_w_m2(0.09, 0.0, 0.0, solar_w_m2=1366.0))
    earth = float(starcloud_absorbed(0.09)) - sun
    assert sun == pytest.approx(122.94, abs=0.01)
    assert earth == pytest.approx(14.46, abs=0.01)


def test_starcloud_net_633():
    net = rad.net_rejection_w_m2(293.15, 0.92, 2, starcloud_absorbed(ir_absorptivity=0.09),
                                  sigma=SIGMA)
    assert float(net) == pytest.approx(633.08, abs=0.02)


def test_starcloud_net_with_ir_absorptivity_equal_emissivity_about_585():
    net = rad.net_rejection_w_m2(293.15, 0.92, 2, starcloud_absorbed(ir_absorptivity=0.92),
                                  sigma=SIGMA)
    assert float(net) == pytest.approx(585.0, abs=1.0)


def test_black_body_is_stefan_boltzmann():
    # A black body at 1000 K emits 56.70 kW/m^2 (sigma T^4, CODATA 2018 sigma).
    assert float(rad.emitted_w_m2(1000.0, 1.0, sides=1)) == pytest.approx(56703.74, rel=1e-6)


@given(st.floats(10, 2000), st.floats(0.05, 1.0))
def test_fourth_power_law(temperature_k, emissivity):
    ratio = rad.emitted_w_m2(2 * temperature_k, emissivity, 1) / rad.emitted_w_m2(
        temperature_k, emissivity, 1)
    assert float(ratio) == pytest.approx(16.0, rel=1e-9)


@given(st.floats(0, 5000), st.floats(0, 500), st.floats(0.05, 1.0), st.sampled_from([1, 2]))
def test_equilibrium_balances(heat, absorbed, emissivity, sides):
    t = rad.equilibrium_temperature_k(heat, absorbed, emissivity, sides)
    assert float(rad.emitted_w_m2(t, emissivity, sides)) == pytest.approx(heat + absorbed,
                                                                         rel=1e-9, abs=1e-9)
    assert np.isfinite(t)
