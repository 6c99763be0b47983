"""Cost of the orbital fleet by year, and the levelised cost per delivered GPU-hour.

Capital (hardware, launch, insurance, de-orbit) is paid at the start of the year it is
launched; operations and GPU-hours fall mid-year; hardware still in service at the end of
the plan is credited by its remaining life (straight line) at the end. The levelised
cost is the present value of all costs over the present value of GPU-hours delivered,
at the discount rate.
"""

from dataclasses import dataclass

import numpy as np

from aether.fleet.launch import flights, launch_cost_usd, launch_price_by_year
from aether.fleet.plan import FleetPlan
from aether.fleet.ship import ShipSummary
from aether.settings.fleet import CostSettings, FleetSettings

CAPITAL_ITEMS = ("hardware", "launch", "insurance", "deorbit")


def ship_hardware_usd(ship: ShipSummary, cost: CostSettings) -> dict[str, float]:
    """Price of building one ship, by part."""
    solar = (cost.solar_usd_per_w * ship.total_power_w if cost.solar_usd_per_w is not None
             else cost.solar_usd_per_m2 * ship.solar_array_m2)
    return {
        "gpus": ship.gpus * cost.gpu_usd,
        "bus": ship.bus_mass_kg * cost.bus_usd_per_kg,
        "solar": solar,
        "radiator": ship.radiator_m2 * cost.radiator_usd_per_m2,
        "battery": ship.battery_kwh * cost.battery_usd_per_kwh,
    }


def discount(times_years, rate: float) -> np.ndarray:
    """Present-value factors (1 + rate) ** -t."""
    return (1.0 + rate) ** -np.asarray(times_years, float)


@dataclass(frozen=True)
class CostResult:
    """Per-year cost items (USD), their present values and the levelised cost."""

    by_year_usd: dict[str, np.ndarray]   # item -> [year]
    residual_credit_usd: float           # credited at the end of the plan (undiscounted)
    pv_usd: dict[str, float]             # item -> present value; "residual" is negative
    pv_gpu_hours: float
    pv_gpu_hours_equivalent: float

    @property
    def pv_total_usd(self) -> float:
        return float(sum(self.pv_usd.values()))

    @property
    def usd_per_gpu_hour(self) -> float:
        return self.pv_total_usd / self.pv_gpu_hours if self.pv_gpu_hours > 0 else float("inf")

    @property
    def usd_per_equivalent_gpu_hour(self) -> float:
        e = self.pv_gpu_hours_equivalent
        return self.pv_total_usd / e if e > 0 else float("inf")

    @property
    def total_usd(self) -> float:
        """Undiscounted sum of every item less the residual credit."""
        return float(sum(v.sum() for v in self.by_year_usd.values()) - self.residual_credit_usd)


def levelise(by_year_usd: dict[str, np.ndarray], capital_items, residual_usd: float,
             gpu_hours, gpu_hours_equivalent, rate: float) -> CostResult:
    """Present values and levelised cost from per-year items."""
    years = len(gpu_hours)
    t = np.arange(years, dtype=float)
    start, mid = discount(t, rate), discount(t + 0.5, rate)
    pv = {k: float((v * (start if k in capital_items else mid)).sum())
          for k, v in by_year_usd.items()}
    pv["residual"] = -residual_usd * float(discount(years, rate))
    return CostResult(by_year_usd=by_year_usd, residual_credit_usd=residual_usd, pv_usd=pv,
                      pv_gpu_hours=float((np.asarray(gpu_hours) * mid).sum()),
                      pv_gpu_hours_equivalent=float((np.asarray(gpu_hours_equivalent) * mid).sum()))


@dataclass(frozen=True)
class Launches:
    """What the plan launches each year and at what price."""

    mass_kg: np.ndarray          # [year]
    flights: np.ndarray          # [year]
    usd_per_kg: np.ndarray       # [year]

    @property
    def usd(self) -> np.ndarray:
        return launch_cost_usd(self.mass_kg, self.usd_per_kg)


def plan_launches(plan: FleetPlan, ship: ShipSummary, fleet: FleetSettings) -> Launches:
    """Launch mass, flights and price per year for a plan."""
    mass = plan.ships_launched * ship.total_mass_kg
    return Launches(mass_kg=mass.astype(float),
                    flights=flights(plan.ships_launched, ship.total_mass_kg, fleet.payload_t * 1000.0),
                    usd_per_kg=launch_price_by_year(fleet.launch_price, mass))


def orbit_cost_items(ships_launched, ships_in_service, ships_deorbited, launch_usd,
                     hardware_per_ship_usd, cost: CostSettings) -> dict[str, np.ndarray]:
    """Every cost item of the orbital fleet by year (USD). Arrays are [..., year]; leading
    axes (independent fleets) broadcast, and so does the hardware price of one ship."""
    hardware = np.asarray(ships_launched, float) * hardware_per_ship_usd
    in_service = np.asarray(ships_in_service, float)
    return {
        "hardware": hardware,
        "launch": np.asarray(launch_usd, float),
        "insurance": cost.insurance_fraction * (hardware + launch_usd),
        "deorbit": np.asarray(ships_deorbited, float) * cost.deorbit_usd_per_ship,
        "ground_segment": np.where(in_service > 0, cost.ground_segment_usd_per_year, 0.0),
        "operations": in_service * cost.operations_usd_per_ship_year,
    }


def residual_credit_usd(residual_by_launch_year, hardware_per_ship_usd, ship_mass_kg: float,
                        usd_per_kg, cost: CostSettings):
    """Hardware still in service at the end of the plan, credited by its remaining life
    (straight line) at what a ship launched that year cost; 0 when not credited. Arrays
    are [..., launch year]; the sum runs over the last axis."""
    if not cost.credit_residual_value:
        return np.zeros(np.shape(residual_by_launch_year)[:-1])
    per_ship = (hardware_per_ship_usd + ship_mass_kg * np.asarray(usd_per_kg, float)) * (1 + cost.insurance_fraction)
    return (np.asarray(residual_by_launch_year, float) * per_ship).sum(axis=-1)


def orbit_cost(plan: FleetPlan, launches: Launches, ship: ShipSummary,
               cost: CostSettings) -> CostResult:
    """Every cost of the orbital fleet by year, and the levelised cost per GPU-hour."""
    hw_ship = sum(ship_hardware_usd(ship, cost).values())
    items = orbit_cost_items(plan.ships_launched, plan.ships_in_service, plan.ships_deorbited,
                             launches.usd, hw_ship, cost)
    residual = float(residual_credit_usd(plan.residual_by_launch_year, hw_ship, ship.total_mass_kg,
                                         launches.usd_per_kg, cost))
    return levelise(items, CAPITAL_ITEMS, residual, plan.gpu_hours, plan.gpu_hours_equivalent,
                    cost.discount_rate)
