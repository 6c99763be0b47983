"""Two-body relations on WGS72, the Earth model SGP4 is defined with.

Below the stages: the scenario schema uses them to check an orbit given by mean motion.
"""

import numpy as np

from aether.constants import SECONDS_PER_DAY, WGS72_MU_KM3_S2, WGS72_RADIUS_KM


def semi_major_axis_km(mean_motion_rad_s: float) -> float:
    """Semi-major axis of the two-body orbit with this mean motion, Kepler's third law."""
    return float(np.cbrt(WGS72_MU_KM3_S2 / mean_motion_rad_s**2))


def altitude_from_mean_motion_km(mean_motion_rev_day: float) -> float:
    """Altitude of the circular two-body orbit with this mean motion (rev/day)."""
    return semi_major_axis_km(mean_motion_rev_day * 2.0 * np.pi / SECONDS_PER_DAY) - WGS72_RADIUS_KM
