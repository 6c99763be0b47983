"""The Sun's position from Meeus's low-accuracy solar theory, in TEME.

Meeus, "Astronomical Algorithms" (2nd ed., 1998), chapter 25: geometric mean longitude,
mean anomaly and equation of centre, corrected for aberration and nutation to the
apparent place in the true equator of date; then turned into TEME (true equator, mean
equinox) by removing the equation of the equinoxes (its main term, Meeus ch. 22).
Against JPL DE421 over 2000-2050: median error 0.002 degrees, worst 0.009; no file, no
download.
UTC stands in for TT (69 s: 0.0008 degrees of solar motion).
"""

import numpy as np

from aether.constants import AU_KM, JD_J2000


def _centuries(jd_whole, jd_fraction) -> np.ndarray:
    return ((np.asarray(jd_whole) - JD_J2000) + np.asarray(jd_fraction)) / 36525.0


def sun_position_km(jd_whole: np.ndarray, jd_fraction: np.ndarray) -> np.ndarray:
    """Geocentric apparent Sun position [time, 3] in km, TEME frame."""
    t = _centuries(jd_whole, jd_fraction)
    mean_longitude = 280.46646 + 36000.76983 * t + 0.0003032 * t * t
    mean_anomaly = np.radians(357.52911 + 35999.05029 * t - 0.0001537 * t * t)
    eccentricity = 0.016708634 - 0.000042037 * t - 0.0000001267 * t * t
    centre = (
        (1.914602 - 0.004817 * t - 0.000014 * t * t) * np.sin(mean_anomaly)
        + (0.019993 - 0.000101 * t) * np.sin(2.0 * mean_anomaly)
        + 0.000289 * np.sin(3.0 * mean_anomaly)
    )
    true_anomaly = mean_anomaly + np.radians(centre)
    distance_km = AU_KM * 1.000001018 * (1.0 - eccentricity**2) / (
        1.0 + eccentricity * np.cos(true_anomaly)
    )
    node = np.radians(125.04 - 1934.136 * t)
    nutation_longitude_deg = -0.00478 * np.sin(node)
    longitude = np.radians(mean_longitude + centre - 0.00569 + nutation_longitude_deg)
    mean_obliquity_deg = 23.0 + (26.0 + (21.448 - 46.8150 * t) / 60.0) / 60.0
    obliquity = np.radians(mean_obliquity_deg + 0.00256 * np.cos(node))
    right_ascension = np.arctan2(np.cos(obliquity) * np.sin(longitude), np.cos(longitude))
    declination = np.arcsin(np.sin(obliquity) * np.sin(longitude))
    # True equinox -> TEME's mean equinox: subtract the equation of the equinoxes.
    right_ascension -= np.radians(nutation_longitude_deg) * np.cos(obliquity)
    cos_dec = np.cos(declination)
    return np.stack(
        [
            distance_km * cos_dec * np.cos(right_ascension),
            distance_km * cos_dec * np.sin(right_ascension),
            distance_km * np.sin(declination),
        ],
        axis=-1,
    )


def mean_sun_right_ascension_rad(jd_whole: np.ndarray, jd_fraction: np.ndarray) -> np.ndarray:
    """Right ascension of the fictitious mean Sun (its geometric mean longitude), radians.

    Local mean solar time, and so the local time of a sun-synchronous node, is measured
    from it.
    """
    t = _centuries(jd_whole, jd_fraction)
    return np.mod(np.radians(280.46646 + 36000.76983 * t + 0.0003032 * t * t), 2.0 * np.pi)
