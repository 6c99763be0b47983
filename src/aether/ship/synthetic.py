"""Analytic shadow and beta timelines for circular orbits, for tests and benchmarks.

A circular orbit of period_s spends eclipse_s per orbit in a cylindrical shadow centred on
orbit angle 180 degrees from the Sun's projection; no penumbra. Beta held constant.
"""

import numpy as np


def circular_shadow(n_steps: int, step_s: float, period_s, eclipse_s, phase=0.0) -> np.ndarray:
    """Sunlit share [time, ship] (0 or 1); period_s, eclipse_s, phase (0..1) broadcast over ships."""
    t = np.arange(n_steps)[:, None] * float(step_s)
    period = np.atleast_1d(np.asarray(period_s, float))
    half = 0.5 * np.atleast_1d(np.asarray(eclipse_s, float)) / period
    angle = np.mod(t / period + np.atleast_1d(np.asarray(phase, float)), 1.0)
    return (np.abs(angle - 0.5) >= half).astype(float)
