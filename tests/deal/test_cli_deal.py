"""aether deal and the contract section on bad input: one line, exit 2."""

from typer.testing import CliRunner

from aether.cli import app
from tests.conftest import small_scenario

CONTRACT = {"value_usd": 1e9, "term_years": 2, "signed": "2026-01-01", "first_ship": "2026-07-01"}


def test_no_contract_is_one_line(write_scenario):
    result = CliRunner().invoke(app, ["deal", str(write_scenario(small_scenario()))])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "contract: the scenario has no contract section" in result.stderr


def test_milestones_that_do_not_add_up(write_scenario):
    data = small_scenario()
    data["contract"] = {**CONTRACT, "payment": "milestones", "milestones": [0.5, 0.4]}
    result = CliRunner().invoke(app, ["validate", str(write_scenario(data))])
    assert result.exit_code == 2
    assert "contract.milestones: the shares add up to 0.9 (allowed: shares adding up to 1)" in result.stderr


def test_first_ship_before_signing(write_scenario):
    data = small_scenario()
    data["contract"] = {**CONTRACT, "first_ship": "2025-01-01"}
    result = CliRunner().invoke(app, ["validate", str(write_scenario(data))])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "contract.first_ship" in result.stderr and "allowed: 0 to 10 years after signing" in result.stderr


def test_two_kinds_of_compute(write_scenario):
    data = small_scenario()
    data["contract"] = {**CONTRACT, "compute": {"gpus": 10, "fleet_share": 0.5}}
    result = CliRunner().invoke(app, ["validate", str(write_scenario(data))])
    assert result.exit_code == 2
    assert "gpus and fleet_share given (allowed: exactly one of gpus, gpu_hours_per_year, fleet_share)" in result.stderr
