"""The scenario file's schema (pydantic v2): every field, its unit and its allowed range.

A scenario names the run (start, duration, step, seed), the spacecraft (each an orbit
and a role) and the ground (user sites and gateways). Checks that span fields (an orbit
inside the atmosphere, a Walker pattern that does not divide) live here too, so a bad
file never reaches the engine.
"""

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from aether.kepler import altitude_from_mean_motion_km
from aether.settings.base import SettingsModel
from aether.settings.fleet import CostSettings, FleetSettings, GroundSettings
from aether.settings.network import NetworkSettings
from aether.settings.ship import ShipDesign
from aether.settings.workload import WorkloadSettings

# Below about 150 km an orbit decays within a day or two (Vallado 2013, section 8.6.2).
MIN_ALTITUDE_KM = 150.0
# Low and medium Earth orbit; geostationary and beyond are out of scope.
MAX_ALTITUDE_KM = 40000.0


def _check_altitude(altitude_km: float) -> float:
    if altitude_km < MIN_ALTITUDE_KM:
        raise ValueError(
            f"altitude {altitude_km:g} km dips into the atmosphere "
            f"(allowed: {MIN_ALTITUDE_KM:g} to {MAX_ALTITUDE_KM:g} km)"
        )
    return altitude_km


Altitude = Annotated[float, Field(gt=0, le=MAX_ALTITUDE_KM)]
Angle360 = Annotated[float, Field(ge=-360, le=360)]


class CircularOrbit(SettingsModel):
    """A circular orbit by altitude or by mean motion."""

    kind: Literal["circular"]
    altitude_km: Altitude | None = None
    mean_motion_rev_day: Annotated[float, Field(gt=0, le=17.5)] | None = None
    inclination_deg: Annotated[float, Field(ge=0, le=180)]
    raan_deg: Angle360 = 0.0
    arg_latitude_deg: Angle360 = 0.0

    @model_validator(mode="after")
    def _one_size(self):
        if (self.altitude_km is None) == (self.mean_motion_rev_day is None):
            raise ValueError("give exactly one of altitude_km or mean_motion_rev_day")
        _check_altitude(self.altitude)
        return self

    @property
    def altitude(self) -> float:
        if self.altitude_km is not None:
            return self.altitude_km
        return altitude_from_mean_motion_km(self.mean_motion_rev_day)


class WalkerOrbit(SettingsModel):
    """A Walker delta constellation i:T/P/F of circular orbits."""

    kind: Literal["walker_delta"]
    altitude_km: Altitude
    inclination_deg: Annotated[float, Field(ge=0, le=180)]
    total: Annotated[int, Field(ge=1, le=100_000)]
    planes: Annotated[int, Field(ge=1)]
    phasing: Annotated[int, Field(ge=0)] = 1
    raan0_deg: Angle360 = 0.0

    @model_validator(mode="after")
    def _pattern(self):
        _check_altitude(self.altitude_km)
        if self.total % self.planes:
            raise ValueError(
                f"total {self.total} is not a multiple of planes {self.planes} "
                "(allowed: total = planes x satellites per plane)"
            )
        if self.phasing >= self.planes:
            raise ValueError(f"phasing {self.phasing} must be below planes {self.planes}")
        return self

    @property
    def per_plane(self) -> int:
        return self.total // self.planes


class SunSynchronousOrbit(SettingsModel):
    """Sun-synchronous circular orbit; inclination follows from altitude by the J2 condition."""

    kind: Literal["sun_synchronous"]
    altitude_km: Altitude
    ltan_h: Annotated[float, Field(ge=0, lt=24)]
    arg_latitude_deg: Angle360 = 0.0

    @field_validator("altitude_km")
    @classmethod
    def _alt(cls, value: float) -> float:
        _check_altitude(value)
        if value > 5900:
            raise ValueError(
                f"no sun-synchronous orbit exists at {value:g} km (allowed: up to 5900 km)"
            )
        return value


ReferenceOrbit = Annotated[CircularOrbit | SunSynchronousOrbit, Field(discriminator="kind")]


class DiscPattern(SettingsModel):
    """count members spread over a disc of radius_km across the along/cross-track plane."""

    kind: Literal["disc"]
    count: Annotated[int, Field(ge=1, le=10_000)]
    radius_km: Annotated[float, Field(gt=0, le=100)]


class FormationOrbit(SettingsModel):
    """Members at (radial, along-track, cross-track) offsets from a reference orbit."""

    kind: Literal["formation"]
    reference: ReferenceOrbit
    offsets_km: list[tuple[float, float, float]] | None = None
    pattern: DiscPattern | None = None

    @model_validator(mode="after")
    def _one_layout(self):
        if (self.offsets_km is None) == (self.pattern is None):
            raise ValueError("give exactly one of offsets_km or pattern")
        if self.offsets_km is not None and not self.offsets_km:
            raise ValueError("offsets_km is empty (allowed: at least one offset)")
        return self


class TleOrbit(SettingsModel):
    """Satellites from a TLE file (two- or three-line, as CelesTrak publishes them).

    planes x per_plane, when given, orders the set into planes so a mesh can be built.
    """

    kind: Literal["tle"]
    file: str
    planes: Annotated[int, Field(ge=1)] | None = None
    per_plane: Annotated[int, Field(ge=1)] | None = None

    @model_validator(mode="after")
    def _both(self):
        if (self.planes is None) != (self.per_plane is None):
            raise ValueError("give both planes and per_plane, or neither")
        return self


Orbit = Annotated[
    CircularOrbit | WalkerOrbit | SunSynchronousOrbit | FormationOrbit | TleOrbit,
    Field(discriminator="kind"),
]


class Spacecraft(SettingsModel):
    """One spacecraft or a group of them (constellation, formation, TLE set)."""

    name: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9 _.\-]*$")]
    role: Literal["compute", "relay"] = "compute"
    orbit: Orbit
    # Jurisdiction whose rules the spacecraft's data falls under (its licensing state, say),
    # matched against workload.inference.sovereignty.
    region: str = ""
    # The Compute Ship's hardware (compute role); None: the default design of aether.ship.
    ship: ShipDesign | None = None


class Site(SettingsModel):
    name: Annotated[str, Field(min_length=1)]
    lat_deg: Annotated[float, Field(ge=-90, le=90)]
    lon_deg: Annotated[float, Field(ge=-180, le=360)]
    # Jurisdiction label for data-sovereignty rules (an ISO country code, say).
    region: str = ""


class Users(SettingsModel):
    """User sites: the most populous cities, plus named sites inline or from a CSV file."""

    top_cities: Annotated[int, Field(ge=0, le=5000)] = 100
    sites: list[Site] = []
    sites_csv: str | None = None


class Ground(SettingsModel):
    users: Users = Users()
    gateways: list[Site] = []


class Run(SettingsModel):
    """The shared time grid: UTC start, duration and step, and the seed of the run."""

    start: datetime
    duration_h: Annotated[float, Field(gt=0, le=24 * 366)]
    step_s: Annotated[float, Field(gt=0, le=86400)]
    seed: Annotated[int, Field(ge=0)] = 0

    @field_validator("start")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        if not 1957 <= value.year <= 2056:
            raise ValueError("start must fall between 1957 and 2056 (SGP4's two-digit years)")
        return value.astimezone(UTC)

    @model_validator(mode="after")
    def _steps(self):
        if self.step_s > self.duration_h * 3600:
            raise ValueError("step_s is longer than the run's duration")
        if self.duration_h * 3600 / self.step_s > 5_000_000:
            raise ValueError("more than 5 million time steps (allowed: a longer step or a shorter run)")
        return self


class Scenario(SettingsModel):
    name: Annotated[str, Field(min_length=1)]
    description: str = ""
    run: Run
    spacecraft: Annotated[list[Spacecraft], Field(min_length=1)]
    ground: Ground = Ground()
    network: NetworkSettings = NetworkSettings()
    # The fleet over the years, its cost, and the terrestrial data centre it is compared with.
    fleet: FleetSettings = FleetSettings()
    cost: CostSettings = CostSettings()
    ground_dc: GroundSettings = GroundSettings()
    # Training, fine-tuning and inference on the fleet; none: the workload stage is skipped.
    workload: WorkloadSettings | None = None
    # Folder the scenario came from: relative file names (TLEs, CSVs) resolve against it.
    base_dir: Path = Path(".")
    # Where the scenario came from (a path or "preset NAME"), for messages about its files.
    origin: str = "scenario"

    @property
    def compute_group_names(self) -> list[str]:
        """Names of the spacecraft entries whose role is compute, in file order."""
        return [s.name for s in self.spacecraft if s.role == "compute"]

    @field_validator("spacecraft")
    @classmethod
    def _unique(cls, value: list[Spacecraft]) -> list[Spacecraft]:
        names = [s.name for s in value]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"spacecraft names must be unique; repeated: {', '.join(duplicates)}")
        return value
