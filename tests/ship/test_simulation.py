"""The ship's energy and heat balance over time."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aether.ship.stage import run_ships
from aether.ship.synthetic import circular_shadow
from tests.ship.conftest import ECLIPSE_S, PERIOD_S, make_spec

STEP_S = 10.0
DAYS = 2
N = int(DAYS * 86400 / STEP_S)


def eclipsing(n=N, eclipse_s=ECLIPSE_S):
    return circular_shadow(n, STEP_S, PERIOD_S, eclipse_s), np.full((n, 1), 70.0)


def closure(result):
    e = result.energy_j
    generated = e["generated_j"]
    accounted = e["used_j"] + e["stored_j"] + e["battery_loss_j"] + e["curtailed_j"]
    return np.abs(accounted - generated) / generated


def test_energy_conserved_over_a_run(envelope):
    spec = make_spec(envelope)
    result = run_ships([spec], *eclipsing(), STEP_S)
    assert closure(result)[0] < 1e-3
    m = result.metrics()["ship"]
    assert m["energy_curtailed_kwh"] > 0 and m["energy_battery_loss_kwh"] > 0
    assert m["min_soc"] < 1.0


@settings(max_examples=15, deadline=None)
@given(battery_kwh=st.floats(1.0, 5000.0), solar_m2=st.floats(100.0, 20000.0),
       radiator_m2=st.floats(100.0, 5000.0), eclipse_min=st.floats(0.0, 35.0))
def test_energy_conserved_for_any_design(battery_kwh, solar_m2, radiator_m2, eclipse_min):
    from aether.ship.sizing import OrbitEnvelope

    env = OrbitEnvelope(PERIOD_S, eclipse_min * 60, 1.0, 0.8)
    spec = make_spec(env, solar={"area_m2": solar_m2}, battery={"capacity_kwh": battery_kwh},
                     radiator={"area_m2": radiator_m2})
    result = run_ships([spec], *eclipsing(2000, eclipse_min * 60), STEP_S)
    assert closure(result)[0] < 1e-3
    soc = result.soc[:, 0]
    assert soc.min() >= 1 - spec.design.battery.depth_of_discharge - 1e-9
    assert soc.max() <= 1 + 1e-9
    limit = spec.design.radiator_limit_c
    assert result.temperature_c.max() <= max(limit, result.temperature_c[0, 0]) + 1e-6
    assert np.all((result.fraction >= 0) & (result.fraction <= 1))


def test_permanent_sunlight_never_touches_battery(envelope):
    spec = make_spec(envelope)
    sunlit = np.ones((N, 1))
    result = run_ships([spec], sunlit, np.full((N, 1), 80.0), STEP_S)
    assert np.all(result.soc == 1.0)
    assert result.energy_j["stored_j"][0] == 0.0
    assert result.energy_j["battery_loss_j"][0] == 0.0
    assert np.all(result.fraction == 1.0)


def test_sized_ship_delivers_full_compute_through_longest_eclipse(envelope):
    spec = make_spec(envelope)
    result = run_ships([spec], *eclipsing(), STEP_S)
    m = result.metrics()["ship"]
    assert m["throttled_share"] == 0.0
    assert m["mean_pflops"] == pytest.approx(m["nominal_pflops"])
    assert m["max_radiator_temperature_c"] <= spec.design.radiator_limit_c


def test_small_radiator_throttles_and_holds_the_limit(envelope):
    spec = make_spec(envelope, radiator={"area_m2": 500.0})  # about half of what 1000 B200 need
    result = run_ships([spec], np.ones((N, 1)), np.full((N, 1), 80.0), STEP_S)
    limit = spec.design.radiator_limit_c
    assert result.temperature_c.max() <= limit + 1e-6
    assert result.temperature_c[-1, 0] == pytest.approx(limit, abs=0.01)
    m = result.metrics()["ship"]
    assert 0 < m["mean_fraction_of_nominal"] < 1 and m["throttled_share"] > 0.9
    # At the limit the load is what the panel rejects, by hand with the default panel
    # (emissivity 0.92, two sides, solar absorptivity 0.09 at 0.1 incidence, IR absorptivity
    # 0.92, Earth view 0.25) and the stage's constants (sigma 5.670374419e-8, 1361 W/m^2,
    # albedo 0.30, Earth IR 237 W/m^2), at 85 - 25 = 60 C:
    #   emitted  = 2 x 0.92 x 5.670374419e-8 x 333.15^4                     = 1285.254 W/m^2
    #   absorbed = 0.09 x 1361 x 0.1 + 0.25 x 0.09 x 0.30 x 1361 + 0.25 x 0.92 x 237
    #            = 12.249 + 9.187 + 54.510                                    =   75.946 W/m^2
    #   500 m^2 x (1285.254 - 75.946)                                         = 604,654 W
    assert limit == 60.0
    assert result.load_w[-1, 0] == pytest.approx(604_654.0, rel=1e-3)


def test_temperature_relaxes_to_stefan_boltzmann_equilibrium(envelope):
    spec = make_spec(envelope, radiator={"area_m2": 5000.0, "initial_temperature_c": -50.0})
    result = run_ships([spec], np.ones((N, 1)), np.full((N, 1), 80.0), STEP_S)
    # Unthrottled, 1000 B200 with their servers and the 3% bus put 1000 x 1787.5 x 1.03 =
    # 1,841,125 W into 5000 m^2; the panel absorbs 75.946 W/m^2 in full Sun (see the test
    # above). Balance: 2 x 0.92 x sigma x T^4 = 368.225 + 75.946, so
    # T = (444.171 / (2 x 0.92 x 5.670374419e-8))^(1/4) = 255.435 K = -17.715 C.
    assert spec.hardware.total_w == pytest.approx(1_841_125.0, rel=1e-12)
    sigma = 5.670374419e-8
    expected_k = ((1_841_125.0 / 5000.0 + 75.94575) / (2 * 0.92 * sigma)) ** 0.25
    assert expected_k - 273.15 == pytest.approx(-17.715, abs=1e-3)
    assert result.temperature_c[-1, 0] == pytest.approx(expected_k - 273.15, abs=0.01)
    assert np.all(result.fraction == 1.0)
    assert result.temperature_c[0, 0] < result.temperature_c[100, 0]


def test_small_battery_caps_eclipse_load(envelope):
    spec = make_spec(envelope, battery={"capacity_kwh": 100.0})
    result = run_ships([spec], *eclipsing(), STEP_S)
    shadow = eclipsing()[0][:, 0] < 1
    # By hand: 100 kWh x 0.8 usable x 0.95 out over the 20-minute eclipse allows
    # 273.6 MJ / 1200 s = 228,000 W; the bus takes 3% of 1,787,500 W = 53,625 W, leaving
    # 174,375 W for the servers, below their floor (787,500 W of servers + 30% of 1,000,000 W
    # of GPU boards = 1,087,500 W): GPUs are shed, and the rest run at 34% throughput at 30%
    # power, 0.34 x 174,375 / 1,087,500 = 0.05452 of nominal. Starting full, the first
    # eclipse runs at that all through; later ones (the 0.5 C charge limit, 50 kW, cannot
    # refill the battery in the sunlit 78 minutes) never do better.
    first = shadow & (np.arange(len(shadow)) * STEP_S < PERIOD_S)
    np.testing.assert_allclose(result.fraction[first, 0], 0.34 * 174_375 / 1_087_500, rtol=1e-9)
    assert result.fraction[shadow, 0].max() == pytest.approx(0.34 * 174_375 / 1_087_500, rel=1e-9)
    assert result.load_w[first, 0].max() == pytest.approx(228_000.0, rel=1e-9)
    assert np.all(result.fraction[~shadow, 0] == 1.0)
    assert result.soc.min() >= 1 - spec.design.battery.depth_of_discharge - 1e-9


def test_ships_are_independent(envelope):
    a = make_spec(envelope)
    b = make_spec(envelope, battery={"capacity_kwh": 50.0}, radiator={"area_m2": 300.0})
    sunlit, beta = eclipsing(3000)
    both = run_ships([a, b], np.hstack([sunlit, sunlit]), np.hstack([beta, beta]), STEP_S)
    alone = run_ships([b], sunlit, beta, STEP_S)
    np.testing.assert_allclose(both.load_w[:, 1], alone.load_w[:, 0])
    np.testing.assert_allclose(both.temperature_c[:, 1], alone.temperature_c[:, 0])


@settings(max_examples=10, deadline=None)
@given(propulsion_w=st.floats(1.0, 50_000.0))
def test_thruster_draw_is_served_with_the_bus(propulsion_w):
    # In steady sunlight with surplus, the thrusters' mean draw adds exactly its energy to the
    # energy used and takes it from the energy curtailed; the GPUs keep their share.
    from dataclasses import replace

    from aether.ship.sizing import OrbitEnvelope

    spec = make_spec(OrbitEnvelope(PERIOD_S, 0.0, 1.0, 0.8), solar={"area_m2": 20_000.0})
    n = 500
    sunlit, beta = np.ones((n, 1)), np.full((n, 1), 80.0)
    base = run_ships([spec], sunlit, beta, STEP_S)
    firing = run_ships([replace(spec, propulsion_w=propulsion_w)], sunlit, beta, STEP_S)
    extra_j = propulsion_w * n * STEP_S
    assert firing.energy_j["used_j"][0] - base.energy_j["used_j"][0] == pytest.approx(extra_j, rel=1e-9)
    assert base.energy_j["curtailed_j"][0] - firing.energy_j["curtailed_j"][0] == pytest.approx(extra_j, rel=1e-9)
    assert firing.pflops[:, 0] == pytest.approx(base.pflops[:, 0], rel=1e-12)
    assert closure(firing)[0] < 1e-3
