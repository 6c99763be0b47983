"""The fleet plan: vectorised engine against the plain loop, ageing and decisions."""

import numpy as np
import pytest

from aether.constants import HOURS_PER_YEAR
from aether.fleet.plan import PlanRules, simulate_plan, simulate_plan_loop

RULES = PlanRules(lifetime_years=5, min_capacity_fraction=0.8, solar_degradation_per_year=0.03,
                  solar_margin=0.05, annual_failure_rate=0.06, spare_fraction=0.02,
                  dose_rad_per_year=150.0, dose_limit_rad=600.0, commissioning_years=0.1,
                  upgrade_every_years=2, perf_per_w_gain=0.5, upgrade_min_gain=2.0,
                  delivered_fraction=0.9)


def _deploy(n=60, years=12):
    return np.arange(n) % 4 * 2  # cohorts in years 0, 2, 4, 6


@pytest.mark.parametrize("replace", [True, False])
def test_vectorised_matches_loop(replace):
    rules = PlanRules(**{**RULES.__dict__, "replace": replace})
    vec = simulate_plan(_deploy(), 12, 100, rules)
    ref = simulate_plan_loop(_deploy(), 12, 100, rules)
    np.testing.assert_array_equal(vec.ships_in_service, ref["in_service"])
    np.testing.assert_array_equal(vec.ships_new, ref["new"])
    np.testing.assert_array_equal(vec.ships_replaced, ref["replaced"])
    np.testing.assert_array_equal(vec.ships_deorbited, ref["deorbited"])
    np.testing.assert_allclose(vec.gpu_hours, ref["gpu_hours"], rtol=1e-12)


def test_random_failures_match_loop_and_seed():
    rules = PlanRules(lifetime_years=6, annual_failure_rate=0.1, min_capacity_fraction=0.7,
                      random_failures=True, seed=3)
    a = simulate_plan(np.zeros(1, int), 10, 1000, rules)
    b = simulate_plan(np.zeros(1, int), 10, 1000, rules)
    np.testing.assert_array_equal(a.gpu_hours, b.gpu_hours)
    ref = simulate_plan_loop(np.zeros(1, int), 10, 1000, rules)  # one ship: same draws
    np.testing.assert_allclose(a.gpu_hours, ref["gpu_hours"])
    many = simulate_plan(np.zeros(200, int), 10, 1000, rules)
    assert np.unique(many.compute_fraction[3]).size > 1  # ships differ, decisions per ship


def test_one_ship_ages_and_is_replaced_at_end_of_life():
    rules = PlanRules(lifetime_years=5, annual_failure_rate=0.1, solar_degradation_per_year=0.02)
    plan = simulate_plan([0], 12, 1000, rules)
    assert plan.ships_in_service.tolist() == [1] * 12
    assert plan.ships_replaced.tolist() == [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]
    # Year 2: GPUs alive mid-year 0.9^2 x (1 - 0.1/2), array at 0.98^2.5.
    expected = 1000 * HOURS_PER_YEAR * 0.81 * 0.95 * 0.98**2.5
    assert plan.gpu_hours[2] == pytest.approx(expected)
    assert plan.gpu_hours[5] == pytest.approx(plan.gpu_hours[0])
    # Ships in service at the end: launched in year 10, 3 of 5 years left.
    assert plan.residual_by_launch_year[10] == pytest.approx(0.6)


def test_without_replacement_the_fleet_retires():
    plan = simulate_plan([0, 0, 1], 8, 10, PlanRules(lifetime_years=3, replace=False))
    assert plan.ships_in_service.tolist() == [2, 3, 3, 1, 0, 0, 0, 0]
    assert plan.ships_deorbited.sum() == 3


def test_dose_limit_and_capacity_floor_trigger_replacement():
    dose = simulate_plan([0], 10, 10, PlanRules(lifetime_years=50, dose_rad_per_year=150,
                                                  dose_limit_rad=450))
    assert dose.ships_replaced.tolist()[:4] == [0, 0, 0, 1]
    worn = simulate_plan([0], 10, 10, PlanRules(lifetime_years=50, annual_failure_rate=0.2,
                                                  min_capacity_fraction=0.6))
    # 0.8^2 = 0.64 survives two years, 0.8^3 = 0.512 does not.
    assert worn.ships_replaced.tolist()[:4] == [0, 0, 0, 1]


def test_upgrade_missions_carry_the_newest_generation():
    rules = PlanRules(lifetime_years=20, upgrade_every_years=2, perf_per_w_gain=0.5,
                      upgrade_min_gain=2.0)
    plan = simulate_plan([0], 10, 10, rules)
    # 1.5^2 = 2.25 >= 2 two generations (four years) on: upgrade in years 4 and 8.
    assert plan.ships_replaced.tolist() == [0, 0, 0, 0, 1, 0, 0, 0, 1, 0]
    assert plan.generation[:, 0].tolist() == [0, 0, 0, 0, 2, 2, 2, 2, 4, 4]
    assert plan.gpu_hours_equivalent[4] == pytest.approx(2.25 * plan.gpu_hours[4])
