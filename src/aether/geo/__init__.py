"""Geography below the stages: which country a point lies in, country codes and named groups
(EU, EEA, FIVE_EYES). Used by the scenario (sites, policies) and the network (sovereignty)."""

from aether.geo.countries import NONE, CountryMap, country_codes, country_map
from aether.geo.groups import GROUPS, expand, known_codes, unknown_places

__all__ = ["GROUPS", "NONE", "CountryMap", "country_codes", "country_map", "expand", "known_codes",
           "unknown_places"]
