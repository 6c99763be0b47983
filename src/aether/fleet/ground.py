"""The terrestrial baseline: the same GPUs, on the same schedule, in a ground data centre.

The ground site is built as the fleet deploys (construction and backup power per MW of
IT load, rebuilt after the facility's life), its GPUs are refreshed every few years with
the newest generation, failures are repaired (an availability share), and it buys
electricity for IT load x PUE. Costs are levelised exactly as the orbit's.
"""

from dataclasses import dataclass

import numpy as np

from aether.constants import HOURS_PER_YEAR
from aether.fleet.cost import CostResult, levelise
from aether.fleet.plan import FleetPlan, PlanRules, simulate_plan
from aether.fleet.ship import ShipSummary
from aether.settings.fleet import CostSettings, FleetSettings, GroundSettings

GROUND_CAPITAL_ITEMS = ("gpus", "construction", "backup")


def ground_rules(fleet: FleetSettings, ground: GroundSettings) -> PlanRules:
    """Plan rules of the ground site: refresh, repaired failures, same generations."""
    return PlanRules(lifetime_years=ground.gpu_refresh_years, replace=True,
                     upgrade_every_years=fleet.upgrade_every_years,
                     perf_per_w_gain=fleet.upgrade_perf_per_w_gain,
                     delivered_fraction=ground.availability)


def electricity_kwh(it_power_w, hours, pue: float):
    """Facility electricity for an IT load over some hours: IT energy x PUE."""
    return np.asarray(it_power_w, float) * np.asarray(hours, float) / 1000.0 * pue


def energy_cost_usd(it_power_w, hours, pue: float, usd_per_kwh: float):
    """What that electricity costs."""
    return electricity_kwh(it_power_w, hours, pue) * usd_per_kwh


@dataclass(frozen=True)
class GroundBaseline:
    """The ground site's plan, facility builds, energy and water by year, and its cost."""

    plan: FleetPlan            # GPU refreshes (one slot per ship's worth of GPUs)
    facility: FleetPlan        # facility builds (one slot per ship's worth of IT load)
    it_energy_kwh: np.ndarray  # [year]
    energy_kwh: np.ndarray     # [year] facility: IT x PUE
    water_m3: np.ndarray       # [year]
    cost: CostResult


def ground_baseline(ship: ShipSummary, fleet: FleetSettings, cost: CostSettings,
                    ground: GroundSettings) -> GroundBaseline:
    """Plan and price the terrestrial baseline for the fleet's GPUs."""
    deploy = fleet.deploy_year_per_ship()
    plan = simulate_plan(deploy, fleet.years, ship.gpus, ground_rules(fleet, ground))
    facility = simulate_plan(deploy, fleet.years, 1,
                             PlanRules(lifetime_years=ground.facility_life_years))
    mw = ship.it_power_w / 1e6
    it_kwh = plan.ships_in_service * ship.it_power_w * HOURS_PER_YEAR / 1000.0
    energy_kwh = it_kwh * ground.pue
    water_m3 = it_kwh * ground.water_l_per_kwh / 1000.0
    builds = facility.ships_launched
    items = {
        "gpus": plan.ships_launched * ship.gpus * cost.gpu_usd,
        "construction": builds * mw * ground.construction_usd_per_mw,
        "backup": builds * mw * ground.backup_usd_per_mw,
        "electricity": energy_kwh * ground.electricity_usd_per_kwh,
        "water": water_m3 * ground.water_usd_per_m3,
        "operations": plan.ships_in_service * mw * ground.operations_usd_per_mw_year,
    }
    items = {k: np.asarray(v, float) for k, v in items.items()}
    residual = 0.0
    if cost.credit_residual_value:
        residual = (plan.residual_by_launch_year.sum() * ship.gpus * cost.gpu_usd
                    + facility.residual_by_launch_year.sum() * mw
                    * (ground.construction_usd_per_mw + ground.backup_usd_per_mw))
    result = levelise(items, GROUND_CAPITAL_ITEMS, float(residual), plan.gpu_hours,
                      plan.gpu_hours_equivalent, cost.discount_rate)
    return GroundBaseline(plan=plan, facility=facility, it_energy_kwh=it_kwh,
                          energy_kwh=energy_kwh, water_m3=water_m3, cost=result)
