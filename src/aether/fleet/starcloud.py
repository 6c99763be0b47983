"""Starcloud's simplified 40 MW, ten-year comparison, through Aether's cost functions.

Starcloud, "Why we should train AI in space" (white paper, 2024), compares one 40 MW
cluster over 10 years: on the ground, energy at $0.04/kWh (IT load, PUE 1: cooling is a
separate line), cooling $7M and backup power $20M, $167M in all; in orbit, a solar array
at $2M, launch at about $30/kg ($5M) and radiation shielding at 1 kg per kW of IT
launched at the same price ($1.2M), $8.2M in all. Water on the ground: 0.5 L per kWh.

Their paper states the launch line as $5M at $30/kg, not its mass, so the launched mass
here (166.7 t) is implied by those two figures. The energy, shielding and water lines are
computed from their stated rates. This is their simplified model (no GPUs, no financing,
no operations), kept apart from Aether's own levelised comparison.
"""

from aether.constants import HOURS_PER_YEAR
from aether.fleet.ground import electricity_kwh, energy_cost_usd
from aether.fleet.launch import launch_cost_usd

STARCLOUD_POWER_W = 40e6
STARCLOUD_YEARS = 10
STARCLOUD_ELECTRICITY_USD_PER_KWH = 0.04
STARCLOUD_COOLING_USD = 7e6
STARCLOUD_BACKUP_USD = 20e6
STARCLOUD_WATER_L_PER_KWH = 0.5
STARCLOUD_ARRAY_USD = 2e6
STARCLOUD_LAUNCH_USD_PER_KG = 30.0
STARCLOUD_LAUNCH_MASS_KG = 5e6 / STARCLOUD_LAUNCH_USD_PER_KG  # implied: $5M at $30/kg
STARCLOUD_SHIELDING_KG_PER_KW = 1.0


def starcloud_comparison(
    power_w: float = STARCLOUD_POWER_W,
    years: float = STARCLOUD_YEARS,
    electricity_usd_per_kwh: float = STARCLOUD_ELECTRICITY_USD_PER_KWH,
    cooling_usd: float = STARCLOUD_COOLING_USD,
    backup_usd: float = STARCLOUD_BACKUP_USD,
    water_l_per_kwh: float = STARCLOUD_WATER_L_PER_KWH,
    array_usd: float = STARCLOUD_ARRAY_USD,
    launch_usd_per_kg: float = STARCLOUD_LAUNCH_USD_PER_KG,
    launch_mass_kg: float = STARCLOUD_LAUNCH_MASS_KG,
    shielding_kg_per_kw: float = STARCLOUD_SHIELDING_KG_PER_KW,
) -> dict:
    """Both sides of Starcloud's comparison, by line, in US dollars (water in m^3)."""
    hours = years * HOURS_PER_YEAR
    energy = float(energy_cost_usd(power_w, hours, 1.0, electricity_usd_per_kwh))
    water_m3 = float(electricity_kwh(power_w, hours, 1.0)) * water_l_per_kwh / 1000.0
    shielding_kg = shielding_kg_per_kw * power_w / 1000.0
    ground = {"energy_usd": energy, "cooling_usd": cooling_usd, "backup_usd": backup_usd}
    space = {"array_usd": array_usd,
             "launch_usd": float(launch_cost_usd(launch_mass_kg, launch_usd_per_kg)),
             "shielding_usd": float(launch_cost_usd(shielding_kg, launch_usd_per_kg))}
    return {"ground": {**ground, "total_usd": sum(ground.values()), "water_m3": water_m3},
            "space": {**space, "total_usd": sum(space.values()), "water_m3": 0.0}}
