"""The serving model's formulas against hand calculations, and its shape under load.

Property tests: per-GPU output falls as tensor parallelism grows (at a load the smaller
replica holds), and latency rises with load in both the closed and the open loop.
"""

import json

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from aether.cli import app
from aether.settings.hardware import lookup
from aether.settings.workload import InferenceModel, InferQuery, Serving
from aether.workload import infer, iteration_s, replica, serve_concurrency
from aether.workload.serving import at_batch

H100_BYTES = 81_559 * 2**20  # nvidia-smi's total for "NVIDIA H100 80GB HBM3"


def test_kv_cache_is_what_is_left_after_weights_activations_and_reserve():
    # Llama 3 70B in FP8 (weights and KV cache) on one H100: 70,553,706,496 B of weights;
    # activations for 8,192 tokens of (8,192 + 2 x 28,672) x 2 B = 1,073,741,824 B; 2 GB reserved;
    # 0.9 of the rest for the KV cache at 2 x 80 x 8 x 128 x 1 B = 163,840 B per token:
    # (85,520,809,984 - 70,553,706,496 - 1,073,741,824 - 2e9) x 0.9 / 163,840 = 65,332 tokens,
    # 255 requests of 128 + 128 tokens (TensorRT-LLM runs this model on one H100 at batch 200+,
    # docs/serving.md), where a usable share of all HBM (0.9 x 80 GB = 72 GB) left 1.4 GB.
    r = replica(InferenceModel(name="llama3-70b"), Serving(tensor_parallel=1, precision="fp8"), lookup("H100-SXM"))
    assert float(r.kv_bytes_per_token) == 163_840
    free = H100_BYTES - 70_553_706_496 - 8192 * (8192 + 2 * 28_672) * 2 - 2e9
    assert int(r.kv_capacity_tokens) == int(0.9 * free / 163_840) == 65_332
    assert int(r.batch_limit(128, 128)) == 255


def test_kv_heads_split_over_tensor_parallel_and_replicate_past_them():
    # 8 KV heads: each of 8 GPUs holds one head's keys and values per layer; at TP 16 each
    # still holds one (replicated), so the per-GPU slice stops shrinking.
    model = InferenceModel(name="llama3-405b")
    slices = [float(replica(model, Serving(tensor_parallel=tp, precision="fp8"), lookup("H200-SXM"))
                    .kv_bytes_per_token_per_gpu) for tp in (1, 8, 16)]
    assert slices == [2 * 126 * 8 * 128, 2 * 126 * 1 * 128, 2 * 126 * 1 * 128]


def test_tensor_parallel_all_reduces_by_hand():
    # Llama 3 8B in bf16 at TP 2 on H100s, overheads and inefficiencies removed, one decode
    # token: the weight shard 8,030,261,248 x 2 / 2 B at 3.35 TB/s = 2.3971 ms; 2 x 32
    # all-reduces, each 2 ring steps of 3 us plus 4,096 x 2 B / 2 at 370 GB/s (5.5 ns): 0.3847 ms.
    serving = Serving(tensor_parallel=2, hbm_efficiency=1.0, gemm_efficiency=1.0, step_overhead_s=0.0,
                      sequence_overhead_s=0.0)
    r = replica(InferenceModel(name="llama3-8b"), serving, lookup("H100-SXM"))
    weights_s = 8_030_261_248 * 2 / 2 / 3.35e12
    allreduce_s = 64 * 2 * (3e-6 + 4096 * 2 / 2 / 370e9)
    assert float(iteration_s(r, 1, 0, 0, 0)) == pytest.approx(weights_s + allreduce_s, rel=1e-9)


def test_pipeline_stages_split_the_weights_and_chain_the_iteration():
    # Llama 3 8B in bf16 on 2 pipeline stages of one H100 each, no overheads: each stage
    # reads half the weights (2.3971 ms) and sends its micro-batch's activations (half the
    # batch: 0.5 x 4,096 x 2 B at 450 GB/s after 3 us) to the next; a token passes both.
    serving = Serving(tensor_parallel=1, pipeline_parallel=2, hbm_efficiency=1.0, gemm_efficiency=1.0,
                      step_overhead_s=0.0, sequence_overhead_s=0.0)
    r = replica(InferenceModel(name="llama3-8b"), serving, lookup("H100-SXM"))
    stage_s = 8_030_261_248 * 2 / 2 / 3.35e12 + 3e-6 + 0.5 * 4096 * 2 / 450e9
    assert float(iteration_s(r, 1, 0, 0, 0)) == pytest.approx(2 * stage_s, rel=1e-9)
    assert int(r.gpus) == 2


def test_chunked_prefill_makes_inter_token_latency_a_mixture():
    # At a decode batch B with prompts of P and outputs of O tokens, B x P / O prompt tokens
    # must enter per iteration; a lone prompt goes in one chunk of P, so a share B / O of
    # iterations carries one: the mean ITL is that mixture, the p99 the heavy iteration.
    r = replica(InferenceModel(name="llama3-70b"), Serving(tensor_parallel=4), lookup("H100-SXM"))
    point = at_batch(r, 1000, 200, 20.0)
    assert float(point.heavy_share) == pytest.approx(20 / 200)
    light = float(iteration_s(r, 20, 1100, 0, 0))
    heavy = float(iteration_s(r, 20, 1100, 1000, 500))
    assert float(point.itl_mean_s) == pytest.approx(0.9 * light + 0.1 * heavy, rel=1e-12)
    assert float(point.rate_per_s) == pytest.approx(20 / (200 * float(point.itl_mean_s)), rel=1e-12)


def test_a_closed_loop_past_the_batch_limit_waits_for_a_slot():
    # Little's law: clients beyond what the largest batch holds wait (N - N_max) / throughput.
    r = replica(InferenceModel(name="llama3-70b"), Serving(tensor_parallel=2, precision="fp8"), lookup("H100-SXM"))
    small, large = (serve_concurrency(r, 5000, 500, n) for n in (200, 400))
    assert bool(small.saturated) and bool(large.saturated)
    assert float(large.slot_wait_s - small.slot_wait_s) == pytest.approx(200 / float(small.point.rate_per_s),
                                                                         rel=1e-9)
    assert float(large.point.rate_per_s) == float(small.point.rate_per_s)


MODELS = st.sampled_from(["llama3-8b", "llama3-70b"])
GPUS = st.sampled_from(["H100-SXM", "H200-SXM", "B200"])
PRECISION = st.sampled_from(["bf16", "fp8"])


def _ask(model, gpu, precision, tp, prompt, output, **load) -> dict:
    return infer(InferQuery(model={"name": model}, gpu=gpu, serving={"tensor_parallel": tp, "precision": precision},
                            prompt_tokens=prompt, output_tokens=output, **load))


@settings(max_examples=60, deadline=None)
@given(MODELS, GPUS, PRECISION, st.integers(16, 4000), st.integers(16, 2000), st.integers(1, 64),
       st.sampled_from([1, 2, 4]))
def test_per_gpu_output_falls_as_tensor_parallelism_grows(model, gpu, precision, prompt, output, clients, tp):
    # Two all-reduces per layer and the fixed costs of an iteration do not shrink with more
    # GPUs, so at the same load a replica twice as wide makes less than twice the tokens
    # (compared where the smaller replica holds every client, i.e. is not at its batch limit).
    try:
        narrow = _ask(model, gpu, precision, tp, prompt, output, concurrency=clients)
    except Exception:  # noqa: BLE001 - the model does not fit the narrower replica
        assume(False)
    assume(not narrow["saturated"])
    wide = _ask(model, gpu, precision, 2 * tp, prompt, output, concurrency=clients)
    assert wide["output_tok_s"] / wide["gpus"] < narrow["output_tok_s"] / narrow["gpus"]


@settings(max_examples=60, deadline=None)
@given(MODELS, GPUS, PRECISION, st.sampled_from([1, 2, 4, 8]), st.integers(16, 8000), st.integers(2, 2000),
       st.integers(1, 400), st.integers(1, 400), st.floats(0.02, 1.0), st.floats(1.0, 3.0))
def test_latency_rises_with_load(model, gpu, precision, tp, prompt, output, clients, more, share, factor):
    try:
        light = _ask(model, gpu, precision, tp, prompt, output, concurrency=clients)
    except Exception:  # noqa: BLE001 - the model does not fit this replica
        assume(False)
    heavy = _ask(model, gpu, precision, tp, prompt, output, concurrency=clients + more)
    assert heavy["itl_ms"]["mean"] >= light["itl_ms"]["mean"] * (1 - 1e-9)
    assert heavy["ttft_ms"]["mean"] >= light["ttft_ms"]["mean"] * (1 - 1e-9)
    # Open loop: Poisson arrivals at a share of the capacity, then more.
    capacity = _ask(model, gpu, precision, tp, prompt, output, concurrency=100_000)["requests_per_s"]
    low = _ask(model, gpu, precision, tp, prompt, output, rate_per_s=share * capacity * 0.99)
    high = _ask(model, gpu, precision, tp, prompt, output, rate_per_s=min(share * factor, 0.99) * capacity)
    assert high["itl_ms"]["mean"] >= low["itl_ms"]["mean"] * (1 - 1e-9)
    assert high["ttft_ms"]["p99"] >= low["ttft_ms"]["p99"] * (1 - 1e-9)


def test_inter_token_latency_climbs_several_fold_from_light_to_heavy_load():
    # The complaint: TPOT must respond to load. Llama 3 70B FP8 on 2 H100s, 5000/500
    # tokens (NIM's published sweep shows 18.6 ms at 1 client and 93 ms at 250: 5.0x).
    light, heavy = (_ask("llama3-70b", "H100-SXM", "fp8", 2, 5000, 500, concurrency=n) for n in (1, 250))
    assert heavy["itl_ms"]["mean"] / light["itl_ms"]["mean"] > 4


def test_open_loop_past_capacity_has_no_finite_ttft():
    answer = _ask("llama3-8b", "H100-SXM", "bf16", 1, 500, 500, rate_per_s=1e6)
    assert answer["saturated"] and answer["ttft_ms"] == {"mean": None, "p50": None, "p90": None, "p99": None}
    assert answer["itl_ms"]["mean"] > 0


INFER = ["infer", "--model", "llama3-70b", "--gpu", "H100-SXM", "--tp", "2", "--precision", "fp8",
         "--prompt", "5000", "--output", "500"]


def test_infer_json_keys():
    result = CliRunner().invoke(app, [*INFER, "--concurrency", "25", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    for key in ("throughput_tok_s", "output_tok_s", "requests_per_s", "batch_mean", "kv_capacity_tokens", "gpus"):
        assert isinstance(data[key], int | float)
    for key in ("ttft_ms", "itl_ms"):
        assert set(data[key]) == {"mean", "p50", "p90", "p99"}
    assert data["gpus"] == 2
    assert data["throughput_tok_s"] == pytest.approx(data["output_tok_s"] * 5500 / 500, rel=1e-6)
    assert data["itl_ms"]["p50"] <= data["itl_ms"]["mean"] <= data["itl_ms"]["p99"]


@pytest.mark.parametrize("args, line", [
    (["--tp", "0"], "aether infer: --tp: 0 GPUs is not allowed (allowed: 1 GPUs to 1024 GPUs)"),
    (["--tp", "two"], "aether infer: --tp: 'two' is not allowed (allowed: a whole number)"),
    (["--pp", "1.5"], "aether infer: --pp: 1.5 is not allowed (allowed: a whole number)"),
    (["--precision", "fp4"], "aether infer: --precision: 'fp4' is not allowed (allowed: 'bf16' or 'fp8')"),
    (["--prompt", "-1"], "aether infer: --prompt: -1 tokens is not allowed"),
    (["--rate", "1", "--concurrency", "2"], "aether infer: --concurrency/--rate: give one load"),
    (["--concurrency", "nan"], "aether infer: --concurrency: 'nan' is not allowed (allowed: a whole number)"),
    (["--gpu", "H900"], "aether infer: --gpu: unknown accelerator 'H900' (allowed: B200, GB200, H100-SXM, H200-SXM)"),
    (["--model", "llama9"], "aether infer: --model: 'llama9' is not allowed (allowed: llama3-8b, llama3-70b"),
    (["--model", "llama3-405b", "--tp", "1"], "aether infer: --model: llama3-405b does not fit"),
])
def test_infer_bad_input_is_one_line(args, line):
    argv = list(INFER)
    for flag, value in zip(args[::2], args[1::2], strict=True):
        if flag in argv:
            argv[argv.index(flag) + 1] = value
        else:
            argv += [flag, value]
    if "--rate" not in args and "--concurrency" not in args:
        argv += ["--concurrency", "1"]
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert lines[0].startswith(line), lines[0]


def test_infer_model_from_a_file(tmp_path):
    # A model's shape from YAML: the Llama 3 8B shape under another name gives its figures.
    path = tmp_path / "mine.yaml"
    path.write_text("name: mine\nparameters: 8030261248\nvocab: 128256\nlayers: 32\nhidden: 4096\n"
                    "heads: 32\nkv_heads: 8\nhead_dim: 128\nintermediate: 14336\n")
    args = ["infer", "--gpu", "H100-SXM", "--tp", "1", "--prompt", "500", "--output", "500", "--rate", "2", "--json"]
    mine = json.loads(CliRunner().invoke(app, [*args, "--model", str(path)]).output)
    builtin = json.loads(CliRunner().invoke(app, [*args, "--model", "llama3-8b"]).output)
    assert mine == builtin
    path.write_text("layers: 0\n")
    result = CliRunner().invoke(app, [*args, "--model", str(path)])
    assert result.exit_code == 2
    assert result.output.strip() == (f"aether infer: --model: {path}: layers: 0 is not allowed "
                                      "(allowed: 1 to 1e+07)")


def test_serving_settings_reject_what_has_no_meaning():
    with pytest.raises(ValueError, match="embedding table"):
        InferenceModel(name="x", parameters=1e6)
    assert Serving(precision="fp8").kv_bytes == 1.0
    assert Serving(precision="fp8", kv_cache="bf16").kv_bytes == 2.0
