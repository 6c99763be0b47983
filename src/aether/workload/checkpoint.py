"""Checkpoints: their size, what writing one costs, and the interval between them."""

import math


def checkpoint_bytes(parameters: float, bytes_per_param: float = 16.0) -> float:
    """Bytes of a full training checkpoint: weights plus optimizer state.

    16 bytes/param for mixed-precision Adam (Rajbhandari et al. 2020, ZeRO, section 3.1).
    """
    return parameters * bytes_per_param


def young_interval_s(checkpoint_cost_s: float, mtbf_s: float) -> float:
    """Young's optimal checkpoint interval sqrt(2 C M) (Young 1974, CACM 17(9))."""
    return math.sqrt(2.0 * checkpoint_cost_s * mtbf_s)


def daly_interval_s(checkpoint_cost_s: float, mtbf_s: float) -> float:
    """Daly's higher-order optimum (Daly 2006, FGCS 22(3), eq. 37); M when C >= 2M."""
    c, m = checkpoint_cost_s, mtbf_s
    if c >= 2.0 * m:
        return m
    x = math.sqrt(c / (2.0 * m))
    return math.sqrt(2.0 * c * m) * (1.0 + x / 3.0 + x * x / 9.0) - c
