"""The Compute Ship as a machine: solar array, battery, radiator and GPUs.

Energy and heat balance over time give the compute a ship actually delivers
(simulate_ships); sizing runs the same model backwards (size_ship).
"""

from aether.ship.catalogue import Accelerator, PowerCurve, known_names, lookup, power_curve
from aether.ship.design import (
    AcceleratorSpec,
    BatterySpec,
    RadiatorSpec,
    ShipDesign,
    SolarArraySpec,
)
from aether.ship.sizing import MassModel, SizingResult, size_ship
from aether.ship.stage import ShipResult, ShipWarning, run_ships, simulate_ships

__all__ = [
    "Accelerator",
    "AcceleratorSpec",
    "BatterySpec",
    "MassModel",
    "PowerCurve",
    "RadiatorSpec",
    "ShipDesign",
    "ShipResult",
    "ShipWarning",
    "SizingResult",
    "SolarArraySpec",
    "known_names",
    "lookup",
    "power_curve",
    "run_ships",
    "simulate_ships",
    "size_ship",
]
