"""From the power a ship gives its servers to the compute they deliver.

Operating policy under a power or heat shortage: first cap every GPU's power along the
power-performance curve down to its lowest settable limit; below that, switch GPUs off
together with their share of the server overhead (shed load). Continuous and monotone.
"""

import numpy as np

from aether.settings.hardware import PowerCurve


def throughput_fraction(compute_w, gpu_w, overhead_w, min_power_fraction, curve: PowerCurve):
    """Fraction of nominal throughput when the servers get compute_w (W); arrays broadcast.

    gpu_w and overhead_w are the whole ship's GPU board power and server overhead at
    full power.
    """
    compute_w = np.maximum(compute_w, 0.0)
    floor_w = overhead_w + min_power_fraction * gpu_w
    capped = curve.throughput((compute_w - overhead_w) / gpu_w)
    shed = curve.throughput(min_power_fraction) * compute_w / floor_w
    return np.where(compute_w >= floor_w, capped, shed)
