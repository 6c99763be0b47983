"""The Compute Ship as a machine: solar array, battery, radiator and GPUs.

Energy and heat balance over time give the compute a ship actually delivers
(simulate_ships); sizing runs the same model backwards (size_ship).
"""

from aether.settings.hardware import Accelerator, PowerCurve, known_names, lookup, power_curve
from aether.settings.ship import (
    AcceleratorSpec,
    BatterySpec,
    RadiatorSpec,
    ShipDesign,
    SolarArraySpec,
)
from aether.ship.days import ShipDay, day_profiles
from aether.ship.drag import DragFigures, compounded, drag_figures, frontal_factor
from aether.ship.propulsion import delta_v_m_s, disposal_dv_m_s, propellant_kg
from aether.ship.sizing import (
    MassModel,
    SizingResult,
    envelope_for_orbit,
    mass_budget_kg,
    size_hardware,
    size_ship,
)
from aether.ship.stage import ShipResult, ShipWarning, drag_by_entry, run_ships, simulate_ships

__all__ = [
    "Accelerator",
    "AcceleratorSpec",
    "BatterySpec",
    "DragFigures",
    "MassModel",
    "PowerCurve",
    "RadiatorSpec",
    "ShipDay",
    "ShipDesign",
    "ShipResult",
    "ShipWarning",
    "SizingResult",
    "SolarArraySpec",
    "compounded",
    "day_profiles",
    "delta_v_m_s",
    "disposal_dv_m_s",
    "drag_by_entry",
    "drag_figures",
    "frontal_factor",
    "envelope_for_orbit",
    "known_names",
    "mass_budget_kg",
    "size_hardware",
    "lookup",
    "power_curve",
    "propellant_kg",
    "run_ships",
    "simulate_ships",
    "size_ship",
]
