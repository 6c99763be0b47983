"""Break-even launch price against the ground, and the sensitivity of the orbit's cost.

Break-even: the flat launch price ($/kg, the same every year) at which the orbit's
levelised cost per GPU-hour equals the ground's, found with scipy's brentq on
[0, 1e5] $/kg. When no price in that range breaks even the answer is None with a plain
verdict. Sensitivity: the orbit's cost per GPU-hour with each input moved by +/- a share
(default 20%), all else held; sorted by swing for a tornado plot.
"""

from dataclasses import dataclass, replace

import numpy as np
from scipy.optimize import brentq

from aether.fleet.cost import Launches, orbit_cost, plan_launches
from aether.fleet.plan import FleetPlan, orbit_rules, simulate_plan
from aether.fleet.ship import ShipSummary
from aether.settings.fleet import CostSettings, FixedLaunchPrice, FleetSettings

BREAKEVEN_RANGE_USD_PER_KG = (0.0, 1e5)
SENSITIVITY_SHARE = 0.2


def plan_orbit(ship: ShipSummary, fleet: FleetSettings) -> FleetPlan:
    """The orbital fleet's plan for a ship and fleet settings."""
    return simulate_plan(fleet.deploy_year_per_ship(), fleet.years, ship.gpus,
                         orbit_rules(fleet, ship.delivered_fraction))


def orbit_usd_per_gpu_hour(ship: ShipSummary, fleet: FleetSettings, cost: CostSettings) -> float:
    """The orbit's levelised cost per delivered GPU-hour (plans, launches and prices)."""
    plan = plan_orbit(ship, fleet)
    return orbit_cost(plan, plan_launches(plan, ship, fleet), ship, cost).usd_per_gpu_hour


@dataclass(frozen=True)
class BreakEven:
    usd_per_kg: float | None
    verdict: str


def breakeven_launch_price(plan: FleetPlan, launches: Launches, ship: ShipSummary,
                           cost: CostSettings, ground_usd_per_gpu_hour: float,
                           price_range=BREAKEVEN_RANGE_USD_PER_KG) -> BreakEven:
    """The flat launch price at which orbit and ground cost the same per GPU-hour."""
    lo, hi = price_range

    def gap(price: float) -> float:
        flat = replace(launches, usd_per_kg=np.full_like(launches.usd_per_kg, price))
        return orbit_cost(plan, flat, ship, cost).usd_per_gpu_hour - ground_usd_per_gpu_hour

    g_lo, g_hi = gap(lo), gap(hi)
    if not (np.isfinite(g_lo) and np.isfinite(g_hi)):
        return BreakEven(None, "the fleet delivers no GPU-hours, so no launch price breaks even")
    if g_lo > 0:
        return BreakEven(None, f"orbit costs more than the ground per GPU-hour even with free "
                               f"launch (${g_lo + ground_usd_per_gpu_hour:.3g} against "
                               f"${ground_usd_per_gpu_hour:.3g}); no launch price breaks even")
    if g_hi < 0:
        return BreakEven(None, f"orbit costs less than the ground at every launch price up to "
                               f"${hi:,.0f}/kg")
    price = brentq(gap, lo, hi, xtol=1e-9, rtol=1e-12)
    return BreakEven(float(price), f"orbit matches the ground at ${price:,.0f}/kg; "
                                   "cheaper below, dearer above")


def _scale_launch(fleet: FleetSettings, f: float) -> FleetSettings:
    lp = fleet.launch_price
    field = "usd_per_kg" if isinstance(lp, FixedLaunchPrice) else "reference_usd_per_kg"
    return fleet.model_copy(update={"launch_price": lp.model_copy(
        update={field: getattr(lp, field) * f})})


def _scale_solar(cost: CostSettings, f: float) -> CostSettings:
    field = "solar_usd_per_w" if cost.solar_usd_per_w is not None else "solar_usd_per_m2"
    return cost.model_copy(update={field: getattr(cost, field) * f})


def _scale_field(model, field: str, f: float, *, integer=False, upper=None):
    value = getattr(model, field) * f
    if integer:
        value = max(1, round(value))
    if upper is not None:
        value = min(value, upper)
    return model.model_copy(update={field: value})


def _factors():
    """(label, how to move it): each returns new (ship, fleet, cost)."""
    def c(field, **kw):
        return lambda s, fl, co, f: (s, fl, _scale_field(co, field, f, **kw))

    def fl_(field, **kw):
        return lambda s, fl, co, f: (s, _scale_field(fl, field, f, **kw), co)

    return [
        ("GPU + server price", c("gpu_usd")),
        ("launch price", lambda s, fl, co, f: (s, _scale_launch(fl, f), co)),
        ("ship mass", lambda s, fl, co, f: (s.scaled_mass(f), fl, co)),
        ("bus $/kg", c("bus_usd_per_kg")),
        ("solar array price", lambda s, fl, co, f: (s, fl, _scale_solar(co, f))),
        ("radiator $/m2", c("radiator_usd_per_m2")),
        ("battery $/kWh", c("battery_usd_per_kwh")),
        ("operations per ship-year", c("operations_usd_per_ship_year")),
        ("ground segment", c("ground_segment_usd_per_year")),
        ("insurance share", c("insurance_fraction", upper=1.0)),
        ("discount rate", c("discount_rate", upper=1.0)),
        ("lifetime", fl_("lifetime_years", integer=True)),
        ("solar degradation", fl_("solar_degradation_per_year", upper=0.99)),
        ("GPU failure rate", fl_("gpu_annual_failure_rate", upper=0.99)),
        ("delivered fraction",
         lambda s, fl, co, f: (replace(s, delivered_fraction=min(1.0, s.delivered_fraction * f)), fl, co)),
    ]


def sensitivity(ship: ShipSummary, fleet: FleetSettings, cost: CostSettings,
                share: float = SENSITIVITY_SHARE) -> list[dict]:
    """Orbit $/GPU-hour with each input at (1 - share) and (1 + share), largest swing first."""
    base = orbit_usd_per_gpu_hour(ship, fleet, cost)
    rows = []
    for label, move in _factors():
        low = orbit_usd_per_gpu_hour(*move(ship, fleet, cost, 1.0 - share))
        high = orbit_usd_per_gpu_hour(*move(ship, fleet, cost, 1.0 + share))
        rows.append({"input": label, "share": share, "base_usd_per_gpu_hour": base,
                     "low_usd_per_gpu_hour": low, "high_usd_per_gpu_hour": high,
                     "swing_usd_per_gpu_hour": abs(high - low)})
    rows.sort(key=lambda r: r["swing_usd_per_gpu_hour"], reverse=True)
    return rows
