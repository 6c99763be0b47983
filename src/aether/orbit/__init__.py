"""Where everything is and whether it sees the Sun: elements, TLEs, SGP4 propagation,
frames, the Sun, Earth's shadow and eclipse seasons.

The stage's public surface; other stages use these names, never the modules behind them.
"""

from aether.orbit.atmosphere import (
    DensityTable,
    density_at_altitudes,
    msis_density_kg_m3,
    orbit_samples,
    profile_at,
)
from aether.orbit.build import OrbitSet, build_orbits
from aether.orbit.debris import SIZE_CLASSES, avoidance_manoeuvres_per_year, flux_per_m2_year
from aether.orbit.decay import (
    REENTRY_ALTITUDE_KM,
    Decay,
    circular_speed_m_s,
    decay,
    decay_rate_m_s,
    drag_deceleration_m_s2,
)
from aether.orbit.frames import ecef_to_geodetic, geodetic_to_ecef
from aether.orbit.oem import write_oem_files
from aether.orbit.omm import OMMError, parse_omm
from aether.orbit.positions import PositionSource, Propagated, StoredPositions, gcrs_positions_km, stored_positions
from aether.orbit.propagate import OrbitChunk, iter_chunks
from aether.orbit.seasons import Seasons, eclipse_seasons, mean_radius_km, period_min
from aether.orbit.solar_cycle import ACTIVITIES, solar_indices
from aether.orbit.stage import TRACKED_GROUP_LIMIT, OrbitResult, Track, run_orbit_stage, tracked_indices
from aether.orbit.tle import TLEError, format_tles, parse_tles

__all__ = [
    "ACTIVITIES", "REENTRY_ALTITUDE_KM", "SIZE_CLASSES", "Decay", "DensityTable", "avoidance_manoeuvres_per_year",
    "circular_speed_m_s", "decay", "density_at_altitudes", "decay_rate_m_s", "drag_deceleration_m_s2",
    "flux_per_m2_year",
    "msis_density_kg_m3", "orbit_samples", "profile_at", "solar_indices",
    "TRACKED_GROUP_LIMIT", "OMMError", "OrbitChunk", "OrbitResult", "OrbitSet", "PositionSource",
    "Propagated", "Seasons", "StoredPositions", "TLEError", "Track", "build_orbits", "ecef_to_geodetic",
    "eclipse_seasons", "format_tles", "gcrs_positions_km", "geodetic_to_ecef", "iter_chunks", "mean_radius_km",
    "parse_omm", "parse_tles", "period_min", "run_orbit_stage", "stored_positions", "tracked_indices",
    "write_oem_files",
]
