"""The API on SQLite and on PostgreSQL: tenancy isolation on every route, keys, errors as
problem+json, idempotent submits, pagination, cancel and delete, refusals at submit, and
job progress from the training model."""

import time

import pytest

from tests.service.conftest import ADMIN, TRAINING, bearer

PROBLEM = "application/problem+json"


def _submit(client, headers, body=TRAINING, key=None):
    extra = {"Idempotency-Key": key} if key else {}
    return client.post("/v1/jobs", json=body, headers={**headers, **extra})


def test_tenant_b_sees_nothing_of_tenant_a_on_any_route(client, make_tenant):
    _, a = make_tenant("a")
    _, b = make_tenant("b")
    job = _submit(client, a).json()["id"]
    for method, path in [("GET", f"/v1/jobs/{job}"), ("GET", f"/v1/jobs/{job}/events"),
                         ("POST", f"/v1/jobs/{job}/cancel"), ("DELETE", f"/v1/jobs/{job}")]:
        response = client.request(method, path, headers=b)
        assert response.status_code == 404, (method, path, response.text)
        assert response.headers["content-type"] == PROBLEM and job not in response.text.replace(
            f"no job {job}", "")
    assert client.get("/v1/jobs", headers=b).json() == {"items": [], "next_cursor": None}
    assert [j["id"] for j in client.get("/v1/jobs", headers=a).json()["items"]] == [job]
    # The same Idempotency-Key in another tenant is another job.
    assert _submit(client, b, key="same").json()["id"] != _submit(client, a, key="same").json()["id"]


def test_admin_routes_refuse_tenant_keys_and_tenant_routes_refuse_the_admin_key(client, make_tenant):
    tenant, a = make_tenant("a")
    for method, path, body in [("POST", "/v1/admin/tenants", {"name": "x"}), ("GET", "/v1/admin/tenants", None),
                               ("GET", f"/v1/admin/tenants/{tenant}", None),
                               ("POST", f"/v1/admin/tenants/{tenant}/keys", {}),
                               ("GET", f"/v1/admin/tenants/{tenant}/keys", None),
                               ("POST", "/v1/admin/keys/key_x/revoke", None), ("GET", "/v1/admin/clock", None),
                               ("POST", "/v1/admin/clock/step", {"seconds": 60})]:
        response = client.request(method, path, json=body, headers=a)
        assert response.status_code == 403, (path, response.text)
    assert client.get("/v1/jobs", headers=ADMIN).status_code == 403


def test_revoked_expired_unknown_and_missing_keys_get_401(client, make_tenant):
    tenant, a = make_tenant("a")
    assert client.get("/v1/jobs", headers=a).status_code == 200
    keys = client.get(f"/v1/admin/tenants/{tenant}/keys", headers=ADMIN).json()
    assert all(k["key"] is None for k in keys)  # shown once, at creation only
    assert client.post(f"/v1/admin/keys/{keys[0]['id']}/revoke", headers=ADMIN).json()["revoked"] is True
    assert client.get("/v1/jobs", headers=a).status_code == 401
    short = client.post(f"/v1/admin/tenants/{tenant}/keys", json={"expires_in_s": 1}, headers=ADMIN).json()["key"]
    time.sleep(1.1)
    wrong_secret = a["Authorization"].rsplit("_", 1)[0] + "_guess"
    for headers in [bearer(short), {"Authorization": wrong_secret}, bearer("nokey"), {}]:
        response = client.get("/v1/jobs", headers=headers)
        assert response.status_code == 401 and response.headers["content-type"] == PROBLEM


def test_idempotency_key_retries_return_the_first_job(client, make_tenant):
    _, a = make_tenant("a")
    first = _submit(client, a, key="k-1")
    again = _submit(client, a, key="k-1")
    assert first.status_code == again.status_code == 201
    assert first.headers["location"] == again.headers["location"] == f"/v1/jobs/{first.json()['id']}"
    assert again.headers["idempotent-replayed"] == "true"
    assert len(client.get("/v1/jobs", headers=a).json()["items"]) == 1
    changed = _submit(client, a, body={**TRAINING, "gpus": 8}, key="k-1")
    assert changed.status_code == 422 and "different body" in changed.json()["detail"]


def test_pagination_walks_every_job_once(client, make_tenant):
    _, a = make_tenant("a")
    made = [_submit(client, a).json()["id"] for _ in range(7)]
    seen, cursor = [], None
    while True:
        page = client.get("/v1/jobs", params={"limit": 3, **({"cursor": cursor} if cursor else {})}, headers=a).json()
        seen += [j["id"] for j in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == made
    assert client.get("/v1/jobs", params={"limit": 101}, headers=a).status_code == 422
    assert client.get("/v1/jobs", params={"cursor": "!!"}, headers=a).status_code == 400


def test_cancel_is_202_and_idempotent_delete_only_when_finished(client, make_tenant):
    _, a = make_tenant("a")
    job = _submit(client, a).json()["id"]
    assert client.delete(f"/v1/jobs/{job}", headers=a).status_code == 409
    client.post("/v1/admin/clock/step", json={"seconds": 120}, headers=ADMIN)
    assert client.get(f"/v1/jobs/{job}", headers=a).json()["state"] == "RUNNING"
    first = client.post(f"/v1/jobs/{job}/cancel", headers=a)
    assert first.status_code == 202 and first.json()["state"] == "CANCELLING"
    assert client.post(f"/v1/jobs/{job}/cancel", headers=a).json()["state"] == "CANCELLING"
    client.post("/v1/admin/clock/step", json={"seconds": 60}, headers=ADMIN)
    assert client.post(f"/v1/jobs/{job}/cancel", headers=a).json()["state"] == "CANCELLED"
    states = [e["state"] for e in client.get(f"/v1/jobs/{job}/events", headers=a).json()["items"]
              if e["kind"] == "state"]
    assert states == ["PENDING", "RUNNING", "CANCELLING", "CANCELLED"]
    assert client.delete(f"/v1/jobs/{job}", headers=a).status_code == 204
    assert client.get(f"/v1/jobs/{job}", headers=a).status_code == 404


@pytest.mark.parametrize(("body", "reason"), [
    ({**TRAINING, "gpus": 20_000}, "NO_COMPLIANT_CAPACITY"),
    ({**TRAINING, "sovereignty": {"compute_registries": ["LU"]}}, "NO_COMPLIANT_CAPACITY"),
    ({**TRAINING, "sovereignty": {"landing_countries": ["EU"]}}, "NO_COMPLIANT_CAPACITY"),  # Svalbard is NO
    ({"kind": "fine_tuning", "gpu_hours": 1000, "gpus": 64, "deadline_h": 10}, "DEADLINE_UNREACHABLE"),
    ({"kind": "inference", "requests_per_day": {"Atlantis": 1e6}, "duration_h": 1}, "UNKNOWN_REGION"),
    ({"kind": "inference", "requests_per_day": {"Shanghai": 1e6}, "duration_h": 1, "slo": {"ttft_ms": 1}},
     "SLO_UNREACHABLE"),
])
def test_a_job_that_can_never_run_is_refused_at_submit(client, make_tenant, body, reason):
    _, a = make_tenant("a")
    response = _submit(client, a, body=body)
    assert response.status_code == 422 and response.json()["detail"].startswith(reason), response.text


def test_bad_requests_are_problems_without_tracebacks(client, make_tenant):
    _, a = make_tenant("a")
    cases = [_submit(client, a, body={**TRAINING, "surprise": 1}),
             _submit(client, a, body={**TRAINING, "sovereignty": {"compute_registries": ["XX"]}}),
             client.post("/v1/jobs", content=b"{not json", headers={**a, "content-type": "application/json"}),
             client.post("/v1/jobs", content=b"x" * 70_000, headers={**a, "content-type": "application/json"})]
    assert [c.status_code for c in cases] == [422, 422, 422, 413]
    for case in cases:
        assert case.headers["content-type"] == PROBLEM and "Traceback" not in case.text
    assert cases[0].json()["detail"] == "training.surprise: unknown field (not part of the request schema)"
    assert "XX" in cases[1].json()["detail"] and "Value error" not in cases[1].json()["detail"]


def test_rate_limit_answers_429_with_retry_after(client, make_tenant):
    _, a = make_tenant("a", requests_per_s=0.01, burst=3)
    codes = [client.get("/v1/jobs", headers=a).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert int(client.get("/v1/jobs", headers=a).headers["retry-after"]) >= 1


def test_quota_of_unfinished_jobs(client, make_tenant):
    _, a = make_tenant("a", max_jobs=2)
    assert [_submit(client, a).status_code for _ in range(3)] == [201, 201, 403]


def test_training_progress_is_the_training_models_flops(client, make_tenant):
    """512 B200 GPUs at 2.25 PFLOPS dense BF16 each (NVIDIA B200 datasheet) at the job's MFU
    (the training stage's parallelism model) do 512 x 2.25e15 x MFU FLOP/s in full sunlight; the
    job is placed at the end of the first 60 s tick and runs the rest of the hour."""
    _, a = make_tenant("a")
    job = _submit(client, a).json()["id"]
    client.post("/v1/admin/clock/step", json={"seconds": 3600}, headers=ADMIN)
    shown = client.get(f"/v1/jobs/{job}", headers=a).json()
    kinds = [e["kind"] for e in client.get(f"/v1/jobs/{job}/events", headers=a).json()["items"]]
    assert "failure" not in kinds and shown["ship"] == "ship" and shown["gateway"] == "Svalbard"
    assert shown["work_done"] == pytest.approx(512 * 2.25e15 * shown["mfu"] * 3540, rel=1e-9)
    assert 0.2 < shown["mfu"] < 0.7
    assert shown["work_total"] == pytest.approx(6 * 1e9 * 1e12, rel=1e-12)
    assert 0 < shown["checkpoint_progress"] <= shown["progress"]


def test_priority_preempts_lower_priority_work(client, make_tenant):
    _, a = make_tenant("a", max_concurrent_gpus=100_000)
    low = _submit(client, a, body={**TRAINING, "gpus": 9000, "priority": 1}).json()["id"]
    client.post("/v1/admin/clock/step", json={"seconds": 120}, headers=ADMIN)
    high = _submit(client, a, body={**TRAINING, "gpus": 5000, "priority": 9}).json()["id"]
    client.post("/v1/admin/clock/step", json={"seconds": 60}, headers=ADMIN)
    assert client.get(f"/v1/jobs/{high}", headers=a).json()["state"] == "RUNNING"
    assert client.get(f"/v1/jobs/{low}", headers=a).json()["state"] == "PENDING"
    events = client.get(f"/v1/jobs/{low}/events", headers=a).json()["items"]
    assert any(e["kind"] == "preempted" and e["detail"]["by"] == high for e in events)


def test_fleet_reports_every_ship_at_the_twins_now(client, make_tenant):
    _, a = make_tenant("a")
    _submit(client, a)
    client.post("/v1/admin/clock/step", json={"seconds": 600}, headers=ADMIN)
    fleet = client.get("/v1/fleet", headers=a).json()
    assert fleet["t_s"] == 600 and fleet["utc"] == "2026-06-21T00:10:00Z"
    (ship,) = fleet["ships"]
    assert ship["gpus"] == 10_000 and ship["gpus_busy"] == 512
    assert ship["gpus_free"] == ship["gpus"] - ship["gpus_busy"] - ship["gpus_failed"]
    assert 600 < ship["height_km"] < 700 and ship["pflops"] == pytest.approx(10_000 * 2.25, rel=1e-9)


def test_the_dashboard_answers_only_where_the_api_does_not(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert client.get("/jobs.js").headers["content-type"].startswith("text/javascript")
    # The API keeps its own answers: a wrong method is its 405, an unknown path its 404.
    assert client.put("/v1/fleet").status_code == 405
    unknown = client.get("/v1/nothing")
    assert unknown.status_code == 404 and unknown.headers["content-type"] == PROBLEM
    assert client.get("/not-a-file").status_code == 404
