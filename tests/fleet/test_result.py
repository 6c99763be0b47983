"""plan_fleet's metrics (keys, JSON), footprint, figures and the cost command."""

import json
import math
from dataclasses import replace

import matplotlib
import numpy as np
import pytest
from typer.testing import CliRunner

from aether.cli import app
from aether.constants import HOURS_PER_YEAR
from aether.fleet import (
    CostSettings,
    FixedLaunchPrice,
    FleetSettings,
    GroundSettings,
    ShipSummary,
    default_ship_summary,
    plan_fleet,
)
from aether.report.fleet import fleet_figures

SHIP = default_ship_summary()


@pytest.fixture(scope="module")
def result():
    return plan_fleet(SHIP, FleetSettings(), CostSettings(), GroundSettings())


def test_metric_keys_and_json(result):
    m = result.metrics()
    json.dumps(m, allow_nan=False)
    c = m["cost"]
    for key in ("breakeven_launch_usd_per_kg", "launched_power_usd_per_kw_year", "launches",
                "usd_per_million_tokens"):
        assert key in c
    assert c["orbit"]["usd_per_gpu_hour"] > 0 and c["ground"]["usd_per_gpu_hour"] > 0
    assert c["usd_per_million_tokens"] is None
    for side in ("orbit", "ground"):
        assert set(m["sustainability"][side]) >= {"energy_mwh", "water_m3", "co2_t"}
    f = m["fleet"]
    for key in ("ships_in_service", "gpu_hours_delivered", "launches", "launch_usd_per_kg"):
        assert len(f[key]) == FleetSettings().years


def test_reference_ship_and_launch_count(result):
    # The reference ship is what `aether size` gives for 10,000 B200 at 650 km dawn-dusk;
    # on a 100 t Starship it takes ceil(mass / 100 t) flights, once per 5-year life: 4 ships in 20 years.
    from aether.ship import size_ship

    sized = size_ship("B200", 10_000, altitude_km=650.0, ltan_h=18.0)
    assert SHIP.total_mass_kg == pytest.approx(sized.mass_kg["total"], rel=1e-9)
    flights = math.ceil(SHIP.total_mass_kg / 100e3)
    assert result.metrics()["cost"]["launches"] == 4 * flights
    assert result.metrics()["fleet"]["launches"][:6] == [flights, 0, 0, 0, 0, flights]


def test_launched_power_price_follows_suncatcher_formula(result):
    expect = (SHIP.total_mass_kg * result.mean_launch_usd_per_kg
              / (SHIP.total_power_w / 1000 * FleetSettings().lifetime_years))
    assert result.launched_power_usd_per_kw_year == pytest.approx(expect)


def test_tokens_price_per_million():
    ship = replace(SHIP, tokens_per_gpu_hour=3.6e6)  # 1,000 tokens/s per GPU
    r = plan_fleet(ship, FleetSettings(), CostSettings(), GroundSettings(), sensitivity_share=None)
    m = r.metrics()["cost"]
    assert m["usd_per_million_tokens"] == pytest.approx(m["orbit"]["usd_per_gpu_hour"] / 3.6)


def test_ground_footprint_from_its_rates(result):
    g = GroundSettings()
    gpu_years = SHIP.gpus * FleetSettings().years
    it_mwh = SHIP.it_power_w * HOURS_PER_YEAR * FleetSettings().years / 1e6
    s = result.metrics()["sustainability"]
    assert s["ground"]["energy_mwh"] == pytest.approx(it_mwh * g.pue)
    assert s["ground"]["water_m3"] == pytest.approx(it_mwh * 1000 * g.water_l_per_kwh / 1000)
    assert s["orbit"]["co2_t_by_cause"]["launch"] == pytest.approx(28 * FleetSettings().launch_tco2_per_flight)
    assert s["orbit"]["grid_energy_mwh"] == 0.0
    assert gpu_years > 0


def test_ground_cost_per_gpu_hour_by_hand():
    # No discounting, no residual, one generation: a hand count of the ground's costs.
    ship = ShipSummary(gpus=100, gpu_model="X", it_power_w=100e3, total_power_w=110e3,
                       solar_array_m2=0, radiator_m2=0, battery_kwh=0, mass_kg={"total": 1e3})
    fleet = FleetSettings(years=10, upgrade_every_years=None)
    cost = CostSettings(discount_rate=0.0, credit_residual_value=False, gpu_usd=10_000)
    ground = GroundSettings(gpu_refresh_years=5, facility_life_years=20, pue=1.5,
                            electricity_usd_per_kwh=0.1, availability=1.0)
    r = plan_fleet(ship, fleet, cost, ground, sensitivity_share=None)
    hours = 10 * HOURS_PER_YEAR
    total = (2 * 100 * 10_000 + 0.1 * (ground.construction_usd_per_mw + ground.backup_usd_per_mw)
             + 100 * hours * 1.5 * 0.1 + 100 * hours * ground.water_l_per_kwh / 1000
             * ground.water_usd_per_m3 + 0.1 * 10 * ground.operations_usd_per_mw_year)
    assert r.ground_baseline.cost.usd_per_gpu_hour == pytest.approx(total / (100 * hours))


def test_fixed_price_orbit_cost_by_hand():
    ship = ShipSummary(gpus=100, gpu_model="X", it_power_w=100e3, total_power_w=110e3,
                       solar_array_m2=0, radiator_m2=0, battery_kwh=0,
                       mass_kg={"compute": 2e3, "total": 5e3})
    fleet = FleetSettings(years=4, lifetime_years=4, upgrade_every_years=None,
                          gpu_annual_failure_rate=0, solar_degradation_per_year=0,
                          commissioning_years=0, launch_price=FixedLaunchPrice(usd_per_kg=500))
    cost = CostSettings(discount_rate=0.0, insurance_fraction=0.0, ground_segment_usd_per_year=0,
                        operations_usd_per_ship_year=0)
    r = plan_fleet(ship, fleet, cost, GroundSettings(), sensitivity_share=None)
    capex = 100 * cost.gpu_usd + 3e3 * cost.bus_usd_per_kg + 110e3 * cost.solar_usd_per_w + 5e3 * 500
    assert r.orbit_cost.usd_per_gpu_hour == pytest.approx(capex / (100 * 4 * HOURS_PER_YEAR))


def test_figures(result):
    figs = fleet_figures(result)
    assert len(figs) == 3
    assert all(isinstance(f, matplotlib.figure.Figure) for f in figs)


def test_plan_1000_ships_is_vectorised_and_fast():

    fleet = FleetSettings(ships=1000, deployment_per_year=[200] * 5, failures="random",
                          min_capacity_fraction=0.75)
    r = plan_fleet(SHIP, fleet, CostSettings(), GroundSettings(), sensitivity_share=None)
    assert np.all(r.plan.ships_in_service[4:] == 1000)


def test_cost_command_json():
    result = CliRunner().invoke(app, ["cost", "project-aether", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"cost", "sustainability", "fleet"}
    text = CliRunner().invoke(app, ["cost", "project-aether"])
    assert text.exit_code == 0 and "GPU-hour" in text.stdout
