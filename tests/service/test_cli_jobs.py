"""`aether jobs` against the app (SQLite and PostgreSQL): submit, list, show, events and
cancel print tables or JSON; a refusal is one line on stderr and exit 2."""

import json
import sys

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from aether.cli import app as cli
from aether.service import create_app


@pytest.fixture
def run(service, make_tenant, monkeypatch):
    _, headers = make_tenant("cli")
    monkeypatch.setattr(sys.modules["aether.cli.jobs"], "_client",
                        lambda: TestClient(create_app(service), headers=headers))
    return lambda *args: CliRunner().invoke(cli, list(args))


@pytest.fixture
def make_tenant(service):
    from tests.service.conftest import ADMIN

    def make(name):
        with TestClient(create_app(service)) as client:
            tenant = client.post("/v1/admin/tenants", json={"name": name}, headers=ADMIN).json()
            key = client.post(f"/v1/admin/tenants/{tenant['id']}/keys", json={}, headers=ADMIN).json()["key"]
        return tenant["id"], {"Authorization": f"Bearer {key}"}

    return make


def test_submit_list_show_events_cancel(run):
    made = run("jobs", "submit", "fine_tuning", "--gpus", "64", "--gpu-hours", "128", "--deadline-h", "4",
               "--idempotency-key", "ft-1", "--json")
    assert made.exit_code == 0, made.output
    job = json.loads(made.stdout)
    assert job["state"] == "PENDING" and job["work_total"] == 128 * 3600 and job["gpus"] == 64
    again = json.loads(run("jobs", "submit", "fine_tuning", "--gpus", "64", "--gpu-hours", "128", "--deadline-h",
                           "4", "--idempotency-key", "ft-1", "--json").stdout)
    assert again["id"] == job["id"]
    listed = run("jobs", "list")
    assert listed.exit_code == 0 and "fine_tuning" in listed.stdout and "PENDING" in listed.stdout
    assert [j["id"] for j in json.loads(run("jobs", "list", "--json").stdout)["items"]] == [job["id"]]
    assert json.loads(run("jobs", "show", job["id"], "--json").stdout)["id"] == job["id"]
    assert "PENDING" in run("jobs", "events", job["id"]).stdout
    assert json.loads(run("jobs", "cancel", job["id"], "--json").stdout)["state"] == "CANCELLED"


def test_refusals_are_one_line_and_exit_2(run):
    refused = run("jobs", "submit", "training", "--gpus", "20000", "--parameters", "1e9", "--tokens", "1e12")
    assert refused.exit_code == 2 and "NO_COMPLIANT_CAPACITY" in refused.output
    assert "Traceback" not in refused.output and len(refused.output.strip().splitlines()) == 1
    assert run("jobs", "show", "job_none").exit_code == 2
    bad = run("jobs", "submit", "inference", "--region", "Shanghai", "--duration-h", "1")
    assert bad.exit_code == 2 and "SITE=REQUESTS_PER_DAY" in bad.output
