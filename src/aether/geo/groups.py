"""Country codes and the named groups a policy may use in their place.

Codes are ISO 3166-1 alpha-2 (pycountry's copy of the standard), plus XK for Kosovo (the
user-assigned code the EU and GeoNames use; Natural Earth draws Kosovo apart). Antarctica
(AQ) is a valid code that no point answers: no state is sovereign there.
"""

import difflib
from functools import lru_cache

# EU: the 27 member states (europa.eu, "EU countries", since the UK left on 31 January 2020).
EU = ("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
      "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE")
# EFTA: Iceland, Liechtenstein, Norway and Switzerland (efta.int, "The EFTA States").
EFTA = ("IS", "LI", "NO", "CH")
# EEA: the EU and three EFTA states (Agreement on the European Economic Area, as amended;
# efta.int, "EEA Agreement"); Switzerland is not a party.
EEA = EU + ("IS", "LI", "NO")
# Five Eyes: the UKUSA Agreement's parties (NSA and GCHQ release of the UKUSA documents, 2010).
FIVE_EYES = ("AU", "CA", "NZ", "GB", "US")

GROUPS: dict[str, tuple[str, ...]] = {"EU": EU, "EEA": EEA, "EFTA": EFTA, "FIVE_EYES": FIVE_EYES}
# Codes outside ISO 3166-1 that places carry (GeoNames and Natural Earth).
EXTRA_CODES = {"XK": "Kosovo"}


@lru_cache(maxsize=1)
def known_codes() -> frozenset[str]:
    """Every alpha-2 code a policy or a site may name."""
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries) | frozenset(EXTRA_CODES)


def unknown_places(values) -> list[str]:
    """One message per value that is neither a country code nor a group, with close matches."""
    problems = []
    for value in values:
        if value in GROUPS or value in known_codes():
            continue
        close = difflib.get_close_matches(value.upper(), [*GROUPS, *sorted(known_codes())], n=3)
        hint = f"did you mean {', '.join(close)}?" if close else "an ISO 3166-1 alpha-2 code such as FR"
        problems.append(f"unknown country or group {value!r} ({hint}; groups: {', '.join(GROUPS)})")
    return problems


def expand(values) -> frozenset[str]:
    """The country codes that codes and group names stand for."""
    out: set[str] = set()
    for value in values:
        out.update(GROUPS.get(value, (value,)))
    return frozenset(out)
