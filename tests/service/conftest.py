"""Fixtures for the control plane: one twin of a small scenario for the whole session, a
fresh store per test on SQLite and on a throw-away PostgreSQL (initdb + pg_ctl in a
temporary folder, stopped at the end), an admin key and tenants with their keys."""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from itertools import count
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from aether.scenario import parse_scenario
from aether.service import Service, ServiceConfig, create_app
from aether.service.twin import Twin
from tests.conftest import small_scenario

ADMIN_KEY = "aeadmin_" + "s" * 43
PEPPER = "test-pepper"
_databases = count()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@pytest.fixture(scope="session")
def postgres():
    """A throw-away PostgreSQL cluster on a loopback port: yields a function that makes a
    fresh database and returns its URL."""
    bin_dir = _pg_bin()
    if bin_dir is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs PostgreSQL: scripts/ensure-postgresql.sh should have installed it")
        pytest.skip("PostgreSQL is not installed (scripts/ensure-postgresql.sh installs it as root)")
    folder = Path(tempfile.mkdtemp(prefix="aether-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root: run the cluster as the package's postgres user
        shutil.chown(folder, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    data, port = folder / "data", free_port()
    subprocess.run([*run_as, str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                    "--no-sync"], check=True, capture_output=True)
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    subprocess.run([*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"),
                    "-w", "start"], check=True, capture_output=True)
    import psycopg

    def database() -> str:
        name = f"aether_{next(_databases)}"
        with psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname=postgres", autocommit=True) as c:
            c.execute(f"CREATE DATABASE {name}")
        return f"postgresql+psycopg://postgres@127.0.0.1:{port}/{name}"

    try:
        yield database
    finally:
        subprocess.run([*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


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
