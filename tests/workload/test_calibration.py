"""`aether calibrate`: the plan, the scaling from a few layers, the fit, the file, its use.

The fit is checked against steps the serving model itself generates from known parameters
(exactly, and through 1 % noise); the file against the schema that reads it back; its use
against a hand calculation (decode at batch 1 reads the weights and KV cache at the HBM
bandwidth x efficiency, so halving the measured bandwidth doubles the inter-token latency).
None of this needs torch or a GPU; the torch backend's own test runs where torch is installed.
"""

import json
import sys
import types
from dataclasses import replace

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from aether.cli import app
from aether.scenario import ScenarioError, parse_scenario
from aether.scenario.load import read_calibration
from aether.settings.hardware import lookup
from aether.settings.workload import InferenceModel
from aether.workload import GRIDS, NumpyBackend, Shape, catalogue_gpu, document, fit_measurements, measure, plan
from aether.workload.calibration import Measurements, check_peaks, fitting_replica, modelled_steps_s
from aether.workload.microbench import Device, Timing
from tests.conftest import small_scenario

H100 = lookup("H100-SXM")
H200_FREE = 140 * 2**30  # about what an idle H200 leaves free (143,771 MiB in all)
TRUTH = {"gemm_efficiency": 0.72, "hbm_efficiency": 0.85, "step_overhead_s": 0.8e-3, "sequence_overhead_s": 6e-6}
TINY = {"name": "tiny", "parameters": 1_000_000, "vocab": 256, "layers": 8, "hidden": 64, "heads": 4,
        "kv_heads": 2, "head_dim": 16, "intermediate": 128}


def _device(free_bytes: float = H200_FREE, value_bytes: int = 2) -> Device:
    return Device("test GPU", int(free_bytes), int(free_bytes), value_bytes, "bfloat16", {"test": "1"})


def _synthetic(model: InferenceModel, truth: dict, grid: str = "full", noise: float = 0.0, seed: int = 0,
               accelerator=H100) -> Measurements:
    """Measurements whose steps are the serving model's with `truth`, times lognormal noise;
    copy and matrix product at 80 % and 75 % of the accelerator's peaks."""
    p = plan(Shape.of(model), _device(), GRIDS[grid], model.name)
    batch, context = (np.array(x, float) for x in zip(*p.decode, strict=True))
    prompts = np.array(p.prompts, float)
    m = Measurements(2**30, 2 * 2**30 / (0.8 * accelerator.hbm_bytes_per_s), 8192,
                     2 * 8192**3 / (0.75 * accelerator.peak_flops("bf16")), p.layers, model.layers,
                     batch, context, batch, prompts, prompts)
    steps = modelled_steps_s(m, fitting_replica(model, accelerator, 2, **truth))
    steps = steps * np.exp(np.random.default_rng(seed).normal(0.0, noise, steps.size))
    return replace(m, decode_step_s=steps[: batch.size], prefill_step_s=steps[batch.size:])


def test_shapes_count_the_published_parameters():
    # models.yaml counts parameters from the shapes: layers x per-layer weights, the head, the
    # embedding table (vocab x hidden, looked up in decode, so never timed) and the final norm.
    for name in ("llama3-8b", "llama3-70b", "llama3-405b"):
        model = InferenceModel(name=name)
        s = Shape.of(model)
        assert s.layers * s.layer_values + s.head_values + s.vocab * s.hidden == model.parameters


@pytest.mark.parametrize("name", ["llama3-8b", "llama3-70b", "llama3-405b"])
def test_fit_recovers_the_parameters_that_generated_the_steps(name):
    model = InferenceModel(name=name)
    fit = fit_measurements(_synthetic(model, TRUTH), model, H100, 2)
    for key, value in TRUTH.items():
        assert fit.parameters[key] == pytest.approx(value, rel=1e-4), key
    assert fit.max_error < 1e-6


def test_fit_recovers_known_parameters_through_one_percent_noise():
    # Llama 3 8B on the full grid (15 decode points, 3 prefills), each step off by a lognormal
    # factor of sigma 1 %. Over these 10 seeds the largest errors are 1.1 % and 1.9 % for the
    # efficiencies and 16 % and 10 % for the overheads (0.8 ms is 8 % of a batch-1 step, so
    # 1 % noise on the step is 12 % on it); the tolerances leave room over those.
    model = InferenceModel(name="llama3-8b")
    for seed in range(10):
        fit = fit_measurements(_synthetic(model, TRUTH, noise=0.01, seed=seed), model, H100, 2)
        p = fit.parameters
        assert p["gemm_efficiency"] == pytest.approx(TRUTH["gemm_efficiency"], rel=0.03)
        assert p["hbm_efficiency"] == pytest.approx(TRUTH["hbm_efficiency"], rel=0.03)
        assert p["step_overhead_s"] == pytest.approx(TRUTH["step_overhead_s"], rel=0.25)
        assert p["sequence_overhead_s"] == pytest.approx(TRUTH["sequence_overhead_s"], rel=0.20)
        assert fit.rms_error < 0.02


def test_a_model_too_big_for_one_gpu_is_timed_on_a_few_layers_within_memory():
    # Llama 3 405B in bf16 is 812 GB. One layer is 3,187,703,808 values (6.4 GB), the head
    # 2,101,362,688 (4.2 GB). On an H200's 140 GiB free, the full grid keeps every point and
    # times 4 layers; on 20 GB free (14 GB usable) one layer and the head leave 3.4 GB, so the
    # largest KV caches (256 x 4,096 tokens x 2 x 8 x 128 x 2 B = 4.3 GB) are dropped.
    s = Shape.of(InferenceModel(name="llama3-405b"))
    assert s.layer_values == 3_187_703_808 and s.head_values == 2_101_362_688
    big = plan(s, _device(), GRIDS["full"], "llama3-405b")
    assert big.layers == 4 and len(big.decode) == 15 and len(big.prompts) == 3
    small = plan(s, _device(20e9), GRIDS["full"], "llama3-405b")
    assert small.layers == 1 and (256, 4096) not in small.decode and (1, 128) in small.decode
    kv = small.kv_tokens * s.kv_values_per_token
    tokens = max(max(small.prompts, default=1), max(b for b, _ in small.decode))
    used = 2 * (s.head_values + kv + 2 * s.activation_values(tokens) + small.layers * s.layer_values)
    assert used <= 0.7 * 20e9
    with pytest.raises(ScenarioError, match="one layer of llama3-405b"):
        plan(s, _device(8e9), GRIDS["full"], "llama3-405b")


class ServingModelBackend:
    """A backend that answers with the serving model's times split over layers and head, so
    `measure`'s scaling from timed layers to the whole model can be checked exactly."""

    HEAD_SHARE = 0.05

    def __init__(self, model: InferenceModel, truth: dict):
        self.replica = fitting_replica(model, H100, 2, **truth)
        self.model = model

    def device(self):
        return _device()

    def copy_s(self, nbytes, timing):
        return 2 * nbytes / (0.8 * H100.hbm_bytes_per_s)

    def gemm_s(self, n, timing):
        return 2 * n**3 / (0.75 * H100.peak_flops())

    def load(self, shape, layers, kv_tokens, prompt_tokens):
        self.timed = layers

    def _split(self, total):
        head = self.HEAD_SHARE * total
        return (total - head) * self.timed / self.model.layers, head

    def decode_s(self, batch, context, timing):
        from aether.workload import iteration_s

        return self._split(float(iteration_s(self.replica, batch, context, 0, 0)))

    def prefill_s(self, prompt, timing):
        from aether.workload import iteration_s

        return self._split(float(iteration_s(self.replica, 0, 0, prompt, prompt / 2)))

    def unload(self):
        pass


def test_measure_scales_the_timed_layers_to_the_whole_model():
    model = InferenceModel(name="llama3-70b")
    p = plan(Shape.of(model), _device(), GRIDS["quick"], model.name)
    assert p.layers == 2
    m = measure(ServingModelBackend(model, TRUTH), Shape.of(model), p)
    assert m.copy_bytes_per_s == pytest.approx(0.8 * H100.hbm_bytes_per_s)
    assert m.gemm_flops_per_s == pytest.approx(0.75 * H100.peak_flops())
    fit = fit_measurements(m, model, H100, 2)
    for key, value in TRUTH.items():
        assert fit.parameters[key] == pytest.approx(value, rel=1e-4), key


def _write_calibration(tmp_path, name: str, hbm_efficiency: float) -> str:
    """A calibration file fitted to steps generated with this HBM efficiency and no overheads."""
    model = InferenceModel(name="llama3-8b")
    truth = {**TRUTH, "hbm_efficiency": hbm_efficiency, "step_overhead_s": 0.0, "sequence_overhead_s": 0.0}
    m = _synthetic(model, truth)
    content = document(_device(), "H100-SXM", model, m, fit_measurements(m, model, H100, 2), "2026-01-01T00:00:00Z")
    path = tmp_path / name
    path.write_text(yaml.safe_dump(content, sort_keys=False))
    return str(path)


def test_the_file_round_trips_and_halving_the_bandwidth_doubles_the_batch_1_latency(tmp_path):
    # Llama 3 8B on one H100 at batch 1: an iteration reads the 16.06 GB of weights and the
    # KV cache at 3.35 TB/s x hbm_efficiency (no overheads), so its inter-token latency is
    # 16.06e9 / (3.35e12 x 0.8) = 5.99 ms plus the KV cache's read, and at 0.4 twice that.
    fast, slow = _write_calibration(tmp_path, "fast.yaml", 0.8), _write_calibration(tmp_path, "slow.yaml", 0.4)
    assert read_calibration(tmp_path / "fast.yaml", "fast").serving.hbm_efficiency == pytest.approx(0.8, rel=1e-4)
    answers = []
    for file in (fast, slow):
        result = CliRunner().invoke(app, ["infer", "--model", "llama3-8b", "--gpu", "H100-SXM", "--tp", "1",
                                          "--prompt", "16", "--output", "1024", "--concurrency", "1",
                                          "--calibration", file, "--json"])
        assert result.exit_code == 0, result.output
        answers.append(json.loads(result.stdout))
    kv_bytes = (16 + 512) * 2 * 32 * 8 * 128 * 2  # prompt + half the output, all layers' keys and values
    assert answers[0]["itl_ms"]["p50"] == pytest.approx((8_030_261_248 * 2 + kv_bytes) / (3.35e12 * 0.8) * 1e3,
                                                        rel=2e-3)
    assert answers[1]["itl_ms"]["p50"] / answers[0]["itl_ms"]["p50"] == pytest.approx(2.0, rel=2e-3)
    assert answers[0]["output_tok_s"] / answers[1]["output_tok_s"] == pytest.approx(2.0, rel=0.01)


def test_a_scenario_takes_the_engine_parameters_from_its_calibration_file(tmp_path):
    _write_calibration(tmp_path, "cal.yaml", 0.5)
    data = small_scenario()
    data["workload"] = {"inference": {"serving": {"calibration": "cal.yaml"}}}
    scenario = parse_scenario(data, "s.yaml", tmp_path)
    serving = scenario.workload.inference.serving
    assert serving.hbm_efficiency == pytest.approx(0.5, rel=1e-4) and serving.calibration == "cal.yaml"
    data["workload"]["inference"]["serving"]["step_overhead_s"] = 0.001
    with pytest.raises(ScenarioError) as error:
        parse_scenario(data, "s.yaml", tmp_path)
    assert error.value.problems == ["s.yaml: workload.inference.serving.step_overhead_s: given beside calibration, "
                                    "which sets it (allowed: one of the two)"]


def _one_line(args: list[str]) -> str:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return lines[0]


def test_a_bad_calibration_file_is_one_line_naming_its_field(tmp_path, write_scenario):
    path = _write_calibration(tmp_path, "cal.yaml", 0.5)
    content = yaml.safe_load(open(path))
    content["serving"]["hbm_efficiency"] = 1.5
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(content))
    data = small_scenario()
    data["workload"] = {"inference": {"serving": {"calibration": str(tmp_path / "bad.yaml")}}}
    line = _one_line(["validate", str(write_scenario(data))])
    assert line.endswith(f"workload.inference.serving.calibration: {tmp_path / 'bad.yaml'}: serving.hbm_efficiency: "
                         "1.5 is not allowed (allowed: 0 (exclusive) to 1)")
    infer = ["infer", "--model", "llama3-8b", "--gpu", "H100-SXM", "--tp", "1", "--prompt", "16", "--output", "16",
             "--concurrency", "1", "--calibration"]
    assert "not a calibration file's" in _one_line([*infer, str(write_scenario(small_scenario(), "other.yaml"))])
    assert _one_line([*infer, str(tmp_path / "none.yaml")]).endswith("none.yaml: file not found")


def test_without_torch_or_without_a_gpu_it_says_so_in_one_line(monkeypatch):
    args = ["calibrate", "--model", "llama3-8b"]
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch raises ImportError
    assert "PyTorch is not installed" in _one_line(args)
    no_gpu = types.SimpleNamespace(cuda=types.SimpleNamespace(is_available=lambda: False))
    monkeypatch.setitem(sys.modules, "torch", no_gpu)
    assert "PyTorch sees no CUDA GPU" in _one_line(args)


def test_other_refusals_are_one_line(tmp_path):
    (tmp_path / "taken.yaml").write_text("x")
    tiny = tmp_path / "tiny.yaml"
    tiny.write_text(yaml.safe_dump(TINY))
    cpu = ["calibrate", "--device", "cpu"]
    assert "already exists" in _one_line([*cpu, "--model", str(tiny), "--gpu", "H100-SXM", "--out",
                                          str(tmp_path / "taken.yaml")])
    assert "is not a catalogue accelerator" in _one_line([*cpu, "--model", str(tiny)])
    assert "unknown accelerator 'A100'" in _one_line([*cpu, "--model", str(tiny), "--gpu", "A100"])
    assert "one layer of llama3-70b" in _one_line([*cpu, "--model", "llama3-70b", "--gpu", "H100-SXM"])
    assert "--device: 'tpu' is not allowed" in _one_line(["calibrate", "--model", "llama3-8b", "--device", "tpu"])
    tiny.write_text(yaml.safe_dump({**TINY, "layers": 0}))
    assert "--model: " in _one_line([*cpu, "--model", str(tiny), "--gpu", "H100-SXM"])


def test_device_names_map_to_the_catalogue():
    # Names as torch.cuda.get_device_name reports them (nvidia-smi's product names).
    assert catalogue_gpu("NVIDIA H100 80GB HBM3") == "H100-SXM"
    assert catalogue_gpu("NVIDIA H200") == "H200-SXM"
    assert catalogue_gpu("NVIDIA B200") == "B200"
    assert catalogue_gpu("NVIDIA GB200") == "GB200"
    assert catalogue_gpu("NVIDIA H100 PCIe") is None and catalogue_gpu("NVIDIA H100 NVL") is None
    assert catalogue_gpu("NVIDIA A100-SXM4-80GB") is None


def test_a_device_faster_than_its_catalogue_entry_is_refused():
    # An H200 copies at about 4.3 TB/s (read + write), above an H100's 3.35 TB/s peak.
    m = replace(_synthetic(InferenceModel(name="llama3-8b"), TRUTH), copy_s=2 * 2**30 / 4.3e12)
    with pytest.raises(ScenarioError, match="above the 3.35 TB/s peak of H100-SXM"):
        check_peaks(m, H100, _device())
    check_peaks(m, lookup("H200-SXM"), _device())


def test_the_cpu_backend_runs_the_whole_command(tmp_path):
    tiny = tmp_path / "tiny.yaml"
    tiny.write_text(yaml.safe_dump(TINY))
    out = tmp_path / "cal.yaml"
    result = CliRunner().invoke(app, ["calibrate", "--model", str(tiny), "--device", "cpu", "--gpu", "H100-SXM",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    calibration = read_calibration(out, "cal")
    grid = GRIDS["cpu"]
    assert calibration.device.dtype == "float32" and calibration.device.gpu == "H100-SXM"
    assert len(calibration.measured.decode) == len(grid.batches) * len(grid.contexts)
    assert [p.prompt_tokens for p in calibration.measured.prefill] == list(grid.prompts)
    assert (calibration.measured.layers_timed, calibration.measured.layers) == (2, 8)
    assert calibration.fit.points == len(calibration.measured.decode) + len(calibration.measured.prefill)


def _tiny_plan():
    model = InferenceModel(**TINY)
    return model, Shape.of(model), plan(Shape.of(model), _device(2**30, 4), replace(GRIDS["cpu"], timing=Timing(0, 1)),
                                        "tiny")


def test_the_numpy_backend_measures_every_point():
    model, shape, p = _tiny_plan()
    m = measure(NumpyBackend(), shape, p)
    assert np.all(m.decode_step_s > 0) and np.all(m.prefill_step_s > 0) and m.copy_s > 0 and m.gemm_s > 0


def test_the_torch_backend_measures_every_point_on_cpu_tensors():
    # Runs only where torch is installed: it is the optional extra `calibrate`, never a test
    # dependency (requirements.txt leaves it out), so CI and the development venv skip this.
    pytest.importorskip("torch", reason="torch is the optional extra `calibrate`, not installed here")
    from aether.workload.microbench_torch import TorchBackend

    model, shape, p = _tiny_plan()
    m = measure(TorchBackend("cpu"), shape, p)
    assert np.all(m.decode_step_s > 0) and np.all(m.prefill_step_s > 0) and m.copy_s > 0 and m.gemm_s > 0


def _prompt_kv(s: Shape, x, w):
    """The keys and values a prefill of x computes in its layer, as a decode's KV cache (1 sequence)."""
    from aether.workload.microbench import _rms

    qkv = _rms(x, w["norm1"]) @ w["qkv"]
    k = qkv[:, s.heads * s.head_dim:(s.heads + s.kv_heads) * s.head_dim].reshape(-1, s.kv_heads, s.head_dim)
    v = qkv[:, (s.heads + s.kv_heads) * s.head_dim:].reshape(-1, s.kv_heads, s.head_dim)
    return k.transpose(1, 0, 2)[None], v.transpose(1, 0, 2)[None]


def test_decode_of_the_last_token_equals_the_causal_prefills_last_row():
    # The last token of a prompt attends to every token, so a decode step over the prompt's
    # own keys and values must give the prefill's last row: the two attention paths agree.
    model, shape, p = _tiny_plan()
    backend = NumpyBackend()
    backend.load(shape, 1, 64, 64)
    w = backend._weights[0]
    x = backend._random(24, shape.hidden) * np.float32(50.0)
    k, v = _prompt_kv(shape, x, w)
    decoded = backend._decode_layer(x[-1:], w, k, v)
    prefilled = backend._prefill_layer(x, w)[-1:]
    assert np.allclose(decoded, prefilled, rtol=1e-4, atol=1e-6)


def test_the_torch_layers_compute_what_the_numpy_layers_compute():
    pytest.importorskip("torch", reason="torch is the optional extra `calibrate`, not installed here")
    import torch

    from aether.workload.microbench_torch import TorchBackend

    model, shape, p = _tiny_plan()
    reference, under_test = NumpyBackend(), TorchBackend("cpu")
    reference.load(shape, 1, 64, 64)
    under_test.load(shape, 1, 64, 64)
    w = reference._weights[0]
    tw = {key: torch.from_numpy(value) for key, value in w.items()}
    x = reference._random(24, shape.hidden) * np.float32(50.0)
    k = reference._random(3, shape.kv_heads, 24, shape.head_dim)
    v = reference._random(3, shape.kv_heads, 24, shape.head_dim)
    xs = x[:3]
    got = under_test._decode_layer(torch.from_numpy(xs), tw, torch.from_numpy(k), torch.from_numpy(v)).numpy()
    assert np.allclose(got, reference._decode_layer(xs, w, k, v), rtol=1e-4, atol=1e-5)
    got = under_test._prefill_layer(torch.from_numpy(x), tw).numpy()
    assert np.allclose(got, reference._prefill_layer(x, w), rtol=1e-4, atol=1e-5)
