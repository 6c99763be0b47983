"""A Compute Ship's design as scenario data (pydantic v2): GPUs, array, battery, radiator.

Every field has its unit in its name and its allowed range; the defaults are the
assumptions named beside them. Areas and capacities left out are sized by
aether.ship.sizing for the ship's orbit.
"""

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from aether.settings.base import SettingsModel
from aether.settings.hardware import Accelerator, lookup

Fraction = Annotated[float, Field(gt=0, le=1)]
UnitInterval = Annotated[float, Field(ge=0, le=1)]
PositiveArea = Annotated[float, Field(gt=0, le=1e7)]


class AcceleratorSpec(SettingsModel):
    """An accelerator defined in the scenario (per GPU figures)."""

    name: Annotated[str, Field(min_length=1)]
    bf16_dense_tflops: Annotated[float, Field(gt=0)]
    fp8_dense_tflops: Annotated[float, Field(gt=0)] | None = None
    hbm_gb: Annotated[float, Field(ge=0)] = 0.0
    hbm_tb_s: Annotated[float, Field(ge=0)] = 0.0
    board_power_w: Annotated[float, Field(gt=0)]
    server_overhead_w: Annotated[float, Field(ge=0)] = 0.0
    server_mass_kg: Annotated[float, Field(ge=0)] = 15.0
    min_power_fraction: Annotated[float, Field(gt=0, le=1)] = 0.3
    source: str = "scenario"

    def accelerator(self) -> Accelerator:
        fields = self.model_dump()
        fields["fp8_dense_tflops"] = fields["fp8_dense_tflops"] or fields["bf16_dense_tflops"]
        return Accelerator(**fields)


class SolarArraySpec(SettingsModel):
    """Solar array. area_m2 None: sized for the orbit."""

    area_m2: PositiveArea | None = None
    # Space triple-junction cells about 30% BOL; Suncatcher's Starlink example uses 22%.
    efficiency: Fraction = 0.30
    # Share of the array area covered by cells (0.9 in Suncatcher's Starlink example).
    packing_factor: Fraction = 0.90
    # Power loss per year in orbit (ASSUMPTION: about 0.5%/yr for triple-junction cells in LEO).
    degradation_per_year: Annotated[float, Field(ge=0, lt=1)] = 0.005
    age_years: Annotated[float, Field(ge=0, le=50)] = 0.0
    # tracking: two-axis, always normal to the Sun; single_axis: rotates about the orbit
    # normal (cosine loss cos beta); orbit_normal: fixed normal to the orbit plane
    # (cosine loss |sin beta|, good in dawn-dusk orbits).
    pointing: Literal["tracking", "single_axis", "orbit_normal"] = "tracking"


class BatterySpec(SettingsModel):
    """Battery. capacity_kwh None: sized for the longest eclipse."""

    capacity_kwh: Annotated[float, Field(gt=0)] | None = None
    # Usable depth of discharge (ASSUMPTION: 0.8; few eclipse cycles a year in dawn-dusk orbits).
    depth_of_discharge: Fraction = 0.8
    # Li-ion one-way efficiencies (ASSUMPTION: 0.95 each, ~90% round trip).
    charge_efficiency: Fraction = 0.95
    discharge_efficiency: Fraction = 0.95
    # Largest charge power as a multiple of capacity per hour (C-rate, ASSUMPTION 0.5 C).
    max_charge_c_rate: Annotated[float, Field(gt=0, le=20)] = 0.5
    initial_soc: UnitInterval = 1.0


class RadiatorSpec(SettingsModel):
    """Radiator panels. area_m2 None: sized for the heat at design_temperature_c.

    Defaults follow the Starcloud white paper's radiator (emissivity 0.92, solar
    absorptivity 0.09, view factor to Earth 0.25, two-sided); infrared absorptivity
    equals emissivity (Kirchhoff).
    """

    area_m2: PositiveArea | None = None
    emissivity: Fraction = 0.92
    solar_absorptivity: UnitInterval = 0.09
    ir_absorptivity: UnitInterval = 0.92
    sides: Literal[1, 2] = 2
    earth_view_factor: UnitInterval = 0.25
    # Cosine of the Sun's incidence on the sunward face (ASSUMPTION 0.1: panels held
    # nearly edge-on to the Sun; Starcloud's balance is the worst case, 1.0).
    sun_incidence_cos: UnitInterval = 0.1
    # Mean panel temperature the radiator is sized for.
    design_temperature_c: Annotated[float, Field(gt=-150, lt=300)] = 45.0
    # Heat capacity per m^2 of panel with its coolant (ASSUMPTION: ~5 kg/m^2 aluminium at
    # 900 J/(kg K) plus ~1.3 kg/m^2 of pumped coolant at ~4 kJ/(kg K)).
    heat_capacity_j_per_k_m2: Annotated[float, Field(gt=0)] = 1.0e4
    initial_temperature_c: Annotated[float, Field(gt=-200, lt=300)] | None = None


class ShipDesign(SettingsModel):
    """A Compute Ship: its GPUs, the load around them, and its power and heat hardware."""

    gpu: str | AcceleratorSpec = "B200"
    gpus: Annotated[int, Field(ge=1, le=10_000_000)] = 10_000
    precision: Literal["bf16", "fp8"] = "bf16"
    # Spacecraft bus (avionics, attitude control, comms, pumps) as a share of the IT load
    # (ASSUMPTION 3%). Always served first; never shed.
    bus_fraction: Annotated[float, Field(ge=0, le=1)] = 0.03
    # Hottest chip temperature allowed and the rise from radiator panel to chip through
    # cold plates and the coolant loop (ASSUMPTIONS: 85 C; 25 K).
    chip_limit_c: Annotated[float, Field(gt=-50, lt=200)] = 85.0
    chip_to_radiator_k: Annotated[float, Field(ge=0, lt=200)] = 25.0
    solar: SolarArraySpec = SolarArraySpec()
    battery: BatterySpec = BatterySpec()
    radiator: RadiatorSpec = RadiatorSpec()

    @field_validator("gpu")
    @classmethod
    def _known(cls, value):
        if isinstance(value, str):
            try:
                lookup(value)
            except KeyError as error:
                raise ValueError(error.args[0]) from None
        return value

    @model_validator(mode="after")
    def _limits(self):
        limit = self.chip_limit_c - self.chip_to_radiator_k
        if self.radiator.design_temperature_c > limit:
            raise ValueError(
                f"radiator.design_temperature_c {self.radiator.design_temperature_c:g} C is above "
                f"the radiator limit {limit:g} C (allowed: up to chip_limit_c - chip_to_radiator_k)"
            )
        return self

    def accelerator(self) -> Accelerator:
        if isinstance(self.gpu, AcceleratorSpec):
            return self.gpu.accelerator()
        return lookup(self.gpu)

    @property
    def radiator_limit_c(self) -> float:
        return self.chip_limit_c - self.chip_to_radiator_k
