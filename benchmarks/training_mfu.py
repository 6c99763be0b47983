"""Training MFU for a grid of 100,000 layouts in one vectorised call against a plain
per-layout Python loop over the same function (scalars), as a ratio; the answers must agree.

Usage: python benchmarks/training_mfu.py
"""

import time

import numpy as np

from aether.settings.hardware import lookup
from aether.workload import training_step
from aether.workload.parallelism import model_efficiencies

N = 100_000
LOOP = 2_000  # layouts timed one by one; the loop's time is scaled to N


def grid(rng: np.random.Generator) -> dict:
    """Random layouts of Llama 3 405B-like models on up to 32,768 GPUs."""
    tp = rng.choice([1, 2, 4, 8], N)
    pp = rng.choice([1, 2, 4, 8, 16], N)
    cp = rng.choice([1, 2], N)
    dp = rng.integers(1, 257, N)
    return dict(parameters=rng.uniform(8e9, 405e9, N), layers=rng.integers(32, 127, N),
                hidden=rng.choice([4096, 8192, 16384], N), sequence_tokens=8192,
                global_batch_tokens=rng.choice([4e6, 16e6], N), gpus=tp * pp * cp * dp, tensor_parallel=tp,
                pipeline_parallel=pp, context_parallel=cp, virtual_stages=rng.integers(1, 5, N),
                micro_batch_sequences=1)


def main() -> None:
    acc = lookup("H100-SXM")
    hw = dict(peak_flops=acc.peak_flops(), attention_peak_flops=acc.peak_flops(),
              hbm_bytes_per_s=acc.hbm_bytes_per_s, scale_up_bus_bytes_per_s=acc.allreduce_bytes_per_s,
              scale_up_latency_s=acc.link_latency_s, scale_out_bytes_per_s=acc.scale_out_bytes_per_s,
              scale_up_gpus=acc.scale_up_gpus, efficiencies=model_efficiencies())
    layouts = grid(np.random.default_rng(0))
    t0 = time.perf_counter()
    mfu = training_step(**layouts, **hw).mfu
    vector_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    loop = [float(training_step(**{k: (v[i] if np.ndim(v) else v) for k, v in layouts.items()}, **hw).mfu)
            for i in range(LOOP)]
    loop_s = (time.perf_counter() - t0) * N / LOOP
    assert np.allclose(mfu[:LOOP], loop, rtol=1e-12)
    print(f"training MFU, {N:,} layouts: vectorised {vector_s:.3f} s; per-layout loop {loop_s:.1f} s "
          f"(timed on {LOOP:,}, scaled); ratio {loop_s / vector_s:,.0f}x; MFU {mfu.min():.3f} to {mfu.max():.3f}")


if __name__ == "__main__":
    main()
