"""Physical constants from the world, each with its source.

SI units unless the name says otherwise.
"""

# WGS72, the constants SGP4 is defined with (Vallado et al. 2006, "Revisiting Spacetrack
# Report #3", AIAA 2006-6753).
WGS72_MU_KM3_S2 = 398600.8
WGS72_RADIUS_KM = 6378.135
WGS72_J2 = 0.001082616

# WGS84 for geodetic output (NIMA TR8350.2, 3rd ed.).
WGS84_RADIUS_KM = 6378.137
WGS84_FLATTENING = 1.0 / 298.257223563

# Second zonal harmonic used for the sun-synchronous condition (EGM96 C20 -> J2).
J2 = 1.08263e-3

# Mean solar radius, IAU 2015 Resolution B3 nominal value.
SUN_RADIUS_KM = 695700.0
# Astronomical unit, IAU 2012 Resolution B2.
AU_KM = 149597870.7

# Speed of light in vacuum (exact, SI).
C_KM_S = 299792.458

# Earth's rotation rate relative to the stars (IERS Conventions 2010).
EARTH_ROTATION_RAD_S = 7.292115e-5

# Tropical year in days (Astronomical Almanac); the rate a sun-synchronous node must follow.
TROPICAL_YEAR_DAYS = 365.2421897

# Time units. A year here is the Julian year (365.25 days), the IAU's unit for rates per year.
SECONDS_PER_HOUR = 3600.0
SECONDS_PER_DAY = 86400.0
DAYS_PER_YEAR = 365.25
HOURS_PER_YEAR = DAYS_PER_YEAR * 24.0
SECONDS_PER_YEAR = DAYS_PER_YEAR * SECONDS_PER_DAY
# Julian date of J2000.0 (2000-01-01 12:00 TT; used here on the UTC scale).
JD_J2000 = 2451545.0
# Julian date of the SGP4 epoch origin, 1949-12-31 00:00 UT.
JD_SGP4_EPOCH0 = 2433281.5
