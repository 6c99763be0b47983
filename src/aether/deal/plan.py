"""Budget-constrained planning: the orbital fleet that delivers the most GPU-hours within a
budget over the term, and the same budget spent on a ground data centre.

Orbit: ships are whole decisions along the launch cadence (as many ships a year as the
flights a year allow, the earliest years first). With GPU failures as expected values,
every ship slot ages on its own, so the fleet of N ships is a sum of one-slot plans by
deployment year, each planned once by the fleet stage (`SlotPlans`). Spending (capital
and operations over the term, no residual credit) grows with every ship added, so the
largest affordable N is found by bisection on whole ships, for many budgets at once;
adding money never removes a ship, so never lowers the GPU-hours delivered.

Ground: a data centre scales with money: one block of the ship's GPUs, built at the first
ship's date and planned by the fleet stage's ground baseline, costs `spend` over the term;
a budget buys budget / spend blocks, so budget / (cost per GPU-hour) GPU-hours.
"""

from dataclasses import dataclass, replace

import numpy as np

from aether.fleet import (
    CostSettings,
    FleetSettings,
    GroundSettings,
    ShipSummary,
    flights,
    ground_baseline,
    launch_cost_usd,
    launch_price_by_year,
    orbit_cost_items,
    orbit_footprint,
    plan_launches,
    plan_orbit,
    residual_credit_usd,
    ship_hardware_usd,
)

CAPITAL_ITEMS = ("hardware", "launch", "insurance", "deorbit")


@dataclass(frozen=True)
class SlotPlans:
    """One ship slot first launched in each year of a plan, as the fleet stage plans it:
    per-year figures [deployment year, year] and the energy each slot draws over the plan."""

    years: int
    launched: np.ndarray
    in_service: np.ndarray
    deorbited: np.ndarray
    gpu_hours: np.ndarray
    nominal_gpu_hours: np.ndarray   # the same slot with no failures, degradation or throttling
    residual: np.ndarray            # remaining-life shares at the end, by launch year
    energy_mwh: np.ndarray          # [deployment year]


def expected_fleet(fleet: FleetSettings, years: int, schedule: list[int]) -> FleetSettings:
    """The fleet settings for a schedule and horizon, GPU failures as expected values."""
    return fleet.model_copy(update={"ships": sum(schedule), "deployment_per_year": schedule,
                                    "years": years, "failures": "expected"})


def slot_plans(ship: ShipSummary, fleet: FleetSettings, ground: GroundSettings, years: int) -> SlotPlans:
    """Plan one slot deployed in each year 0 .. years-1 with the fleet stage."""
    ideal_ship = replace(ship, delivered_fraction=1.0)
    rows = {k: [] for k in ("launched", "in_service", "deorbited", "gpu_hours", "nominal", "residual", "energy")}
    for d in range(years):
        one = expected_fleet(fleet, years, [0] * d + [1])
        plan = plan_orbit(ship, one)
        ideal = plan_orbit(ideal_ship, one.model_copy(update={"gpu_annual_failure_rate": 0.0,
                                                              "solar_degradation_per_year": 0.0}))
        rows["launched"].append(plan.ships_launched)
        rows["in_service"].append(plan.ships_in_service)
        rows["deorbited"].append(plan.ships_deorbited)
        rows["gpu_hours"].append(plan.gpu_hours)
        rows["nominal"].append(ideal.gpu_hours)
        rows["residual"].append(plan.residual_by_launch_year)
        rows["energy"].append(orbit_footprint(plan, plan_launches(plan, ship, one), ship, one, ground).energy_mwh)
    a = {k: np.asarray(v, float) for k, v in rows.items()}
    return SlotPlans(years=years, launched=a["launched"], in_service=a["in_service"],
                     deorbited=a["deorbited"], gpu_hours=a["gpu_hours"], nominal_gpu_hours=a["nominal"],
                     residual=a["residual"], energy_mwh=a["energy"])


def ships_per_year(ship: ShipSummary, fleet: FleetSettings, launches_per_year: int) -> int:
    """The most ships whose flights fit in a year's launch cadence (0 if one ship needs more)."""
    payload_kg = fleet.payload_t * 1000.0
    lo, hi = 0, 1
    while flights(hi, ship.total_mass_kg, payload_kg) <= launches_per_year:
        lo, hi = hi, hi * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if flights(mid, ship.total_mass_kg, payload_kg) <= launches_per_year else (lo, mid)
    return lo


def deployment(ships, per_year: int, years: int) -> np.ndarray:
    """Ships first launched in each year when N ships are launched as early as the cadence
    allows: [..., year]."""
    n = np.asarray(ships, float)[..., None]
    return np.clip(n - per_year * np.arange(years), 0, per_year)


@dataclass(frozen=True)
class OrbitFleets:
    """Fleets of N ships for many deals at once: per-year arrays [deal, year] (USD, GPU-hours)."""

    ships: np.ndarray
    schedule: np.ndarray
    launched: np.ndarray
    in_service: np.ndarray
    gpu_hours: np.ndarray
    nominal_gpu_hours: np.ndarray
    flights: np.ndarray
    items_usd: dict[str, np.ndarray]
    residual_usd: np.ndarray       # [deal] credited at the end of the plan
    energy_mwh: np.ndarray         # [deal]

    @property
    def spend_usd(self) -> np.ndarray:
        """Capital and operations over the plan, undiscounted, no residual credit: [deal]."""
        return sum(v.sum(axis=-1) for v in self.items_usd.values())

    @property
    def capex_usd(self) -> np.ndarray:
        """Capital by year [deal, year]."""
        return sum(self.items_usd[k] for k in CAPITAL_ITEMS)

    @property
    def opex_usd(self) -> np.ndarray:
        """Operations by year [deal, year]."""
        return sum(v for k, v in self.items_usd.items() if k not in CAPITAL_ITEMS)


class FleetPricer:
    """Prices fleets of whole ships for arrays of deals: one ship design and fleet rules,
    each deal with its own launch-price factor (on the whole price curve) and GPU price."""

    def __init__(self, ship: ShipSummary, fleet: FleetSettings, cost: CostSettings,
                 slots: SlotPlans, per_year: int):
        self.ship, self.fleet, self.cost, self.slots, self.per_year = ship, fleet, cost, slots, per_year
        parts = ship_hardware_usd(ship, cost)
        self._hardware_other_usd = sum(v for k, v in parts.items() if k != "gpus")

    def hardware_per_ship_usd(self, gpu_usd) -> np.ndarray:
        """One ship's hardware at a GPU price (the other parts as the cost settings price them)."""
        return self._hardware_other_usd + self.ship.gpus * np.asarray(gpu_usd, float)

    def fleets(self, ships, launch_factor, gpu_usd) -> OrbitFleets:
        s = self.slots
        schedule = deployment(ships, self.per_year, s.years)
        launched, in_service = schedule @ s.launched, schedule @ s.in_service
        mass_kg = launched * self.ship.total_mass_kg
        factor = np.asarray(launch_factor, float)[..., None]
        usd_per_kg = launch_price_by_year(self.fleet.launch_price, mass_kg) * factor
        hardware = self.hardware_per_ship_usd(gpu_usd)[..., None]
        items = orbit_cost_items(launched, in_service, schedule @ s.deorbited,
                                 launch_cost_usd(mass_kg, usd_per_kg), hardware, self.cost)
        residual = residual_credit_usd(schedule @ s.residual, hardware, self.ship.total_mass_kg, usd_per_kg,
                                       self.cost)
        return OrbitFleets(
            ships=np.asarray(ships), schedule=schedule, launched=launched, in_service=in_service,
            gpu_hours=schedule @ s.gpu_hours, nominal_gpu_hours=schedule @ s.nominal_gpu_hours,
            flights=flights(np.rint(launched).astype(np.int64), self.ship.total_mass_kg,
                            self.fleet.payload_t * 1000.0),
            items_usd=items, residual_usd=np.asarray(residual, float), energy_mwh=schedule @ s.energy_mwh)

    def spend_usd(self, ships, launch_factor, gpu_usd) -> np.ndarray:
        return self.fleets(ships, launch_factor, gpu_usd).spend_usd

    def most_ships(self, budget_usd, launch_factor, gpu_usd) -> np.ndarray:
        """The most whole ships whose spending over the plan stays within each budget."""
        budget = np.asarray(budget_usd, float)
        launch_factor, gpu_usd = np.broadcast_arrays(launch_factor, gpu_usd, budget)[:2]
        lo = np.zeros(budget.shape, np.int64)
        hi = np.full(budget.shape, self.per_year * self.slots.years, np.int64)
        at_cap = self.spend_usd(hi, launch_factor, gpu_usd) <= budget
        lo = np.where(at_cap, hi, lo)
        hi = np.where(at_cap, hi + 1, hi)
        while np.any(hi - lo > 1):
            mid = (lo + hi) // 2
            ok = self.spend_usd(mid, launch_factor, gpu_usd) <= budget
            lo, hi = np.where(ok, mid, lo), np.where(ok, hi, mid)
        return lo


@dataclass(frozen=True)
class GroundBlock:
    """One block of the ship's GPUs in a ground data centre over the plan, from the fleet
    stage's ground baseline: spending splits into GPUs (bought at the deal's GPU price) and
    the rest."""

    gpus: int
    gpus_bought: float
    other_spend_usd: float
    gpu_hours: float
    energy_mwh: float

    def spend_usd(self, gpu_usd) -> np.ndarray:
        return self.other_spend_usd + self.gpus_bought * np.asarray(gpu_usd, float)


def ground_block(ship: ShipSummary, fleet: FleetSettings, cost: CostSettings, ground: GroundSettings,
                 years: int) -> GroundBlock:
    """The ground baseline for one ship's worth of GPUs, all built at the start of the plan."""
    baseline = ground_baseline(ship, expected_fleet(fleet, years, [1]), cost, ground)
    items = baseline.cost.by_year_usd
    return GroundBlock(
        gpus=ship.gpus, gpus_bought=float(baseline.plan.ships_launched.sum() * ship.gpus),
        other_spend_usd=float(sum(v.sum() for k, v in items.items() if k != "gpus")),
        gpu_hours=float(baseline.plan.gpu_hours.sum()), energy_mwh=float(baseline.energy_kwh.sum() / 1000.0))
