"""Benchmark: sweeps on this machine's cores, locally and on Ray, against a plain loop.

1. Sixteen cases whose physics all differ (the Compute Ship's altitude), on a tiny scenario
   (one hour at a minute, three cities, twelve relays): cases per minute in a plain loop of
   aether.simulate in this process, on the local backend (a process pool) and on Ray (a
   local Ray started by the sweep), and each backend's overhead as the ratio of its
   worker-seconds per case (wall time x workers / cases) to the plain loop's seconds per
   case; worker start-up (spawned interpreters, imports) and Ray's start count against it.
2. 1,000 cost-only cases (launch price x GPU price x discount rate) on the local backend:
   the physics and workload run once and are reused, the fleet stage runs per case.
   Against the plain loop's time per case, measured on 20 cases and scaled.
Target: the 1,000 cost-only cases in under 60 s. Exits 1 when missed.
"""

import sys
import tempfile
import time
from pathlib import Path

import yaml

import aether
from aether.parallel import available_cores
from aether.sweep import run_sweep
from aether.sweep.spec import SweepSpec

COST_CASES, TARGET_S, PLAIN_SAMPLE = 1000, 60.0, 20
TINY = {
    "name": "tiny", "run": {"start": "2026-06-21T00:00:00Z", "duration_h": 1, "step_s": 60},
    "spacecraft": [
        {"name": "ship", "role": "compute", "orbit": {"kind": "sun_synchronous", "altitude_km": 650, "ltan_h": 18}},
        {"name": "relays", "role": "relay", "orbit": {"kind": "walker_delta", "altitude_km": 550,
                                                      "inclination_deg": 53, "total": 12, "planes": 3}}],
    "ground": {"users": {"top_cities": 3}, "gateways": [{"name": "Svalbard", "lat_deg": 78.23, "lon_deg": 15.39}]},
}
METRICS = {"usd_per_gpu_hour": "cost.orbit.usd_per_gpu_hour",
           "rtt_p95_ms": {"path": "network.sites.*.rtt_p95_ms", "reduce": "max"}}


def plain_loop(spec: SweepSpec, cases: int) -> float:
    """Seconds for the first `cases` cases as aether.simulate calls in this process, doing
    what a sweep's case does (without the cost's sensitivity rows)."""
    from aether.sweep.cases import read_base, sweep_cases, validate_case

    base = read_base(spec)
    scenarios = [validate_case(base, spec, case) for case in sweep_cases(spec)[:cases]]
    aether.simulate(scenarios[0], workers=1)  # imports and first-run set-up, as a warm process has
    started = time.perf_counter()
    for scenario in scenarios:
        aether.simulate(scenario, workers=1, sensitivity=False).metrics()
    return time.perf_counter() - started


def main() -> int:
    workers = available_cores()
    folder = Path(tempfile.mkdtemp(prefix="aether-bench-sweep-"))
    (folder / "base.yaml").write_text(yaml.safe_dump(TINY))
    physics = SweepSpec(name="physics", base="base.yaml", base_dir=folder, metrics=METRICS,
                        axes=[{"path": "spacecraft[0].orbit.altitude_km", "low": 560, "high": 860, "steps": 16}])
    n = physics.case_count()
    t_plain = plain_loop(physics, n)
    local = run_sweep(physics, folder / "local", workers=workers)
    ray = run_sweep(physics, folder / "ray", backend_name="ray", workers=workers)
    same = local.drop(columns="wall_time_s").equals(ray.drop(columns="wall_time_s"))
    print(f"{n} cases, every one with its own physics (tiny scenario), {workers} workers:")
    print(f"  plain loop of aether.simulate  {n / t_plain * 60:7.1f} cases/min   ({t_plain / n:.2f} s per case)")
    for name, frame in (("local (process pool)", local), ("ray (local Ray)", ray)):
        wall = frame.attrs["wall_s"]
        ratio = wall * workers / t_plain
        print(f"  {name:<30} {n / wall * 60:7.1f} cases/min   worker-seconds per case / plain = "
              f"{ratio:.2f}x ({(wall * workers - t_plain) / n:+.2f} s per case)")
    print(f"  local and Ray rows identical (but wall time): {same}")

    cost = SweepSpec(name="cost", base="base.yaml", base_dir=folder, metrics=METRICS,
                     set={"fleet.launch_price": {"kind": "fixed"}},
                     axes=[{"path": "fleet.launch_price.usd_per_kg", "low": 100, "high": 3000, "steps": 10},
                           {"path": "cost.gpu_usd", "low": 20000, "high": 60000, "steps": 10},
                           {"path": "cost.discount_rate", "low": 0.03, "high": 0.12, "steps": 10}])
    assert cost.case_count() == COST_CASES
    t_plain_case = plain_loop(cost, PLAIN_SAMPLE) / PLAIN_SAMPLE
    rows = run_sweep(cost, folder / "cost", workers=workers)
    wall = rows.attrs["wall_s"]
    ok = int((rows["status"] == "ok").sum())
    print(f"{COST_CASES} cost-only cases, physics reused, {workers} workers (local):")
    print(f"  sweep                          {wall:7.1f} s  ({COST_CASES / wall * 60:,.0f} cases/min; {ok} ok)")
    print(f"  plain loop (from {PLAIN_SAMPLE} cases)       {t_plain_case * COST_CASES:7.1f} s  "
          f"(plain / sweep = {t_plain_case * COST_CASES / wall:.1f}x)")
    print(f"  target: under {TARGET_S:.0f} s: {'met' if wall < TARGET_S else 'MISSED'}")
    return 0 if wall < TARGET_S and ok == COST_CASES and same else 1


if __name__ == "__main__":
    sys.exit(main())
