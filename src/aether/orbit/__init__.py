"""Where everything is and whether it sees the Sun: elements, TLEs, SGP4 propagation,
frames, the Sun, Earth's shadow and eclipse seasons."""
