"""Earth's shadow by the conical model: the fraction of the Sun's disc a spacecraft sees.

Montenbruck & Gill, "Satellite Orbits" (2000), section 3.4.2: the Sun and the Earth as
discs of apparent radii a and b at angular separation c; the visible fraction is one
minus the overlap area over the Sun's disc. 1 is full sunlight, 0 is umbra, values in
between are penumbra.
"""

import numpy as np

from aether.constants import SUN_RADIUS_KM, WGS84_RADIUS_KM


def sunlit_fraction(
    x: np.ndarray, y: np.ndarray, z: np.ndarray, sun_km: np.ndarray,
    earth_radius_km: float = WGS84_RADIUS_KM,
) -> np.ndarray:
    """Visible fraction of the solar disc for positions [time, object] (km, any inertial frame)
    given the Sun's position sun_km [time, 3] in the same frame."""
    sx, sy, sz = (sun_km[:, k, None] for k in range(3))
    dx, dy, dz = sx - x, sy - y, sz - z
    r = np.sqrt(x * x + y * y + z * z)
    d = np.sqrt(dx * dx + dy * dy + dz * dz)
    cos_c = -(x * dx + y * dy + z * dz) / (r * d)
    sep = np.arccos(np.clip(cos_c, -1.0, 1.0))
    a = np.arcsin(SUN_RADIUS_KM / d)
    b = np.arcsin(np.minimum(earth_radius_km / r, 1.0))

    fraction = np.ones_like(sep)
    shadowed = sep < a + b
    if not shadowed.any():
        return fraction
    a_s, b_s, c_s = a[shadowed], b[shadowed], sep[shadowed]
    visible = np.zeros_like(c_s)
    annular = c_s <= a_s - b_s
    visible[annular] = 1.0 - (b_s[annular] / a_s[annular]) ** 2
    partial = (c_s > np.abs(a_s - b_s)) & ~annular
    ap, bp, cp = a_s[partial], b_s[partial], c_s[partial]
    xx = (cp * cp + ap * ap - bp * bp) / (2.0 * cp)
    yy = np.sqrt(np.maximum(ap * ap - xx * xx, 0.0))
    overlap = (
        ap * ap * np.arccos(np.clip(xx / ap, -1.0, 1.0))
        + bp * bp * np.arccos(np.clip((cp - xx) / bp, -1.0, 1.0))
        - cp * yy
    )
    visible[partial] = 1.0 - overlap / (np.pi * ap * ap)
    fraction[shadowed] = visible
    return fraction


def beta_angle_deg(
    r_km: np.ndarray, v_km_s: np.ndarray, sun_km: np.ndarray
) -> np.ndarray:
    """Angle between the orbit plane and the Sun direction, degrees, for [..., 3] vectors."""
    h = np.cross(r_km, v_km_s)
    h /= np.linalg.norm(h, axis=-1, keepdims=True)
    s = sun_km / np.linalg.norm(sun_km, axis=-1, keepdims=True)
    return np.degrees(np.arcsin(np.clip(np.sum(h * s, axis=-1), -1.0, 1.0)))
