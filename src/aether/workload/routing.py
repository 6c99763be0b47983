"""Which ship serves a site's requests: lowest round trip, least loaded, or sovereign."""

import numpy as np


def allowed_ships(policy: str, allowed: np.ndarray | None, n_sites: int, n_ships: int) -> np.ndarray:
    """[site, ship] True where the site's requests may go to the ship: the sites' sovereignty
    policies under sovereign routing, every ship otherwise."""
    if policy != "sovereign" or allowed is None:
        return np.ones((n_sites, n_ships), bool)
    return np.asarray(allowed, bool)


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
