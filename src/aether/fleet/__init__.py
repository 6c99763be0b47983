"""Fleet, cost and sustainability: launches, ageing and replacement over the years, the
levelised cost per GPU-hour against a terrestrial data centre, and energy, water, carbon.

Public API: `plan_fleet(ship, fleet, cost, ground) -> FleetResult` (with `.metrics()`),
the settings models, `ShipSummary`, the launch-price formulas, and the parts the deal
(aether.deal) builds its fleets from: `plan_orbit`, `plan_launches`, `orbit_cost_items`,
`residual_credit_usd`, `ground_baseline`, `orbit_footprint`. Figures live in
`aether.report.fleet` (they import matplotlib).
"""

from aether.fleet.breakeven import plan_orbit
from aether.fleet.cost import (
    discount,
    orbit_cost_items,
    plan_launches,
    residual_credit_usd,
    ship_hardware_usd,
)
from aether.fleet.ground import ground_baseline
from aether.fleet.launch import (
    flights,
    launch_cost_usd,
    launch_price_by_year,
    launched_power_usd_per_kw_year,
    wright_mean_price_usd_per_kg,
    wright_price_usd_per_kg,
)
from aether.fleet.result import FleetResult, plan_fleet
from aether.fleet.ship import ShipSummary, default_ship_summary, summary_from_hardware
from aether.fleet.starcloud import starcloud_comparison
from aether.fleet.sustainability import orbit_footprint
from aether.settings.defaults import default_sources
from aether.settings.fleet import (
    CostSettings,
    FixedLaunchPrice,
    FleetSettings,
    GroundSettings,
    WrightLaunchPrice,
)

__all__ = [
    "CostSettings", "FixedLaunchPrice", "FleetResult", "FleetSettings", "GroundSettings",
    "ShipSummary", "WrightLaunchPrice", "default_ship_summary", "default_sources", "discount",
    "flights", "ground_baseline", "launch_cost_usd", "launch_price_by_year",
    "launched_power_usd_per_kw_year", "orbit_cost_items", "orbit_footprint", "plan_fleet",
    "plan_launches", "plan_orbit", "residual_credit_usd", "ship_hardware_usd",
    "starcloud_comparison", "summary_from_hardware", "wright_mean_price_usd_per_kg",
    "wright_price_usd_per_kg",
]
