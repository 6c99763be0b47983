"""Durability: a real server process on a loopback port is killed with SIGKILL in the
middle of a stream of submits and started again. Every job that got a 201 is there
exactly once (retries with the same Idempotency-Key make no duplicates), no job appears
that was never sent, and jobs that were running resume from their last checkpoint."""

import signal
import threading
import time

import httpx
import yaml

from tests.conftest import small_scenario
from tests.service.conftest import ADMIN, TRAINING, bearer
from tests.service.postgres import free_port
from tests.service.server import start_server


def test_sigkill_mid_stream_loses_no_acknowledged_job_and_duplicates_none(tmp_path, db_url):
    scenario = tmp_path / "small.yaml"
    scenario.write_text(yaml.safe_dump(small_scenario()))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server(scenario, tmp_path / "serve", db_url, port)
    try:
        tenant = httpx.post(f"{url}/v1/admin/tenants", json={"name": "a", "requests_per_s": 1e5, "burst": 100_000,
                                                             "max_concurrent_gpus": 100_000}, headers=ADMIN).json()
        key = httpx.post(f"{url}/v1/admin/tenants/{tenant['id']}/keys", json={}, headers=ADMIN).json()["key"]
        headers = bearer(key)
        running = [httpx.post(f"{url}/v1/jobs", json={**TRAINING, "name": f"run-{i}"}, headers=headers).json()["id"]
                   for i in range(3)]
        httpx.post(f"{url}/v1/admin/clock/step", json={"seconds": 900}, headers=ADMIN, timeout=60)
        before = {j: httpx.get(f"{url}/v1/jobs/{j}", headers=headers).json() for j in running}
        assert all(b["state"] == "RUNNING" and b["checkpoint_progress"] > 0 for b in before.values())

        acknowledged, sent = [], []

        def stream():
            with httpx.Client(base_url=url, headers=headers, timeout=10) as client:
                for i in range(400):
                    name = f"stream-{i}"
                    sent.append(name)
                    try:
                        response = client.post("/v1/jobs", json={**TRAINING, "name": name},
                                               headers={"Idempotency-Key": name})
                    except httpx.HTTPError:
                        return
                    if response.status_code == 201:
                        acknowledged.append(name)

        streamer = threading.Thread(target=stream)
        streamer.start()
        while len(acknowledged) < 40:
            time.sleep(0.005)
        server.send_signal(signal.SIGKILL)
        server.wait()
        streamer.join()
        assert 40 <= len(acknowledged) < 400

        server = start_server(scenario, tmp_path / "serve", db_url, port)
        # The client retries what it sent without an answer, with the same key.
        for name in sent[len(acknowledged):]:
            retry = httpx.post(f"{url}/v1/jobs", json={**TRAINING, "name": name}, headers={**headers,
                               "Idempotency-Key": name})
            assert retry.status_code == 201
            acknowledged.append(name)
        names, cursor = [], None
        while True:
            page = httpx.get(f"{url}/v1/jobs", params={"limit": 100, **({"cursor": cursor} if cursor else {})},
                             headers=headers).json()
            names += [j["name"] for j in page["items"]]
            if not (cursor := page["next_cursor"]):
                break
        streamed = [n for n in names if n.startswith("stream-")]
        assert sorted(streamed) == sorted(acknowledged) and len(set(streamed)) == len(streamed)

        for job, was in before.items():
            now = httpx.get(f"{url}/v1/jobs/{job}", headers=headers).json()
            assert now["state"] == "RUNNING"
            assert now["progress"] == now["checkpoint_progress"] == was["checkpoint_progress"]
            restart = [e for e in httpx.get(f"{url}/v1/jobs/{job}/events", headers=headers).json()["items"]
                       if e["kind"] == "restart"]
            assert len(restart) == 1 and restart[0]["detail"]["from_checkpoint"] == was["checkpoint_progress"]
    finally:
        server.kill()
        server.wait()
