"""Bad input: plain verdicts with the numbers, pydantic errors for bad fields."""

import pydantic
import pytest

from aether.errors import ScenarioError
from aether.settings.workload import Inference, InferenceModel, Outage, TrainingJob
from aether.ship import lookup
from aether.workload import WorkloadSettings, simulate_workload

from .conftest import settings, small_inputs


def test_inference_model_too_big_for_replica():
    inputs = small_inputs(accelerator=lookup("H100-SXM"))
    inference = Inference(model=InferenceModel(parameters=405e9), serving={"tensor_parallel": 4},
                          gpus_per_ship=64)
    with pytest.raises(ScenarioError) as err:
        simulate_workload(settings(inference=inference), inputs, 0)
    line = err.value.problems[0]
    # 405e9 x 2 bytes over 4 GPUs = 202.5 GB per GPU; an H100 SXM reports 81,559 MiB = 85.5 GB.
    assert "does not fit" in line and "202.5 GB of weights per GPU" in line and "85.5 GB of one H100" in line


def test_training_model_too_big_for_gpus():
    inputs = small_inputs(accelerator=lookup("H100-SXM"))
    job = TrainingJob(name="big", parameters=405e9, tokens=1e12, gpus=16)
    with pytest.raises(ScenarioError) as err:
        simulate_workload(settings([job]), inputs, 0)
    assert "405,000.0 GB per GPU" in err.value.problems[0] or "GB per GPU" in err.value.problems[0]
    assert "85.5 GB" in err.value.problems[0]  # 81,559 MiB, as the device reports it


def test_negative_tokens_and_unknown_policy_are_validation_errors():
    with pytest.raises(pydantic.ValidationError, match="tokens"):
        TrainingJob(name="x", parameters=1e9, tokens=-5, gpus=8)
    with pytest.raises(pydantic.ValidationError, match="routing"):
        Inference(routing="cheapest")
    with pytest.raises(pydantic.ValidationError):
        WorkloadSettings(training=[], bogus=1)
    with pytest.raises(pydantic.ValidationError, match="shares sum"):
        Inference(demand={"classes": [{"name": "a", "share": 0.5, "prompt_tokens": 1,
                                       "output_tokens": 1}]})


def test_over_allocation_and_unknown_ships():
    inputs = small_inputs()
    job = TrainingJob(name="j", parameters=1e9, tokens=1e9, gpus=2048)
    with pytest.raises(ScenarioError, match="has 1024 GPUs but the workload asks for 2048"):
        simulate_workload(settings([job]), inputs, 0)
    job = TrainingJob(name="j", parameters=1e9, tokens=1e9, gpus=8, ships=["nowhere"])
    with pytest.raises(ScenarioError, match="unknown ship nowhere"):
        simulate_workload(settings([job]), inputs, 0)
    with pytest.raises(ScenarioError, match="outages"):
        simulate_workload(settings(outages=[Outage(ship="x", start_s=0, duration_s=1)]),
                          inputs, 0)


def test_defaults_fit_project_aether_shape():
    inputs = small_inputs(gpus_per_ship=10_000, duration_s=3600.0)
    m = simulate_workload(WorkloadSettings(horizon_days=2), inputs, 0).metrics()
    assert m["gpu_allocation"]["training"] == [8192]
    assert m["training"]["frontier-405b"]["compute_flops"] == pytest.approx(3.79e25, rel=1e-3)
    assert m["inference"]["requests"] > 0
