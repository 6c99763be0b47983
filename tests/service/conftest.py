"""Fixtures for the control plane: one twin of a small scenario for the whole session, a
fresh store per test on SQLite and on a throw-away PostgreSQL (initdb + pg_ctl in a
temporary folder, stopped at the end), an admin key and tenants with their keys."""

import os

import pytest
from fastapi.testclient import TestClient

from aether.scenario import parse_scenario
from aether.service import Service, ServiceConfig, create_app
from aether.service.twin import Twin
from tests.conftest import small_scenario
from tests.service.postgres import pg_bin, throwaway_postgres

ADMIN_KEY = "aeadmin_" + "s" * 43
PEPPER = "test-pepper"


@pytest.fixture(scope="session")
def postgres():
    """A throw-away PostgreSQL cluster for the session: yields database() -> a fresh URL."""
    if pg_bin() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs PostgreSQL: scripts/ensure-postgresql.sh should have installed it")
        pytest.skip("PostgreSQL is not installed (scripts/ensure-postgresql.sh installs it as root)")
    with throwaway_postgres() as database:
        yield database


@pytest.fixture(scope="session")
def scenario(tmp_path_factory):
    return parse_scenario(small_scenario(), "small", tmp_path_factory.mktemp("scenario"))


@pytest.fixture(scope="session")
def twin(scenario):
    return Twin(scenario, horizon_s=3600)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'aether.db'}"
    return request.getfixturevalue("postgres")()


@pytest.fixture
def service(scenario, twin, db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("AETHER_ADMIN_KEY", ADMIN_KEY)
    monkeypatch.setenv("AETHER_PEPPER", PEPPER)
    return Service(ServiceConfig(scenario, data_dir=tmp_path / "serve", db_url=db_url), twin=twin)


@pytest.fixture
def client(service):
    with TestClient(create_app(service), raise_server_exceptions=False) as c:
        yield c


ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def make_tenant(client):
    """make_tenant(name, **quotas) -> (tenant id, headers with a fresh key)."""

    def make(name: str, **quotas) -> tuple[str, dict[str, str]]:
        tenant = client.post("/v1/admin/tenants", json={"name": name, **quotas}, headers=ADMIN)
        assert tenant.status_code == 201, tenant.text
        key = client.post(f"/v1/admin/tenants/{tenant.json()['id']}/keys", json={}, headers=ADMIN)
        assert key.status_code == 201, key.text
        return tenant.json()["id"], bearer(key.json()["key"])

    return make


TRAINING = {"kind": "training", "parameters": 1e9, "tokens": 1e12, "gpus": 512}
