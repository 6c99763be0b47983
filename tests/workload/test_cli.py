"""Workload bad input at the command line: one line naming file and field, exit 2."""

import pytest
from typer.testing import CliRunner

from aether.cli import app
from tests.conftest import small_scenario


def _validate(write_scenario, workload: dict):
    data = small_scenario()
    data["workload"] = workload
    path = write_scenario(data)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert lines[0].startswith(f"{path}: workload")
    return lines[0]


def test_model_that_does_not_fit_gets_a_verdict_with_the_numbers(write_scenario):
    # 405e9 parameters x 2 bytes over 2 GPUs = 405 GB of weights per GPU; a B200 reports
    # 183,359 MiB = 192.3 GB.
    line = _validate(write_scenario, {"training": [], "inference": {
        "model": {"name": "big", "parameters": 405e9}, "serving": {"tensor_parallel": 2}}})
    assert "does not fit" in line and "405.0 GB of weights per GPU" in line and "192.3 GB" in line


def test_negative_tokens(write_scenario):
    line = _validate(write_scenario, {"training": [{"name": "t", "parameters": 8e9, "tokens": -1, "gpus": 64}]})
    assert "workload.training[0].tokens" in line and "allowed: 0 tokens (exclusive) to 1e+17 tokens" in line


@pytest.mark.parametrize("policy", ["fastest", "random"])
def test_unknown_routing_policy(write_scenario, policy):
    line = _validate(write_scenario, {"inference": {"routing": policy}})
    assert "workload.inference.routing" in line and "lowest_rtt" in line


def test_more_gpus_than_the_ship_has(write_scenario):
    line = _validate(write_scenario, {"training": [{"name": "t", "parameters": 8e9, "tokens": 1e11,
                                                    "gpus": 20_000}], "inference": None})
    assert "has 10000 GPUs but the workload asks for 20512 (training 20000, fine-tuning 512" in line


@pytest.mark.parametrize(("layout", "expected"), [
    ({"tensor_parallel": 16}, "tensor_parallel 16 is more than the 8 GPUs of one B200 scale-up (NVLink) domain "
                              "(allowed: 1 to 8)"),
    ({"tensor_parallel": 8, "pipeline_parallel": 3}, "tensor_parallel 8 x pipeline_parallel 3 x context_parallel 1 "
                                                     "= 24 does not divide the job's 1024 GPUs per ship"),
    ({"pipeline_parallel": 64, "virtual_stages": 4}, "pipeline_parallel 64 x virtual_stages 4 is more than the "
                                                     "model's 32 layers"),
])
def test_bad_training_layout_is_one_line(write_scenario, layout, expected):
    line = _validate(write_scenario, {
        "training": [{"name": "t", "parameters": 8e9, "tokens": 1e11, "gpus": 1024, "model": "llama3-8b",
                      "layout": layout}], "fine_tuning": None, "inference": None})
    assert "workload.training[0] (t).layout: " + expected in line
