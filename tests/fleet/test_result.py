"""plan_fleet's metrics (keys, JSON), footprint, figures and the cost command."""

import json
import math
from dataclasses import replace

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
    # Present values add up by item, and the cost's launch count is the fleet's.
    for side in ("orbit", "ground"):
        assert m["cost"][side]["present_value_usd"] == pytest.approx(
            sum(m["cost"][side]["present_value_usd_by_item"].values()))
    assert m["cost"]["launches"] == sum(m["fleet"]["launches"])
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


@pytest.mark.parametrize(("usd_per_kg", "published"), [(3600.0, 14_700.0), (200.0, 810.0)])
def test_launched_power_price_of_suncatcher_starlink_example(usd_per_kg, published):
    # Project Suncatcher (arXiv 2511.19468): a Starlink v2 mini, 575 kg and 28 kW
    # (105 m^2 x 22% x 1.361 kW/m^2 x 0.9 = 28.3 kW), over 5 years costs $14,700/kW/yr
    # of launched power at $3,600/kg and $810/kW/yr at $200/kg. Through plan_fleet: the
    # unrounded 28.3 kW gives $14,631 and $813, within 0.5% of the paper's rounding.
    v2_mini = ShipSummary(gpus=1, gpu_model="none", it_power_w=28_295.19, total_power_w=28_295.19,
                          solar_array_m2=105.0, radiator_m2=0, battery_kwh=0,
                          mass_kg={"total": 575.0})
    fleet = FleetSettings(years=5, lifetime_years=5,
                          launch_price=FixedLaunchPrice(usd_per_kg=usd_per_kg))
    r = plan_fleet(v2_mini, fleet, CostSettings(), GroundSettings(), sensitivity_share=None)
    assert r.metrics()["cost"]["launched_power_usd_per_kw_year"] == pytest.approx(published, rel=0.01)


def test_launched_power_price_under_the_learning_curve(result):
    # The default fleet launches one ship every 5 years on Suncatcher's learning curve:
    # $1,800/kg at 400 t cumulative, 20% cheaper per doubling. The first ship's mass M
    # pays the curve's mean over [400 t, 400 t + M] (numerical integral here), the later
    # ones its mean further on; the launched-power price uses the mass-weighted mean of
    # what the plan paid, M x price / (power x 5 years).
    mass = SHIP.total_mass_kg
    m = np.linspace(400e3, 400e3 + mass, 100_001)
    first = np.trapezoid(1800.0 * (m / 400e3) ** np.log2(0.8), m) / mass
    paid = np.array(result.metrics()["fleet"]["launch_usd_per_kg"])
    flown = np.array(result.metrics()["fleet"]["launch_mass_kg"]) > 0
    assert flown.sum() == 4 and paid[0] == pytest.approx(first, rel=1e-6)
    assert np.all(np.diff(paid[flown]) < 0)  # each launch moves down the curve
    mean_paid = paid[flown].mean()  # equal masses: the plain mean is the mass-weighted one
    assert result.metrics()["cost"]["launched_power_usd_per_kw_year"] == pytest.approx(
        mass * mean_paid / (SHIP.total_power_w / 1000 * 5), rel=1e-9)


def test_tokens_price_per_million():
    ship = replace(SHIP, tokens_per_gpu_hour=3.6e6)  # 1,000 tokens/s per GPU
    r = plan_fleet(ship, FleetSettings(), CostSettings(), GroundSettings(), sensitivity_share=None)
    m = r.metrics()["cost"]
    assert m["usd_per_million_tokens"] == pytest.approx(m["orbit"]["usd_per_gpu_hour"] / 3.6)


def test_footprints_from_their_rates(result):
    # The default plan: one ship slot for 20 years, replaced every 5 years (4 ships), each
    # ceil(mass / 100 t) Starship flights; the ground runs the same IT load for 20 years.
    g, f = GroundSettings(), FleetSettings()
    flights = 4 * math.ceil(SHIP.total_mass_kg / 100e3)
    it_mwh = SHIP.it_power_w * HOURS_PER_YEAR * 20 / 1e6
    s = result.metrics()["sustainability"]
    assert s["ground"]["energy_mwh"] == pytest.approx(it_mwh * g.pue)
    assert s["ground"]["grid_energy_mwh"] == pytest.approx(it_mwh * g.pue)
    assert s["ground"]["water_m3"] == pytest.approx(it_mwh * 1000 * g.water_l_per_kwh / 1000)
    assert s["ground"]["co2_t_by_cause"]["electricity"] == pytest.approx(
        it_mwh * g.pue * g.grid_gco2_per_kwh / 1000)
    # Orbit: sunlight only, the ship's full load for 20 years; water and launch CO2 per flight.
    assert s["orbit"]["grid_energy_mwh"] == 0.0
    assert s["orbit"]["energy_mwh"] == pytest.approx(SHIP.total_power_w * HOURS_PER_YEAR * 20 / 1e6)
    assert s["orbit"]["water_m3"] == pytest.approx(flights * f.launch_water_m3_per_flight)
    assert s["orbit"]["co2_t_by_cause"]["launch"] == pytest.approx(flights * f.launch_tco2_per_flight)
    # Totals are the sums of their causes.
    for side in ("orbit", "ground"):
        assert s[side]["co2_t"] == pytest.approx(sum(s[side]["co2_t_by_cause"].values()))


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


def test_figures_draw_the_plan(result):
    over_years, tornado, breakdown = fleet_figures(result)
    ships, hours, price = over_years.axes
    np.testing.assert_array_equal(ships.lines[0].get_ydata(), result.plan.ships_in_service)
    np.testing.assert_allclose(hours.lines[0].get_ydata(), result.plan.gpu_hours / 1e6)
    np.testing.assert_allclose(hours.lines[1].get_ydata(),
                               result.ground_baseline.plan.gpu_hours / 1e6)
    np.testing.assert_allclose(price.lines[0].get_ydata(), result.launches.usd_per_kg)
    # One bar each way per sensitivity row.
    assert len(tornado.axes[0].patches) == 2 * len(result.sensitivity)
    # The stacked bars of each side add up to its levelised cost (before the residual credit).
    (ax,) = breakdown.axes
    for x, side in enumerate((result.orbit_cost, result.ground_baseline.cost)):
        height = sum(p.get_height() for p in ax.patches if abs(p.get_x() + p.get_width() / 2 - x) < 1e-9)
        gross = sum(v for k, v in side.pv_usd.items() if k != "residual" and v > 0)
        assert height == pytest.approx(gross / side.pv_gpu_hours, rel=1e-9)


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
