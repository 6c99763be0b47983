"""Where a job may run: the one place the scheduler asks "may this job run on this ship
and land at this gateway".

A job's `sovereignty` is the scenario's policy schema (aether.settings.sovereignty.Constraints:
ISO 3166-1 alpha-2 codes and the groups EU, EEA, EFTA, FIVE_EYES). Two questions:

- Can it ever be met? A ship's state of registry and a gateway's country do not change, so a
  job no ship's registry or no gateway's country allows is refused at submit (`why_never`).
- Can it be met now? At each tick the job's flows are routed at the twin's instant as the
  network stage routes a scenario's policies (`aether.network.policy_at`): satellites over
  forbidden countries and forbidden ground relays dropped, an inference job's regions up to
  the ship and the data down at an allowed gateway. A job waits, or leaves its ship, while
  no allowed ship can be reached that way (`PolicyRouter`).
"""

from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from aether.network import PolicyAt, build_topology, policy_at
from aether.orbit import build_orbits
from aether.scenario.sites import gateway_sites
from aether.service.twin import Twin
from aether.settings.sovereignty import Constraints


@dataclass(frozen=True)
class FleetCountries:
    """Each Compute Ship's state of registry and each gateway's country (None: not known)."""

    ship_registry: tuple[str | None, ...]
    gateway_country: tuple[str | None, ...]

    @classmethod
    def of(cls, twin: Twin) -> "FleetCountries":
        """From the scenario: each ship's group's `registry_country` (Outer Space Treaty, art.
        VIII), each gateway's `country` (given, or where its coordinates lie)."""
        spacecraft = {c.name: c for c in twin.scenario.spacecraft}
        return cls(tuple(spacecraft[g].registry_country for g in twin.ship_groups),
                   tuple(gateway_sites(twin.scenario).country))


def constraints(policy: dict | None) -> dict[str, frozenset[str]] | None:
    """A job's stored policy as country sets (groups expanded); None where it constrains nothing."""
    if not policy:
        return None
    sets = Constraints(**policy).constraints
    return sets if any(sets.values()) else None


def compliant(policy: dict | None, fleet: FleetCountries) -> tuple[np.ndarray, np.ndarray]:
    """(ships [ship] bool, gateways [gateway] bool): where a job with this policy may ever run and land."""
    ships = np.ones(len(fleet.ship_registry), bool)
    gateways = np.ones(len(fleet.gateway_country), bool)
    sets = constraints(policy)
    if sets and sets["compute_registries"]:
        ships = np.isin(np.array(fleet.ship_registry, object), list(sets["compute_registries"]))
    if sets and sets["landing_countries"]:
        gateways = np.isin(np.array(fleet.gateway_country, object), list(sets["landing_countries"]))
    return ships, gateways


def why_never(policy: dict | None, fleet: FleetCountries) -> str | None:
    """The reason no ship or no gateway can ever serve this policy, or None."""
    ships, gateways = compliant(policy, fleet)
    if not ships.any():
        return ("NO_COMPLIANT_CAPACITY: no Compute Ship flies under a registry in compute_registries "
                f"{policy['compute_registries']} (ships' registries: {_known(fleet.ship_registry)})")
    if not gateways.any():
        return ("NO_COMPLIANT_CAPACITY: no gateway lies in landing_countries "
                f"{policy['landing_countries']} (gateways' countries: {_known(fleet.gateway_country)})")
    return None


def _known(countries: tuple[str | None, ...]) -> str:
    named = sorted({c for c in countries if c})
    return ", ".join(named) if named else "none declared"


class PolicyRouter:
    """Routes jobs' policies at the twin's instants on the scenario's network."""

    def __init__(self, twin: Twin):
        self.twin = twin
        self._orbits = None
        self._topology = None
        self._ship = None  # twin ship index -> PolicyAt ship index

    def at(self, policy: dict, sites: tuple[str, ...], t_s: float) -> PolicyAt:
        """The policy at the grid instant the twin shows for t_s (twin.at), its arrays in twin ship order."""
        twin = self.twin
        if self._topology is None:
            self._orbits = build_orbits(twin.scenario)
            self._topology = build_topology(twin.scenario, self._orbits)
        when = twin.start + timedelta(seconds=round(t_s / twin.step_s) * twin.step_s)
        found = policy_at(twin.scenario, self._orbits, self._topology, when, constraints(policy), list(sites))
        if self._ship is None:
            index = {name: k for k, name in enumerate(found.ship_names)}
            self._ship = np.array([index[name] for name in twin.ship_names], int)
        s = self._ship
        return PolicyAt(list(twin.ship_names), found.reach[s], found.rtt_ms[:, s], [found.gateway[k] for k in s],
                        [found.sat_country[k] for k in s], found.crossed)


def why_not_now(policy: dict, found: PolicyAt, usable: np.ndarray, sites: tuple[str, ...]) -> str:
    """Why no usable ship meets the policy now, in one line."""
    forbidden = constraints(policy)["forbid_transit_over"]
    over = [f"{name} is over {country}" for name, country, ok in zip(found.ship_names, found.sat_country, usable,
                                                                       strict=True) if ok and country in forbidden]
    if over:
        return f"POLICY_UNMET: forbid_transit_over {policy['forbid_transit_over']}: {'; '.join(over)}"
    regions = f"from {', '.join(sites)} " if sites else ""
    return ("POLICY_UNMET: no route " + regions + "to an allowed Compute Ship and down at an allowed gateway "
            "on the links the policy keeps")

