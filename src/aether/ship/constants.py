"""World constants of the ship models, each with its source. SI units."""

# Stefan-Boltzmann constant, W m^-2 K^-4 (CODATA 2018, exact from the SI redefinition).
STEFAN_BOLTZMANN_W_M2_K4 = 5.670374419e-8
# Total solar irradiance at 1 AU (Kopp & Lean 2011, GRL 38 L01706).
SOLAR_CONSTANT_W_M2 = 1361.0
# Mean Bond albedo of the Earth (about 0.30; Stephens et al. 2015, "The albedo of Earth", Rev. Geophys. 53).
EARTH_ALBEDO = 0.30
# Mean outgoing long-wave radiation of the Earth, W/m^2 (about 237-240; Trenberth, Fasullo &
# Kiehl 2009, "Earth's global energy budget", BAMS 90).
EARTH_IR_W_M2 = 237.0
# Celsius to kelvin offset (SI).
ZERO_C_K = 273.15
J_PER_KWH = 3.6e6
