"""What the workload stage consumes: plain arrays from the ship and network stages.

`WorkloadInputs` is filled by the pipeline (ship stage: delivered compute; network stage:
round trips and backhaul). `synthetic_inputs` builds a plausible stand-in without those
stages, for tests and benchmarks only: its numbers are made up, shaped like a Compute
Ship in a dawn-dusk orbit during eclipse season.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from aether.settings.hardware import Accelerator, lookup

# Suncatcher (arXiv 2511.19468): about 150 rad(Si)/yr behind 10 mm Al at 650 km dawn-dusk.
SUNCATCHER_DOSE_RAD_PER_YEAR = 150.0


@dataclass
class WorkloadInputs:
    """The time grid and the fleet's timelines, as the workload stage sees them.

    Arrays are indexed [time, ...] over the run's n_steps; step k holds for
    [k * step_s, (k + 1) * step_s).
    """

    step_s: float
    n_steps: int
    start_utc: datetime
    ship_names: list[str]
    gpus_per_ship: np.ndarray  # [ship]
    accelerator: Accelerator           # from the ship stage's catalogue (aether.ship)
    delivered_fraction: np.ndarray  # [time, ship], 0..1 share of nominal compute
    site_names: list[str]
    site_population: np.ndarray  # [site]
    site_lon_deg: np.ndarray  # [site]
    site_lat_deg: np.ndarray  # [site]
    rtt_ms: np.ndarray  # [time, site, ship], NaN where unreachable
    backhaul_bps: np.ndarray  # [time, ship] ship <-> ground gateways
    dose_rad_per_year: float
    site_region: list[str]  # [site] country (ISO alpha-2) or another label
    # [site, ship] ships each site's sovereignty policy lets process its requests; None: any.
    allowed_ships: np.ndarray | None = None
    # [time, ship] capacity each ship has towards its peers; None: the job's setting.
    inter_ship_bps: np.ndarray | None = field(default=None)

    @property
    def n_ships(self) -> int:
        return len(self.ship_names)

    @property
    def n_sites(self) -> int:
        return len(self.site_names)

    @property
    def duration_s(self) -> float:
        """Length of the simulated window: n_steps steps."""
        return self.n_steps * self.step_s

    def check(self) -> None:
        """Raise ValueError when array shapes disagree with the names (a programming error)."""
        t, n, s = self.n_steps, self.n_ships, self.n_sites
        expected = {
            "gpus_per_ship": (self.gpus_per_ship, (n,)),
            "delivered_fraction": (self.delivered_fraction, (t, n)),
            "site_population": (self.site_population, (s,)),
            "site_lon_deg": (self.site_lon_deg, (s,)),
            "site_lat_deg": (self.site_lat_deg, (s,)),
            "rtt_ms": (self.rtt_ms, (t, s, n)),
            "backhaul_bps": (self.backhaul_bps, (t, n)),
        }
        if self.inter_ship_bps is not None:
            expected["inter_ship_bps"] = (self.inter_ship_bps, (t, n))
        for key, (array, shape) in expected.items():
            if np.shape(array) != shape:
                raise ValueError(f"WorkloadInputs.{key} has shape {np.shape(array)}, expected {shape}")
        if len(self.site_region) != s:
            raise ValueError("WorkloadInputs.site_region needs one label per site")
        if self.allowed_ships is not None and np.shape(self.allowed_ships) != (s, n):
            raise ValueError(f"WorkloadInputs.allowed_ships has shape {np.shape(self.allowed_ships)}, "
                             f"expected {(s, n)}")


def _region_of(lon_deg: np.ndarray) -> list[str]:
    """Synthetic regions by longitude band."""
    lon = (np.asarray(lon_deg) + 180.0) % 360.0 - 180.0
    return ["americas" if x < -30 else "emea" if x < 60 else "apac" for x in lon]


def synthetic_inputs(
    *,
    n_ships: int = 1,
    gpus_per_ship: int = 10_000,
    n_sites: int = 100,
    duration_s: float = 86_400.0,
    step_s: float = 10.0,
    accelerator: Accelerator | None = None,
    eclipse_fraction: float = 0.6,
    orbit_period_s: float = 5856.0,
    eclipse_s: float = 1080.0,
    rtt_range_ms: tuple[float, float] = (20.0, 80.0),
    backhaul_gbps: float = 40.0,
    dose_rad_per_year: float = SUNCATCHER_DOSE_RAD_PER_YEAR,
    start_utc: datetime = datetime(2026, 6, 21, tzinfo=UTC),
    seed: int = 0,
) -> WorkloadInputs:
    """SYNTHETIC inputs shaped like project-aether, for tests and benchmarks only.

    - delivered fraction 1.0, dipping to `eclipse_fraction` for `eclipse_s` once per
      orbit (a 650 km dawn-dusk orbit in eclipse season: period about 97.6 min, eclipses
      up to about 18 min), each ship at its own phase;
    - sites: made-up cities at random places with Zipf-like populations, regions by
      longitude band ("americas", "emea", "apac");
    - round trips between rtt_range_ms, varying smoothly with the orbit per site and ship;
    - backhaul: `backhaul_gbps` on average, varying with the orbit.
    """
    rng = np.random.default_rng(seed)
    n_steps = int(round(duration_s / step_s))
    t = np.arange(n_steps) * step_s
    phase = rng.uniform(0, orbit_period_s, n_ships)
    in_eclipse = ((t[:, None] + phase[None, :]) % orbit_period_s) < eclipse_s
    delivered = np.where(in_eclipse, eclipse_fraction, 1.0)

    lon = rng.uniform(-180, 180, n_sites)
    lat = np.degrees(np.arcsin(rng.uniform(-0.8, 0.95, n_sites)))
    population = 2.0e7 / np.arange(1, n_sites + 1) ** 0.8
    lo, hi = rtt_range_ms
    base = rng.uniform(lo, lo + 0.6 * (hi - lo), (n_sites, n_ships))
    swing = hi - lo - (base - lo)
    site_phase = rng.uniform(0, 2 * np.pi, (n_sites, n_ships))
    w = 2 * np.pi / orbit_period_s
    rtt = np.empty((n_steps, n_sites, n_ships))
    for k in range(n_ships):
        rtt[:, :, k] = base[:, k] + swing[:, k] * 0.5 * (
            1 + np.sin(w * t[:, None] + site_phase[None, :, k]))
    backhaul = backhaul_gbps * 1e9 * (1 + 0.5 * np.sin(w * t[:, None] + phase[None, :]))
    acc = accelerator or lookup("B200")
    return WorkloadInputs(
        step_s=float(step_s),
        n_steps=n_steps,
        start_utc=start_utc,
        ship_names=[f"ship-{k + 1}" for k in range(n_ships)] if n_ships > 1 else ["aether-1"],
        gpus_per_ship=np.full(n_ships, gpus_per_ship, dtype=np.int64),
        accelerator=acc,
        delivered_fraction=delivered,
        site_names=[f"site-{i + 1}" for i in range(n_sites)],
        site_population=population,
        site_lon_deg=lon,
        site_lat_deg=lat,
        rtt_ms=rtt,
        backhaul_bps=backhaul,
        dose_rad_per_year=dose_rad_per_year,
        site_region=_region_of(lon),
    )
