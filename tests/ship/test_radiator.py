"""Radiator balance against the Starcloud white paper and the Stefan-Boltzmann law."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aether.ship import radiator as rad
from aether.ship.stage import run_ships
from tests.ship.conftest import make_spec

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


# The same balance where the pipeline uses it: the sizing of `aether size` and of every
# ship the stage resolves, and the heat loop of the ship simulation. The pipeline takes its
# own constants (CODATA sigma 5.670374419e-8, solar 1361 W/m^2 after Kopp & Lean 2011,
# Earth IR 237 W/m^2 after Trenberth et al. 2009), so by hand, per m^2 of two-sided panel:
#   emitted  = 2 x 0.92 x 5.670374419e-8 x 293.15^4               = 770.529
#   absorbed = 0.09 x 1361 + 0.25 x 0.09 x 0.30 x 1361 + 0.25 x 0.09 x 237
#            = 122.490 + 9.187 + 5.333                              = 137.009
#   net                                                            = 633.520 W/m^2
# 0.07% above Starcloud's 633.08, which takes 1366 W/m^2 and Earth at -20 C.
STARCLOUD_NET_W_M2 = 633.08
PIPELINE_NET_W_M2 = 633.520
STARCLOUD_RADIATOR = {"emissivity": 0.92, "solar_absorptivity": 0.09, "ir_absorptivity": 0.09,
                      "earth_view_factor": 0.25, "sun_incidence_cos": 1.0, "sides": 2,
                      "design_temperature_c": 20.0}
# A chip limit 25 K above the panel puts the radiator's limit at Starcloud's 20 C.
STARCLOUD_SHIP = {"gpu": "B200", "gpus": 1000, "chip_limit_c": 45.0, "chip_to_radiator_k": 25.0,
                  "radiator": STARCLOUD_RADIATOR}


def test_starcloud_radiator_through_sizing(envelope):
    spec = make_spec(envelope, **STARCLOUD_SHIP)
    # 1000 B200 at 1787.5 W each (DGX B200: 14.3 kW for 8) plus the 3% bus: 1,841,125 W.
    assert spec.hardware.total_w == pytest.approx(1000 * 1787.5 * 1.03, rel=1e-12)
    per_m2 = spec.hardware.total_w / spec.hardware.radiator_m2
    assert per_m2 == pytest.approx(PIPELINE_NET_W_M2, rel=1e-5)
    assert per_m2 == pytest.approx(STARCLOUD_NET_W_M2, rel=2e-3)


def test_starcloud_radiator_at_its_limit_in_the_simulation(envelope):
    # 1,000 m^2 of Starcloud's panel in full Sun cannot carry the 1.84 MW: the stage
    # throttles until the panel sits at its 20 C limit, where it rejects 633.52 kW.
    radiator = {**STARCLOUD_RADIATOR, "area_m2": 1000.0}
    spec = make_spec(envelope, **{**STARCLOUD_SHIP, "radiator": radiator})
    n = 3000  # 30,000 s: many times the panel's ~1,000 s thermal time constant
    result = run_ships([spec], np.ones((n, 1)), np.full((n, 1), 90.0), 10.0)
    assert result.temperature_c[-1, 0] == pytest.approx(20.0, abs=0.01)
    assert result.load_w[-1, 0] == pytest.approx(1000 * PIPELINE_NET_W_M2, rel=1e-3)
    assert result.load_w[-1, 0] == pytest.approx(1000 * STARCLOUD_NET_W_M2, rel=2e-3)
    # A panel sized for the full load carries it at the limit without throttling.
    sized = make_spec(envelope, **STARCLOUD_SHIP)
    full = run_ships([sized], np.ones((n, 1)), np.full((n, 1), 90.0), 10.0)
    assert full.metrics()["ship"]["throttled_share"] == 0.0
    assert full.temperature_c.max() <= 20.0 + 1e-6
    assert full.temperature_c[-1, 0] == pytest.approx(20.0, abs=0.01)
