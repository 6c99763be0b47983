"""Fitting the serving model's engine parameters: bounded least squares from several starts.

Both fits of the four engine parameters use it: the defaults, fitted to published serving
results (benchmarks/serving_fit.py), and `aether calibrate`, fitted to a GPU's own
micro-benchmark. The residuals are logarithms of model / measured, so a 10 % error costs
the same on a 5 ms step as on a 500 ms prefill. The serving model has steps (whole chunks,
whole sequences), so derivatives are taken over a share of each parameter (diff_step), and
the best of several starts is kept.
"""

from collections.abc import Callable, Sequence

import numpy as np

from aether.settings.calibration import EngineParameters

# The engine parameters of aether.settings.workload.Serving that the fits choose, in order:
# gemm_efficiency, hbm_efficiency, step_overhead_s, sequence_overhead_s.
ENGINE_PARAMETERS = tuple(EngineParameters.model_fields)


def fit_engine(residuals: Callable[[np.ndarray], np.ndarray], starts: Sequence[Sequence[float]],
               lower: Sequence[float], upper: Sequence[float], scale: Sequence[float],
               diff_step: float = 0.02) -> list:
    """scipy's least_squares (trust region reflective) from each start within the bounds;
    the results, best (lowest cost) first."""
    from scipy.optimize import least_squares

    fits = [least_squares(residuals, np.clip(start, lower, upper), bounds=(lower, upper), x_scale=scale,
                          diff_step=diff_step) for start in starts]
    return sorted(fits, key=lambda f: f.cost)


def log_errors(modelled, measured) -> np.ndarray:
    """log(modelled / measured), elementwise: the residuals of both fits."""
    return np.log(np.asarray(modelled, float) / np.asarray(measured, float))
