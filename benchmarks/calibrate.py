"""Benchmark: the fit of `aether calibrate`, against a plain scipy.optimize.least_squares call.

The measurements are synthetic: the serving model's own decode steps and prefills for Llama 3
8B, 70B and 405B on an H200 (the full grid: 15 decode points, 3 prefills), with known engine
parameters and 1 % lognormal noise, seeded. Aether's fit (aether.workload.fit_measurements:
from the copy's and matrix product's efficiencies, scaled parameters, relative finite
differences) is timed against one call of scipy's least_squares on the same residuals, bounds
and start, with scipy's defaults. Both are scored by how far
their parameters land from the ones that made the data. Target: each fit under 1 s on one
core (a small share of `aether calibrate --quick`'s minute). Exits 1 when missed.

Usage: python benchmarks/calibrate.py
"""

import sys
import time
from dataclasses import replace

import numpy as np
from scipy.optimize import least_squares

from aether.settings.hardware import lookup
from aether.settings.workload import InferenceModel
from aether.workload import ENGINE_PARAMETERS, GRIDS, Measurements, Shape, fit_measurements, plan
from aether.workload.calibration import fitting_replica, measured_steps_s, modelled_steps_s
from aether.workload.microbench import Device

H200 = lookup("H200-SXM")
TRUTH = {"gemm_efficiency": 0.80, "hbm_efficiency": 0.88, "step_overhead_s": 0.3e-3, "sequence_overhead_s": 2e-6}
NOISE, REPEATS, TARGET_S = 0.01, 5, 1.0


def synthetic(model: InferenceModel, seed: int) -> Measurements:
    device = Device("H200", 143_771 * 2**20, 140 * 2**30, 2, "bfloat16", {})
    p = plan(Shape.of(model), device, GRIDS["full"], model.name)
    batch, context = (np.array(x, float) for x in zip(*p.decode, strict=True))
    prompts = np.array(p.prompts, float)
    m = Measurements(2**31, 2 * 2**31 / (0.9 * H200.hbm_bytes_per_s), 8192, 2 * 8192**3 / (0.8 * H200.peak_flops()),
                     p.layers, model.layers, batch, context, batch, prompts, prompts)
    steps = modelled_steps_s(m, fitting_replica(model, H200, 2, **TRUTH))
    steps = steps * np.exp(np.random.default_rng(seed).normal(0.0, NOISE, steps.size))
    return replace(m, decode_step_s=steps[: batch.size], prefill_step_s=steps[batch.size:])


def plain(m: Measurements, model: InferenceModel) -> dict:
    """scipy's least_squares with its defaults, the same residuals and bounds, one start."""
    measured = measured_steps_s(m)
    shortest = float(measured.min())
    start = (min(m.gemm_flops_per_s / H200.peak_flops(), 1.0), min(m.copy_bytes_per_s / H200.hbm_bytes_per_s, 1.0),
             0.02 * shortest, 0.0)

    def residuals(x):
        r = fitting_replica(model, H200, 2, **dict(zip(ENGINE_PARAMETERS, x, strict=True)))
        return np.log(modelled_steps_s(m, r) / measured)

    bounds = ((1e-6 * start[0], 1e-6 * start[1], 0.0, 0.0), (1.0, 1.0, shortest, shortest / m.decode_batch.max()))
    return dict(zip(ENGINE_PARAMETERS, least_squares(residuals, start, bounds=bounds).x, strict=True))


def timed(run) -> tuple[float, dict]:
    times, result = [], None
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - t0)
    return min(times), result


def worst(parameters: dict) -> str:
    errors = {k: abs(parameters[k] / TRUTH[k] - 1) for k in TRUTH}
    return (f"efficiencies within {max(errors['gemm_efficiency'], errors['hbm_efficiency']):.1%}, "
            f"overheads within {max(errors['step_overhead_s'], errors['sequence_overhead_s']):.0%}")


def main() -> int:
    ok = True
    print(f"aether calibrate's fit, synthetic H200 measurements ({NOISE:.0%} noise), best of {REPEATS}:")
    for name in ("llama3-8b", "llama3-70b", "llama3-405b"):
        model = InferenceModel(name=name)
        m = synthetic(model, seed=1)
        t_fit, fit = timed(lambda: fit_measurements(m, model, H200, 2).parameters)  # noqa: B023
        t_plain, bare = timed(lambda: plain(m, model))  # noqa: B023
        ok &= t_fit < TARGET_S
        share = (TRUTH["step_overhead_s"] + TRUTH["sequence_overhead_s"]) / measured_steps_s(m).min()
        print(f"  {name:12s} overheads {share:.1%} of the shortest step ({NOISE:.0%} noise on each)")
        print(f"  {'':12s} aether {t_fit * 1e3:6.1f} ms ({worst(fit)})")
        print(f"  {'':12s} scipy  {t_plain * 1e3:6.1f} ms ({worst(bare)}); aether / scipy = {t_fit / t_plain:.2f}")
    print(f"  target: each fit under {TARGET_S:g} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
