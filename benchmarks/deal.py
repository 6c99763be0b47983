"""Benchmark: 10,000 deal evaluations (value x term x launch price x GPU price), cost only.

The physics is reused: the reference ship (10,000 B200 sized by aether.ship) and the fleet
stage's one-slot plans for each term are computed once; every deal then picks its
budget-constrained fleet (bisection on whole ships), prices it, and finds the operator's
NPV, IRR, payback and break-even price and the tenant's price after service credits.
Times one call over all 10,000 deals, and, in the same run, the same function called once
per deal (timed on 200 and scaled), with the same answers. Target: under 10 s. Exits 1 when
missed or when the answers differ.
"""

import sys
import time

import numpy as np

from aether.deal import ContractSettings, DealInputs, DealModel
from aether.fleet import CostSettings, FleetSettings, GroundSettings, default_ship_summary

TARGET_S, LOOP_SAMPLE = 10.0, 200


def main() -> int:
    contract = ContractSettings(value_usd=15e9, term_years=5, signed="2026-01-01", first_ship="2027-01-01",
                                compute={"fleet_share": 0.8})
    inputs = DealInputs(default_ship_summary(), tokens_per_gpu_hour=1.8e7, latency_slo_attainment=0.98)
    model = DealModel(inputs, contract, FleetSettings(), CostSettings(), GroundSettings())
    # The sweep's grid: 25 values x 4 terms x 10 launch prices x 10 GPU prices.
    grid = np.meshgrid(np.linspace(1e9, 50e9, 25), [3, 5, 7, 10], np.linspace(0.25, 2.5, 10),
                       np.linspace(20e3, 65e3, 10), indexing="ij")
    value, term, launch, gpu = (g.ravel() for g in grid)

    t0 = time.perf_counter()
    for years in np.unique(term):  # the physics: one-slot plans and ground blocks per term
        model.pricer(int(years)), model.ground_block(int(years))
    t_physics = time.perf_counter() - t0
    t0 = time.perf_counter()
    batch = model.evaluate(value_usd=value, term_years=term, launch_price_factor=launch, gpu_usd=gpu)
    t_batch = time.perf_counter() - t0

    pick = np.random.default_rng(1).choice(value.size, LOOP_SAMPLE, replace=False)
    t0 = time.perf_counter()
    loop = [model.evaluate(value_usd=value[i], term_years=term[i], launch_price_factor=launch[i], gpu_usd=gpu[i])
            for i in pick]
    t_loop = (time.perf_counter() - t0) / LOOP_SAMPLE * value.size
    same = all(np.allclose([float(one[k][()]) for one in loop], batch[k][pick], rtol=1e-9, equal_nan=True)
               for k in ("ships", "npv_usd", "irr", "breakeven_usd_per_gpu_hour", "tenant_usd_per_gpu_hour"))

    print(f"{value.size:,} deal evaluations (value x term x launch price x GPU price), cost only:")
    print(f"  physics reused (one-slot plans, ground blocks for 4 terms)  {t_physics:6.2f} s, once")
    print(f"  one vectorised call                                         {t_batch:6.2f} s")
    print(f"  the same function once per deal (timed on {LOOP_SAMPLE}, scaled)       {t_loop:6.2f} s "
          f"(loop / vectorised = {t_loop / t_batch:.0f}x)")
    print(f"  same answers: {same}; ships 0-{int(batch['ships'].max())}, operator NPV > 0 in "
          f"{(batch['npv_usd'] > 0).mean():.0%} of deals")
    ok = t_batch < TARGET_S and same
    print(f"target: under {TARGET_S:.0f} s -> {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
