"""Drag on a Compute Ship as it flies: frontal area from its attitude, station-keeping delta-v,
propellant and thruster power, lifetime without propulsion, and the debris it meets.

Attitude (the ship stage's): arrays face the Sun as their pointing allows; radiators fly
edge-on to the Sun and to the flow, so they add no frontal area; the hull adds its own.
An array of normal n shows the flow |n . v| of its area. Tracking: n is the Sun, which sits
beta out of the orbit plane, so over an orbit the mean of |n . v| is (2/pi)|cos beta| (a
dawn-dusk orbit, beta near 90 deg, shows the flow an array nearly edge-on); single axis:
n turns in the orbit plane, 2/pi; orbit normal: n is the orbit normal, 0.
"""

from dataclasses import dataclass, field

import numpy as np

from aether.constants import DAYS_PER_YEAR, SECONDS_PER_DAY
from aether.orbit import (
    ACTIVITIES,
    SIZE_CLASSES,
    Decay,
    DensityTable,
    avoidance_manoeuvres_per_year,
    decay,
    density_at_altitudes,
    drag_deceleration_m_s2,
    flux_per_m2_year,
    solar_indices,
)
from aether.settings.ship import ShipDesign
from aether.ship.propulsion import disposal_dv_m_s, propellant_kg

# Lifetime without propulsion is followed this long (longer is reported as beyond it), in
# steps of DECAY_STEP_DAYS (means over each step; within a few % of daily steps, see the tests).
LIFETIME_HORIZON_YEARS = 30.0
DECAY_STEP_DAYS = 5
# De-orbit rules: the US FCC's 5-year post-mission disposal rule (FCC 22-74, Second Report and
# Order, 2022) and the 25-year guideline (IADC Space Debris Mitigation Guidelines, 2002/2020).
FCC_RULE_YEARS = 5.0
GUIDELINE_YEARS = 25.0
# Array area lost to one impact of debris above 1 mm (ASSUMPTION: a 4 cm x 8 cm cell and its
# string's share, about 0.01 m2, as in-orbit cell losses to micro-impacts).
ARRAY_LOSS_PER_IMPACT_M2 = 0.01
# A debris impact above 1 cm is critical where it strikes (ASSUMPTION: the IADC Protection
# Manual (IADC-04-03) puts the limit of practical shielding near 1 cm): on the hull (compute
# modules, bus, tanks) it loses the ship; on the radiator it punctures one panel's isolated
# coolant loop, losing that panel's heat rejection and so its share of the GPUs (ASSUMPTION:
# panels of 100 m2, each on its own loop).
RADIATOR_PANEL_M2 = 100.0


def frontal_factor(pointing: str, beta_deg) -> np.ndarray:
    """Orbit-mean share of an array's area that faces the flow, by pointing mode."""
    beta = np.radians(np.asarray(beta_deg, float))
    if pointing == "tracking":
        return 2.0 / np.pi * np.abs(np.cos(beta))
    if pointing == "single_axis":
        return np.full_like(beta, 2.0 / np.pi)
    if pointing == "orbit_normal":
        return np.zeros_like(beta)
    raise ValueError(f"unknown pointing {pointing!r}")


def compounded(*yearly_shares: float) -> float:
    """The share lost in a year to independent causes, each taking its own share of what the
    others leave: 1 - (1 - a)(1 - b)..."""
    kept = 1.0
    for share in yearly_shares:
        kept *= 1.0 - share
    return 1.0 - kept


@dataclass
class DragFigures:
    """One ship's drag, station keeping, lifetime and debris over its life, by solar activity."""

    altitude_km: float
    start_year: float
    life_years: float
    dry_mass_kg: float
    frontal_area_m2: np.ndarray          # [day of year]
    ballistic_m2_kg: np.ndarray          # [day of year]
    dv_m_s_per_year: dict[str, np.ndarray]   # activity -> [year of the horizon]
    density_kg_m3: dict[str, np.ndarray]     # activity -> [day], at the design altitude
    decays: dict[str, Decay]
    disposal_dv_m_s: float
    avoidance_per_year: float
    areas_m2: dict[str, float]               # part -> area meeting debris
    impacts_per_year: dict[str, dict[str, float]]  # part -> size class -> impacts
    design: ShipDesign = field(repr=False)

    @property
    def propulsion(self):
        return self.design.drag.propulsion

    def life_dv_m_s(self, activity: str) -> float:
        """Station keeping over the life, avoidance manoeuvres and the disposal burn."""
        years = int(np.ceil(self.life_years))
        keeping = float(self.dv_m_s_per_year[activity][:years].sum() * self.life_years / years)
        avoidance = self.avoidance_per_year * self.design.drag.avoidance_dv_m_s * self.life_years
        return keeping + avoidance + self.disposal_dv_m_s

    def propellant_kg(self, activity: str) -> float:
        return float(propellant_kg(self.dry_mass_kg, self.life_dv_m_s(activity), self.propulsion.isp_s))

    def lifetime_years(self, activity: str) -> float | None:
        day = self.decays[activity].reentry_day[0]
        return None if np.isnan(day) else float(day / DAYS_PER_YEAR)

    def thruster_mean_w(self) -> float:
        """The thrusters' mean electrical draw over the life: the impulse a year (station keeping,
        mean of the solar scenarios, and avoidance) over thrust, times the power while firing."""
        p = self.propulsion
        years = int(np.ceil(self.life_years))
        dv_per_year = float(np.mean([self.dv_m_s_per_year[a][:years].mean() for a in ACTIVITIES])) \
            + self.avoidance_per_year * self.design.drag.avoidance_dv_m_s
        return dv_per_year * self.dry_mass_kg / (DAYS_PER_YEAR * SECONDS_PER_DAY) / p.thrust_n * p.power_w

    def metrics(self) -> dict:
        p = self.propulsion
        peak_rho = max(float(d.max()) for d in self.density_kg_m3.values())
        peak_drag_n = float(drag_deceleration_m_s2(peak_rho, self.altitude_km, self.ballistic_m2_kg.max())) \
            * self.dry_mass_kg
        years = int(np.ceil(self.life_years))
        by_activity = {}
        for a in ACTIVITIES:
            life = self.lifetime_years(a)
            rho = self.density_kg_m3[a][: int(self.life_years * DAYS_PER_YEAR)]
            by_activity[a] = {
                "density_kg_m3": {"min": float(rho.min()), "max": float(rho.max())},
                "dv_m_s_per_year": float(self.dv_m_s_per_year[a][:years].mean()),
                "station_keeping_propellant_kg_per_year": float(propellant_kg(
                    self.dry_mass_kg, self.dv_m_s_per_year[a][:years].mean(), p.isp_s)),
                "propellant_kg_per_year": self.propellant_kg(a) / self.life_years,
                "lifetime_years": life,
                "meets_fcc_5_year_rule": life is not None and life <= FCC_RULE_YEARS,
                "meets_25_year_guideline": life is not None and life <= GUIDELINE_YEARS,
            }
        return {
            "frontal_area_m2": float(self.frontal_area_m2.mean()),
            "ballistic_m2_kg": float(self.ballistic_m2_kg.mean()),
            "propulsion": p.kind,
            "isp_s": p.isp_s,
            "disposal_dv_m_s": self.disposal_dv_m_s,
            "thrust_margin": p.count * p.thrust_n / peak_drag_n if peak_drag_n > 0 else None,
            "thruster_power_w": {"firing": p.count * p.power_w, "mean": self.thruster_mean_w()},
            "thruster_duty_cycle": self.thruster_mean_w() / (p.count * p.power_w) if p.power_w > 0 else 0.0,
            "lifetime_horizon_years": LIFETIME_HORIZON_YEARS,
            **by_activity,
        }

    @property
    def array_loss_per_year(self) -> float:
        """Share of the array lost a year to impacts above 1 mm."""
        return self.impacts_per_year["solar_array"]["above_1mm"] * ARRAY_LOSS_PER_IMPACT_M2 \
            / max(self.areas_m2["solar_array"], 1e-9)

    @property
    def ship_loss_per_year(self) -> float:
        """Probability a year of a critical impact on the hull (Poisson: 1 - exp(-impacts))."""
        return float(-np.expm1(-self.impacts_per_year["hull"]["above_1cm"]))

    @property
    def radiator_gpu_loss_per_year(self) -> float:
        """Expected share of the GPUs lost a year with the radiator panels cm-class impacts
        puncture (each panel's share of the radiator, at most all of it)."""
        return min(1.0, self.impacts_per_year["radiator"]["above_1cm"] * RADIATOR_PANEL_M2
                   / max(self.areas_m2["radiator"], RADIATOR_PANEL_M2))

    @property
    def compute_loss_per_year(self) -> float:
        """Expected share of a ship's GPUs lost a year to cm-class impacts (ship or panels)."""
        return compounded(self.ship_loss_per_year, self.radiator_gpu_loss_per_year)

    def debris_metrics(self) -> dict:
        return {
            "impacts_per_year": {part: dict(v) for part, v in self.impacts_per_year.items()},
            "array_loss_per_year": self.array_loss_per_year,
            "ship_loss_per_year": self.ship_loss_per_year,
            "radiator_gpu_loss_per_year": self.radiator_gpu_loss_per_year,
            "compute_loss_per_year": self.compute_loss_per_year,
            "collision_probability_threshold": self.design.drag.collision_probability_threshold,
            "avoidance_manoeuvres_per_year": self.avoidance_per_year,
            "avoidance_propellant_kg_per_year": float(propellant_kg(
                self.dry_mass_kg, self.avoidance_per_year * self.design.drag.avoidance_dv_m_s, self.propulsion.isp_s)),
            "avoidance_outage_h_per_year": self.avoidance_per_year * self.design.drag.avoidance_outage_h,
        }


def drag_figures(design: ShipDesign, solar_array_m2: float, radiator_m2: float, dry_mass_kg: float,
                 altitude_km: float, inclination_deg: float, ltan_h: float | None, beta_daily_deg,
                 start_year: float, life_years: float, table: DensityTable | None = None) -> DragFigures:
    """Everything drag and debris do to one ship from start_year over life_years (and to the
    lifetime horizon without propulsion), for each solar-activity scenario."""
    table = table or DensityTable.for_orbit(inclination_deg, ltan_h)
    frontal = design.drag.body_frontal_area_m2 + solar_array_m2 * frontal_factor(design.solar.pointing,
                                                                                 beta_daily_deg)
    ballistic = design.drag.coefficient * frontal / dry_mass_kg
    horizon_days = int(max(LIFETIME_HORIZON_YEARS, np.ceil(life_years)) * DAYS_PER_YEAR)
    days = np.arange(horizon_days)
    b_daily = ballistic[days % ballistic.size]
    whole = int(days.size // DAYS_PER_YEAR)
    starts = (np.arange(whole) * DAYS_PER_YEAR).astype(int)
    profiles = np.stack([table.profiles(*solar_indices(start_year + days / DAYS_PER_YEAR, a)[1:])
                         for a in ACTIVITIES], axis=1)  # [day, activity, level]
    rho = np.stack([density_at_altitudes(profiles[:, k], [altitude_km])[:, 0] for k in range(len(ACTIVITIES))], axis=1)
    dv_day = drag_deceleration_m_s2(rho, altitude_km, b_daily[:, None]) * SECONDS_PER_DAY
    windows = np.arange(0, days.size, DECAY_STEP_DAYS)
    width = np.diff(np.append(windows, days.size))
    fall = decay(np.full(len(ACTIVITIES), altitude_km), (np.add.reduceat(b_daily, windows) / width)[:, None],
                 np.add.reduceat(profiles, windows, axis=0) / width[:, None, None], DECAY_STEP_DAYS)
    per_year = {a: np.add.reduceat(dv_day[:, k], starts) for k, a in enumerate(ACTIVITIES)}
    densities = {a: rho[:, k] for k, a in enumerate(ACTIVITIES)}
    decays = {a: Decay(fall.days, fall.altitude_km[:, k:k + 1], fall.reentry_day[k:k + 1])
              for k, a in enumerate(ACTIVITIES)}
    areas = {"solar_array": solar_array_m2, "radiator": radiator_m2, "hull": design.drag.body_frontal_area_m2}
    impacts = {part: {c: float(flux_per_m2_year(altitude_km, c) * area) for c in SIZE_CLASSES}
               for part, area in areas.items()}
    return DragFigures(
        altitude_km=altitude_km, start_year=start_year, life_years=life_years, dry_mass_kg=dry_mass_kg,
        frontal_area_m2=frontal, ballistic_m2_kg=ballistic, dv_m_s_per_year=per_year,
        density_kg_m3=densities, decays=decays,
        disposal_dv_m_s=disposal_dv_m_s(altitude_km, design.drag.propulsion.kind),
        avoidance_per_year=float(avoidance_manoeuvres_per_year(sum(areas.values()), altitude_km,
                                                               design.drag.collision_probability_threshold)),
        areas_m2=areas, impacts_per_year=impacts, design=design,
    )

