"""The scenario's `sovereignty:` section: data-sovereignty policies for groups of user sites.

A policy names the user sites it covers by their countries and says where their data may
go: the gateways where it may come down (landing_countries), the states of registry whose
Compute Ships may process it (compute_registries: under the Outer Space Treaty, art. VIII,
the state of registry keeps jurisdiction over a space object), the countries no hop may lie
over (forbid_transit_over, by the sub-satellite point at each step) and the countries whose
ground sites may not relay it. Each list takes ISO 3166-1 alpha-2 codes and group names
(EU, EEA, EFTA, FIVE_EYES; aether.geo.groups); an empty list leaves that part free.
"""

from typing import Annotated

from pydantic import AfterValidator, Field, field_validator

from aether.geo import GROUPS, expand, unknown_places
from aether.settings.base import Identifier, SettingsModel, unique_names


def _place(value: str) -> str:
    problems = unknown_places([value])
    if problems:
        raise ValueError(problems[0])
    return value


def _country(value: str) -> str:
    if value in GROUPS:
        raise ValueError(f"{value!r} is a group (allowed: one ISO 3166-1 alpha-2 code such as FR)")
    return _place(value)


# A country code or a named group of them.
Place = Annotated[str, AfterValidator(_place)]
# One country code (a group is refused).
CountryCode = Annotated[str, AfterValidator(_country)]
Places = Annotated[list[Place], Field(max_length=300)]


class Constraints(SettingsModel):
    """Where data may travel, land and be processed: the lists a scenario policy and a
    service job's `sovereignty` share (an empty list leaves that part free)."""

    landing_countries: Places = []
    compute_registries: Places = []
    forbid_transit_over: Places = []
    forbid_ground_relay_countries: Places = []

    @property
    def constraints(self) -> dict[str, frozenset[str]]:
        """Each constraint's country set, in a fixed order (empty: not constrained)."""
        return {"landing_countries": expand(self.landing_countries),
                "compute_registries": expand(self.compute_registries),
                "forbid_transit_over": expand(self.forbid_transit_over),
                "forbid_ground_relay_countries": expand(self.forbid_ground_relay_countries)}


class Policy(Constraints):
    """Where the data of the user sites in `users` may travel, land and be processed."""

    name: Identifier
    # User sites whose country (from their coordinates, or given) is one of these.
    users: Annotated[list[Place], Field(min_length=1, max_length=300)]


class SovereigntySettings(SettingsModel):
    policies: Annotated[list[Policy], Field(max_length=64)] = []

    @field_validator("policies")
    @classmethod
    def _unique(cls, value):
        return unique_names(value, "policy")
