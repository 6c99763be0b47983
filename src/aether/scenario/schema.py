"""The scenario file's schema (pydantic v2): every field, its unit and its allowed range.

A scenario names the run (start, duration, step, seed), the spacecraft (each an orbit
and a role) and the ground (user sites and gateways). Checks that span fields (an orbit
inside the atmosphere, a Walker pattern that does not divide) live here too, so a bad
file never reaches the engine.
"""

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from aether.constants import SECONDS_PER_HOUR
from aether.kepler import altitude_from_mean_motion_km
from aether.settings.base import (
    LAX,
    Identifier,
    Name,
    Seed,
    SettingsModel,
    at_field,
    bounded,
    dotted,
)
from aether.settings.deal import ContractSettings
from aether.settings.fleet import CostSettings, FleetSettings, GroundSettings
from aether.settings.network import NetworkSettings
from aether.settings.ship import ShipDesign
from aether.settings.sovereignty import CountryCode, SovereigntySettings
from aether.settings.workload import WorkloadSettings
from aether.timegrid import TimeGrid

# Below about 150 km an orbit decays within a day or two (Vallado 2013, section 8.6.2).
MIN_ALTITUDE_KM = 150.0
# Low and medium Earth orbit; geostationary and beyond are out of scope.
MAX_ALTITUDE_KM = 40000.0
ALLOWED_ALTITUDES = f"allowed: {MIN_ALTITUDE_KM:g} to {MAX_ALTITUDE_KM:g} km"


def _check_altitude(altitude_km: float) -> float:
    if altitude_km < MIN_ALTITUDE_KM:
        raise ValueError(f"altitude {altitude_km:g} km dips into the atmosphere ({ALLOWED_ALTITUDES})")
    if altitude_km > MAX_ALTITUDE_KM:
        raise ValueError(f"altitude {altitude_km:g} km is beyond low and medium orbits ({ALLOWED_ALTITUDES})")
    return altitude_km


Altitude = Annotated[float, AfterValidator(_check_altitude)]
Angle360 = Annotated[float, bounded(-360, 360, " deg")]
Inclination = Annotated[float, bounded(0, 180, " deg")]
# Members of a constellation, a formation or a TLE set's planes.
Members = Annotated[int, bounded(1, 100_000)]


class CircularOrbit(SettingsModel):
    """A circular orbit by altitude or by mean motion."""

    kind: Literal["circular"]
    altitude_km: Altitude | None = None
    mean_motion_rev_day: Annotated[float, bounded(0, 17.5, " rev/day", lo_open=True)] | None = None
    inclination_deg: Inclination
    raan_deg: Angle360 = 0.0
    arg_latitude_deg: Angle360 = 0.0

    @model_validator(mode="after")
    def _one_size(self):
        if (self.altitude_km is None) == (self.mean_motion_rev_day is None):
            raise ValueError("give exactly one of altitude_km or mean_motion_rev_day")
        if not MIN_ALTITUDE_KM <= self.altitude <= MAX_ALTITUDE_KM:
            raise at_field(("mean_motion_rev_day",), f"{self.mean_motion_rev_day:g} rev/day puts the "
                           f"orbit at an altitude of {self.altitude:,.0f} km ({ALLOWED_ALTITUDES})")
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
    inclination_deg: Inclination
    total: Members
    planes: Members
    phasing: Annotated[int, bounded(0, 100_000)] = 1
    raan0_deg: Angle360 = 0.0

    @model_validator(mode="after")
    def _pattern(self):
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
    ltan_h: Annotated[float, bounded(0, 24, " h", hi_open=True)]
    arg_latitude_deg: Angle360 = 0.0

    @field_validator("altitude_km")
    @classmethod
    def _alt(cls, value: float) -> float:
        if value > 5900:
            raise ValueError(
                f"no sun-synchronous orbit exists at {value:g} km (allowed: up to 5900 km)"
            )
        return value


ReferenceOrbit = Annotated[CircularOrbit | SunSynchronousOrbit, Field(discriminator="kind")]


# A formation spans at most 100 km: its members fly close enough to link directly.
FORMATION_MAX_KM = 100.0
OffsetKm = Annotated[float, bounded(-FORMATION_MAX_KM, FORMATION_MAX_KM, " km")]


class DiscPattern(SettingsModel):
    """count members spread over a disc of radius_km across the along/cross-track plane."""

    kind: Literal["disc"]
    count: Annotated[int, bounded(1, 10_000)]
    radius_km: Annotated[float, bounded(0, FORMATION_MAX_KM, " km", lo_open=True)]


class FormationOrbit(SettingsModel):
    """Members at (radial, along-track, cross-track) offsets from a reference orbit."""

    kind: Literal["formation"]
    reference: ReferenceOrbit
    offsets_km: Annotated[list[Annotated[tuple[OffsetKm, OffsetKm, OffsetKm], LAX]],
                          Field(max_length=10_000)] | None = None
    pattern: DiscPattern | None = None

    @model_validator(mode="after")
    def _one_layout(self):
        if (self.offsets_km is None) == (self.pattern is None):
            raise ValueError("give exactly one of offsets_km or pattern")
        if self.offsets_km is not None and not self.offsets_km:
            raise ValueError("offsets_km is empty (allowed: at least one offset)")
        return self


class _FileOrbit(SettingsModel):
    """Satellites read from a file; planes x per_plane, when given, orders the set into
    planes so a mesh can be built."""

    file: str
    planes: Members | None = None
    per_plane: Members | None = None

    @model_validator(mode="after")
    def _both(self):
        if (self.planes is None) != (self.per_plane is None):
            raise ValueError("give both planes and per_plane, or neither")
        return self


class TleOrbit(_FileOrbit):
    """Satellites from a TLE file (two- or three-line, as CelesTrak publishes them)."""

    kind: Literal["tle"]


class OmmOrbit(_FileOrbit):
    """Satellites from an OMM file (CCSDS 502.0-B-3 mean elements in CelesTrak's CSV, XML, KVN
    or JSON; catalogue numbers of up to nine digits)."""

    kind: Literal["omm"]


Orbit = Annotated[
    CircularOrbit | WalkerOrbit | SunSynchronousOrbit | FormationOrbit | TleOrbit | OmmOrbit,
    Field(discriminator="kind"),
]


class Spacecraft(SettingsModel):
    """One spacecraft or a group of them (constellation, formation, TLE set)."""

    name: Identifier
    role: Literal["compute", "relay"] = "compute"
    orbit: Orbit
    # State of registry (Outer Space Treaty, art. VIII: it keeps jurisdiction and control);
    # None: not declared, so no policy's compute_registries admits the entry.
    registry_country: CountryCode | None = None
    # The Compute Ship's hardware (compute role); None: the default design of aether.ship.
    ship: ShipDesign | None = None


class Site(SettingsModel):
    name: Name
    lat_deg: Annotated[float, bounded(-90, 90, " deg")]
    lon_deg: Annotated[float, bounded(-180, 360, " deg")]
    # ISO 3166-1 alpha-2 code; None: the country its coordinates lie in (aether.geo).
    country: CountryCode | None = None


class Users(SettingsModel):
    """User sites: the most populous cities, plus named sites inline or from a CSV file."""

    top_cities: Annotated[int, bounded(0, 5000)] = 100
    sites: list[Site] = []
    sites_csv: str | None = None


class Ground(SettingsModel):
    users: Users = Users()
    gateways: list[Site] = []


class Run(SettingsModel):
    """The shared time grid: UTC start, duration and step, and the seed of the run."""

    start: Annotated[datetime, LAX]
    duration_h: Annotated[float, bounded(0, 24 * 366, " h", lo_open=True)]
    step_s: Annotated[float, bounded(0, 86400, " s", lo_open=True)]
    seed: Seed = 0

    @property
    def grid(self) -> TimeGrid:
        """The run's time grid: every stage and command shares this one."""
        return TimeGrid.from_duration(self.start, self.duration_h * SECONDS_PER_HOUR, self.step_s)

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


class Environment(SettingsModel):
    """The space environment the ships fly through."""

    # Solar activity beyond the bundled record (aether.orbit.solar_cycle): future cycles as
    # weak as the weakest (low), as the median (mid) or as the strongest (high) of cycles
    # 20-25. Sizes the propellant in the mass budget; the drag metrics report all three.
    solar_activity: Literal["low", "mid", "high"] = "mid"


class Scenario(SettingsModel):
    name: Name
    description: str = ""
    run: Run
    spacecraft: Annotated[list[Spacecraft], Field(min_length=1)]
    ground: Ground = Ground()
    network: NetworkSettings = NetworkSettings()
    # The fleet over the years, its cost, and the terrestrial data centre it is compared with.
    fleet: FleetSettings = FleetSettings()
    cost: CostSettings = CostSettings()
    ground_dc: GroundSettings = GroundSettings()
    environment: Environment = Environment()
    # A multi-year compute contract on the fleet (aether deal); none: no deal is evaluated.
    contract: ContractSettings | None = None
    # Training, fine-tuning and inference on the fleet; none: the workload stage is skipped.
    workload: WorkloadSettings | None = None
    # Data-sovereignty policies for groups of user sites.
    sovereignty: SovereigntySettings = SovereigntySettings()
    # Folder the scenario came from: relative file names (TLEs, CSVs) resolve against it.
    base_dir: Annotated[Path, LAX] = Path(".")
    # Where the scenario came from (a path or "preset NAME"), for messages about its files.
    origin: str = "scenario"

    @property
    def compute_group_names(self) -> list[str]:
        """Names of the spacecraft entries whose role is compute, in file order."""
        return [s.name for s in self.spacecraft if s.role == "compute"]

    def named(self) -> list[tuple[tuple, str]]:
        """(location, name) of every spacecraft entry, inline site and gateway."""
        named = [(("spacecraft", i, "name"), s.name) for i, s in enumerate(self.spacecraft)]
        named += [(("ground", "users", "sites", i, "name"), s.name) for i, s in enumerate(self.ground.users.sites)]
        return named + [(("ground", "gateways", i, "name"), g.name) for i, g in enumerate(self.ground.gateways)]

    @model_validator(mode="after")
    def _unique_names(self):
        clash = name_clash(self.named())
        if clash:
            raise at_field(*clash)
        return self


def name_clash(named: list[tuple[tuple | str, str]]) -> tuple[tuple | str, str] | None:
    """The first name used twice: (where its second use is, a message naming the first).

    Spacecraft, sites and gateways share one namespace: routes and metrics keys name them.
    A location is a field's loc or, for names from data files, a description.
    """
    first: dict[str, tuple | str] = {}
    for place, name in named:
        if name in first:
            where = dotted(first[name]) if isinstance(first[name], tuple) else first[name]
            return place, (f"{name!r} is also the name of {where} "
                           "(allowed: one name per spacecraft, site and gateway)")
        first[name] = place
    return None
