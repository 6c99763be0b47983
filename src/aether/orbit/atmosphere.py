"""Thermospheric mass density from NRLMSIS 2.1 (Emmert et al. 2021, Earth and Space Science 8)
through pymsis, averaged around an orbit and tabulated against altitude and activity.

pymsis downloads space weather when it is not given F10.7 and Ap; Aether always passes them
(msis_density_kg_m3 is the one call), from aether.orbit.solar_cycle. A run needs the density
at thousands of altitudes and days, and NRLMSIS costs about 30 us a point, so DensityTable
evaluates it once per orbit on a grid (altitude x F10.7 x Ap), averaged over points around the
orbit (latitude and local solar time) and two days of the year (the semiannual maximum in
April and minimum in July), and interpolates log density from it.
"""

from dataclasses import dataclass

import numpy as np

# The grid: every 25 km from 100 to 1,000 km; F10.7 from a deep minimum to a strong maximum;
# quiet and active Ap. Log density is interpolated linearly between levels.
ALTITUDES_KM = np.arange(100.0, 1000.1, 25.0)
F107_LEVELS_SFU = np.array([65.0, 85.0, 110.0, 140.0, 180.0, 230.0, 300.0])
AP_LEVELS = np.array([5.0, 30.0])
# Days of year 2001 averaged: 15 April (near the semiannual maximum) and 15 July (minimum).
SAMPLE_DATES = np.array(["2001-04-15T12:00", "2001-07-15T12:00"], dtype="datetime64[m]")


def msis_density_kg_m3(dates, lon_deg, lat_deg, altitude_km, f107_sfu, f107a_sfu, ap) -> np.ndarray:
    """NRLMSIS 2.1 total mass density at aligned points; the indices are always given, so
    pymsis never reaches for its space-weather download."""
    import pymsis

    n = np.broadcast(dates, lon_deg, lat_deg, altitude_km, f107_sfu).size
    as_n = lambda v: np.broadcast_to(np.asarray(v, float), (n,))  # noqa: E731
    ap_daily = as_n(ap)
    out = pymsis.calculate(np.broadcast_to(np.asarray(dates), (n,)), as_n(lon_deg), as_n(lat_deg),
                           as_n(altitude_km), as_n(f107_sfu), as_n(f107a_sfu),
                           np.repeat(ap_daily[:, None], 7, axis=1), version=2.1)
    return out[..., pymsis.Variable.MASS_DENSITY].reshape(n)


def orbit_samples(inclination_deg: float, ltan_h: float | None, count: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """(latitude deg, local solar time h) of points spread around a circular orbit.

    Sun-synchronous (ltan_h given): the node keeps its local time, so points at arguments of
    latitude u sit at LTAN plus their right-ascension offset from the node. Otherwise the node
    drifts through every local time over weeks: each point also takes its own node time.
    """
    inc = np.radians(inclination_deg)
    u = 2.0 * np.pi * (np.arange(count) + 0.5) / count
    lat = np.degrees(np.arcsin(np.sin(inc) * np.sin(u)))
    offset_h = np.degrees(np.arctan2(np.cos(inc) * np.sin(u), np.cos(u))) / 15.0
    node_h = np.full(count, ltan_h) if ltan_h is not None else 24.0 * ((np.arange(count) * 5) % count) / count
    return lat, (node_h + offset_h) % 24.0


@dataclass(frozen=True)
class DensityTable:
    """Orbit-averaged log density [altitude, F10.7, Ap] on the module's grid."""

    log_rho: np.ndarray

    @classmethod
    def for_orbit(cls, inclination_deg: float, ltan_h: float | None) -> "DensityTable":
        lat, lst_h = orbit_samples(inclination_deg, ltan_h)
        alt, f, ap, day, point = np.meshgrid(ALTITUDES_KM, F107_LEVELS_SFU, AP_LEVELS,
                                             np.arange(SAMPLE_DATES.size), np.arange(lat.size),
                                             indexing="ij")
        ut_h = 12.0
        lon = 15.0 * (lst_h[point] - ut_h)
        rho = msis_density_kg_m3(SAMPLE_DATES[day.ravel()], lon.ravel(), lat[point].ravel(), alt.ravel(),
                                 f.ravel(), f.ravel(), ap.ravel()).reshape(alt.shape)
        return cls(np.log(rho.mean(axis=(3, 4))))

    def profiles(self, f107_sfu, ap) -> np.ndarray:
        """Log density [time, altitude level] for activity given per time (bilinear in F10.7
        and Ap; F10.7 clipped to the grid, Ap extrapolated linearly)."""
        f = np.clip(np.asarray(f107_sfu, float), F107_LEVELS_SFU[0], F107_LEVELS_SFU[-1])
        i = np.clip(np.searchsorted(F107_LEVELS_SFU, f) - 1, 0, F107_LEVELS_SFU.size - 2)
        wf = (f - F107_LEVELS_SFU[i]) / (F107_LEVELS_SFU[i + 1] - F107_LEVELS_SFU[i])
        wa = (np.asarray(ap, float) - AP_LEVELS[0]) / (AP_LEVELS[1] - AP_LEVELS[0])
        t = self.log_rho.transpose(1, 2, 0)  # [F, Ap, altitude]
        by_ap = t[i] * (1 - wf)[:, None, None] + t[i + 1] * wf[:, None, None]
        return by_ap[:, 0] * (1 - wa)[:, None] + by_ap[:, 1] * wa[:, None]


def profile_at(log_rho_profiles: np.ndarray, altitude_km) -> tuple[np.ndarray, np.ndarray]:
    """Density (kg/m3) and local scale height (km) at altitude_km [...] from log density profiles
    [..., altitude level] that broadcast against it (one profile for all, or one each)."""
    h = np.clip(np.asarray(altitude_km, float), ALTITUDES_KM[0], ALTITUDES_KM[-1] - 1e-9)
    step = ALTITUDES_KM[1] - ALTITUDES_KM[0]
    k = ((h - ALTITUDES_KM[0]) // step).astype(int)
    profiles = np.asarray(log_rho_profiles)
    if profiles.ndim == 1:
        lo, hi = profiles[k], profiles[k + 1]
    else:  # gather along the last axis from a broadcast view: no copy of the profiles
        profiles = np.broadcast_to(profiles, (*h.shape, ALTITUDES_KM.size))
        lead = np.indices(h.shape, sparse=True)
        lo, hi = profiles[(*lead, k)], profiles[(*lead, k + 1)]
    slope = (hi - lo) / step
    return np.exp(lo + slope * (h - ALTITUDES_KM[k])), -1.0 / slope


def density_at_altitudes(log_rho_profiles: np.ndarray, altitude_km) -> np.ndarray:
    """Density (kg/m3) [time, object] of objects held at fixed altitudes [object] through log
    density profiles [time, altitude level]: the station-keeping case, one gather per level."""
    h = np.clip(np.asarray(altitude_km, float), ALTITUDES_KM[0], ALTITUDES_KM[-1] - 1e-9)
    step = ALTITUDES_KM[1] - ALTITUDES_KM[0]
    k = ((h - ALTITUDES_KM[0]) // step).astype(int)
    w = (h - ALTITUDES_KM[k]) / step
    return np.exp(log_rho_profiles[:, k] * (1.0 - w) + log_rho_profiles[:, k + 1] * w)
