"""The deal on the reference ship: budgets, the ground's linearity, the fleet stage's own
plan as a check of the slot sums, and the break-even price by an independent root-finder."""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from aether.deal import ContractSettings, DealInputs, DealModel
from aether.fleet import (
    CostSettings,
    FleetSettings,
    GroundSettings,
    default_ship_summary,
    ground_baseline,
    orbit_cost_items,
    plan_launches,
    plan_orbit,
    ship_hardware_usd,
)

SHIP = default_ship_summary()
FLEET, COST, GROUND = FleetSettings(), CostSettings(), GroundSettings()
CONTRACT = ContractSettings(value_usd=15e9, term_years=5, signed="2026-01-01", first_ship="2027-01-01",
                            compute={"fleet_share": 0.8})


@pytest.fixture(scope="module")
def model():
    return DealModel(DealInputs(SHIP, tokens_per_gpu_hour=1e6, latency_slo_attainment=0.9), CONTRACT,
                     FLEET, COST, GROUND)


def test_ground_budget_buys_budget_over_cost_per_gpu_hour(model):
    # The fleet stage's ground baseline for 25,000 GPUs, all built at once, over the term:
    # its spending is the budget, so the deal's ground site is exactly those 25,000 GPUs.
    block = replace(SHIP, gpus=25_000, it_power_w=SHIP.it_power_w * 2.5, total_power_w=SHIP.total_power_w * 2.5)
    one = FLEET.model_copy(update={"years": 5, "ships": 1, "deployment_per_year": [1], "failures": "expected"})
    baseline = ground_baseline(block, one, COST, GROUND)
    spend = sum(v.sum() for v in baseline.cost.by_year_usd.values())
    batch = model.evaluate(budget_usd=spend)
    assert float(batch["ground_gpus"][()]) == pytest.approx(25_000, rel=1e-12)
    assert float(batch["ground_gpu_hours"][()]) == pytest.approx(baseline.plan.gpu_hours.sum(), rel=1e-12)
    # ... and GPU-hours = budget / cost per GPU-hour for any budget.
    deal = model.deal()
    assert deal.s["ground_gpu_hours"] == pytest.approx(15e9 / deal.s["ground_usd_per_gpu_hour"], rel=1e-12)


def test_the_fleet_is_the_fleet_stage_plan_of_its_schedule(model):
    deal = model.deal()
    schedule = [int(x) for x in model.pricer(5).fleets(np.array(deal.s["ships"]), 1.0, COST.gpu_usd).schedule]
    fleet = FLEET.model_copy(update={"ships": sum(schedule), "deployment_per_year": schedule, "years": 5,
                                     "failures": "expected"})
    plan = plan_orbit(SHIP, fleet)
    launches = plan_launches(plan, SHIP, fleet)
    items = orbit_cost_items(plan.ships_launched, plan.ships_in_service, plan.ships_deorbited, launches.usd,
                             sum(ship_hardware_usd(SHIP, COST).values()), COST)
    assert deal.s["orbit_gpu_hours"] == pytest.approx(plan.gpu_hours.sum(), rel=1e-12)
    assert deal.s["orbit_spend_usd"] == pytest.approx(sum(v.sum() for v in items.values()), rel=1e-12)
    # The cadence: 622 t ships take 7 Starship flights each, 25 flights a year -> 3 ships.
    assert model.per_year == 25 // 7 == 3 and max(schedule) <= 3


@settings(max_examples=40, deadline=None)
@given(st.floats(1e8, 6e10), st.floats(1e8, 6e10), st.floats(0.2, 3.0), st.floats(10_000, 80_000))
def test_budget_never_exceeded_and_more_money_never_fewer_gpu_hours(model, a, b, launch, gpu):
    low, high = sorted((a, b))
    batch = model.evaluate(budget_usd=np.array([low, high]), launch_price_factor=launch, gpu_usd=gpu)
    assert np.all(batch["orbit_spend_usd"] <= batch["budget_usd"])
    assert batch["ships"][1] >= batch["ships"][0]
    assert batch["orbit_gpu_hours"][1] >= batch["orbit_gpu_hours"][0]
    # One more ship would break the budget, unless the launch cadence stops it first.
    pricer = model.pricer(5)
    for ships, budget in zip(batch["ships"], batch["budget_usd"], strict=True):
        if ships < pricer.per_year * 5:
            assert pricer.spend_usd(np.array(ships + 1), launch, gpu) > budget


def test_breakeven_price_by_brentq(model):
    # Hold the fleet (the budget) and find the value at which the operator's NPV is zero.
    def npv(value):
        return float(model.evaluate(value_usd=value, budget_usd=15e9)["npv_usd"][()])

    value = brentq(npv, 1e6, 1e12, xtol=1e-3)
    deal = model.deal()
    assert deal.s["breakeven_usd_per_gpu_hour"] == pytest.approx(value / deal.s["tenant_gpu_hours"], rel=1e-9)


def test_tenant_price_and_credits_by_hand(model):
    deal = model.deal()
    y = deal.yearly
    # 80 % of what the fleet delivers; availability = delivered / nominal each year.
    assert np.allclose(y["tenant_gpu_hours"], 0.8 * y["gpu_hours"])
    assert np.allclose(y["availability"], y["gpu_hours"] / y["nominal_gpu_hours"])
    sla = CONTRACT.service
    share = np.minimum(sla.availability_credit_per_point * 100 * np.maximum(0, sla.availability - y["availability"])
                       + sla.latency_credit_per_point * 100 * (sla.latency_slo_attainment - 0.9),
                       sla.max_credit_share)
    assert deal.s["credits_usd"] == pytest.approx((share * 15e9 / 5).sum(), rel=1e-12)
    assert deal.s["tenant_usd_per_gpu_hour"] == pytest.approx(
        (15e9 - deal.s["credits_usd"]) / y["tenant_gpu_hours"].sum(), rel=1e-12)
    # Cash flows add up: payments are the value, by the even schedule.
    by_year = deal.cash_by_year()
    assert by_year["payment"].sum() == pytest.approx(15e9, rel=1e-12)


def test_many_deals_equal_one_at_a_time(model):
    values, terms = np.array([5e9, 15e9, 30e9]), np.array([3, 5, 7])
    batch = model.evaluate(value_usd=values, term_years=terms, launch_price_factor=[0.5, 1.0, 2.0])
    for i in range(3):
        one = model.evaluate(value_usd=values[i], term_years=terms[i], launch_price_factor=[0.5, 1.0, 2.0][i])
        for key in ("ships", "npv_usd", "tenant_usd_per_gpu_hour", "breakeven_usd_per_gpu_hour"):
            assert float(one[key][()]) == pytest.approx(float(batch[key][i]), rel=1e-12)
