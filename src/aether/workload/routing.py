"""Which ship serves a site's requests: lowest round trip, least loaded, or sovereign."""

import numpy as np

from aether.errors import ScenarioError


def allowed_ships(policy: str, sovereignty: dict[str, list[str]], site_region: list[str],
                  ship_region: list[str] | None, n_ships: int) -> np.ndarray:
    """[site, ship] True where the site's requests may go to the ship."""
    allowed = np.ones((len(site_region), n_ships), bool)
    if policy != "sovereign" or not sovereignty:
        return allowed
    if ship_region is None:
        raise ScenarioError(["workload.inference.routing: sovereign routing needs each ship's "
                             "region, and the inputs carry none"])
    for s, region in enumerate(site_region):
        if region in sovereignty:
            ok = set(sovereignty[region])
            allowed[s] = [r in ok for r in ship_region]
    return allowed


def lowest_rtt(rtt_ms: np.ndarray, available: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ship index [time, site] of the lowest round trip among available ships, and whether any
    ship is available. Ties go to the lower ship index."""
    masked = np.where(available, rtt_ms, np.inf)
    return np.argmin(masked, axis=-1), available.any(axis=-1)


def split_by_weight(counts: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Split integer counts [site, k] over ships by weights [site, ship] (rows summing to 1 or
    all zero): floors, then the remainder to the heaviest ship. Sums are exact."""
    share = counts[:, :, None] * weights[:, None, :]
    out = np.floor(share).astype(np.int64)
    rest = counts - out.sum(axis=2)
    best = np.argmax(weights, axis=1)
    s_idx = np.arange(counts.shape[0])
    out[s_idx, :, best] += rest * (weights.sum(axis=1) > 0)[:, None]
    return out
