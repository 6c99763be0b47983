"""The fleet over the years: deployment, ageing, yearly replacement decisions, compute.

A plan has one *slot* per ship position. Each year, at its start, every slot in service
is checked (end of life, radiation dose limit, working compute below a floor, an upgrade
worth a mission); a retired ship is de-orbited and, when the rules say so, replaced by a
new ship carrying the newest accelerator generation. New deployments join on schedule.
During the year GPUs fail without repair and the solar array degrades; the compute
delivered is counted in GPU-hours. Vectorised over slots; the loop runs over years only
(20 steps for a 20-year plan), because each year's decisions depend on the last.

The same engine plans the terrestrial baseline (no degradation, repaired failures,
refresh every few years) so both sides follow the same schedule and generations.
"""

from dataclasses import dataclass

import numpy as np

from aether.constants import HOURS_PER_YEAR
from aether.settings.fleet import FleetSettings


@dataclass(frozen=True)
class PlanRules:
    """Numeric rules of a plan; built from FleetSettings (orbit) or GroundSettings."""

    lifetime_years: int
    replace: bool = True
    min_capacity_fraction: float = 0.0
    solar_degradation_per_year: float = 0.0
    solar_margin: float = 0.0
    annual_failure_rate: float = 0.0
    spare_fraction: float = 0.0
    dose_rad_per_year: float = 0.0
    dose_limit_rad: float = np.inf
    commissioning_years: float = 0.0
    upgrade_every_years: int | None = None
    perf_per_w_gain: float = 0.0
    upgrade_min_gain: float | None = None
    delivered_fraction: float = 1.0
    random_failures: bool = False
    seed: int = 0

    def generation(self, year):
        """Newest accelerator generation available in a year (0 first)."""
        if self.upgrade_every_years is None:
            return np.zeros_like(np.asarray(year), dtype=np.int64)
        return np.asarray(year, dtype=np.int64) // self.upgrade_every_years

    def perf(self, generation):
        """Performance per watt of a generation relative to generation 0."""
        return (1.0 + self.perf_per_w_gain) ** np.asarray(generation, float)

    def power_fraction(self, age_years):
        """Share of the load the ageing array still carries (1 while the margin lasts)."""
        age = np.asarray(age_years, float)
        return np.minimum(1.0, (1.0 + self.solar_margin)
                          * (1.0 - self.solar_degradation_per_year) ** age)


def orbit_rules(fleet: FleetSettings, delivered_fraction: float = 1.0) -> PlanRules:
    """Plan rules of the orbital fleet from its settings and the ship's delivered share."""
    return PlanRules(
        lifetime_years=fleet.lifetime_years, replace=fleet.replace_at_end_of_life,
        min_capacity_fraction=fleet.min_capacity_fraction,
        solar_degradation_per_year=fleet.solar_degradation_per_year,
        solar_margin=fleet.solar_margin, annual_failure_rate=fleet.gpu_annual_failure_rate,
        spare_fraction=fleet.spare_gpu_fraction, dose_rad_per_year=fleet.dose_rad_per_year,
        dose_limit_rad=fleet.dose_limit_rad, commissioning_years=fleet.commissioning_years,
        upgrade_every_years=fleet.upgrade_every_years,
        perf_per_w_gain=fleet.upgrade_perf_per_w_gain, upgrade_min_gain=fleet.upgrade_min_gain,
        delivered_fraction=delivered_fraction, random_failures=fleet.failures == "random",
        seed=fleet.seed)


@dataclass(frozen=True)
class FleetPlan:
    """The outcome of a plan. Per-year arrays are indexed [year]; matrices [year, slot]."""

    years: int
    gpus_per_ship: int
    rules: PlanRules
    ships_in_service: np.ndarray      # [year] at the start of the year, after decisions
    ships_new: np.ndarray             # [year] first deployments
    ships_replaced: np.ndarray        # [year] replacement and upgrade missions
    ships_deorbited: np.ndarray       # [year] retired at the start of the year
    gpu_hours: np.ndarray             # [year] delivered GPU-hours
    gpu_hours_equivalent: np.ndarray  # [year] the same in generation-0 performance
    gpus_working: np.ndarray          # [year] mean working GPUs over the year
    mean_dose_rad: np.ndarray         # [year] mean dose of ships in service, mid-year
    in_service: np.ndarray            # [year, slot] bool
    compute_fraction: np.ndarray      # [year, slot] share of nominal compute, mid-year
    generation: np.ndarray            # [year, slot] accelerator generation (-1: none)
    residual_by_launch_year: np.ndarray  # [year] remaining-life shares at the end, by launch year

    @property
    def ships_launched(self) -> np.ndarray:
        return self.ships_new + self.ships_replaced

    def state(self, year: int) -> dict:
        """The fleet in one year: which slots serve, their compute share and generation."""
        return {"in_service": self.in_service[year], "compute_fraction": self.compute_fraction[year],
                "generation": self.generation[year]}


def _initial_alive(gpus: int, rules: PlanRules) -> float:
    alive = gpus * (1.0 + rules.spare_fraction)
    return float(np.floor(alive)) if rules.random_failures else alive


def simulate_plan(deploy_year, years: int, gpus_per_ship: int, rules: PlanRules) -> FleetPlan:
    """Run a plan: `deploy_year[slot]` is the year each slot is first launched.

    Each year: retire the ships that are too old, too dosed, too weak or outclassed
    (replacing them if the rules say so), launch the slots deployed that year, then fly
    every ship through the year with its GPUs failing. Vectorised over slots.
    """
    deploy = np.asarray(deploy_year, dtype=np.int64)
    n = deploy.size
    rng = np.random.default_rng(rules.seed)
    gpus = float(gpus_per_ship)
    alive0 = _initial_alive(gpus_per_ship, rules)
    launch_year = np.full(n, -1, dtype=np.int64)    # -1: not (or no longer) in service
    gen = np.full(n, -1, dtype=np.int64)
    alive = np.zeros(n)

    per_year = {k: np.zeros(years) for k in ("in_service", "new", "replaced", "deorbited",
                                              "gpu_hours", "equiv", "working", "dose")}
    in_service_m = np.zeros((years, n), dtype=bool)
    compute_m = np.zeros((years, n))
    gen_m = np.full((years, n), -1, dtype=np.int16)

    for y in range(years):
        newest = int(rules.generation(y))
        retire = _retirements(launch_year, gen, alive, y, newest, gpus, rules)
        replaced = retire if rules.replace else np.zeros(n, dtype=bool)
        launch_year[retire & ~replaced] = -1
        fresh = replaced | (deploy == y)
        launch_year[fresh], gen[fresh], alive[fresh] = y, newest, alive0
        per_year["deorbited"][y] = retire.sum()
        per_year["replaced"][y] = replaced.sum()
        per_year["new"][y] = (deploy == y).sum()

        serving = launch_year >= 0
        alive_end = _surviving_gpus(alive, serving, rules, rng)
        alive_mid = 0.5 * (alive + alive_end)
        age_mid = y + 0.5 - launch_year
        service = np.where(launch_year == y, 1.0 - rules.commissioning_years, 1.0)
        frac = np.where(serving, np.minimum(alive_mid / gpus, 1.0) * rules.power_fraction(age_mid),
                        0.0)
        hours_s = gpus * HOURS_PER_YEAR * service * frac * rules.delivered_fraction
        per_year["in_service"][y] = serving.sum()
        per_year["gpu_hours"][y] = hours_s.sum()
        per_year["equiv"][y] = (hours_s * rules.perf(np.maximum(gen, 0))).sum()
        per_year["working"][y] = np.where(serving, np.minimum(alive_mid, gpus), 0.0).sum()
        per_year["dose"][y] = (rules.dose_rad_per_year * age_mid[serving]).mean() if serving.any() else 0.0
        in_service_m[y] = serving
        compute_m[y] = frac
        gen_m[y] = np.where(serving, gen, -1)
        alive = np.where(serving, alive_end, 0.0)

    serving = launch_year >= 0
    remaining = np.clip(rules.lifetime_years - (years - launch_year), 0, None) / rules.lifetime_years
    residual = np.bincount(launch_year[serving], weights=remaining[serving], minlength=years)
    return FleetPlan(
        years=years, gpus_per_ship=gpus_per_ship, rules=rules,
        ships_in_service=per_year["in_service"].astype(np.int64),
        ships_new=per_year["new"].astype(np.int64),
        ships_replaced=per_year["replaced"].astype(np.int64),
        ships_deorbited=per_year["deorbited"].astype(np.int64),
        gpu_hours=per_year["gpu_hours"], gpu_hours_equivalent=per_year["equiv"],
        gpus_working=per_year["working"], mean_dose_rad=per_year["dose"],
        in_service=in_service_m, compute_fraction=compute_m, generation=gen_m,
        residual_by_launch_year=residual[:years],
    )


def _retirements(launch_year, gen, alive, year: int, newest: int, gpus: float,
                 rules: PlanRules) -> np.ndarray:
    """Slots whose ship leaves service at the start of `year`: past its lifetime or dose
    limit, below the minimum capacity, or outclassed enough by the newest generation."""
    serving = launch_year >= 0
    age = np.where(serving, year - launch_year, 0)
    capacity = np.minimum(alive / gpus, 1.0) * rules.power_fraction(age)
    retire = serving & (
        (age >= rules.lifetime_years)
        | (rules.dose_rad_per_year * age >= rules.dose_limit_rad)
        | (capacity < rules.min_capacity_fraction)
    )
    if rules.upgrade_min_gain is not None:
        gain = rules.perf(newest) / rules.perf(np.maximum(gen, 0))
        retire |= serving & (gain >= rules.upgrade_min_gain)
    return retire


def _surviving_gpus(alive, serving, rules: PlanRules, rng: np.random.Generator) -> np.ndarray:
    """Working GPUs per slot at the end of a year: binomial failures, or the expected loss."""
    if not rules.random_failures:
        return alive * (1.0 - rules.annual_failure_rate)
    failed = np.zeros(alive.size)
    failed[serving] = rng.binomial(alive[serving].astype(np.int64), rules.annual_failure_rate)
    return alive - failed


def simulate_plan_loop(deploy_year, years: int, gpus_per_ship: int, rules: PlanRules) -> dict:
    """The same bookkeeping as simulate_plan in plain Python loops over years and ships.

    A reference for tests and the benchmark; returns the per-year totals only.
    """
    rng = np.random.default_rng(rules.seed)
    deploy = [int(d) for d in deploy_year]
    n = len(deploy)
    gpus = float(gpus_per_ship)
    alive0 = _initial_alive(gpus_per_ship, rules)
    launch_year = [-1] * n
    gen = [-1] * n
    alive = [0.0] * n
    out = {k: [0.0] * years for k in ("in_service", "new", "replaced", "deorbited", "gpu_hours")}

    def power_fraction(age):
        return min(1.0, (1.0 + rules.solar_margin) * (1.0 - rules.solar_degradation_per_year) ** age)

    def perf(g):
        return (1.0 + rules.perf_per_w_gain) ** g

    for y in range(years):
        newest = y // rules.upgrade_every_years if rules.upgrade_every_years else 0
        for s in range(n):
            if launch_year[s] >= 0:
                age = y - launch_year[s]
                capacity = min(alive[s] / gpus, 1.0) * power_fraction(age)
                retire = (age >= rules.lifetime_years
                          or rules.dose_rad_per_year * age >= rules.dose_limit_rad
                          or capacity < rules.min_capacity_fraction
                          or (rules.upgrade_min_gain is not None
                              and perf(newest) / perf(max(gen[s], 0)) >= rules.upgrade_min_gain))
                if retire:
                    out["deorbited"][y] += 1
                    if rules.replace:
                        out["replaced"][y] += 1
                        launch_year[s], gen[s], alive[s] = y, newest, alive0
                    else:
                        launch_year[s] = -1
            if deploy[s] == y:
                out["new"][y] += 1
                launch_year[s], gen[s], alive[s] = y, newest, alive0
        for s in range(n):
            if launch_year[s] < 0:
                continue
            if rules.random_failures:
                end = alive[s] - rng.binomial(int(alive[s]), rules.annual_failure_rate)
            else:
                end = alive[s] * (1.0 - rules.annual_failure_rate)
            mid = 0.5 * (alive[s] + end)
            service = 1.0 - rules.commissioning_years if launch_year[s] == y else 1.0
            frac = min(mid / gpus, 1.0) * power_fraction(y + 0.5 - launch_year[s])
            out["gpu_hours"][y] += gpus * HOURS_PER_YEAR * service * frac * rules.delivered_fraction
            out["in_service"][y] += 1
            alive[s] = end
    return {k: np.asarray(v) for k, v in out.items()}
