"""Link geometry: distances, line of sight above the atmosphere, ground visibility.

Arrays of points are [..., 3] Earth-fixed km. The Earth is taken as a sphere of the
WGS84 equatorial radius for line of sight, which is conservative everywhere (the real
surface lies up to 21 km lower towards the poles).
"""

import numpy as np

from aether.constants import WGS84_RADIUS_KM
from aether.orbit import geodetic_to_ecef


def segment_clearance_km(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Smallest distance from the Earth's centre to the segments a-b, minus the radius.

    a and b broadcast against each other, [..., 3].
    """
    d = b - a
    dd = np.einsum("...k,...k->...", d, d)
    t = -np.einsum("...k,...k->...", a, d) / np.where(dd > 0, dd, 1.0)
    t = np.clip(t, 0.0, 1.0)[..., None]
    closest = a + t * d
    return np.sqrt(np.einsum("...k,...k->...", closest, closest)) - WGS84_RADIUS_KM


def laser_link_ok(
    a: np.ndarray, b: np.ndarray, range_km: float, min_altitude_km: float
) -> tuple[np.ndarray, np.ndarray]:
    """(possible, length_km) for laser links a-b: within range and clear of min_altitude_km."""
    length = np.sqrt(np.einsum("...k,...k->...", b - a, b - a))
    ok = (length <= range_km) & (segment_clearance_km(a, b) >= min_altitude_km)
    return ok, length


def _outer_dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """[i, j] = a[i] . b[j] for 3-vectors, without BLAS (whose threads fight the workers)."""
    return a[:, 0, None] * b[None, :, 0] + a[:, 1, None] * b[None, :, 1] + a[:, 2, None] * b[None, :, 2]


class GroundStations:
    """Fixed ground points and their local vertical, for visibility tests against satellites."""

    def __init__(self, lat_deg: np.ndarray, lon_deg: np.ndarray, height_km: float = 0.0):
        lat = np.radians(np.asarray(lat_deg, float))
        lon = np.radians(np.asarray(lon_deg, float))
        self.r_km = np.stack(geodetic_to_ecef(np.degrees(lat), np.degrees(lon), height_km), -1)
        self.up = np.stack(
            [np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], -1
        )
        self.r_dot_up = np.einsum("gk,gk->g", self.r_km, self.up)
        self.r2 = np.einsum("gk,gk->g", self.r_km, self.r_km)

    def __len__(self) -> int:
        return len(self.r_km)

    def visible(
        self, sat_km: np.ndarray, min_elevation_deg: float, max_slant_km: float | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Links from every station to every satellite of sat_km [n, 3] above the mask.

        Returns (station index, satellite index, slant range km), one entry per link.
        """
        if len(self) == 0 or len(sat_km) == 0:
            empty = np.zeros(0, int)
            return empty, empty, np.zeros(0)
        du = _outer_dot(self.up, sat_km) - self.r_dot_up[:, None]
        s2 = np.einsum("nk,nk->n", sat_km, sat_km)
        d2 = s2[None, :] - 2.0 * _outer_dot(self.r_km, sat_km) + self.r2[:, None]
        sin_min = np.sin(np.radians(min_elevation_deg))
        ok = (du > 0) & (du * du >= (sin_min * sin_min) * d2) if sin_min > 0 else du >= 0
        if max_slant_km is not None:
            ok &= d2 <= max_slant_km * max_slant_km
        g, n = np.nonzero(ok)
        return g, n, np.sqrt(d2[g, n])

    def elevation_deg(self, sat_km: np.ndarray) -> np.ndarray:
        """[station, satellite] elevation angles (for checks and plots)."""
        d = sat_km[None, :, :] - self.r_km[:, None, :]
        du = np.einsum("gnk,gk->gn", d, self.up)
        return np.degrees(np.arcsin(du / np.linalg.norm(d, axis=-1)))
