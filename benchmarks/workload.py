"""Workload benchmark: one simulated week shaped like project-aether (1 ship of 10,000
B200s, 100 user sites, 10 s steps) with the default frontier training job (405B on 8,192
GPUs), fine-tuning, and global inference of a 70B model at the default demand (50 million
requests a day, 350 million in the week; at least 50 million required).

The inputs are SYNTHETIC (aether.workload.synthetic_inputs: an eclipse dip each orbit,
round trips of 20-80 ms), so the benchmark does not depend on the ship and network stages.

Prints simulated inference requests per second of wall time on one core (target
>= 500,000), the peak memory of the process (target < 4 GB), and the ratio to a plain
per-request Python loop (heapq of replica free times, one request at a time), timed on a
sample of steps and scaled.

    .venv/bin/python benchmarks/workload.py
    .venv/bin/python benchmarks/workload.py --days 1 --requests-per-day 1e7
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import heapq  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from aether.settings.workload import Inference  # noqa: E402
from aether.workload import WorkloadSettings, simulate_workload, synthetic_inputs  # noqa: E402
from aether.workload.demand import expected_requests  # noqa: E402
from aether.workload.serving import inference_replica  # noqa: E402


def plain_loop(settings: WorkloadSettings, inputs, replicas: int, steps: int, seed: int) -> tuple:
    """Per-request reference: draw each request, route it to the lowest round trip, serve it
    FIFO on the replica that frees first (heapq), record its TTFT. Returns (requests, seconds)."""
    inf = settings.inference
    rep = inference_replica(inf, inputs.accelerator)
    rng = np.random.default_rng(seed)
    share = np.array([c.share for c in inf.demand.classes])
    start = inputs.start_utc
    sod0 = start.hour * 3600 + start.minute * 60 + start.second
    lam = expected_requests(inf.demand, sod0 + np.arange(steps) * inputs.step_s,
                            inputs.site_lon_deg, inputs.site_population, inputs.step_s)
    counts = rng.poisson(lam[:, :, None] * share[None, None, :])
    began = time.perf_counter()
    free = [[0.0] * replicas for _ in range(inputs.n_ships)]
    service = rep.service_s.tolist()
    prefill = rep.prefill_s(np.arange(len(share)), rep.batch_cap).tolist()
    ttft = []
    n = 0
    step = inputs.step_s
    for t in range(steps):
        rtt_t = inputs.rtt_ms[t]
        for s in range(inputs.n_sites):
            row = rtt_t[s].tolist()
            for k, c in enumerate(counts[t, s].tolist()):
                for _ in range(c):
                    arrival = (t + rng.random()) * step
                    ship = min(range(len(row)), key=row.__getitem__)
                    heap = free[ship]
                    ready = heapq.heappop(heap)
                    begin = arrival if arrival > ready else ready
                    heapq.heappush(heap, begin + service[k])
                    ttft.append(row[ship] + 1000.0 * (begin - arrival + prefill[k]))
                    n += 1
    np.percentile(ttft, [50, 95, 99])
    return n, time.perf_counter() - began


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=float, default=7.0)
    ap.add_argument("--step-s", type=float, default=10.0)
    ap.add_argument("--requests-per-day", type=float, default=None)
    ap.add_argument("--sample-steps", type=int, default=60)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()

    settings = WorkloadSettings()
    if args.requests_per_day is not None:
        inference = settings.inference.model_copy(update={
            "demand": settings.inference.demand.model_copy(
                update={"requests_per_day": args.requests_per_day})})
        settings = settings.model_copy(update={"inference": Inference.model_validate(
            inference.model_dump())})
    inputs = synthetic_inputs(n_ships=1, gpus_per_ship=10_000, n_sites=100,
                              duration_s=args.days * 86400.0, step_s=args.step_s, seed=args.seed)
    began = time.perf_counter()
    result = simulate_workload(settings, inputs, seed=args.seed)
    wall = time.perf_counter() - began
    m = result.metrics()
    inf = m["inference"]
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9
    rate = inf["requests"] / result.timings_s["inference_s"]
    job = m["training"]["frontier-405b"]

    replicas = result.inference.replicas_per_ship[0]
    n_loop, s_loop = plain_loop(settings, inputs, int(replicas), args.sample_steps, args.seed)
    loop_rate = n_loop / s_loop

    print(f"simulated: {args.days:g} days at {args.step_s:g} s steps, 1 ship x 10,000 "
          f"{inputs.accelerator.name}, {inputs.n_sites} sites (synthetic inputs)")
    print(f"inference requests: {inf['requests']:,} ({inf['cohorts']:,} cohorts), "
          f"served {inf['requests_served']:,}, dropped {inf['requests_dropped']:,}; "
          f"TTFT p50/p95/p99 {inf['ttft_ms']['p50']}/{inf['ttft_ms']['p95']}/"
          f"{inf['ttft_ms']['p99']} ms; SLO attainment {inf['slo_attainment']}")
    print(f"training {job['compute_flops']:.3g} FLOPs: {job['wall_clock_days']} days "
          f"(ideal {job['ideal_days']}), goodput {job['goodput']}, "
          f"{job['checkpoints']:,} checkpoints, {job['restarts']} restarts, "
          f"{result.events_fired:,} events in {result.timings_s['events_s']:.2f} s")
    print(f"wall time: {wall:.2f} s total, inference {result.timings_s['inference_s']:.2f} s")
    print(f"simulated requests per second of wall time (inference, one core): {rate:,.0f} "
          f"(target >= 500,000)")
    print(f"  whole stage incl. training events: {inf['requests'] / wall:,.0f}")
    print(f"peak memory: {peak_gb:.2f} GB (target < 4 GB)")
    print(f"plain per-request loop: {n_loop:,} requests of {args.sample_steps} steps in "
          f"{s_loop:.2f} s = {loop_rate:,.0f} req/s; the week would take "
          f"{inf['requests'] / loop_rate:,.0f} s; speed-up {rate / loop_rate:,.1f}x")


if __name__ == "__main__":
    main()
