"""The plain summary of one Compute Ship that the fleet and cost models consume.

It is filled from the ship stage's sizing (summary_from_hardware); default_ship_summary()
is the reference design of the project-aether preset.
"""

from dataclasses import dataclass

from aether.ship import ShipDesign, envelope_for_orbit, mass_budget_kg, size_hardware, size_ship

# Parts of the mass budget priced on their own (GPUs/servers, arrays, radiators,
# batteries); the spacecraft bus price per kg applies to everything else in "total".
COMPUTE_PARTS = ("compute", "gpus", "servers")
SOLAR_PARTS = ("solar_array", "solar", "arrays")
RADIATOR_PARTS = ("radiator", "radiators")
BATTERY_PARTS = ("battery", "batteries")
# Propellant is launched, not built: its price (argon, a few $/kg) is nothing beside launch.
PROPELLANT_PARTS = ("propellant",)
SEPARATELY_PRICED_PARTS = COMPUTE_PARTS + SOLAR_PARTS + RADIATOR_PARTS + BATTERY_PARTS + PROPELLANT_PARTS


@dataclass(frozen=True)
class ShipSummary:
    """One Compute Ship as the fleet model sees it. SI units unless the name says otherwise."""

    gpus: int
    gpu_model: str
    it_power_w: float          # IT load: GPUs and their servers
    total_power_w: float       # total bus load including thermal control, avionics, losses
    solar_array_m2: float
    radiator_m2: float
    battery_kwh: float
    mass_kg: dict[str, float]  # parts of the mass budget, including "total"
    delivered_fraction: float = 1.0  # mean share of nominal compute delivered (1.0 if unknown)
    tokens_per_gpu_hour: float | None = None  # from the workload stage, when known

    def __post_init__(self):
        problems = []
        if self.gpus < 1:
            problems.append(f"gpus {self.gpus} (allowed: at least 1)")
        for name in ("it_power_w", "total_power_w"):
            if not getattr(self, name) > 0:
                problems.append(f"{name} {getattr(self, name)} (allowed: above 0)")
        if self.total_power_w < self.it_power_w:
            problems.append("total_power_w below it_power_w (allowed: total includes IT)")
        for name in ("solar_array_m2", "radiator_m2", "battery_kwh"):
            if getattr(self, name) < 0:
                problems.append(f"{name} {getattr(self, name)} (allowed: 0 or more)")
        if "total" not in self.mass_kg or not self.mass_kg["total"] > 0:
            problems.append("mass_kg needs a positive 'total'")
        elif any(v < 0 for v in self.mass_kg.values()):
            problems.append("mass_kg parts must not be negative")
        if not 0 < self.delivered_fraction <= 1:
            problems.append(f"delivered_fraction {self.delivered_fraction} (allowed: above 0 up to 1)")
        if self.tokens_per_gpu_hour is not None and not self.tokens_per_gpu_hour > 0:
            problems.append(f"tokens_per_gpu_hour {self.tokens_per_gpu_hour} (allowed: above 0)")
        if problems:
            raise ValueError("ship summary: " + "; ".join(problems))

    @property
    def total_mass_kg(self) -> float:
        return float(self.mass_kg["total"])

    def part_mass_kg(self, names: tuple[str, ...]) -> float:
        """Mass of the parts with any of these names."""
        return float(sum(self.mass_kg.get(n, 0.0) for n in names))

    @property
    def bus_mass_kg(self) -> float:
        """Mass priced by the bus $/kg: the total less the separately priced parts."""
        return max(0.0, self.total_mass_kg - self.part_mass_kg(SEPARATELY_PRICED_PARTS))

    def scaled_mass(self, factor: float) -> "ShipSummary":
        """The same ship with every part of its mass budget scaled (for sensitivities)."""
        from dataclasses import replace

        return replace(self, mass_kg={k: v * factor for k, v in self.mass_kg.items()})


def summary_from_hardware(design, hardware, delivered_fraction: float = 1.0,
                          tokens_per_gpu_hour: float | None = None, propellant_kg: float = 0.0) -> ShipSummary:
    """The fleet's view of a ship sized or simulated by the ship stage (aether.ship), with the
    propellant it carries for its life (launched, not built)."""

    return ShipSummary(
        gpus=design.gpus, gpu_model=design.accelerator().name, it_power_w=hardware.it_w,
        total_power_w=hardware.total_w, solar_array_m2=hardware.solar_array_m2,
        radiator_m2=hardware.radiator_m2 or 0.0, battery_kwh=hardware.battery_kwh,
        mass_kg=mass_budget_kg(design, hardware, propellant_kg=propellant_kg), delivered_fraction=delivered_fraction,
        tokens_per_gpu_hour=tokens_per_gpu_hour,
    )


def default_ship_summary(gpus: int = 10_000) -> ShipSummary:
    """The reference Compute Ship: `gpus` B200 in a 650 km dawn-dusk orbit, sized by
    aether.ship (the design of the project-aether preset for 10,000 GPUs)."""
    design = ShipDesign(gpu="B200", gpus=gpus)
    propellant = size_ship("B200", gpus, 650.0, 18.0).mass_kg["propellant"]
    return summary_from_hardware(design, size_hardware(design, envelope_for_orbit(650.0, 18.0)),
                                 propellant_kg=propellant)
