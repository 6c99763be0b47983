"""The control plane under load, and the scheduler's placement.

1. A server process on loopback (SQLite, then a throw-away PostgreSQL) takes 5,000
   requests from 50 concurrent clients: a mix of submits (20 %), lists (30 %), shows (30 %)
   and fleet reads (20 %). Prints p50/p99 latency per kind and the errors (targets on a
   2-core machine: no errors, p99 under 100 ms for reads and 250 ms for submits). The same
   requests' plain work, one SQLAlchemy insert or select per request with no HTTP, is the
   baseline of the ratio.
2. `place` puts 10,000 queued jobs on a 100-ship fleet (target: under 2 s), against the
   same best-fit rule in a plain Python loop that scans every ship for every job.

    .venv/bin/python benchmarks/serve.py
"""

import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aether.service import place  # noqa: E402
from tests.conftest import small_scenario  # noqa: E402
from tests.service.postgres import free_port, pg_bin, throwaway_postgres  # noqa: E402

CLIENTS, REQUESTS = 50, 5_000
REPEATS = 5
MIX = [("submit", 0.2), ("list", 0.3), ("show", 0.3), ("fleet", 0.2)]
ADMIN_KEY = "aeadmin_" + "b" * 43
JOB = {"kind": "fine_tuning", "gpu_hours": 8, "gpus": 8, "deadline_h": 48}


def _start(folder: Path, db_url: str, port: int) -> subprocess.Popen:
    scenario = folder / "small.yaml"
    scenario.write_text(yaml.safe_dump(small_scenario()))
    env = {**os.environ, "AETHER_ADMIN_KEY": ADMIN_KEY, "AETHER_PEPPER": "bench"}
    server = subprocess.Popen([sys.executable, "-m", "aether", "serve", str(scenario), "--port", str(port),
                               "--speed", "0", "--data-dir", str(folder / "serve"), "--db", db_url],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


async def _load(url: str, key: str, seed_ids: list[str]) -> dict[str, list[float]]:
    rng = random.Random(0)
    kinds = rng.choices([k for k, _ in MIX], [w for _, w in MIX], k=REQUESTS)
    latencies: dict[str, list[float]] = {k: [] for k, _ in MIX}
    errors: list[str] = []
    queue = iter(enumerate(kinds))

    async def worker(client: httpx.AsyncClient):
        for i, kind in queue:
            started = time.perf_counter()
            try:
                if kind == "submit":
                    r = await client.post("/v1/jobs", json=JOB, headers={"Idempotency-Key": f"bench-{i}"})
                elif kind == "list":
                    r = await client.get("/v1/jobs", params={"limit": 20})
                elif kind == "show":
                    r = await client.get(f"/v1/jobs/{seed_ids[i % len(seed_ids)]}")
                else:
                    r = await client.get("/v1/fleet")
                ok = r.status_code < 400
            except httpx.HTTPError as error:
                ok, r = False, error
            latencies[kind].append(time.perf_counter() - started)
            if not ok:
                errors.append(f"{kind}: {getattr(r, 'status_code', r)}")

    limits = httpx.Limits(max_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=30,
                                 limits=limits) as client:
        await asyncio.gather(*[worker(client) for _ in range(CLIENTS)])
    latencies["errors"] = errors
    return latencies


def load_test(label: str, db_url: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = _start(Path(tmp), db_url, port)
        try:
            admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
            tenant = httpx.post(f"{url}/v1/admin/tenants", headers=admin, json={
                "name": "bench", "requests_per_s": 1e6, "burst": 1_000_000, "max_jobs": 1_000_000,
                "max_concurrent_gpus": 1_000_000}).json()
            key = httpx.post(f"{url}/v1/admin/tenants/{tenant['id']}/keys", json={}, headers=admin).json()["key"]
            ids = [httpx.post(f"{url}/v1/jobs", json=JOB, headers={"Authorization": f"Bearer {key}"}).json()["id"]
                   for _ in range(20)]
            started = time.perf_counter()
            result = asyncio.run(_load(url, key, ids))
            wall = time.perf_counter() - started
        finally:
            server.kill()
            server.wait()
    errors = result.pop("errors")
    print(f"{label}: {REQUESTS} requests from {CLIENTS} clients in {wall:.1f} s ({REQUESTS / wall:.0f}/s), "
          f"errors {len(errors)}{' ' + str(errors[:3]) if errors else ''}")
    for kind, values in result.items():
        ms = np.array(values) * 1e3
        target = 250 if kind == "submit" else 100
        p99 = np.percentile(ms, 99)
        print(f"  {kind:7s} n={len(ms):5d}  p50 {np.percentile(ms, 50):6.1f} ms  p99 {p99:6.1f} ms  "
              f"(target p99 < {target} ms: {'met' if p99 < target else 'NOT met'})")


def place_loop(need, order, free, room, tenant) -> list[int]:
    """The same best fit in plain Python, scanning every ship per job and stopping when no
    job fits any more, as place() does: the baseline."""
    ship = [-1] * len(need)
    smallest = min(need)
    for j in order:
        n = need[j]
        if n > room[tenant[j]]:
            continue
        best, best_free = -1, None
        for s, f in enumerate(free):
            if f >= n and (best_free is None or f < best_free):
                best, best_free = s, f
        if best >= 0:
            free[best] -= n
            room[tenant[j]] -= n
            ship[j] = best
            if max(free) < smallest:
                break
    return ship


def scheduler_benchmark() -> None:
    rng = np.random.default_rng(0)
    jobs, ships = 10_000, 100
    need = rng.choice([8, 16, 64, 128, 256, 512], size=jobs).astype(np.int64)
    tenant = rng.integers(0, 20, size=jobs)
    order = np.lexsort((np.arange(jobs), -rng.integers(0, 10, size=jobs)))
    free0 = np.full(ships, 10_000, np.int64)
    room0 = np.full(20, 10**9, np.int64)
    allowed = np.ones((1, ships), bool)
    vector_s, loop_s = [], []  # best of REPEATS: the machine is shared
    for _ in range(REPEATS):
        started = time.perf_counter()
        ship = place(need, np.zeros(jobs, np.int64), tenant, order, allowed, free0.copy(), room0.copy())
        vector_s.append(time.perf_counter() - started)
        started = time.perf_counter()
        baseline = place_loop(need.tolist(), order.tolist(), free0.tolist(), room0.tolist(), tenant.tolist())
        loop_s.append(time.perf_counter() - started)
    vector_s, loop_s = min(vector_s), min(loop_s)
    assert ship.tolist() == baseline, "the plain loop and place() disagree"
    print(f"scheduler: {jobs:,} queued jobs on {ships} ships ({(ship >= 0).sum():,} placed, "
          f"{need[ship >= 0].sum():,} of {free0.sum():,} GPUs) in {vector_s * 1e3:.1f} ms (target < 2 s; "
          f"ships sorted by free GPUs, bisection per job); plain Python scan of every ship "
          f"{loop_s * 1e3:.1f} ms; ratio {loop_s / vector_s:.1f}x (best of {REPEATS})")


if __name__ == "__main__":
    scheduler_benchmark()
    load_test("SQLite", f"sqlite:///{tempfile.mkdtemp()}/bench.db")
    if pg_bin() is None:
        print("PostgreSQL: not installed (scripts/ensure-postgresql.sh); skipped")
    else:
        with throwaway_postgres() as database:
            load_test("PostgreSQL", database())
