"""Solar array output: irradiance x area x cell efficiency x packing x ageing x cosine x shadow."""

import numpy as np

from aether.ship.constants import SOLAR_CONSTANT_W_M2

POINTINGS = ("tracking", "single_axis", "orbit_normal")


def cosine_factor(pointing: str, beta_deg: np.ndarray) -> np.ndarray:
    """Cosine of the Sun's incidence on the array for a pointing mode, from the beta angle.

    tracking: two-axis tracking, always 1. single_axis: the array turns about the orbit
    normal, so the Sun sits beta out of its plane of rotation: cos(beta). orbit_normal:
    fixed normal to the orbit plane: |sin(beta)|.
    """
    beta = np.radians(np.asarray(beta_deg, float))
    if pointing == "tracking":
        return np.ones_like(beta)
    if pointing == "single_axis":
        return np.abs(np.cos(beta))
    if pointing == "orbit_normal":
        return np.abs(np.sin(beta))
    raise ValueError(f"unknown pointing {pointing!r} (allowed: {', '.join(POINTINGS)})")


def ageing_factor(degradation_per_year: float, age_years: float) -> float:
    """Share of beginning-of-life power left after age_years at a steady yearly loss."""
    return (1.0 - degradation_per_year) ** age_years


def array_power_w(
    area_m2, efficiency, packing_factor=1.0, cosine=1.0, sunlit=1.0, ageing=1.0,
    solar_constant_w_m2: float = SOLAR_CONSTANT_W_M2,
):
    """Electrical power of an array (W); every argument broadcasts."""
    for name, value in (("efficiency", efficiency), ("packing_factor", packing_factor)):
        if np.any(np.asarray(value) > 1) or np.any(np.asarray(value) < 0):
            raise ValueError(f"{name} must lie in [0, 1]")
    if np.any(np.asarray(area_m2) < 0):
        raise ValueError("area_m2 must not be negative")
    return solar_constant_w_m2 * area_m2 * efficiency * packing_factor * ageing * cosine * sunlit
