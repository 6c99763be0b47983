"""Fleet, cost and sustainability: launches, ageing and replacement over the years, the
levelised cost per GPU-hour against a terrestrial data centre, and energy, water, carbon.

Public API: `plan_fleet(ship, fleet, cost, ground) -> FleetResult` (with `.metrics()`),
the settings models, `ShipSummary` and the launch-price formulas. Figures live in
`aether.report.fleet` (they import matplotlib).
"""

from aether.fleet.launch import (
    launched_power_usd_per_kw_year,
    wright_mean_price_usd_per_kg,
    wright_price_usd_per_kg,
)
from aether.fleet.result import FleetResult, plan_fleet
from aether.fleet.ship import ShipSummary, default_ship_summary, summary_from_hardware
from aether.fleet.starcloud import starcloud_comparison
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
    "ShipSummary", "WrightLaunchPrice", "default_ship_summary", "default_sources",
    "launched_power_usd_per_kw_year", "plan_fleet", "starcloud_comparison",
    "summary_from_hardware", "wright_mean_price_usd_per_kg", "wright_price_usd_per_kg",
]
