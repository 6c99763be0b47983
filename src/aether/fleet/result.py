"""`plan_fleet`: the fleet over the years, its cost and footprint, beside the ground.

One call runs the whole stage: the orbital plan and its launches, the cost, the ground
baseline for the same GPUs, energy, water and carbon for both, the break-even launch
price and the sensitivity of the orbit's cost. `FleetResult.metrics()` gives the
JSON-ready summary whose keys are documented in docs/metrics.md.
"""

from dataclasses import dataclass, field

import numpy as np

from aether.fleet.breakeven import (
    SENSITIVITY_SHARE,
    BreakEven,
    breakeven_launch_price,
    plan_orbit,
    sensitivity,
)
from aether.fleet.cost import CostResult, Launches, orbit_cost, plan_launches, ship_hardware_usd
from aether.fleet.ground import GroundBaseline, ground_baseline
from aether.fleet.launch import launched_power_usd_per_kw_year, launches_per_ship
from aether.fleet.plan import FleetPlan
from aether.fleet.ship import ShipSummary
from aether.fleet.sustainability import Footprint, ground_footprint, orbit_footprint
from aether.settings.fleet import CostSettings, FleetSettings, GroundSettings


@dataclass(frozen=True)
class FleetResult:
    """Everything the fleet stage computed; `metrics()` summarises it."""

    ship: ShipSummary
    fleet: FleetSettings
    cost: CostSettings
    ground: GroundSettings
    plan: FleetPlan
    launches: Launches
    orbit_cost: CostResult
    ground_baseline: GroundBaseline
    orbit_footprint: Footprint
    ground_footprint: Footprint
    breakeven: BreakEven
    sensitivity: list[dict] = field(default_factory=list)

    @property
    def mean_launch_usd_per_kg(self) -> float:
        """Mass-weighted mean launch price over the plan (year 0's when nothing flies)."""
        mass = self.launches.mass_kg
        if mass.sum() > 0:
            return float((mass * self.launches.usd_per_kg).sum() / mass.sum())
        return float(self.launches.usd_per_kg[0])

    @property
    def launched_power_usd_per_kw_year(self) -> float:
        """Suncatcher's launched-power price at the plan's mean launch price."""
        return float(launched_power_usd_per_kw_year(
            self.ship.total_mass_kg, self.mean_launch_usd_per_kg, self.ship.total_power_w,
            self.fleet.lifetime_years))

    def usd_per_million_tokens(self, usd_per_gpu_hour: float) -> float | None:
        tokens = self.ship.tokens_per_gpu_hour
        return None if tokens is None else usd_per_gpu_hour / tokens * 1e6

    def metrics(self) -> dict:
        """JSON-ready summary (plain floats, ints, lists, None)."""
        orbit, ground = self.orbit_cost, self.ground_baseline.cost
        plan = self.plan

        def side(c: CostResult) -> dict:
            return {
                "usd_per_gpu_hour": c.usd_per_gpu_hour,
                "usd_per_equivalent_gpu_hour": c.usd_per_equivalent_gpu_hour,
                "usd_per_million_tokens": self.usd_per_million_tokens(c.usd_per_gpu_hour),
                "present_value_usd": c.pv_total_usd,
                "total_usd": c.total_usd,
                "present_value_usd_by_item": dict(c.pv_usd),
            }

        orbit_side = side(orbit)
        ground_side = side(ground)
        orbit_side["gpu_hours"] = float(plan.gpu_hours.sum())
        ground_side["gpu_hours"] = float(self.ground_baseline.plan.gpu_hours.sum())
        orbit_side["ship_hardware_usd"] = ship_hardware_usd(self.ship, self.cost)
        return _json_safe({
            "cost": {
                "orbit": orbit_side,
                "ground": ground_side,
                "breakeven_launch_usd_per_kg": self.breakeven.usd_per_kg,
                "breakeven_verdict": self.breakeven.verdict,
                "launched_power_usd_per_kw_year": self.launched_power_usd_per_kw_year,
                "mean_launch_usd_per_kg": self.mean_launch_usd_per_kg,
                "launches": int(self.launches.flights.sum()),
                "launches_per_ship": launches_per_ship(self.ship.total_mass_kg,
                                                       self.fleet.payload_t * 1000.0),
                "usd_per_million_tokens": orbit_side["usd_per_million_tokens"],
                "sensitivity": [dict(r) for r in self.sensitivity],
            },
            "sustainability": {
                "orbit": self.orbit_footprint.as_dict(),
                "ground": self.ground_footprint.as_dict(),
            },
            "fleet": {
                "years": plan.years,
                "ships": self.fleet.ships,
                "gpus_per_ship": self.ship.gpus,
                "ship_mass_kg": self.ship.total_mass_kg,
                "ships_in_service": plan.ships_in_service.tolist(),
                "ships_launched": plan.ships_launched.tolist(),
                "ships_replaced": plan.ships_replaced.tolist(),
                "ships_deorbited": plan.ships_deorbited.tolist(),
                "gpu_hours_delivered": plan.gpu_hours.tolist(),
                "gpu_hours_equivalent": plan.gpu_hours_equivalent.tolist(),
                "gpus_working": plan.gpus_working.tolist(),
                "mean_dose_rad": plan.mean_dose_rad.tolist(),
                "launches": self.launches.flights.astype(int).tolist(),
                "launch_mass_kg": self.launches.mass_kg.tolist(),
                "launch_usd_per_kg": self.launches.usd_per_kg.tolist(),
            },
        })


def plan_fleet(ship: ShipSummary, fleet: FleetSettings, cost: CostSettings,
               ground: GroundSettings, *, sensitivity_share: float | None = SENSITIVITY_SHARE
               ) -> FleetResult:
    """Plan, price and compare the fleet (sensitivity_share=None skips the sensitivity)."""
    plan = plan_orbit(ship, fleet)
    launches = plan_launches(plan, ship, fleet)
    orbit = orbit_cost(plan, launches, ship, cost)
    baseline = ground_baseline(ship, fleet, cost, ground)
    be = breakeven_launch_price(plan, launches, ship, cost, baseline.cost.usd_per_gpu_hour)
    rows = [] if sensitivity_share is None else sensitivity(ship, fleet, cost, sensitivity_share)
    return FleetResult(
        ship=ship, fleet=fleet, cost=cost, ground=ground, plan=plan, launches=launches,
        orbit_cost=orbit, ground_baseline=baseline,
        orbit_footprint=orbit_footprint(plan, launches, ship, fleet, ground),
        ground_footprint=ground_footprint(baseline, ship, ground),
        breakeven=be, sensitivity=rows,
    )


def _json_safe(value):
    """Replace inf/nan with None for strict JSON."""
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    if isinstance(value, float | np.floating) and not np.isfinite(value):
        return None
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value
