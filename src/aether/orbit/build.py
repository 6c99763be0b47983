"""From a scenario's spacecraft entries to named, initialised satellites."""

from dataclasses import dataclass, field

import numpy as np
from sgp4.api import Satrec, SatrecArray

from aether.constants import WGS72_RADIUS_KM
from aether.errors import ScenarioError
from aether.orbit import elements
from aether.orbit.omm import OMMError, parse_omm
from aether.orbit.records import satrec_records, satrecs_from_records
from aether.orbit.tle import TLEError, order_into_planes, parse_tles
from aether.scenario.inputs import MAX_DATA_FILE_BYTES, read_bytes
from aether.scenario.schema import (
    CircularOrbit,
    FormationOrbit,
    OmmOrbit,
    Scenario,
    SunSynchronousOrbit,
    TleOrbit,
    WalkerOrbit,
)


@dataclass
class OrbitSet:
    """Every satellite of a scenario, in entry order; group_of maps each to its entry.

    The satellites are kept as sgp4init records too (aether.orbit.records) and rebuilt from
    them, so an OrbitSet pickles, and a copy in a worker process propagates bit for bit
    like the original.
    """

    names: list[str]
    group_names: list[str]
    group_of: np.ndarray
    satrecs: list[Satrec]
    # Derived figures per entry that the scenario did not state (e.g. SSO inclination).
    derived: dict[str, dict[str, float]]
    records: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        self.records = satrec_records(self.satrecs)
        self.satrecs = satrecs_from_records(self.records)

    def __getstate__(self) -> dict:
        return {key: value for key, value in self.__dict__.items() if key != "satrecs"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.satrecs = satrecs_from_records(self.records)

    def __len__(self) -> int:
        return len(self.satrecs)

    def array(self, indices=None) -> SatrecArray:
        chosen = self.satrecs if indices is None else [self.satrecs[i] for i in indices]
        return SatrecArray(chosen)

    def members(self, group: str) -> np.ndarray:
        return np.flatnonzero(self.group_of == self.group_names.index(group))

    def select(self, groups: list[str]) -> "OrbitSet":
        """The satellites of the named entries only (e.g. the Compute Ships without relays)."""
        keep = np.concatenate([self.members(g) for g in groups]) if groups else np.zeros(0, int)
        return OrbitSet(
            names=[self.names[i] for i in keep], group_names=list(groups),
            group_of=np.array([groups.index(self.group_names[self.group_of[i]]) for i in keep], int),
            satrecs=[self.satrecs[i] for i in keep],
            derived={g: self.derived[g] for g in groups},
        )

    def take(self, indices) -> "OrbitSet":
        """The chosen satellites, in the given order, under the entries they belong to."""
        indices = [int(i) for i in indices]
        entries = sorted({int(self.group_of[i]) for i in indices})
        groups = [self.group_names[e] for e in entries]
        return OrbitSet(
            names=[self.names[i] for i in indices], group_names=groups,
            group_of=np.array([entries.index(int(self.group_of[i])) for i in indices], int),
            satrecs=[self.satrecs[i] for i in indices],
            derived={g: self.derived[g] for g in groups},
        )


def _reference(orbit: CircularOrbit | SunSynchronousOrbit, epoch) -> tuple[elements.MeanElements, dict]:
    if isinstance(orbit, SunSynchronousOrbit):
        inclination = elements.sun_synchronous_inclination_deg(orbit.altitude_km)
        raan = elements.raan_for_ltan_rad(orbit.ltan_h, epoch)
        derived = {"inclination_deg": inclination, "raan_deg": float(np.degrees(raan))}
        return elements.circular(
            elements.mean_motion_rad_min(orbit.altitude_km, np.radians(inclination)),
            np.radians(inclination), raan,
            np.radians(orbit.arg_latitude_deg),
        ), derived
    return elements.circular(
        elements.mean_motion_rad_min(orbit.altitude, np.radians(orbit.inclination_deg)),
        np.radians(orbit.inclination_deg), np.radians(orbit.raan_deg), np.radians(orbit.arg_latitude_deg),
    ), {}


def _file_satrecs(scenario: Scenario, index: int, orbit: TleOrbit | OmmOrbit, name: str):
    """Satellites and names from a TLE or OMM file, ordered into planes if asked, with
    every perigee above the atmosphere; ScenarioError naming the file otherwise."""
    path = scenario.base_dir / orbit.file
    where = f"{scenario.origin}: spacecraft[{index}].orbit.file"
    text = read_bytes(path, f"{where}: {orbit.file}", MAX_DATA_FILE_BYTES).decode(errors="replace")
    try:
        if isinstance(orbit, OmmOrbit):
            records = parse_omm(text, orbit.file)
            satrecs, names = [r.satrec for r in records], [r.name or name for r in records]
        else:
            tles = parse_tles(text, default_name=name)
            satrecs, names = [t.satrec() for t in tles], [t.name for t in tles]
        bad = [n for n, s in zip(names, satrecs, strict=True) if s.error]
        if bad:
            raise TLEError(f"sgp4 cannot initialise {', '.join(bad[:3])}")
        if orbit.planes is not None:
            order = order_into_planes(satrecs, orbit.planes, orbit.per_plane)
            satrecs, names = [satrecs[i] for i in order], [names[i] for i in order]
    except (TLEError, OMMError) as error:
        raise ScenarioError([f"{where}: {orbit.file}: {error}"]) from None
    perigee_km = min(s.a * (1.0 - s.ecco) - 1.0 for s in satrecs) * WGS72_RADIUS_KM
    if perigee_km < 150:
        raise ScenarioError(
            [f"{where}: {orbit.file}: a perigee at {perigee_km:.0f} km dips into the atmosphere "
             "(allowed: 150 km and above)"]
        )
    return satrecs, names


def build_orbits(scenario: Scenario) -> OrbitSet:
    """Satellites for every spacecraft entry, initialised at the run's start as epoch."""
    from aether.timegrid import TimeGrid

    epoch = TimeGrid(scenario.run.start, scenario.run.step_s, 1).start_jd
    names: list[str] = []
    groups: list[int] = []
    satrecs: list[Satrec] = []
    derived: dict[str, dict[str, float]] = {}
    for index, craft in enumerate(scenario.spacecraft):
        orbit = craft.orbit
        entry_derived: dict[str, float] = {}
        if isinstance(orbit, TleOrbit | OmmOrbit):
            new, new_names = _file_satrecs(scenario, index, orbit, craft.name)
        else:
            if isinstance(orbit, WalkerOrbit):
                raan, u = elements.walker_delta_angles(
                    orbit.total, orbit.planes, orbit.phasing, np.radians(orbit.raan0_deg)
                )
                inclination = np.radians(orbit.inclination_deg)
                mean = elements.circular(
                    elements.mean_motion_rad_min(orbit.altitude_km, inclination), inclination,
                    raan, u,
                )
            elif isinstance(orbit, FormationOrbit):
                reference, entry_derived = _reference(orbit.reference, epoch)
                mean = (elements.formation(reference, np.array(orbit.offsets_km, float))
                        if orbit.offsets_km is not None
                        else elements.disc_formation(reference, orbit.pattern.count, orbit.pattern.radius_km))
            else:
                mean, entry_derived = _reference(orbit, epoch)
            new = elements.to_satrecs(mean, epoch, first_satnum=len(satrecs) + 1)
            new_names = [craft.name] if len(new) == 1 else [f"{craft.name}-{k}" for k in range(len(new))]
        derived[craft.name] = entry_derived
        names += new_names
        groups += [index] * len(new)
        satrecs += new
    return OrbitSet(
        names=names,
        group_names=[c.name for c in scenario.spacecraft],
        group_of=np.array(groups, int),
        satrecs=satrecs,
        derived=derived,
    )
