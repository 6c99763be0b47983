"""Schemathesis generates requests from /openapi.json and sends them to the app (in
process, SQLite store): no response may be a 5xx or break the documented schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from aether.service import Service, ServiceConfig, create_app
from tests.service.conftest import ADMIN_KEY, PEPPER


@pytest.fixture(scope="module")
def app(scenario, twin, tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AETHER_ADMIN_KEY", ADMIN_KEY)
        patch.setenv("AETHER_PEPPER", PEPPER)
        folder = tmp_path_factory.mktemp("fuzz")
        yield create_app(Service(ServiceConfig(scenario, data_dir=folder), twin=twin))


@pytest.fixture(scope="module")
def tenant_key(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
        tenant = client.post("/v1/admin/tenants", json={"name": "fuzz", "requests_per_s": 1e6, "burst": 1_000_000},
                             headers=admin).json()
        return client.post(f"/v1/admin/tenants/{tenant['id']}/keys", json={}, headers=admin).json()["key"]


def _fuzz(operation, key: str) -> None:
    # A clock step simulates up to a day of ticks: fewer of those keep the suite quick.
    examples = 3 if operation.path.endswith("/step") else 12

    @given(case=operation.as_strategy())
    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def fuzz(case):
        case.call_and_validate(headers={"Authorization": f"Bearer {key}"},
                               checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                                       response_schema_conformance])

    fuzz()


def test_no_server_errors_and_every_response_as_documented(app, tenant_key):
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        _fuzz(operation, ADMIN_KEY if operation.path.startswith("/v1/admin") else tenant_key)
