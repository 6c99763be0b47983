"""Benchmark: 10,000 `aether infer` configurations at once, against a per-configuration loop.

Configurations are drawn at random (seeded): Llama 3 8B, 70B or 405B; H100, H200 or B200;
tensor parallel 1, 2, 4 or 8; bf16 or fp8; prompts of 16 to 32,768 and outputs of 16 to
4,096 tokens; half a closed loop of 1 to 512 clients, half Poisson arrivals at 1 to 100 %
of the replica's capacity. Only configurations whose model fits are kept. The vectorised
run is one call of serve_concurrency and one of serve_rate over arrays; the loop calls the
same functions once per configuration (on scalars), so both run the same formulas.
Target: all 10,000 in under 5 s on one core. Exits 1 when missed.
"""

import sys
import time

import numpy as np

from aether.settings.hardware import lookup
from aether.settings.workload import InferenceModel, Serving
from aether.workload import Replica, replica, serve_concurrency, serve_rate

CONFIGS, LOOP_SAMPLE, TARGET_S = 10_000, 500, 5.0
MODELS, GPUS, TPS, PRECISIONS = ("llama3-8b", "llama3-70b", "llama3-405b"), ("H100-SXM", "H200-SXM", "B200"), \
    (1, 2, 4, 8), ("bf16", "fp8")


def replicas() -> list[Replica]:
    """One replica per (model, GPU, tensor parallel, precision) combination."""
    return [replica(InferenceModel(name=m), Serving(tensor_parallel=tp, precision=p), lookup(g))
            for m in MODELS for g in GPUS for tp in TPS for p in PRECISIONS]


def draw(rng: np.random.Generator, table: list[Replica]) -> dict:
    """Configurations whose model and one request fit the replica."""
    n = 3 * CONFIGS
    kind = rng.integers(0, len(table), n)
    prompt = np.round(np.exp(rng.uniform(np.log(16), np.log(32_768), n)))
    output = np.round(np.exp(rng.uniform(np.log(16), np.log(4096), n)))
    room = np.array([float(r.kv_capacity_tokens) for r in table])[kind]
    keep = np.nonzero(room >= prompt + output)[0][:CONFIGS]
    closed = np.arange(keep.size) < keep.size // 2
    return {"kind": kind[keep], "prompt": prompt[keep], "output": output[keep], "closed": closed,
            "clients": rng.integers(1, 513, keep.size).astype(float), "load": rng.uniform(0.01, 1.0, keep.size)}


def stacked(table: list[Replica], kind: np.ndarray) -> Replica:
    """The replicas of the configurations as one Replica of arrays."""
    fields = Replica.__dataclass_fields__
    return Replica.of(**{f: np.array([float(getattr(r, f)) for r in table])[kind] for f in fields})


def vectorised(table: list[Replica], c: dict) -> np.ndarray:
    """Output tok/s of every configuration: two calls over arrays."""
    out = np.empty(c["kind"].size)
    closed = c["closed"]
    r = stacked(table, c["kind"][closed])
    out[closed] = serve_concurrency(r, c["prompt"][closed], c["output"][closed], c["clients"][closed]) \
        .point.rate_per_s * c["output"][closed]
    opened = ~closed
    r = stacked(table, c["kind"][opened])
    capacity = serve_concurrency(r, c["prompt"][opened], c["output"][opened], 1e9).point.rate_per_s
    out[opened] = serve_rate(r, c["prompt"][opened], c["output"][opened], c["load"][opened] * capacity) \
        .point.rate_per_s * c["output"][opened]
    return out


def loop(table: list[Replica], c: dict, indices) -> np.ndarray:
    """The same, one configuration at a time."""
    out = []
    for i in indices:
        r, p, o = table[c["kind"][i]], c["prompt"][i], c["output"][i]
        if c["closed"][i]:
            rate = serve_concurrency(r, p, o, c["clients"][i]).point.rate_per_s
        else:
            capacity = serve_concurrency(r, p, o, 1e9).point.rate_per_s
            rate = serve_rate(r, p, o, c["load"][i] * capacity).point.rate_per_s
        out.append(float(rate) * o)
    return np.array(out)


def main() -> int:
    table = replicas()
    configs = draw(np.random.default_rng(7), table)
    n = configs["kind"].size
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        fast = vectorised(table, configs)
        times.append(time.perf_counter() - t0)
    t_vec = min(times)
    sample = np.random.default_rng(8).choice(n, LOOP_SAMPLE, replace=False)
    t0 = time.perf_counter()
    slow = loop(table, configs, sample)
    t_loop = (time.perf_counter() - t0) * n / LOOP_SAMPLE
    same = np.allclose(fast[sample], slow, rtol=1e-9)
    print(f"aether infer, {n:,} configurations (3 models x 3 GPUs x TP 1-8 x bf16/fp8, closed and open loop):")
    print(f"  vectorised            {t_vec:8.2f} s   ({n / t_vec:,.0f} configurations/s; target < {TARGET_S:g} s)")
    print(f"  per-configuration loop {t_loop:7.1f} s   (timed on {LOOP_SAMPLE} configurations, scaled; "
          f"loop / vectorised = {t_loop / t_vec:.0f}x; same answers: {same})")
    return 0 if t_vec < TARGET_S and same and n == CONFIGS else 1


if __name__ == "__main__":
    sys.exit(main())
