"""Starcloud's 40 MW, ten-year comparison through the models the pipeline runs.

Starcloud, "Why we should train AI in space" (white paper, 2024): terrestrial $167M
(energy $140M at $0.04/kWh, cooling $7M, backup $20M); space $8.2M (array $2M, launch $5M
at about $30/kg, shielding $1.2M at 1 kg/kW); water 1.7 Mt at 0.5 L/kWh on the ground,
none in orbit.

The energy and water lines are checked in the ground baseline that `plan_fleet` prices,
and the shielding in the mass budget the ship stage hands the fleet; `starcloud_comparison`
(their simplified model, kept apart) must agree with both.
"""

import pytest

from aether.fleet import (
    CostSettings,
    FleetSettings,
    GroundSettings,
    ShipSummary,
    plan_fleet,
    starcloud_comparison,
)
from aether.fleet.ship import summary_from_hardware
from aether.settings.ship import ShipDesign
from aether.ship import size_hardware
from aether.ship.sizing import OrbitEnvelope

POWER_W = 40e6


@pytest.fixture(scope="module")
def ground():
    """Plan 40 MW of IT for 10 years on the ground at Starcloud's rates (PUE 1: their
    cooling is a separate line)."""
    ship = ShipSummary(gpus=1, gpu_model="none", it_power_w=POWER_W, total_power_w=POWER_W,
                       solar_array_m2=0, radiator_m2=0, battery_kwh=0, mass_kg={"total": 1.0})
    fleet = FleetSettings(years=10, lifetime_years=10, upgrade_every_years=None)
    rates = GroundSettings(electricity_usd_per_kwh=0.04, pue=1.0, water_l_per_kwh=0.5)
    return plan_fleet(ship, fleet, CostSettings(), rates, sensitivity_share=None)


def test_terrestrial_energy_in_the_ground_baseline(ground):
    # 40 MW x 87,660 h x $0.04/kWh = $140.3M; the paper rounds to $140M.
    electricity = ground.ground_baseline.cost.by_year_usd["electricity"].sum()
    assert electricity == pytest.approx(140e6, rel=0.005)
    # With their cooling and backup lines: $167M.
    assert electricity + 7e6 + 20e6 == pytest.approx(167e6, rel=0.005)


def test_terrestrial_water_in_the_ground_footprint(ground):
    # 3.5 TWh x 0.5 L/kWh = 1.75 Mt; the paper states 1.7 Mt (rounded down): 3.5% tolerance.
    assert ground.ground_footprint.water_m3 / 1e6 == pytest.approx(1.7, rel=0.035)
    # In orbit no water is used for cooling: what the fleet's footprint counts is the launch
    # pad's deluge alone (one flight here).
    assert ground.orbit_footprint.water_m3 == pytest.approx(
        ground.launches.flights.sum() * FleetSettings().launch_water_m3_per_flight)


def test_shielding_in_the_ship_mass_budget():
    # Starcloud: 1 kg of shielding per kW of IT. 40,000 GPUs of 1 kW make 40 MW of IT,
    # so 40 t, $1.2M at $30/kg, as the ship stage hands the ship to the fleet.
    design = ShipDesign(gpus=40_000, gpu={"name": "kW", "bf16_dense_tflops": 1000,
                                          "board_power_w": 1000})
    envelope = OrbitEnvelope(period_s=5862.0, max_eclipse_s=0.0, worst_cosine=1.0, sunlit_fraction=1.0)
    ship = summary_from_hardware(design, size_hardware(design, envelope))
    assert ship.it_power_w == pytest.approx(POWER_W)
    assert ship.mass_kg["shielding"] == pytest.approx(40_000.0, rel=1e-12)


def test_simplified_comparison_agrees_with_the_pipeline(ground):
    r = starcloud_comparison()
    assert r["ground"]["energy_usd"] == pytest.approx(
        ground.ground_baseline.cost.by_year_usd["electricity"].sum(), rel=1e-12)
    assert r["ground"]["water_m3"] == pytest.approx(ground.ground_footprint.water_m3, rel=1e-12)
    assert r["ground"]["total_usd"] == pytest.approx(167e6, rel=0.005)
    # Space: the array ($2M) and launch ($5M) lines are Starcloud's own; the shielding is
    # computed from their rates.
    assert r["space"]["shielding_usd"] == pytest.approx(1.2e6, rel=1e-9)
    assert r["space"]["total_usd"] == pytest.approx(8.2e6, rel=1e-9)
    assert r["space"]["water_m3"] == 0.0
    assert r["ground"]["total_usd"] / r["space"]["total_usd"] == pytest.approx(20.4, rel=0.01)


def test_inputs_move_the_lines():
    cheap = starcloud_comparison(electricity_usd_per_kwh=0.02)["ground"]["energy_usd"]
    assert cheap == pytest.approx(starcloud_comparison()["ground"]["energy_usd"] / 2)
    assert starcloud_comparison(launch_usd_per_kg=60.0)["space"]["shielding_usd"] == pytest.approx(2.4e6)
