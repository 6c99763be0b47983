"""Benchmark: 100 Compute Ships for 30 days at 10 s steps through power, battery and heat.

Shadow comes from an analytic circular orbit (650 km dawn-dusk orbit in its eclipse
season, 20 min eclipses, ships at spread phases), processed one day at a time so memory
stays bounded. Prints the time of aether's integrator and, in the same run, of a bare
numpy loop doing the same integration (the same physics written plainly, one step of
every ship per iteration, fresh arrays each step).
Target: at most 10 s on one core.
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import time  # noqa: E402

import numpy as np  # noqa: E402

from aether.settings.ship import ShipDesign  # noqa: E402
from aether.ship.integrate import ShipState, integrate  # noqa: E402
from aether.ship.sizing import OrbitEnvelope  # noqa: E402
from aether.ship.stage import initial_temperature_k, resolve_spec  # noqa: E402
from aether.ship.synthetic import circular_shadow  # noqa: E402

SHIPS, DAYS, STEP_S = 100, 30, 10.0
PERIOD_S, ECLIPSE_S = 97.7 * 60, 20.0 * 60
STEPS_PER_DAY = int(86400 / STEP_S)


def setup():
    env = OrbitEnvelope(PERIOD_S, ECLIPSE_S, 1.0, 0.96)
    rng = np.random.default_rng(0)
    specs = [resolve_spec(f"ship-{k}", "bench", ShipDesign(
        gpus=int(rng.integers(1000, 10000)),
        battery={"capacity_kwh": float(rng.uniform(0.3, 1.2)) * 10000},
        radiator={"area_m2": float(rng.uniform(0.6, 1.2)) * 18000}), env) for k in range(SHIPS)]
    from aether.ship.integrate import ShipParams

    params = ShipParams.stack([s.params() for s in specs])
    phase = rng.uniform(0, 1, SHIPS)
    solar_full = np.array([s.drivers(np.ones(1), np.full(1, 90.0))[0][0] for s in specs])
    absorbed_sun = np.array([s.drivers(np.ones(1), np.full(1, 90.0))[1][0] for s in specs])
    absorbed_dark = np.array([s.drivers(np.zeros(1), np.full(1, 90.0))[1][0] for s in specs])
    return specs, params, phase, solar_full, absorbed_sun, absorbed_dark


def day_drivers(day, phase, solar_full, absorbed_sun, absorbed_dark):
    offset = day * STEPS_PER_DAY * STEP_S / PERIOD_S
    sunlit = circular_shadow(STEPS_PER_DAY, STEP_S, PERIOD_S, ECLIPSE_S, phase + offset)
    return sunlit, sunlit * solar_full, absorbed_dark + sunlit * (absorbed_sun - absorbed_dark)


def run_aether(specs, params, phase, solar_full, absorbed_sun, absorbed_dark):
    state = ShipState(params.energy_max_j.copy(),
                      initial_temperature_k(specs, params, absorbed_sun))
    min_soc = np.ones(SHIPS)
    for day in range(DAYS):
        sunlit, solar, absorbed = day_drivers(day, phase, solar_full, absorbed_sun, absorbed_dark)
        run = integrate(params, solar, absorbed, sunlit < 1, STEP_S, state)
        state = run.final
        min_soc = np.minimum(min_soc, run.energy_j.min(axis=0) / params.energy_max_j)
    return state, min_soc


def run_bare(specs, params, phase, solar_full, absorbed_sun, absorbed_dark):
    """The same integration written plainly: one expression per quantity, fresh arrays."""
    p = params
    sigma = 5.670374419e-8
    g = p.radiator_area_m2 * p.radiator_sides * p.radiator_emissivity * sigma
    e = p.energy_max_j.copy()
    temp = initial_temperature_k(specs, params, absorbed_sun)
    min_soc = np.ones(SHIPS)
    dt = STEP_S
    for day in range(DAYS):
        sunlit, solar, absorbed = day_drivers(day, phase, solar_full, absorbed_sun, absorbed_dark)
        for k in range(STEPS_PER_DAY):
            emit = g * temp**4
            den = p.heat_capacity_j_k + 4 * g * dt * temp**3
            cap = (p.temperature_limit_k - temp) * den / dt + emit - absorbed[k]
            discharge = np.where(sunlit[k] < 1, np.maximum(p.eclipse_discharge_w, p.bus_w), p.bus_w)
            avail = solar[k] + np.clip((e - p.energy_min_j) * p.discharge_efficiency / dt, 0,
                                       discharge)
            load = np.minimum(np.maximum(np.minimum(p.full_load_w, cap), p.bus_w), avail)
            room = np.minimum(np.maximum((p.energy_max_j - e) / (p.charge_efficiency * dt), 0),
                              p.max_charge_w)
            net = np.minimum(solar[k] - load, room)
            e = e + np.where(net > 0, net * p.charge_efficiency, net / p.discharge_efficiency) * dt
            temp = temp + (load + absorbed[k] - emit) * dt / den
            min_soc = np.minimum(min_soc, e / p.energy_max_j)
    return temp, min_soc


def main():
    inputs = setup()
    t0 = time.perf_counter()
    state, min_soc = run_aether(*inputs)
    t_aether = time.perf_counter() - t0
    t0 = time.perf_counter()
    temp_bare, min_soc_bare = run_bare(*inputs)
    t_bare = time.perf_counter() - t0
    agree = np.allclose(state.temperature_k, temp_bare, rtol=1e-9) and np.allclose(
        min_soc, min_soc_bare, rtol=1e-9)
    steps = DAYS * STEPS_PER_DAY
    print(f"ship benchmark: {SHIPS} ships x {DAYS} days at {STEP_S:g} s "
          f"({steps:,} steps, {steps * SHIPS / 1e6:.1f} M ship-steps)")
    print(f"  aether integrate: {t_aether:.2f} s ({t_aether / steps * 1e6:.1f} us/step)"
          f"  [target <= 10 s: {'ok' if t_aether <= 10 else 'MISSED'}]")
    print(f"  bare numpy loop:  {t_bare:.2f} s")
    print(f"  ratio aether / bare: {t_aether / t_bare:.2f}  (results agree: {agree})")
    print(f"  lowest SoC over the fleet: {min_soc.min():.3f}")
    if not agree or t_aether > 10:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
