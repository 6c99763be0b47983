"""Frames: TEME (what SGP4 gives) to Earth-fixed, and Earth-fixed to WGS84 geodetic.

TEME -> Earth-fixed is a rotation by Greenwich mean sidereal time (IAU-82, Vallado 2013
eq. 3-47) with UT1 taken as UTC and polar motion neglected: both are metre-level in LEO.
"""

import numpy as np

from aether.constants import (
    EARTH_ROTATION_RAD_S,
    JD_J2000,
    SECONDS_PER_DAY,
    WGS84_FLATTENING,
    WGS84_RADIUS_KM,
)


def gmst_rad(jd_whole: np.ndarray, jd_fraction: np.ndarray) -> np.ndarray:
    """Greenwich mean sidereal angle in radians for Julian dates (whole + fraction, UT1)."""
    t_centuries = ((jd_whole - JD_J2000) + jd_fraction) / 36525.0
    seconds = (
        67310.54841
        + (876600.0 * 3600.0 + 8640184.812866) * t_centuries
        + 0.093104 * t_centuries**2
        - 6.2e-6 * t_centuries**3
    )
    return np.mod(seconds, SECONDS_PER_DAY) * (2.0 * np.pi / SECONDS_PER_DAY)


def teme_to_ecef(
    x: np.ndarray, y: np.ndarray, z: np.ndarray, gmst: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rotate TEME components [time, object] into Earth-fixed ones; gmst is per time step."""
    cos_g = np.cos(gmst)[:, None]
    sin_g = np.sin(gmst)[:, None]
    return cos_g * x + sin_g * y, cos_g * y - sin_g * x, z


def teme_velocity_to_ecef(
    vx: np.ndarray, vy: np.ndarray, vz: np.ndarray,
    x_ecef: np.ndarray, y_ecef: np.ndarray, gmst: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Earth-fixed velocity: the rotated TEME velocity minus omega x r_ecef."""
    vxr, vyr, vzr = teme_to_ecef(vx, vy, vz, gmst)
    return vxr + EARTH_ROTATION_RAD_S * y_ecef, vyr - EARTH_ROTATION_RAD_S * x_ecef, vzr


def ecef_to_geodetic(x_km, y_km, z_km):
    """WGS84 latitude (deg), longitude (deg) and height (km) by Bowring's method.

    Two Bowring iterations are accurate to well below a millimetre from the ground to
    geostationary height (Bowring 1976, Survey Review 23:181).
    """
    a = WGS84_RADIUS_KM
    f = WGS84_FLATTENING
    b = a * (1.0 - f)
    e2 = f * (2.0 - f)
    ep2 = e2 / (1.0 - e2)
    p = np.hypot(x_km, y_km)
    beta = np.arctan2(a * z_km, b * p)
    for _ in range(2):
        sin_b, cos_b = np.sin(beta), np.cos(beta)
        lat = np.arctan2(z_km + ep2 * b * sin_b**3, p - e2 * a * cos_b**3)
        beta = np.arctan2((1.0 - f) * np.sin(lat), np.cos(lat))
    sin_lat, cos_lat = np.sin(lat), np.cos(lat)
    n = a / np.sqrt(1.0 - e2 * sin_lat**2)
    height = p * cos_lat + z_km * sin_lat - a * a / n
    return np.degrees(lat), np.degrees(np.arctan2(y_km, x_km)), height


def geodetic_to_ecef(lat_deg, lon_deg, height_km):
    """WGS84 geodetic to Earth-fixed km (the closed-form forward transform)."""
    a = WGS84_RADIUS_KM
    e2 = WGS84_FLATTENING * (2.0 - WGS84_FLATTENING)
    lat, lon = np.radians(lat_deg), np.radians(lon_deg)
    n = a / np.sqrt(1.0 - e2 * np.sin(lat) ** 2)
    x = (n + height_km) * np.cos(lat) * np.cos(lon)
    y = (n + height_km) * np.cos(lat) * np.sin(lon)
    z = (n * (1.0 - e2) + height_km) * np.sin(lat)
    return x, y, z


def teme_to_gcrs_matrix(jd_whole: np.ndarray, jd_fraction: np.ndarray) -> np.ndarray:
    """[time, 3, 3] rotations taking TEME vectors (what SGP4 gives) into the GCRS, the
    geocentric frame of the ICRF: what CesiumJS means by CZML's INERTIAL frame.

    TEME is the true equator and the mean equinox of date, so TEME -> true of date is a
    rotation about z by the equation of the equinoxes (IAU 1994, SOFA eqeq94), and true of
    date -> GCRS the transposed bias-precession-nutation matrix (IAU 2006/2000A, SOFA
    pnm06a); Vallado 2013 section 3.7 and Vallado et al. 2006 (AIAA 2006-6753) appendix C.
    Dates are UTC; SOFA's leap-second table turns them into TT. Without the IERS
    corrections dPsi/dEps this reproduces Vallado's Example 3-15 GCRF vector to 0.2 m.
    """
    import warnings

    import erfa

    with warnings.catch_warnings():  # "dubious year": past the leap-second table, a second off is harmless
        warnings.simplefilter("ignore", erfa.ErfaWarning)
        tt1, tt2 = erfa.taitt(*erfa.utctai(np.asarray(jd_whole, float), np.asarray(jd_fraction, float)))
    equinoxes = erfa.eqeq94(tt1, tt2)
    cos_e, sin_e = np.cos(equinoxes), np.sin(equinoxes)
    to_true = np.zeros(np.shape(equinoxes) + (3, 3))
    to_true[..., 0, 0], to_true[..., 0, 1] = cos_e, -sin_e
    to_true[..., 1, 0], to_true[..., 1, 1] = sin_e, cos_e
    to_true[..., 2, 2] = 1.0
    return np.swapaxes(erfa.pnm06a(tt1, tt2), -1, -2) @ to_true
