"""Energy, water and carbon of the orbital fleet and of the ground baseline.

Orbit: energy is sunlight drawn by the ships at full bus load while in service (no grid
energy); water is the launch pad's deluge per flight; carbon is launch combustion per
flight plus manufacturing (GPUs and servers per GPU, spacecraft per kg of everything
else). Ground: facility electricity (IT x PUE) at the grid's carbon intensity, on-site
cooling water per kWh of IT energy, GPU and server manufacturing at every refresh, and
the building's embodied carbon. Not counted on either side: fuel and electricity
production upstream, the water used to generate grid power, re-entry emissions.
"""

from dataclasses import dataclass

import numpy as np

from aether.constants import HOURS_PER_YEAR
from aether.fleet.cost import Launches
from aether.fleet.ground import GroundBaseline
from aether.fleet.plan import FleetPlan
from aether.fleet.ship import COMPUTE_PARTS, ShipSummary
from aether.settings.fleet import FleetSettings, GroundSettings


@dataclass(frozen=True)
class Footprint:
    """Totals over the plan, with the carbon split by cause."""

    energy_mwh: float
    grid_energy_mwh: float
    water_m3: float
    co2_t_by_cause: dict[str, float]

    @property
    def co2_t(self) -> float:
        return float(sum(self.co2_t_by_cause.values()))

    def as_dict(self) -> dict:
        return {"energy_mwh": self.energy_mwh, "grid_energy_mwh": self.grid_energy_mwh,
                "water_m3": self.water_m3, "co2_t": self.co2_t,
                "co2_t_by_cause": dict(self.co2_t_by_cause)}


def ship_manufacturing_tco2(ship: ShipSummary, fleet: FleetSettings, ground: GroundSettings) -> float:
    """Manufacturing emissions of one ship: its GPUs and servers plus the spacecraft."""
    compute_kg = ship.part_mass_kg(COMPUTE_PARTS)
    spacecraft_kg = ship.total_mass_kg - compute_kg
    return (ship.gpus * ground.manufacturing_kgco2_per_gpu
            + spacecraft_kg * fleet.spacecraft_kgco2_per_kg) / 1000.0


def orbit_footprint(plan: FleetPlan, launches: Launches, ship: ShipSummary,
                    fleet: FleetSettings, ground: GroundSettings) -> Footprint:
    """Energy, water and carbon of the orbital fleet over the plan."""
    energy_mwh = float(plan.ships_in_service.sum() * ship.total_power_w * HOURS_PER_YEAR / 1e6)
    n_flights = float(launches.flights.sum())
    return Footprint(
        energy_mwh=energy_mwh, grid_energy_mwh=0.0,
        water_m3=n_flights * fleet.launch_water_m3_per_flight,
        co2_t_by_cause={
            "launch": n_flights * fleet.launch_tco2_per_flight,
            "manufacturing": float(plan.ships_launched.sum())
            * ship_manufacturing_tco2(ship, fleet, ground),
            "electricity": 0.0,
            "construction": 0.0,
        },
    )


def ground_footprint(baseline: GroundBaseline, ship: ShipSummary,
                     ground: GroundSettings) -> Footprint:
    """Energy, water and carbon of the ground baseline over the plan."""
    energy_mwh = float(np.sum(baseline.energy_kwh) / 1000.0)
    gpus_made = float(baseline.plan.ships_launched.sum()) * ship.gpus
    builds_mw = float(baseline.facility.ships_launched.sum()) * ship.it_power_w / 1e6
    return Footprint(
        energy_mwh=energy_mwh, grid_energy_mwh=energy_mwh,
        water_m3=float(np.sum(baseline.water_m3)),
        co2_t_by_cause={
            "launch": 0.0,
            "manufacturing": gpus_made * ground.manufacturing_kgco2_per_gpu / 1000.0,
            "electricity": energy_mwh * ground.grid_gco2_per_kwh / 1000.0,
            "construction": builds_mw * ground.construction_tco2_per_mw,
        },
    )
