"""Compute Ship laser terminals: k partners each, nearest first, held for a minimum dwell.

Vectorised over ships; the state (who is linked since when) carries from step to step.
A link is kept while it stays possible and either its dwell time has not run out or the
partner is still among the k nearest; freed terminals take the nearest possible partners
not already linked. Partners are not charged a terminal of their own (relays are assumed
to have a spare one for a ship).
"""

import numpy as np

from aether.network.geometry import laser_link_ok


class TerminalPlanner:
    def __init__(
        self,
        ships: np.ndarray,
        allowed: np.ndarray,
        k: int,
        min_dwell_s: float,
        range_km: float,
        min_altitude_km: float,
    ):
        """ships: [S] satellite indices; allowed: [S, N] partners each ship may take."""
        self.ships = np.asarray(ships, int)
        self.allowed = allowed
        self.k = int(k)
        self.min_dwell_s = float(min_dwell_s)
        self.range_km = range_km
        self.min_altitude_km = min_altitude_km
        self.linked = np.full((len(self.ships), self.k), -1, int)
        self.since = np.zeros((len(self.ships), self.k))

    def step(self, t_s: float, sat_km: np.ndarray) -> np.ndarray:
        """Advance to time t_s with satellite positions [N, 3]; returns [links, 2] pairs."""
        S, k = self.linked.shape
        if S == 0 or k == 0:
            return np.zeros((0, 2), int)
        n = len(sat_km)
        ok, length = laser_link_ok(
            sat_km[self.ships][:, None, :], sat_km[None, :, :], self.range_km, self.min_altitude_km
        )
        ok &= self.allowed
        dist = np.where(ok, length, np.inf)
        m = min(2 * k, n)
        near = np.argpartition(dist, m - 1, axis=1)[:, :m] if m < n else np.tile(np.arange(n), (S, 1))
        near = np.take_along_axis(near, np.argsort(np.take_along_axis(dist, near, 1), 1), 1)
        near_ok = np.take_along_axis(ok, near, 1)
        rows = np.arange(S)[:, None]
        has = self.linked >= 0
        still = has & ok[rows, np.where(has, self.linked, 0)]
        best = near[:, :k]
        among_best = (self.linked[:, :, None] == np.where(near_ok[:, :k], best, -2)[:, None, :]).any(2)
        keep = still & ((t_s - self.since < self.min_dwell_s) | among_best)
        self.linked = np.where(keep, self.linked, -1)
        fresh = near_ok & ~(near[:, :, None] == self.linked[:, None, :]).any(2)
        order = np.argsort(~fresh, axis=1, kind="stable")
        candidates = np.take_along_axis(near, order, 1)
        n_fresh = fresh.sum(1)
        free = self.linked < 0
        rank = np.cumsum(free, 1) - 1
        take = free & (rank < n_fresh[:, None])
        pick = np.take_along_axis(candidates, np.clip(rank, 0, m - 1), 1)
        self.linked = np.where(take, pick, self.linked)
        self.since = np.where(take, t_s, self.since)
        s, j = np.nonzero(self.linked >= 0)
        pairs = np.stack([self.ships[s], self.linked[s, j]], -1)
        pairs.sort(axis=1)
        return np.unique(pairs, axis=0) if len(pairs) else pairs.reshape(0, 2)
