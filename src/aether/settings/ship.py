"""A Compute Ship's design as scenario data (pydantic v2): GPUs, array, battery, radiator.

Every field has its unit in its name and its allowed range; the defaults are the
assumptions named beside them. Areas and capacities left out are sized by
aether.ship.sizing for the ship's orbit.
"""

from typing import Annotated, Literal

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from aether.settings.base import Name, SettingsModel, bounded
from aether.settings.hardware import Accelerator, lookup

Fraction = Annotated[float, bounded(0, 1, lo_open=True)]
UnitInterval = Annotated[float, bounded(0, 1)]
# From 1 m2, below which a panel powers or cools no GPU, to 100 km2 (10 million GPUs' worth).
Area = Annotated[float, bounded(1, 1e8, " m2")]
# Per-GPU figures up to well past any accelerator built (a B200: 2.25 PFLOPS bf16, 1 kW).
Tflops = Annotated[float, bounded(0, 1e6, " TFLOPS", lo_open=True)]


class AcceleratorSpec(SettingsModel):
    """An accelerator defined in the scenario (per GPU figures)."""

    name: Name
    bf16_dense_tflops: Tflops
    fp8_dense_tflops: Tflops | None = None
    hbm_gb: Annotated[float, bounded(0, 1e5, " GB")] = 0.0
    hbm_tb_s: Annotated[float, bounded(0, 1e5, " TB/s")] = 0.0
    board_power_w: Annotated[float, bounded(0, 1e5, " W", lo_open=True)]
    server_overhead_w: Annotated[float, bounded(0, 1e5, " W")] = 0.0
    server_mass_kg: Annotated[float, bounded(0, 1e4, " kg")] = 15.0
    min_power_fraction: Fraction = 0.3
    # Scale-up link (NVLink) per direction, the all-reduce bus bandwidth on it and one ring
    # step's latency; 0: none, so a serving replica is one GPU (catalogue: H100 450, 370, 3).
    nvlink_gb_s: Annotated[float, bounded(0, 1e5, " GB/s")] = 0.0
    allreduce_gb_s: Annotated[float, bounded(0, 1e5, " GB/s")] = 0.0
    nvlink_latency_us: Annotated[float, bounded(0, 1e6, " us")] = 3.0
    # GPUs of one scale-up (NVLink) domain, and the scale-out network per GPU beyond it
    # (catalogue: 8 GPUs and 50 GB/s, one 400 Gb/s NIC per GPU as in DGX H100/B200).
    scale_up_gpus: Annotated[int, bounded(1, 100_000, " GPUs")] = 8
    scale_out_gb_s: Annotated[float, bounded(0, 1e5, " GB/s", lo_open=True)] = 50.0
    source: str = "scenario"

    def accelerator(self) -> Accelerator:
        fields = self.model_dump()
        fields["fp8_dense_tflops"] = fields["fp8_dense_tflops"] or fields["bf16_dense_tflops"]
        return Accelerator(**fields)


class SolarArraySpec(SettingsModel):
    """Solar array. area_m2 None: sized for the orbit."""

    area_m2: Area | None = None
    # Space triple-junction cells about 30% BOL; Suncatcher's Starlink example uses 22%.
    efficiency: Fraction = 0.30
    # Share of the array area covered by cells (0.9 in Suncatcher's Starlink example).
    packing_factor: Fraction = 0.90
    # Power loss per year in orbit (ASSUMPTION: about 0.5%/yr for triple-junction cells in LEO).
    degradation_per_year: Annotated[float, bounded(0, 1, hi_open=True)] = 0.005
    age_years: Annotated[float, bounded(0, 50, " years")] = 0.0
    # tracking: two-axis, always normal to the Sun; single_axis: rotates about the orbit
    # normal (cosine loss cos beta); orbit_normal: fixed normal to the orbit plane
    # (cosine loss |sin beta|, good in dawn-dusk orbits).
    pointing: Literal["tracking", "single_axis", "orbit_normal"] = "tracking"


class BatterySpec(SettingsModel):
    """Battery. capacity_kwh None: sized for the longest eclipse."""

    capacity_kwh: Annotated[float, bounded(0, 1e8, " kWh", lo_open=True)] | None = None
    # Usable depth of discharge (ASSUMPTION: 0.8; few eclipse cycles a year in dawn-dusk orbits).
    depth_of_discharge: Fraction = 0.8
    # Li-ion one-way efficiencies (ASSUMPTION: 0.95 each, ~90% round trip).
    charge_efficiency: Fraction = 0.95
    discharge_efficiency: Fraction = 0.95
    # Largest charge power as a multiple of capacity per hour (C-rate, ASSUMPTION 0.5 C).
    max_charge_c_rate: Annotated[float, bounded(0, 20, " C", lo_open=True)] = 0.5
    initial_soc: UnitInterval = 1.0


class RadiatorSpec(SettingsModel):
    """Radiator panels. area_m2 None: sized for the heat at design_temperature_c.

    Defaults follow the Starcloud white paper's radiator (emissivity 0.92, solar
    absorptivity 0.09, view factor to Earth 0.25, two-sided); infrared absorptivity
    equals emissivity (Kirchhoff).
    """

    area_m2: Area | None = None
    emissivity: Fraction = 0.92
    solar_absorptivity: UnitInterval = 0.09
    ir_absorptivity: UnitInterval = 0.92
    sides: Annotated[int, bounded(1, 2, " sides")] = 2
    earth_view_factor: UnitInterval = 0.25
    # Cosine of the Sun's incidence on the sunward face (ASSUMPTION 0.1: panels held
    # nearly edge-on to the Sun; Starcloud's balance is the worst case, 1.0).
    sun_incidence_cos: UnitInterval = 0.1
    # Mean panel temperature the radiator is sized for.
    design_temperature_c: Annotated[float, bounded(-150, 300, " C", lo_open=True, hi_open=True)] = 45.0
    # Heat capacity per m^2 of panel with its coolant (ASSUMPTION: ~5 kg/m^2 aluminium at
    # 900 J/(kg K) plus ~1.3 kg/m^2 of pumped coolant at ~4 kJ/(kg K)).
    heat_capacity_j_per_k_m2: Annotated[float, bounded(0, 1e7, " J/K/m2", lo_open=True)] = 1.0e4
    initial_temperature_c: Annotated[float, bounded(-200, 300, " C", lo_open=True, hi_open=True)] | None = None


class HallThruster(SettingsModel):
    """Electric propulsion. Defaults: SpaceX's second-generation argon Hall thruster on
    Starlink V2 mini (SpaceX, 2023: 170 mN, 2,500 s specific impulse, 4.2 kW)."""

    kind: Literal["hall"]
    isp_s: Annotated[float, bounded(100, 10_000, " s")] = 2500.0
    thrust_n: Annotated[float, bounded(0, 1e4, " N", lo_open=True)] = 0.170
    power_w: Annotated[float, bounded(0, 1e7, " W", lo_open=True)] = 4200.0
    # Thrusters on the ship (ASSUMPTION: enough to hold a large ship against drag at solar maximum).
    count: Annotated[int, bounded(1, 10_000, " thrusters")] = 16


class ChemicalThruster(SettingsModel):
    """Bipropellant engine (defaults: an MMH/NTO 400 N-class engine at a round 300 s, below the
    about 320 s of ArianeGroup's S400 datasheets); draws no electrical power."""

    kind: Literal["chemical"]
    isp_s: Annotated[float, bounded(100, 500, " s")] = 300.0
    thrust_n: Annotated[float, bounded(0, 1e6, " N", lo_open=True)] = 400.0
    power_w: Annotated[float, bounded(0, 1e5, " W")] = 0.0
    count: Annotated[int, bounded(1, 1000, " engines")] = 4


Propulsion = Annotated[HallThruster | ChemicalThruster, Field(discriminator="kind")]


class DragSpec(SettingsModel):
    """What the ship shows the flow, and what it carries to hold its orbit and leave it."""

    # Free-molecular drag coefficient of a flat plate or compact body in LEO, 2.2
    # (Montenbruck & Gill 2000, "Satellite Orbits", section 3.5; Vallado 2013, section 8.6).
    coefficient: Annotated[float, bounded(1, 5)] = 2.2
    # Frontal area of the hull: compute modules, bus and tanks (ASSUMPTION: about 100 m2 for
    # a 10,000-GPU ship's pressurised racks, a 10 m x 10 m face). Arrays and radiators add
    # theirs from the attitude; radiators fly edge-on to the Sun and to the flow.
    body_frontal_area_m2: Annotated[float, bounded(0, 1e6, " m2")] = 100.0
    propulsion: Propulsion = HallThruster(kind="hall")
    # Collision-avoidance manoeuvre size and the compute it interrupts (ASSUMPTIONS: a few
    # cm/s per avoidance, as Starlink's routine manoeuvres; a burn along the velocity keeps the
    # arrays on the Sun, so about 6 minutes of slew and settling).
    avoidance_dv_m_s: Annotated[float, bounded(0, 100, " m/s")] = 0.05
    avoidance_outage_h: Annotated[float, bounded(0, 100, " h")] = 0.1
    # Collision probability above which the ship manoeuvres: 1e-4, the common threshold (NASA
    # CARA Best Practices Handbook, NASA/SP-20230002470, 2023); SpaceX flies Starlink at 1e-6
    # (its report to the FCC of July 2024). Sets the avoidance rate (aether.orbit.debris).
    collision_probability_threshold: Annotated[float, bounded(0, 1, lo_open=True, hi_open=True)] = 1e-4


class ShipDesign(SettingsModel):
    """A Compute Ship: its GPUs, the load around them, and its power and heat hardware."""

    # A catalogue name or an accelerator defined here.
    gpu: Annotated[Annotated[str, Tag("name")] | Annotated[AcceleratorSpec, Tag("spec")],
                   Discriminator(lambda v: "spec" if isinstance(v, dict | AcceleratorSpec) else "name")] = "B200"
    gpus: Annotated[int, bounded(1, 10_000_000, " GPUs")] = 10_000
    precision: Literal["bf16", "fp8"] = "bf16"
    # Spacecraft bus (avionics, attitude control, comms, pumps) as a share of the IT load
    # (ASSUMPTION 3%). Always served first; never shed.
    bus_fraction: UnitInterval = 0.03
    # Hottest chip temperature allowed and the rise from radiator panel to chip through
    # cold plates and the coolant loop (ASSUMPTIONS: 85 C; 25 K).
    chip_limit_c: Annotated[float, bounded(-50, 200, " C", lo_open=True, hi_open=True)] = 85.0
    chip_to_radiator_k: Annotated[float, bounded(0, 200, " K", hi_open=True)] = 25.0
    solar: SolarArraySpec = SolarArraySpec()
    battery: BatterySpec = BatterySpec()
    radiator: RadiatorSpec = RadiatorSpec()
    drag: DragSpec = DragSpec()

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
