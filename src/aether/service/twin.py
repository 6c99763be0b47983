"""The twin: the scenario's orbit, ship and network stages run over a rolling horizon, so
the service can ask what every Compute Ship is doing at any simulated instant.

Simulated time runs from the scenario's start without end: window k covers
[k H, (k + 1) H] and is simulated (the same stage functions `aether.simulate` runs, here
through their packages) the first time it is asked for. Each window starts its ships from
the stage's initial state (battery full, radiator at equilibrium), a simplification over
carrying the state across windows. GPUs fail by the workload stage's failure model:
a ship's expected hard failures since the start, without replacement in orbit.
"""

import math
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from aether.network import simulate_network
from aether.orbit import build_orbits, run_orbit_stage, stored_positions, tracked_indices
from aether.parallel import block_executor
from aether.scenario import Scenario
from aether.scenario.sites import gateway_sites
from aether.settings.workload import GPU_MTBF_H, Reliability
from aether.ship import simulate_ships
from aether.workload import job_failure_rates

DEFAULT_HORIZON_S = 3600.0
WINDOWS_KEPT = 3


@dataclass(frozen=True)
class Window:
    """One simulated window: every Compute Ship's timelines [time, ship] and each user
    site's round trip to each ship [time, site, ship]."""

    start_s: float
    step_s: float
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    height_km: np.ndarray
    sunlit: np.ndarray
    solar_w: np.ndarray
    load_w: np.ndarray
    soc: np.ndarray
    temperature_c: np.ndarray
    pflops: np.ndarray
    fraction: np.ndarray
    backhaul_gbps: np.ndarray
    rtt_ms: np.ndarray


@dataclass(frozen=True)
class FleetNow:
    """Every Compute Ship at one instant, as arrays over ships (rtt_ms: [site, ship])."""

    t_s: float
    utc: datetime
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    height_km: np.ndarray
    sunlit: np.ndarray
    solar_w: np.ndarray
    load_w: np.ndarray
    soc: np.ndarray
    temperature_c: np.ndarray
    pflops: np.ndarray
    fraction: np.ndarray
    link_up: np.ndarray
    gpus_failed: np.ndarray
    rtt_ms: np.ndarray


class Twin:
    """The fleet of one scenario over unbounded simulated time (thread-safe)."""

    def __init__(self, scenario: Scenario, horizon_s: float = DEFAULT_HORIZON_S):
        self.scenario = scenario
        self.step_s = float(scenario.run.step_s)
        self.horizon_s = max(self.step_s, math.ceil(horizon_s / self.step_s) * self.step_s)
        self.start: datetime = scenario.run.start
        self._orbits = build_orbits(scenario)
        self._windows: dict[int, Window] = {}
        self._lock = threading.Lock()
        first = self._simulate(0)
        self._windows[0] = first
        self.ship_names: list[str] = self._names
        self.ship_groups: list[str] = self._groups
        self.specs = self._specs
        self.site_names: list[str] = self._site_names
        gateways = gateway_sites(scenario)
        self.gateway_names: list[str] = gateways.names
        self.gateway_lat_deg, self.gateway_lon_deg = gateways.lat_deg, gateways.lon_deg
        self.gpus = np.array([s.design.gpus for s in self.specs], np.int64)
        reliability = scenario.workload.reliability if scenario.workload else Reliability()
        self.dose_rad_per_year = float(scenario.fleet.dose_rad_per_year)
        self.reliability = reliability
        self.hard_per_gpu_s = job_failure_rates(
            1, GPU_MTBF_H, self.dose_rad_per_year, **reliability.model_dump()).hard_per_s
        self.n_ships = len(self.ship_names)

    def _simulate(self, k: int) -> Window:
        """Window k through the orbit, ship and network stages (as aether.simulate runs them)."""
        scenario = self.scenario
        run = scenario.run.model_copy(update={
            "start": self.start + timedelta(seconds=k * self.horizon_s),
            "duration_h": self.horizon_s / 3600.0})
        scenario = scenario.model_copy(update={"run": run})
        grid = run.grid
        tracked = tracked_indices(self._orbits, scenario.compute_group_names)
        with block_executor(1) as pool, stored_positions(grid.n_steps, len(self._orbits)) as store:
            orbit = run_orbit_stage(self._orbits, grid, tracked, pool, None, store)
            ships = simulate_ships(scenario, orbit)
            network = simulate_network(scenario, self._orbits, grid, store, pool, None)
        tracks = [orbit.tracks[name] for name in ships.names]
        group_of = [network.compute_groups.index(spec.group) for spec in ships.specs]
        self._names, self._specs = list(ships.names), list(ships.specs)
        self._groups = [spec.group for spec in ships.specs]
        self._site_names = list(network.site_names)

        def stack(attribute: str) -> np.ndarray:
            return np.stack([getattr(t, attribute) for t in tracks], axis=1)

        return Window(
            start_s=k * self.horizon_s, step_s=self.step_s, lat_deg=stack("lat_deg"), lon_deg=stack("lon_deg"),
            height_km=stack("altitude_km"), sunlit=stack("sunlit"), solar_w=ships.solar_w, load_w=ships.load_w,
            soc=ships.soc, temperature_c=ships.temperature_c, pflops=ships.pflops, fraction=ships.fraction,
            backhaul_gbps=network.backhaul_gbps[:, group_of], rtt_ms=network.rtt_group_ms[:, :, group_of])

    def window(self, t_s: float) -> Window:
        k = int(t_s // self.horizon_s)
        with self._lock:
            if k not in self._windows:
                self._windows[k] = self._simulate(k)
                for old in sorted(self._windows)[:-WINDOWS_KEPT]:
                    del self._windows[old]
            return self._windows[k]

    def gpus_failed(self, t_s: float) -> np.ndarray:
        """Expected hard GPU failures since the start (no replacement in orbit), whole GPUs."""
        return np.floor(self.gpus * -np.expm1(-self.hard_per_gpu_s * t_s)).astype(np.int64)

    def at(self, t_s: float) -> FleetNow:
        """The fleet at t_s (seconds from the scenario's start), on the nearest grid instant."""
        if not math.isfinite(t_s) or t_s < 0:
            raise ValueError(f"t_s must be a finite time from the start, got {t_s}")
        w = self.window(t_s)
        i = min(int(round((t_s - w.start_s) / w.step_s)), w.fraction.shape[0] - 1)
        return FleetNow(
            t_s=t_s, utc=self.start + timedelta(seconds=t_s), lat_deg=w.lat_deg[i], lon_deg=w.lon_deg[i],
            height_km=w.height_km[i], sunlit=w.sunlit[i], solar_w=w.solar_w[i], load_w=w.load_w[i],
            soc=w.soc[i], temperature_c=w.temperature_c[i], pflops=w.pflops[i], fraction=w.fraction[i],
            link_up=w.backhaul_gbps[i] > 0, gpus_failed=self.gpus_failed(t_s), rtt_ms=w.rtt_ms[i])
