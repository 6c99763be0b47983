"""Sizing: the ship model run backwards.

For N GPUs of a model in an orbit: the array that carries the full load in sunlight and
recharges the battery within the sunlit part of the worst orbit; the battery that carries
the full load through the longest eclipse of the year; the radiator that rejects all the
heat at its design temperature in the hottest environment (full Sun); the mass budget;
and the launches it takes.
"""

import math
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import numpy as np

from aether.orbit import eclipse_seasons, mean_radius_km, period_min
from aether.settings.ship import ShipDesign
from aether.ship import radiator as rad
from aether.ship.constants import J_PER_KWH
from aether.ship.drag import drag_figures
from aether.ship.solar import ageing_factor, array_power_w, cosine_factor

# Sizing looks at the year from 1 January of this year: the eclipse season and the start of
# the ship's life in the solar cycle.
SIZING_YEAR = 2026


@dataclass(frozen=True)
class MassModel:
    """Areal densities and specific masses of the mass budget; each with its source."""

    # Flexible roll-out/fold-out arrays with blanket, booms and drive (ASSUMPTION ~2 kg/m^2;
    # ROSA-class arrays are quoted at over 100 W/kg at ~300 W/m^2 BOL).
    solar_array_kg_m2: float = 2.0
    # Deployable pumped-loop radiator panels with fluid (ASSUMPTION ~6 kg/m^2; ISS-class
    # radiators are heavier, ~10 kg/m^2, lightweight composite panels ~3-5 kg/m^2).
    radiator_kg_m2: float = 6.0
    # Li-ion battery at pack level, Wh/kg (ASSUMPTION: space packs ~100-160 Wh/kg).
    battery_wh_per_kg: float = 130.0
    # Radiation shielding: 1 kg per kW of IT load (Starcloud white paper "Why we should train AI in space", 2024).
    shielding_kg_per_kw: float = 1.0
    # Structure, harness and propulsion as a share of the other dry mass (ASSUMPTION: ~20%,
    # the structure share typical of satellites in Wertz & Larson, SMAD).
    structure_fraction: float = 0.20


@dataclass(frozen=True)
class OrbitEnvelope:
    """What the orbit demands of the power system over a year."""

    period_s: float
    max_eclipse_s: float
    worst_cosine: float     # array cosine factor on its worst day (1 for tracking arrays)
    sunlit_fraction: float  # share of the year in sunlight
    beta_deg: tuple[float, ...] = ()  # the Sun's angle to the orbit plane, day by day


@dataclass
class Hardware:
    """Resolved array, battery and radiator of one ship, with how each was obtained."""

    it_w: float
    bus_w: float
    solar_array_m2: float
    radiator_m2: float | None
    battery_kwh: float
    verdict: str = "closes"
    sized: list[str] = field(default_factory=list)

    @property
    def total_w(self) -> float:
        return self.it_w + self.bus_w


def envelope_for_orbit(altitude_km: float, ltan_h: float | None = None,
                       inclination_deg: float | None = None, pointing: str = "tracking",
                       year: int = 2026) -> OrbitEnvelope:
    """Eclipse and beta over a year for a circular orbit (sun-synchronous when ltan_h given)."""
    from sgp4.api import SatrecArray

    from aether.orbit import elements
    from aether.timegrid import TimeGrid

    epoch = TimeGrid(datetime(year, 1, 1, tzinfo=UTC), 60.0, 1).start_jd
    if ltan_h is not None:
        inc = elements.sun_synchronous_inclination_deg(altitude_km)
        raan = elements.raan_for_ltan_rad(ltan_h, epoch)
    else:
        inc, raan = (inclination_deg if inclination_deg is not None else 53.0), 0.0
    inc_rad = np.radians(inc)
    mean = elements.circular(elements.mean_motion_rad_min(altitude_km, inc_rad), inc_rad, raan, 0.0)
    satrecs = elements.to_satrecs(mean, epoch)
    seasons = eclipse_seasons(SatrecArray(satrecs), mean_radius_km(satrecs), period_min(satrecs), epoch)
    return envelope_from_seasons(
        float(period_min(satrecs)[0]) * 60.0, seasons.eclipse_min_per_orbit[0], seasons.beta_deg[0],
        pointing,
    )


def envelope_from_seasons(period_s: float, eclipse_min_per_orbit: np.ndarray,
                          beta_deg: np.ndarray, pointing: str) -> OrbitEnvelope:
    """Envelope from one satellite's daily season figures."""
    eclipse_s = np.asarray(eclipse_min_per_orbit, float) * 60.0
    cosine = cosine_factor(pointing, beta_deg)
    # The array must deliver on the day where cosine x sunlit share is lowest.
    sunlit = 1.0 - eclipse_s / period_s
    worst = int(np.argmin(cosine * sunlit))
    return OrbitEnvelope(
        period_s=float(period_s), max_eclipse_s=float(eclipse_s.max()),
        worst_cosine=float(cosine[worst]), sunlit_fraction=float(sunlit.mean()),
        beta_deg=tuple(float(b) for b in np.asarray(beta_deg, float)),
    )


def size_hardware(design: ShipDesign, env: OrbitEnvelope, life_years: float = 5.0) -> Hardware:
    """Array, battery and radiator for a design; given areas and capacities are kept."""
    acc = design.accelerator()
    it_w = design.gpus * acc.power_w
    bus_w = design.bus_fraction * it_w
    total_w = it_w + bus_w
    sized = []
    b, s, r = design.battery, design.solar, design.radiator
    sun_s = max(env.period_s - env.max_eclipse_s, 1.0)
    recharge_w = total_w * env.max_eclipse_s / (b.discharge_efficiency * b.charge_efficiency * sun_s)

    battery_kwh = b.capacity_kwh
    if battery_kwh is None:
        sized.append("battery")
        # Full load through the longest eclipse; without eclipses, the bus for one orbit.
        need_j = (total_w * env.max_eclipse_s if env.max_eclipse_s > 0
                  else bus_w * env.period_s) / b.discharge_efficiency
        battery_kwh = need_j / b.depth_of_discharge / J_PER_KWH
        battery_kwh = max(battery_kwh, recharge_w / b.max_charge_c_rate / 1000.0)

    solar_m2 = s.area_m2
    if solar_m2 is None:
        sized.append("solar_array")
        # Sized at end of life (life_years) on the worst day of the year.
        per_m2 = array_power_w(1.0, s.efficiency, s.packing_factor, env.worst_cosine, 1.0,
                               ageing_factor(s.degradation_per_year, max(life_years, s.age_years)))
        solar_m2 = (total_w + recharge_w) / per_m2 if per_m2 > 0 else math.inf

    radiator_m2 = r.area_m2
    verdict = "closes"
    absorbed = rad.absorbed_w_m2(r.solar_absorptivity, r.ir_absorptivity,
                                 r.earth_view_factor, r.sun_incidence_cos, 1.0)
    net = float(rad.net_rejection_w_m2(rad.c_to_k(r.design_temperature_c), r.emissivity,
                                       r.sides, absorbed))
    if s.area_m2 is not None:
        array_w = array_power_w(s.area_m2, s.efficiency, s.packing_factor, env.worst_cosine, 1.0,
                                ageing_factor(s.degradation_per_year, s.age_years))
        if array_w < total_w:
            verdict = (f"does not close: the {s.area_m2:g} m2 array gives {array_w / 1e3:,.1f} kW in "
                       f"sunlight on the worst day, short of the {total_w / 1e3:,.1f} kW load "
                       "(leave solar.area_m2 out to size it)")
    if radiator_m2 is not None and radiator_m2 * net < total_w:
        verdict = (f"does not close: the {radiator_m2:g} m2 radiator rejects {max(net, 0.0) * radiator_m2 / 1e3:,.1f} "
                   f"kW at {r.design_temperature_c:g} C in full Sun, short of the {total_w / 1e3:,.1f} kW of heat "
                   "(leave radiator.area_m2 out to size it)")
    if radiator_m2 is None:
        sized.append("radiator")
        if net <= 0:
            verdict = (
                f"does not close: at {r.design_temperature_c:g} C a radiator panel absorbs "
                f"{float(absorbed):.0f} W/m2 from the Sun and Earth but emits only "
                f"{float(absorbed) + net:.0f} W/m2, so no area rejects the heat "
                "(raise radiator.design_temperature_c or lower solar_absorptivity)"
            )
            radiator_m2 = None
        else:
            radiator_m2 = total_w / net
    if not math.isfinite(solar_m2):
        verdict = "does not close: the array never faces the Sun in this orbit and pointing"
        solar_m2 = 0.0
    return Hardware(it_w=it_w, bus_w=bus_w, solar_array_m2=float(solar_m2),
                    radiator_m2=None if radiator_m2 is None else float(radiator_m2),
                    battery_kwh=float(battery_kwh), verdict=verdict, sized=sized)


def mass_budget_kg(design: ShipDesign, hw: Hardware, masses: MassModel = MassModel(),
                   propellant_kg: float = 0.0) -> dict:
    """Dry mass by part (structure a share of the rest), plus the propellant the ship carries."""
    acc = design.accelerator()
    parts = {
        "solar_array": hw.solar_array_m2 * masses.solar_array_kg_m2,
        "radiator": (hw.radiator_m2 or 0.0) * masses.radiator_kg_m2,
        "battery": hw.battery_kwh * 1000.0 / masses.battery_wh_per_kg,
        "compute": design.gpus * acc.server_mass_kg,
        "shielding": hw.it_w / 1000.0 * masses.shielding_kg_per_kw,
    }
    parts["structure"] = masses.structure_fraction * sum(parts.values())
    parts["propellant"] = propellant_kg
    parts = {k: float(v) for k, v in parts.items()}
    parts["total"] = float(sum(parts.values()))
    return parts


@dataclass
class SizingResult:
    gpu: str
    gpus: int
    altitude_km: float
    ltan_h: float | None
    payload_t: float
    power_w: dict
    solar_array_m2: float
    radiator_m2: float | None
    battery_kwh: float
    mass_kg: dict
    launches: int | None
    verdict: str
    nominal_pflops: float
    max_eclipse_min: float
    sunlit_fraction: float
    # Drag, station keeping and lifetime over life_years from January 2026 (aether.ship.drag),
    # and the activity scenario the propellant in mass_kg is sized for.
    drag: dict
    solar_activity: str

    def to_dict(self) -> dict:
        return asdict(self)


def size_ship(
    gpu_model: str, gpus: int, altitude_km: float = 650.0, ltan_h: float | None = 18.0,
    payload_t: float = 100.0, design: ShipDesign | None = None,
    masses: MassModel = MassModel(), life_years: float = 5.0, inclination_deg: float | None = None,
    solar_activity: str = "mid",
) -> SizingResult:
    """Size a Compute Ship of `gpus` GPUs of `gpu_model` in a circular orbit.

    ltan_h given: a sun-synchronous orbit with that local time of the ascending node;
    otherwise inclination_deg (default 53). payload_t: tonnes a launch carries to this
    orbit (Starship: 100-150 t quoted for the reusable vehicle; SpaceX Starship User's Guide, rev. 1.0, 2020).
    Raises ValueError on input outside the allowed ranges.
    """
    if gpus < 1:
        raise ValueError(f"gpus must be at least 1, got {gpus}")
    if not 150 <= altitude_km <= 5900:
        raise ValueError(f"altitude_km {altitude_km:g} outside 150 to 5900 km")
    if not payload_t > 0:
        raise ValueError(f"payload_t must be positive, got {payload_t:g}")
    if ltan_h is not None and not 0 <= ltan_h < 24:
        raise ValueError(f"ltan_h {ltan_h:g} outside 0 to 24 h")
    base = design or ShipDesign()
    design = base.model_copy(update={"gpus": int(gpus)})
    design = ShipDesign.model_validate({**design.model_dump(), "gpu": gpu_model})
    env = envelope_for_orbit(altitude_km, ltan_h, inclination_deg, design.solar.pointing, SIZING_YEAR)
    hw = size_hardware(design, env, life_years)
    from aether.orbit import elements

    incl = (elements.sun_synchronous_inclination_deg(altitude_km) if ltan_h is not None
            else (inclination_deg if inclination_deg is not None else 53.0))
    drag = drag_figures(design, hw.solar_array_m2, hw.radiator_m2 or 0.0,
                        mass_budget_kg(design, hw, masses)["total"], altitude_km, incl, ltan_h,
                        env.beta_deg, float(SIZING_YEAR), life_years)
    mass = mass_budget_kg(design, hw, masses, drag.propellant_kg(solar_activity))
    closes = hw.verdict == "closes"
    acc = design.accelerator()
    return SizingResult(
        gpu=acc.name, gpus=int(gpus), altitude_km=float(altitude_km), ltan_h=ltan_h,
        payload_t=float(payload_t),
        power_w={"it": hw.it_w, "bus": hw.bus_w, "total": hw.total_w,
                 "gpu_board": float(design.gpus * acc.board_power_w)},
        solar_array_m2=hw.solar_array_m2, radiator_m2=hw.radiator_m2, battery_kwh=hw.battery_kwh,
        mass_kg=mass,
        launches=int(math.ceil(mass["total"] / (payload_t * 1000.0))) if closes else None,
        verdict=hw.verdict,
        nominal_pflops=design.gpus * acc.dense_tflops(design.precision) / 1000.0,
        max_eclipse_min=env.max_eclipse_s / 60.0, sunlit_fraction=env.sunlit_fraction,
        drag=drag.metrics(), solar_activity=solar_activity,
    )


def eclipse_battery_check(hw: Hardware, design: ShipDesign, max_eclipse_s: float) -> str | None:
    """A warning when the usable battery cannot carry the full load through the longest eclipse."""
    b = design.battery
    usable_j = hw.battery_kwh * J_PER_KWH * b.depth_of_discharge * b.discharge_efficiency
    need_j = hw.total_w * max_eclipse_s
    if max_eclipse_s <= 0 or usable_j >= need_j * (1 - 1e-9):
        return None
    bus_ok = usable_j >= hw.bus_w * max_eclipse_s
    return (
        f"battery too small for the longest eclipse ({max_eclipse_s / 60:.1f} min): "
        f"{usable_j / J_PER_KWH:,.0f} kWh usable against {need_j / J_PER_KWH:,.0f} kWh for the "
        f"full {hw.total_w / 1e6:.2f} MW load; the load in eclipse is capped at "
        f"{min(1.0, usable_j / need_j):.0%} of full power"
        + ("" if bus_ok else "; the bus itself cannot be carried through (the ship browns out)")
    )

