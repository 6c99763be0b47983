"""Break-even launch price and sensitivity of the orbit's cost per GPU-hour."""

import pytest

from aether.fleet import (
    CostSettings,
    FixedLaunchPrice,
    FleetSettings,
    GroundSettings,
    default_ship_summary,
    plan_fleet,
)
from aether.fleet.breakeven import orbit_usd_per_gpu_hour

SHIP = default_ship_summary(1000)
# A case with a break-even inside [0, 1e5] $/kg: few unrepaired failures, a 10% array
# margin, and ground power at the top of Suncatcher's range ($0.25/kWh, PUE 1.4).
FLEET = FleetSettings(ships=4, deployment_per_year=[2, 2], years=12, lifetime_years=6,
                      gpu_annual_failure_rate=0.02, solar_margin=0.1,
                      launch_price=FixedLaunchPrice(usd_per_kg=1000.0))
COST = CostSettings()
GROUND = GroundSettings(electricity_usd_per_kwh=0.25, pue=1.4)


def test_breakeven_price_makes_both_sides_equal():
    result = plan_fleet(SHIP, FLEET, COST, GROUND, sensitivity_share=None)
    price = result.breakeven.usd_per_kg
    assert price is not None and 0 < price < 1e5
    at_price = FLEET.model_copy(update={"launch_price": FixedLaunchPrice(usd_per_kg=price)})
    again = plan_fleet(SHIP, at_price, COST, GROUND, sensitivity_share=None)
    orbit = again.orbit_cost.usd_per_gpu_hour
    ground = again.ground_baseline.cost.usd_per_gpu_hour
    assert orbit == pytest.approx(ground, rel=1e-3)
    # Cheaper launch: orbit wins; dearer: the ground does.
    below = FLEET.model_copy(update={"launch_price": FixedLaunchPrice(usd_per_kg=0.5 * price)})
    assert orbit_usd_per_gpu_hour(SHIP, below, COST) < ground
    above = FLEET.model_copy(update={"launch_price": FixedLaunchPrice(usd_per_kg=2.0 * price)})
    assert orbit_usd_per_gpu_hour(SHIP, above, COST) > ground


def test_no_breakeven_gives_a_plain_verdict():
    # Cheap ground power and pessimistic failures: orbit dearer even with free launch.
    dear = plan_fleet(SHIP, FLEET.model_copy(update={"gpu_annual_failure_rate": 0.3}), COST,
                      GroundSettings(electricity_usd_per_kwh=0.01), sensitivity_share=None)
    assert dear.breakeven.usd_per_kg is None
    assert "even with free launch" in dear.breakeven.verdict
    # Ground power at an absurd $100/kWh: orbit cheaper at every price up to $100,000/kg.
    cheap = plan_fleet(SHIP, FLEET, COST, GroundSettings(electricity_usd_per_kwh=100.0),
                       sensitivity_share=None)
    assert cheap.breakeven.usd_per_kg is None
    assert "every launch price" in cheap.breakeven.verdict


def test_breakeven_under_learning_curve_is_a_flat_price():
    learning = FLEET.model_copy(update={"launch_price": FleetSettings().launch_price})
    result = plan_fleet(SHIP, learning, COST, GROUND, sensitivity_share=None)
    fixed = plan_fleet(SHIP, FLEET, COST, GROUND, sensitivity_share=None)
    assert result.breakeven.usd_per_kg == pytest.approx(fixed.breakeven.usd_per_kg, rel=1e-9)


def test_sensitivity_rows_sorted_and_signed():
    rows = plan_fleet(SHIP, FLEET, COST, GROUND, sensitivity_share=0.2).sensitivity
    swings = [r["swing_usd_per_gpu_hour"] for r in rows]
    assert swings == sorted(swings, reverse=True)
    by_name = {r["input"]: r for r in rows}
    launch = by_name["launch price"]
    assert launch["low_usd_per_gpu_hour"] < launch["base_usd_per_gpu_hour"] < launch["high_usd_per_gpu_hour"]
    life = by_name["lifetime"]
    assert life["high_usd_per_gpu_hour"] < life["low_usd_per_gpu_hour"]  # longer life, cheaper
    gpu = by_name["GPU + server price"]
    assert gpu["high_usd_per_gpu_hour"] > gpu["low_usd_per_gpu_hour"]
