"""Flux of orbital debris by size class against altitude, and the conjunction rate of a large
constellation, from published figures.

Flux of objects above 10 cm = spatial density x mean impact speed. The spatial density of
catalogued objects by altitude is an ASSUMPTION read approximately (within about a factor of
two) from the spatial-density-against-altitude figures of NASA's Orbital Debris Quarterly
News and ESA's Space Environment Report 2024 (the 550 km peak is the Starlink shells); it
is no substitute for a run of ESA MASTER-8 or NASA ORDEM 3.2 at the ship's orbit, which
should replace it. Smaller classes scale with ESA's population estimates ("Space debris by
the numbers", ESA Space Debris Office, 2025: about 54,000 objects above 10 cm, 1.2 million
from 1 to 10 cm, 140 million from 1 mm to 1 cm).
"""

import numpy as np

from aether.constants import SECONDS_PER_YEAR

ALTITUDES_KM = np.array([300.0, 400.0, 500.0, 550.0, 600.0, 700.0, 800.0, 900.0, 1000.0, 1200.0, 1500.0])
# Catalogued objects per km^3 (see the module docstring).
SPATIAL_DENSITY_PER_KM3 = np.array([2e-9, 1e-8, 3e-8, 8e-8, 4e-8, 4e-8, 7e-8, 5e-8, 3e-8, 2e-8, 1e-8])
# Mean relative speed of debris impacts in LEO, about 10 km/s (ORDEM 3.0 User's Guide,
# NASA/TP-2014-217370).
IMPACT_SPEED_KM_S = 10.0
# Objects above each size, over those above 10 cm (ESA 2025, above).
SIZE_CLASSES = ("above_1mm", "above_1cm", "above_10cm")
CLASS_SCALE = {"above_1mm": (140e6 + 1.2e6 + 54e3) / 54e3, "above_1cm": (1.2e6 + 54e3) / 54e3, "above_10cm": 1.0}

# Starlink's collision-avoidance manoeuvres: 49,384 from 1 December 2023 to 31 May 2024
# (SpaceX semi-annual constellation status report to the FCC, July 2024) with about 5,800
# satellites in orbit, near 550 km, at SpaceX's threshold of a 1e-5 collision probability.
STARLINK_MANOEUVRES_PER_SATELLITE_YEAR = 49_384 / (0.5 * 5_800)
STARLINK_ALTITUDE_KM = 550.0
# Cross-section of the satellites of that period (ASSUMPTION: a mix of V1.5, about 30 m2 of
# array, and V2 mini, 105 m2 of array (Suncatcher, arXiv 2511.19468), with their buses).
STARLINK_CROSS_SECTION_M2 = 60.0


def flux_per_m2_year(altitude_km, size_class: str) -> np.ndarray:
    """Expected impacts per m2 of cross-section per year of debris above a size at altitude_km
    (log-linear between the tabulated altitudes)."""
    if size_class not in CLASS_SCALE:
        raise ValueError(f"unknown size class {size_class!r} (allowed: {', '.join(SIZE_CLASSES)})")
    density = np.exp(np.interp(altitude_km, ALTITUDES_KM, np.log(SPATIAL_DENSITY_PER_KM3)))
    per_km2_s = density * IMPACT_SPEED_KM_S
    return CLASS_SCALE[size_class] * per_km2_s * SECONDS_PER_YEAR / 1e6


def avoidance_manoeuvres_per_year(cross_section_m2, altitude_km) -> np.ndarray:
    """Starlink's manoeuvre rate scaled by cross-section and by the flux of tracked objects at
    the altitude against Starlink's: the probability a conjunction passes a fixed threshold
    grows with both."""
    ratio = flux_per_m2_year(altitude_km, "above_10cm") / flux_per_m2_year(STARLINK_ALTITUDE_KM, "above_10cm")
    return STARLINK_MANOEUVRES_PER_SATELLITE_YEAR * np.asarray(cross_section_m2) / STARLINK_CROSS_SECTION_M2 * ratio
