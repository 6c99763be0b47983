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
    """One message per value that is neither a country code nor a group, with close matches
    (an alpha-3 or numeric code suggests its alpha-2 first)."""
    import pycountry

    problems = []
    allowed = f"allowed: ISO 3166-1 alpha-2 codes or the groups {', '.join(GROUPS)}"
    for value in values:
        if value in GROUPS or value in known_codes():
            continue
        text = value.strip().upper()
        same = pycountry.countries.get(alpha_3=text) if len(text) == 3 and text.isalpha() else None
        same = same or (pycountry.countries.get(numeric=text) if text.isdigit() else None)
        close = [same.alpha_2] if same else []
        close += [c for c in difflib.get_close_matches(text, [*GROUPS, *sorted(known_codes())], n=3)
                  if c not in close]
        hint = f"did you mean {', '.join(close[:3])}? " if close else ""
        problems.append(f"unknown country or group {value!r} ({hint}{allowed})")
    return problems


def expand(values) -> frozenset[str]:
    """The country codes that codes and group names stand for."""
    out: set[str] = set()
    for value in values:
        out.update(GROUPS.get(value, (value,)))
    return frozenset(out)
