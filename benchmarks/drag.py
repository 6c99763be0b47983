"""Benchmark: drag and decay for 1,000 ships over 20 years in daily steps.

Ships at 400-700 km with ballistic parameters 0.005-0.05 m2/kg in a 53 deg orbit, solar
activity "mid" from 2026: each day every ship's density, its station-keeping delta-v at its
design altitude, and its decay with no propulsion (aether.orbit.decay, vectorised over
ships). Prints the time, and in the same run the same work written as a plain loop over
ships (the same density table and exponential step, one ship at a time) on the first 50 ships,
scaled to 1,000, as a ratio; and checks that both give the same re-entry days.
Target: under 5 s on one core.
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import time  # noqa: E402

import numpy as np  # noqa: E402

from aether.orbit import (  # noqa: E402
    REENTRY_ALTITUDE_KM,
    DensityTable,
    decay,
    decay_rate_m_s,
    density_at_altitudes,
    drag_deceleration_m_s2,
    profile_at,
    solar_indices,
)

SHIPS, YEARS, LOOP_SHIPS = 1000, 20, 50


def vectorised(altitude_km, ballistic, profiles):
    rho = density_at_altitudes(profiles, altitude_km)
    dv_m_s = (drag_deceleration_m_s2(rho, altitude_km, ballistic) * 86400.0).sum(axis=0)
    return dv_m_s, decay(altitude_km, ballistic, profiles).reentry_day


def plain_loop(altitude_km, ballistic, profiles):
    dv_out, reentry_out = [], []
    for h0, b in zip(altitude_km, ballistic, strict=True):
        dv, h, reentry = 0.0, float(h0), np.nan
        for j in range(profiles.shape[0]):
            rho, _ = profile_at(profiles[j], np.array(h0))
            dv += float(drag_deceleration_m_s2(rho, h0, b)) * 86400.0
            if np.isnan(reentry):
                rho_h, scale = profile_at(profiles[j], np.array(h))
                ratio = float(-decay_rate_m_s(rho_h, h, b)) * 86400.0 / 1e3 / float(scale)
                if ratio >= 1.0:
                    reentry = j + 1.0 / ratio
                else:
                    h += float(scale) * np.log1p(-ratio)
                    if h < REENTRY_ALTITUDE_KM:
                        reentry = j + 1.0
        dv_out.append(dv)
        reentry_out.append(reentry)
    return np.array(dv_out), np.array(reentry_out)


def main() -> None:
    rng = np.random.default_rng(0)
    altitude_km = rng.uniform(400.0, 700.0, SHIPS)
    ballistic = rng.uniform(0.005, 0.05, SHIPS)
    table = DensityTable.for_orbit(53.0, None)
    days = np.arange(int(YEARS * 365.25))
    _, f107a, ap = solar_indices(2026.0 + days / 365.25, "mid")
    profiles = table.profiles(f107a, ap)

    started = time.perf_counter()
    dv, reentry = vectorised(altitude_km, ballistic, profiles)
    fast_s = time.perf_counter() - started
    started = time.perf_counter()
    dv_loop, reentry_loop = plain_loop(altitude_km[:LOOP_SHIPS], ballistic[:LOOP_SHIPS], profiles)
    loop_s = (time.perf_counter() - started) * SHIPS / LOOP_SHIPS
    assert np.allclose(dv[:LOOP_SHIPS], dv_loop, rtol=1e-9)
    assert np.allclose(reentry[:LOOP_SHIPS], reentry_loop, rtol=1e-9, equal_nan=True)
    print(f"drag and decay, {SHIPS} ships x {days.size} days: {fast_s:.2f} s vectorised (target < 5 s); "
          f"plain per-ship loop {loop_s:.1f} s (from {LOOP_SHIPS} ships); ratio {loop_s / fast_s:.0f}x")
    print(f"  {np.isnan(reentry).sum()} of {SHIPS} ships still up after {YEARS} years; "
          f"median station-keeping {np.median(dv) / YEARS:.1f} m/s a year")


if __name__ == "__main__":
    main()
