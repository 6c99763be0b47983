"""Fit the training MFU model's two free parameters to the published rows marked `fit`.

Least squares on log(Aether MFU / published MFU) over the `fit` rows of
benchmarks/training_published.yaml (scipy.optimize.least_squares), from three starts, keeping the
best; prints the parameters that aether.settings.workload holds (TRAINING_GEMM_EFFICIENCY,
TRAINING_ELEMENTWISE_BYTES) and the error on every row.

Usage: python benchmarks/training_fit.py
"""

import numpy as np
import training_validation as tv
from scipy.optimize import least_squares

from aether.workload import Efficiencies


def main() -> None:
    rows = tv.load()["rows"]
    fit = [r for r in rows if r["use"] == "fit"]
    published = np.array([tv.published_mfu(r) for r in fit])

    def residuals(x):
        return np.log(tv.model_mfu(fit, Efficiencies(x[0], x[1])) / published)

    best = min((least_squares(residuals, x0, bounds=([0.05, 0.0], [1.0, 5000.0]))
                for x0 in ([0.5, 0.0], [0.7, 200.0], [0.9, 1000.0])), key=lambda r: r.cost)
    eff = Efficiencies(float(best.x[0]), float(best.x[1]))
    print(f"gemm_efficiency {eff.gemm_efficiency:.3f}, elementwise_bytes {eff.elementwise_bytes:.0f} "
          f"(from {len(fit)} rows)")
    for row, ours in zip(rows, tv.model_mfu(rows, eff), strict=True):
        pub = tv.published_mfu(row)
        print(f"{row['id']:32s} {row['use']:9s} published {pub:6.1%}  Aether {ours:6.1%}  {ours / pub - 1:+6.1%}")


if __name__ == "__main__":
    main()
