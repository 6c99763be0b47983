"""The whole pipeline: scenario in, Results out. The CLI is a thin shell over this.

Start-up: `import aether` (and so `import aether.scenario`, every CLI call and every sweep
worker) imports this module for `aether.simulate` and `Results`, so the stages, and scipy
with them, are imported when a run starts, not here; type names come from TYPE_CHECKING.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator, MutableMapping
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from aether.scenario.schema import Scenario
from aether.timegrid import TimeGrid

if TYPE_CHECKING:
    from aether.deal import DealResult
    from aether.fleet import FleetResult
    from aether.network import NetworkResult
    from aether.orbit import OrbitResult, OrbitSet
    from aether.scenario.sites import Sites
    from aether.settings.fleet import FleetSettings
    from aether.ship import ShipDay, ShipResult
    from aether.workload import WorkloadResult

# Time-series columns: a track's attribute for each column name, and the ship stage's timelines.
TRACK_COLUMNS = {"lat_deg": "lat_deg", "lon_deg": "lon_deg", "height_km": "altitude_km",
                 "sunlit": "sunlit", "beta_deg": "beta_deg"}
SHIP_COLUMNS = ("solar_w", "load_w", "soc", "temperature_c", "pflops")

# on_progress(stage name, fraction of that stage done)
Progress = Callable[[str, float], None]


@dataclass
class Results:
    scenario: Scenario
    grid: TimeGrid
    orbits: OrbitSet
    users: Sites
    gateways: Sites
    orbit: OrbitResult
    ships: ShipResult
    network: NetworkResult
    workload: WorkloadResult | None
    fleet: FleetResult | None
    wall_time_s: float
    # Each Compute Ship entry's days with the longest and shortest eclipse (the report's plots).
    ship_days: list[ShipDay] = field(default_factory=list)
    # Wall seconds of each part of the run, in order: imports (of the stages; not part of
    # wall_time_s), setup, orbit, ship, network, workload, fleet.
    timings_s: dict[str, float] = field(default_factory=dict)
    # The scenario's contract on the fleet (None without a contract section or ships).
    deal: DealResult | None = None

    def metrics(self) -> dict:
        """Everything the run measured, as JSON-ready data (keys documented in the README)."""
        run = self.scenario.run
        return {
            "scenario": self.scenario.name,
            "run": {
                "start": run.start.isoformat().replace("+00:00", "Z"),
                "duration_h": run.duration_h,
                "step_s": run.step_s,
                "steps": self.grid.n_steps,
                "seed": run.seed,
                "satellites": len(self.orbits),
                "wall_time_s": round(self.wall_time_s, 3),
            },
            "spacecraft": with_drag(self.orbit.summary(), self.ships.drag),
            "ships": self.ships.metrics(),
            "network": self.network.metrics(),
            **({"sovereignty": self.network.sovereignty_metrics()} if self.network.sovereignty else {}),
            **({"workload": self.workload.metrics()} if self.workload else {}),
            **(self.fleet.metrics() if self.fleet else {}),
            **({"deal": self.deal.metrics()} if self.deal else {}),
            "warnings": self.ships.warnings,
        }


    def state_at(self, t_s: float) -> dict:
        """The fleet's state at time t (seconds from the start, on the run's grid): each
        Compute Ship's position, sunlight, power, battery, heat and compute, each site's
        round trip to the nearest ship, and the workload's progress. For the control
        plane and anyone who wants one instant rather than the run's totals."""
        if not 0 <= t_s <= self.grid.duration_s:
            raise ValueError(f"t_s {t_s} is outside the run (allowed: 0 to {self.grid.duration_s:g} s)")
        k = int(round(t_s / self.grid.step_s))
        ships = {}
        for j, name in enumerate(self.ships.names):
            track = self.orbit.tracks[name]
            ships[name] = {
                "lat_deg": float(track.lat_deg[k]), "lon_deg": float(track.lon_deg[k]),
                "height_km": float(track.altitude_km[k]), "sunlit": float(track.sunlit[k]),
                "solar_w": float(self.ships.solar_w[k, j]), "load_w": float(self.ships.load_w[k, j]),
                "soc": float(self.ships.soc[k, j]), "temperature_c": float(self.ships.temperature_c[k, j]),
                "pflops": float(self.ships.pflops[k, j]),
            }
        rtt = self.network.rtt_ms[k]
        return {
            "t_s": float(self.grid.seconds[k]),
            "utc": (self.grid.start + timedelta(seconds=float(self.grid.seconds[k]))).isoformat(),
            "ships": ships,
            "rtt_ms": {name: (None if np.isnan(v) else float(v))
                       for name, v in zip(self.network.site_names, rtt, strict=True)},
            "workload": self.workload.state_at(float(self.grid.seconds[k])) if self.workload else None,
        }

    def utc(self) -> np.ndarray:
        """The grid's instants as numpy datetime64 (UTC, microseconds)."""
        start = np.datetime64(self.grid.start.replace(tzinfo=None), "us")
        return start + np.round(self.grid.seconds * 1e6).astype("timedelta64[us]")

    def timeseries(self) -> dict[str, dict[str, np.ndarray]]:
        """The run's time series as columns in long form, one row per instant and object:

        - "spacecraft": each tracked satellite's position (WGS84), sunlight (share of the
          Sun's disc) and beta angle; for a Compute Ship also its array output, load,
          battery charge, radiator temperature and delivered PFLOPS (NaN for the others);
        - "round_trips": each user site's round trip to each compute group (NaN: no route).

        The Parquet files of a run and to_pandas() are these columns.
        """
        t_s, utc = self.grid.seconds, self.utc()
        names = list(self.orbit.tracks)
        n_t = len(t_s)
        crafts = {"t_s": np.tile(t_s, len(names)), "utc": np.tile(utc, len(names)),
                  "spacecraft": np.repeat(np.array(names, dtype=object), n_t)}
        for column, attribute in TRACK_COLUMNS.items():
            crafts[column] = np.concatenate(
                [getattr(self.orbit.tracks[n], attribute) for n in names] or [np.zeros(0)]).astype(float)
        for column in SHIP_COLUMNS:
            timeline = getattr(self.ships, column)
            crafts[column] = np.concatenate(
                [timeline[:, self.ships.names.index(n)] if n in self.ships.names else np.full(n_t, np.nan)
                 for n in names] or [np.zeros(0)]).astype(float)
        rtt = self.network.rtt_group_ms  # [time, site, group]
        sites, groups = len(self.network.site_names), len(self.network.compute_groups)
        trips = {"t_s": np.repeat(t_s, sites * groups), "utc": np.repeat(utc, sites * groups),
                 "site": np.tile(np.repeat(np.array(self.network.site_names, dtype=object), groups), n_t),
                 "ship": np.tile(np.array(self.network.compute_groups, dtype=object), n_t * sites),
                 "rtt_ms": rtt.reshape(-1).astype(float)}
        return {"spacecraft": crafts, "round_trips": trips}

    def to_pandas(self) -> dict:
        """The time series (see timeseries()) as pandas DataFrames: {"spacecraft",
        "round_trips"}. Needs pandas (`pip install aether-orbital[data]`)."""
        import pandas as pd

        return {name: pd.DataFrame(columns) for name, columns in self.timeseries().items()}

    def to_xarray(self):
        """The time series as one xarray Dataset on dimensions time, spacecraft (tracked
        satellites), ship (Compute Ships), site (user sites) and group (compute groups).
        Needs xarray (`pip install aether-orbital[data]`)."""
        import xarray as xr

        names = list(self.orbit.tracks)
        tracks = {column: (("time", "spacecraft"), np.stack(
            [getattr(self.orbit.tracks[n], attribute) for n in names], axis=1) if names
            else np.zeros((self.grid.n_steps, 0)))
            for column, attribute in TRACK_COLUMNS.items()}
        ships = {column: (("time", "ship"), getattr(self.ships, column)) for column in SHIP_COLUMNS}
        return xr.Dataset(
            {**tracks, **ships, "rtt_ms": (("time", "site", "group"), self.network.rtt_group_ms)},
            coords={"time": self.utc(), "t_s": ("time", self.grid.seconds), "spacecraft": names,
                    "ship": list(self.ships.names), "site": list(self.network.site_names),
                    "group": list(self.network.compute_groups)},
            attrs={"scenario": self.scenario.name},
        )


@contextmanager
def _timed(timings_s: dict[str, float], part: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    timings_s[part] = timings_s.get(part, 0.0) + time.perf_counter() - started


def _stage_progress(on_progress: Progress | None, stage: str) -> Callable[[float], None] | None:
    return (lambda fraction: on_progress(stage, fraction)) if on_progress else None


# The parts of a scenario that no physics stage (orbit, ship, network) reads, and that the
# workload stage reads besides the physics (the fleet's dose rate ages its GPUs).
_ABSENT = object()  # a cache's answer for a key it lacks
NOT_PHYSICS = frozenset({"name", "description", "origin", "workload", "fleet", "cost", "ground_dc", "contract"})


def stage_key(part: str, scenario: Scenario, strict: bool = False) -> str:
    """A stable hash of what a part of the pipeline reads from the scenario ("physics": the
    orbit, ship and network stages; "workload": those and the workload stage), so a run that
    changes only other inputs (economics, say) may reuse that part's results."""
    from aether.version import __version__

    inputs = {"version": __version__, "strict": strict,
              "physics": scenario.model_dump(mode="json", exclude=set(NOT_PHYSICS) | {"run"}),
              "grid": scenario.run.model_dump(mode="json", exclude={"seed"})}
    if part == "workload":
        inputs |= {"seed": scenario.run.seed, "dose_rad_per_year": scenario.fleet.dose_rad_per_year,
                   "workload": None if scenario.workload is None else scenario.workload.model_dump(mode="json")}
    elif part != "physics":
        raise ValueError(f"no part {part!r} (allowed: physics, workload)")
    text = json.dumps(inputs, sort_keys=True, separators=(",", ":"), default=str)
    return f"{part}-{hashlib.sha256(text.encode()).hexdigest()[:32]}"


@dataclass
class Physics:
    """The orbit, ship and network stages' results: what runs that differ only in their
    economics or workload share."""

    grid: TimeGrid
    orbits: OrbitSet
    users: Sites
    gateways: Sites
    orbit: OrbitResult
    ships: ShipResult
    network: NetworkResult
    ship_days: list[ShipDay]


def simulate(scenario: Scenario, workers: int | None = None,
             on_progress: Progress | None = None, strict: bool = False,
             executor: Executor | None = None, cache: MutableMapping[str, Any] | None = None,
             sensitivity: bool = True) -> Results:
    """Run every stage built so far over the scenario's time grid.

    workers: processes for the stages' time blocks (default: every available core; serial
    with 1, or inside a daemonic process). executor: the caller's own
    concurrent.futures.Executor instead (left open); its workers must share this machine's
    temporary folder, where the orbit stage keeps positions for the network stage.
    Results do not depend on either.
    strict: a design warning (e.g. a battery short of the longest eclipse) becomes a
    ScenarioError instead.
    cache: a mapping (a dict, or a store on disk) of the physics and workload results under
    their stage_key; a run takes them from it where present and puts them there otherwise.
    A reused part's timings are absent from timings_s.
    sensitivity: False skips the cost's ±20 % sensitivity of every input (metrics
    cost.sensitivity empty), most of the fleet stage's time; a sweep is its own sensitivity study.
    """
    timings: dict[str, float] = {}
    with _timed(timings, "imports"):  # the stages, on a process's first run (see the docstring above)
        import aether.network  # noqa: F401  (simulate_physics's stages, imported here to be timed once)
        import aether.orbit  # noqa: F401
        import aether.ship  # noqa: F401
        from aether.workload import check_workload, run_workload

    started = time.perf_counter()
    physics_key = stage_key("physics", scenario, strict) if cache is not None else ""
    physics = cache.get(physics_key, _ABSENT) if cache is not None else _ABSENT
    if physics is _ABSENT:
        physics = simulate_physics(scenario, workers, on_progress, strict, executor, timings)
        if cache is not None:
            cache[physics_key] = physics
    else:
        check_workload(scenario, physics.orbits)
    workload_key = stage_key("workload", scenario, strict) if cache is not None else ""
    workload = cache.get(workload_key, _ABSENT) if cache is not None else _ABSENT
    if workload is _ABSENT:  # (None is a result: a scenario without a workload)
        with _timed(timings, "workload"):
            workload = run_workload(scenario, physics.users, physics.ships, physics.network,
                                    on_progress=_stage_progress(on_progress, "workload"))
        if cache is not None:
            cache[workload_key] = workload
    with _timed(timings, "fleet"):
        fleet = plan_scenario_fleet(scenario, physics.ships, workload, sensitivity)
        deal = plan_scenario_deal(scenario, fleet, physics.ships, workload)
    return Results(scenario, physics.grid, physics.orbits, physics.users, physics.gateways, physics.orbit,
                   physics.ships, physics.network, workload, fleet, wall_time_s=time.perf_counter() - started,
                   ship_days=physics.ship_days, timings_s=timings, deal=deal)


def simulate_physics(scenario: Scenario, workers: int | None = None, on_progress: Progress | None = None,
                     strict: bool = False, executor: Executor | None = None,
                     timings: dict[str, float] | None = None) -> Physics:
    """The orbit, ship and network stages (see simulate), with the wall seconds of each part
    (imports, setup, orbit, ship, network) added to timings."""
    timings = {} if timings is None else timings
    with _timed(timings, "imports"):
        from aether.network import simulate_network
        from aether.orbit import build_orbits, run_orbit_stage, stored_positions, tracked_indices
        from aether.parallel import block_executor
        from aether.scenario.policies import check_policies
        from aether.scenario.sites import gateway_sites, user_sites
        from aether.ship import day_profiles, simulate_ships
        from aether.workload import check_workload

    with _timed(timings, "setup"):
        grid = scenario.run.grid
        orbits = build_orbits(scenario)
        check_workload(scenario, orbits)
        users, gateways = user_sites(scenario), gateway_sites(scenario)
        check_policies(scenario, users, gateways)
        tracked = tracked_indices(orbits, scenario.compute_group_names)
    with block_executor(workers, executor) as pool, stored_positions(grid.n_steps, len(orbits)) as store:
        with _timed(timings, "orbit"):
            orbit = run_orbit_stage(orbits, grid, tracked, pool, _stage_progress(on_progress, "orbit"), store)
        with _timed(timings, "ship"):
            ships = simulate_ships(scenario, orbit, strict=strict)
            ship_days = day_profiles(ships.specs, orbit)
        with _timed(timings, "network"):
            network = simulate_network(scenario, orbits, grid, store, pool,
                                       _stage_progress(on_progress, "network"))
    return Physics(grid, orbits, users, gateways, orbit, ships, network, ship_days)


def plan_scenario_fleet(scenario: Scenario, ships: ShipResult, workload: WorkloadResult | None = None,
                        sensitivity: bool = True) -> FleetResult | None:
    """The scenario's fleet plan, built from its first Compute Ship as the ship stage sized
    and ran it (mean delivered share of nominal compute over the run), with the tokens its
    GPUs served per GPU-hour where the workload stage ran (sensitivity: False skips the
    sensitivity rows). None without ships."""
    from aether.fleet import plan_fleet, summary_from_hardware

    if not ships.names:
        return None
    spec = ships.specs[0]
    delivered = float(ships.fraction[:, 0].mean())
    drag = ships.drag.get(spec.group)
    propellant = drag.propellant_kg(scenario.environment.solar_activity) if drag else 0.0
    summary = summary_from_hardware(spec.design, spec.hardware, delivered_fraction=max(delivered, 1e-9),
                                    tokens_per_gpu_hour=tokens_per_gpu_hour(workload), propellant_kg=propellant)
    return plan_fleet(summary, fleet_settings(scenario, ships), scenario.cost, scenario.ground_dc,
                      **({} if sensitivity else {"sensitivity_share": None}))


def fleet_settings(scenario: Scenario, ships: ShipResult) -> FleetSettings:
    """The scenario's fleet settings with its first Compute Ship's debris joined in: the fleet
    plan and the deal both price the fleet with them."""
    return with_debris(scenario.fleet, ships.drag.get(ships.specs[0].group) if ships.names else None)


def with_debris(fleet: FleetSettings, drag) -> FleetSettings:
    """The fleet's settings with debris joined in: the array area impacts above 1 mm take
    a year compounds with the array's degradation, and the GPUs cm-class impacts take a year
    (a lost ship, a punctured radiator panel) with the GPUs' failures, as expected shares."""
    from aether.ship import compounded

    if drag is None:
        return fleet
    return fleet.model_copy(update={
        "solar_degradation_per_year": compounded(fleet.solar_degradation_per_year, drag.array_loss_per_year),
        "gpu_annual_failure_rate": compounded(fleet.gpu_annual_failure_rate, drag.compute_loss_per_year),
    })


def with_drag(summary: dict[str, dict], drag: dict) -> dict[str, dict]:
    """The orbit summary with each compute entry's drag figures (`spacecraft.<entry>.drag`)."""
    return {name: {**entry, "drag": drag[name].metrics()} if name in drag else entry
            for name, entry in summary.items()}


def plan_scenario_deal(scenario: Scenario, fleet: FleetResult | None, ships: ShipResult,
                       workload: WorkloadResult | None = None) -> DealResult | None:
    """The scenario's contract on its fleet: the ship as the fleet stage priced it, the tokens
    an inference GPU serves per hour at full load (the serving model) and the share of
    requests that met their latency SLO in the run. None without a contract or ships."""
    from aether.deal import DealInputs, DealModel

    if scenario.contract is None or fleet is None:
        return None
    inference = workload.inference if workload is not None else None
    inputs = DealInputs(
        fleet.ship,
        tokens_per_gpu_hour=inference.replica.capacity_tokens_per_gpu_hour if inference else None,
        latency_slo_attainment=inference.slo_met / inference.requests if inference and inference.requests else None)
    return DealModel(inputs, scenario.contract, fleet_settings(scenario, ships), scenario.cost,
                     scenario.ground_dc).deal()


def tokens_per_gpu_hour(workload: WorkloadResult | None) -> float | None:
    """Tokens (prompt and output) served per GPU-hour of the inference GPUs, over the run."""
    if workload is None or workload.inference is None:
        return None
    gpus = sum(workload.allocation["inference"])
    served = workload.inference.tokens_served
    return served / (gpus * workload.run_s / 3600.0) if gpus and served else None


def simulate_compute_ships(scenario: Scenario, workers: int | None = None,
                           strict: bool = False) -> tuple[OrbitResult, ShipResult]:
    """The orbit and ship stages for the Compute Ships alone (no relays): quick, for
    commands that need only the ships (aether cost)."""
    from aether.orbit import build_orbits, run_orbit_stage, tracked_indices
    from aether.parallel import block_executor
    from aether.ship import simulate_ships

    orbits = build_orbits(scenario).select(scenario.compute_group_names)
    grid = scenario.run.grid
    with block_executor(workers) as executor:
        orbit = run_orbit_stage(orbits, grid, tracked_indices(orbits, orbits.group_names), executor)
    return orbit, simulate_ships(scenario, orbit, strict=strict)
