"""The ship stage: every Compute Ship's power, battery, heat and delivered compute over the run."""

import warnings
from dataclasses import dataclass, field, replace

import numpy as np

from aether.constants import DAYS_PER_YEAR, WGS72_RADIUS_KM
from aether.orbit import mean_radius_km, period_min
from aether.settings.hardware import Accelerator, PowerCurve, power_curve
from aether.settings.ship import ShipDesign
from aether.ship import radiator as rad
from aether.ship.compute import throughput_fraction
from aether.ship.constants import J_PER_KWH, SOLAR_CONSTANT_W_M2
from aether.ship.drag import DragFigures, drag_figures
from aether.ship.integrate import ShipParams, ShipState, integrate
from aether.ship.sizing import (
    Hardware,
    OrbitEnvelope,
    eclipse_battery_check,
    envelope_from_seasons,
    mass_budget_kg,
    size_hardware,
)
from aether.ship.solar import ageing_factor, array_power_w, cosine_factor


class ShipWarning(UserWarning):
    """A ship design that runs, but not as asked (e.g. a battery short of the longest eclipse)."""


@dataclass
class ShipSpec:
    """One ship resolved for simulation: design, hardware and its orbit's envelope."""

    name: str
    group: str
    design: ShipDesign
    hardware: Hardware
    envelope: OrbitEnvelope
    # The thrusters' mean draw (W), served with the bus: they fire about 1 % of the time
    # (DragFigures.thruster_mean_w), so a mean load stands in for the firings.
    propulsion_w: float = 0.0

    @property
    def accelerator(self) -> Accelerator:
        return self.design.accelerator()

    @property
    def nominal_pflops(self) -> float:
        return self.design.gpus * self.accelerator.dense_tflops(self.design.precision) / 1000.0

    def params(self) -> ShipParams:
        d, hw, b = self.design, self.hardware, self.design.battery
        e_max = hw.battery_kwh * J_PER_KWH
        usable = e_max * b.depth_of_discharge
        eclipse_w = (usable * b.discharge_efficiency / self.envelope.max_eclipse_s
                     if self.envelope.max_eclipse_s > 0 else np.inf)
        return ShipParams(
            full_load_w=np.array([hw.total_w + self.propulsion_w]), bus_w=np.array([hw.bus_w + self.propulsion_w]),
            energy_max_j=np.array([e_max]), energy_min_j=np.array([e_max - usable]),
            charge_efficiency=np.array([b.charge_efficiency]),
            discharge_efficiency=np.array([b.discharge_efficiency]),
            max_charge_w=np.array([b.max_charge_c_rate * hw.battery_kwh * 1000.0]),
            eclipse_discharge_w=np.array([eclipse_w]),
            radiator_area_m2=np.array([hw.radiator_m2 or 0.0]),
            radiator_emissivity=np.array([d.radiator.emissivity]),
            radiator_sides=np.array([float(d.radiator.sides)]),
            heat_capacity_j_k=np.array([max(hw.radiator_m2 or 0.0, 1.0)
                                        * d.radiator.heat_capacity_j_per_k_m2]),
            temperature_limit_k=np.array([float(rad.c_to_k(d.radiator_limit_c))]),
        )

    def drivers(self, sunlit: np.ndarray, beta_deg: np.ndarray,
                solar_constant_w_m2: float = SOLAR_CONSTANT_W_M2):
        """Array output (W) and absorbed environmental heat (W) [time] from shadow and beta."""
        s, r = self.design.solar, self.design.radiator
        solar_w = array_power_w(self.hardware.solar_array_m2, s.efficiency, s.packing_factor,
                                cosine_factor(s.pointing, beta_deg), sunlit,
                                ageing_factor(s.degradation_per_year, s.age_years),
                                solar_constant_w_m2)
        absorbed_w = (self.hardware.radiator_m2 or 0.0) * rad.absorbed_w_m2(
            r.solar_absorptivity, r.ir_absorptivity, r.earth_view_factor, r.sun_incidence_cos,
            sunlit, solar_w_m2=solar_constant_w_m2)
        return solar_w, absorbed_w


@dataclass
class ShipResult:
    """Timelines [time, ship] and per ship figures of the ship stage."""

    names: list[str]
    specs: list[ShipSpec]
    step_s: float
    seconds: np.ndarray
    solar_w: np.ndarray
    load_w: np.ndarray
    soc: np.ndarray
    temperature_c: np.ndarray
    pflops: np.ndarray
    fraction: np.ndarray
    energy_j: dict[str, np.ndarray]
    warnings: list[str] = field(default_factory=list)
    # Each compute entry's drag, station keeping, lifetime and debris (aether.ship.drag).
    drag: dict[str, DragFigures] = field(default_factory=dict)

    def metrics(self) -> dict[str, dict]:
        """Per ship: energy (kWh), throttling, delivered compute, battery and heat extremes."""
        out = {}
        throttled = (self.fraction < 1.0 - 1e-6).mean(axis=0)
        for k, (name, spec) in enumerate(zip(self.names, self.specs, strict=True)):
            hw = spec.hardware
            e = {key: float(v[k]) / J_PER_KWH for key, v in self.energy_j.items()}
            out[name] = {
                "group": spec.group,
                "gpu": spec.accelerator.name,
                "gpus": spec.design.gpus,
                "power_w": {"it": hw.it_w, "total": hw.total_w},
                "solar_array_m2": hw.solar_array_m2,
                "radiator_m2": hw.radiator_m2,
                "battery_kwh": hw.battery_kwh,
                "verdict": hw.verdict,
                "energy_generated_kwh": e["generated_j"],
                "energy_used_kwh": e["used_j"],
                "energy_stored_kwh": e["stored_j"],
                "energy_battery_loss_kwh": e["battery_loss_j"],
                "energy_curtailed_kwh": e["curtailed_j"],
                "throttled_share": float(throttled[k]),
                "nominal_pflops": spec.nominal_pflops,
                "mean_pflops": float(self.pflops[:, k].mean()),
                "mean_fraction_of_nominal": float(self.fraction[:, k].mean()),
                "min_soc": float(self.soc[:, k].min()),
                "max_radiator_temperature_c": float(self.temperature_c[:, k].max()),
                "max_eclipse_min": spec.envelope.max_eclipse_s / 60.0,
                **({"debris": self.drag[spec.group].debris_metrics()} if spec.group in self.drag else {}),
            }
        return out


def run_ships(specs: list[ShipSpec], sunlit: np.ndarray, beta_deg: np.ndarray, step_s: float,
              curve: PowerCurve | None = None) -> ShipResult:
    """Integrate ships over given shadow and beta timelines [time, ship]."""
    curve = curve or power_curve()
    sunlit = np.asarray(sunlit, float).reshape(len(sunlit), -1)
    beta_deg = np.asarray(beta_deg, float).reshape(sunlit.shape)
    drivers = [s.drivers(sunlit[:, k], beta_deg[:, k]) for k, s in enumerate(specs)]
    solar_w = np.stack([d[0] for d in drivers], axis=1)
    absorbed_w = np.stack([d[1] for d in drivers], axis=1)
    params = ShipParams.stack([s.params() for s in specs])
    e0 = params.energy_max_j * np.array([s.design.battery.initial_soc for s in specs])
    t0 = initial_temperature_k(specs, params, absorbed_w[0])
    run = integrate(params, solar_w, absorbed_w, sunlit < 1.0, step_s, ShipState(e0, t0))

    acc = [s.accelerator for s in specs]
    gpu_w = np.array([s.design.gpus * a.board_power_w for s, a in zip(specs, acc, strict=True)])
    overhead_w = np.array([s.design.gpus * a.server_overhead_w for s, a in zip(specs, acc, strict=True)])
    min_p = np.array([a.min_power_fraction for a in acc])
    fraction = throughput_fraction(run.load_w - params.bus_w, gpu_w, overhead_w, min_p, curve)
    nominal = np.array([s.nominal_pflops for s in specs])
    with np.errstate(invalid="ignore", divide="ignore"):
        soc = np.where(params.energy_max_j > 0, run.energy_j / params.energy_max_j, 0.0)
    return ShipResult(
        names=[s.name for s in specs], specs=specs, step_s=float(step_s),
        seconds=np.arange(sunlit.shape[0]) * float(step_s),
        solar_w=solar_w, load_w=run.load_w, soc=soc,
        temperature_c=rad.k_to_c(run.temperature_k), pflops=fraction * nominal,
        fraction=fraction, energy_j=run.bookkeeping(params, step_s),
    )


def initial_temperature_k(specs, params: ShipParams, absorbed_w0: np.ndarray) -> np.ndarray:
    """Given start temperatures, else the steady state at full load, at most the limit."""
    area = np.maximum(params.radiator_area_m2, 1e-9)
    steady = rad.equilibrium_temperature_k(params.full_load_w / area, absorbed_w0 / area,
                                           params.radiator_emissivity, params.radiator_sides)
    steady = np.minimum(steady, params.temperature_limit_k)
    given = [s.design.radiator.initial_temperature_c for s in specs]
    return np.array([steady[k] if g is None else float(rad.c_to_k(g)) for k, g in enumerate(given)])


def resolve_spec(name: str, group: str, design: ShipDesign, envelope: OrbitEnvelope) -> ShipSpec:
    return ShipSpec(name, group, design, size_hardware(design, envelope), envelope)


def compute_specs(scenario, orbit_result, strict: bool = False) -> tuple[list[ShipSpec], list[str]]:
    """Resolved specs for every tracked satellite of every compute entry, and warnings.

    strict: a battery short of the longest eclipse, or a design that does not close,
    raises ScenarioError instead of warning.
    """
    from aether.errors import ScenarioError

    orbits, seasons = orbit_result.orbits, orbit_result.seasons

    periods_s = period_min(orbits.satrecs) * 60.0
    specs, notes, problems = [], [], []
    for index, craft in enumerate(scenario.spacecraft):
        if craft.role != "compute":
            continue
        design = getattr(craft, "ship", None) or ShipDesign()
        where = f"{scenario.origin}: spacecraft[{index}].ship"
        members = orbits.members(craft.name)
        tracked = [int(m) for m in members if orbits.names[m] in orbit_result.tracks]
        if len(tracked) < len(members):
            notes.append(f"{where}: {len(members) - len(tracked)} of {len(members)} ships have no "
                         "timelines (group too large) and are not simulated")
        group_notes: set[str] = set()
        for m in tracked:
            env = envelope_from_seasons(periods_s[m], seasons.eclipse_min_per_orbit[m],
                                        seasons.beta_deg[m], design.solar.pointing)
            spec = resolve_spec(orbits.names[m], craft.name, design, env)
            specs.append(spec)
            if spec.hardware.verdict != "closes":
                group_notes.add(f"{where}: {spec.hardware.verdict}")
            short = eclipse_battery_check(spec.hardware, design, env.max_eclipse_s)
            if short:
                group_notes.add(f"{where}.battery.capacity_kwh: {short}")
        (problems if strict else notes).extend(sorted(group_notes))
    if problems:
        raise ScenarioError(problems)
    return specs, notes


def entry_ltan_h(orbit) -> float | None:
    """The local time of the ascending node of a sun-synchronous entry (or formation about
    one); None for orbits whose node drifts through every local time."""
    reference = getattr(orbit, "reference", orbit)
    return getattr(reference, "ltan_h", None) if reference.kind == "sun_synchronous" else None


def drag_by_entry(scenario, orbit_result) -> dict[str, DragFigures]:
    """Drag figures of each compute entry, from its first member's orbit and the entry's ship
    sized for it (every member shares the design and, closely, the orbit)."""
    orbits, seasons = orbit_result.orbits, orbit_result.seasons
    start = scenario.run.start
    start_year = start.year + (start.timetuple().tm_yday - 1 + start.hour / 24.0) / DAYS_PER_YEAR
    out = {}
    for craft in scenario.spacecraft:
        if craft.role != "compute":
            continue
        m = int(orbits.members(craft.name)[0])
        design = craft.ship or ShipDesign()
        satrec = orbits.satrecs[m]
        env = envelope_from_seasons(period_min([satrec])[0] * 60.0, seasons.eclipse_min_per_orbit[m],
                                    seasons.beta_deg[m], design.solar.pointing)
        hw = size_hardware(design, env)
        out[craft.name] = drag_figures(
            design, hw.solar_array_m2, hw.radiator_m2 or 0.0, mass_budget_kg(design, hw)["total"],
            float(mean_radius_km([satrec])[0] - WGS72_RADIUS_KM), float(np.degrees(satrec.inclo)),
            entry_ltan_h(craft.orbit), seasons.beta_deg[m], start_year, float(scenario.fleet.lifetime_years))
    return out


def simulate_ships(scenario, orbit_result, strict: bool = False) -> ShipResult:
    """Power, battery, heat and delivered compute of every compute ship over the run.

    Ships are the satellites of spacecraft entries with role compute whose timelines the
    orbit stage kept; each uses its entry's `ship` design (the default design if none),
    with unstated areas and capacities sized for its orbit. Warnings (also issued as
    ShipWarning) land in ShipResult.warnings; strict=True raises ScenarioError instead.
    """
    specs, notes = compute_specs(scenario, orbit_result, strict)
    grid = orbit_result.grid
    if not specs:
        empty = np.zeros((grid.n_steps, 0))
        return ShipResult([], [], grid.step_s, grid.seconds, empty, empty, empty, empty, empty,
                          empty, {}, notes)
    sunlit = np.stack([orbit_result.tracks[s.name].sunlit for s in specs], axis=1)
    beta = np.stack([orbit_result.tracks[s.name].beta_deg for s in specs], axis=1)
    drag = drag_by_entry(scenario, orbit_result)
    specs = [replace(s, propulsion_w=drag[s.group].thruster_mean_w()) for s in specs]
    result = run_ships(specs, sunlit, beta, grid.step_s)
    result.warnings = notes
    result.drag = drag
    for note in notes:
        warnings.warn(note, ShipWarning, stacklevel=2)
    return result
