"""`aether calibrate`: measure a GPU, fit the serving model's engine parameters to it.

Three steps, each a function: `plan` sizes the micro-benchmark from the device's free
memory (a model too large for one GPU is timed on a few layers), `measure` runs it on a
backend (aether.workload.microbench), and `fit_measurements` chooses gemm_efficiency,
hbm_efficiency, step_overhead_s and sequence_overhead_s so that the serving model's
iteration time (aether.workload.serving.iteration_s, one GPU) matches the measured decode
steps and prefills, by the same least-squares fit that chose the defaults
(aether.workload.fitting). `document` is the calibration file's content
(aether.settings.calibration.Calibration).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from aether.errors import ScenarioError
from aether.settings.calibration import KIND
from aether.settings.hardware import MIB_BYTES, Accelerator
from aether.settings.workload import InferenceModel
from aether.workload.fitting import ENGINE_PARAMETERS, fit_engine, log_errors
from aether.workload.microbench import Backend, Device, Shape, Timing
from aether.workload.serving import Replica, iteration_s

# Share of the device's free memory the benchmark may take (the rest: the library's own
# workspaces, CUDA graphs' pools, fragmentation).
MEMORY_SHARE = 0.7


@dataclass(frozen=True)
class Grid:
    """What to time: decode steps at each batch x context, prefills of each prompt length,
    up to max_layers layers, a copy of copy_bytes and a gemm_n-cubed matrix product."""

    batches: tuple[int, ...]
    contexts: tuple[int, ...]
    prompts: tuple[int, ...]
    max_layers: int
    copy_bytes: int
    gemm_n: int
    timing: Timing


GRIDS = {
    # Batch 1 to 256 and contexts 128 to 4,096 separate the weights' read (fixed), the KV
    # cache's (batch x context) and the per-sequence cost (batch); prompts of 256 to 4,096
    # tokens are compute-bound on any GPU, which fixes the matrix efficiency.
    "full": Grid((1, 4, 16, 64, 256), (128, 1024, 4096), (256, 1024, 4096), 4, 2 * 2**30, 8192, Timing(3, 10)),
    "quick": Grid((1, 16, 128), (256, 2048), (512, 2048), 2, 2**30, 8192, Timing(2, 5)),
    # For the CPU (numpy or torch on CPU tensors) and tiny models: tests and trying the command.
    "cpu": Grid((1, 4, 16), (32, 128), (16, 64), 2, 16 * 2**20, 256, Timing(1, 3)),
}


@dataclass(frozen=True)
class Plan:
    """A grid sized to the device: the decode points (batch, context) and prompts that fit,
    and how many layers are timed."""

    decode: tuple[tuple[int, int], ...]
    prompts: tuple[int, ...]
    layers: int
    copy_bytes: int
    gemm_n: int
    timing: Timing

    @property
    def kv_tokens(self) -> int:
        return max(b * c for b, c in self.decode)


def _gb(nbytes: float) -> str:
    return f"{nbytes / 1e9:,.1f} GB"


def plan(shape: Shape, device: Device, grid: Grid, model_name: str) -> Plan:
    """The grid within MEMORY_SHARE of the device's free memory: the largest decode points
    (batch x context) and prompts are dropped while one layer, the head, the KV cache and the
    activations do not fit, then as many layers as fit are timed (up to grid.max_layers)."""
    budget = MEMORY_SHARE * device.free_bytes
    vb = device.value_bytes
    decode = sorted(((b, c) for b in grid.batches for c in grid.contexts), key=lambda bc: bc[0] * bc[1])
    prompts = sorted(grid.prompts)

    def fixed() -> float:
        tokens = max(prompts[-1] if prompts else 1, decode[-1][0] if decode else 1)
        kv = decode[-1][0] * decode[-1][1] * shape.kv_values_per_token if decode else 0
        return vb * (shape.head_values + kv + 2 * shape.activation_values(tokens) + shape.layer_values)

    while fixed() > budget and (len(decode) > 1 or len(prompts) > 0):
        biggest_decode = decode[-1][0] * decode[-1][1] * shape.kv_values_per_token if len(decode) > 1 else 0
        biggest_prompt = 2 * shape.activation_values(prompts[-1]) if prompts else 0
        if biggest_decode >= biggest_prompt:
            decode.pop()
        else:
            prompts.pop()
    if fixed() > budget:
        raise ScenarioError([f"aether calibrate: --model: one layer of {model_name}, its output head and the "
                             f"smallest KV cache need {_gb(fixed())}, more than {MEMORY_SHARE:.0%} of the "
                             f"{_gb(device.free_bytes)} free on {device.name} (allowed: a smaller model)"])
    layers = int(min(grid.max_layers, shape.layers, 1 + (budget - fixed()) // (vb * shape.layer_values)))
    copy_bytes = int(min(grid.copy_bytes, budget / 4))
    gemm_n = grid.gemm_n
    while 3 * gemm_n**2 * vb > budget / 2 and gemm_n > 64:
        gemm_n //= 2
    return Plan(tuple(decode), tuple(prompts), layers, copy_bytes, gemm_n, grid.timing)


@dataclass(frozen=True)
class Measurements:
    """What `measure` found. Steps are the whole model's (all layers and the head), seconds."""

    copy_bytes: int
    copy_s: float
    gemm_n: int
    gemm_s: float
    layers_timed: int
    layers: int
    decode_batch: np.ndarray
    decode_context: np.ndarray
    decode_step_s: np.ndarray
    prefill_prompt: np.ndarray
    prefill_step_s: np.ndarray

    @property
    def copy_bytes_per_s(self) -> float:
        """Bytes read and written per second (the STREAM convention: McCalpin 1995)."""
        return 2.0 * self.copy_bytes / self.copy_s

    @property
    def gemm_flops_per_s(self) -> float:
        return 2.0 * self.gemm_n**3 / self.gemm_s


Progress = Callable[[str, int, int], None]


def measure(backend: Backend, shape: Shape, p: Plan, progress: Progress | None = None) -> Measurements:
    """Run the plan on the backend. A step of all layers is layers / timed x the timed
    layers' time + the head's; progress(what, done, total) after each figure."""
    total = 2 + len(p.decode) + len(p.prompts)
    done = 0

    def tick(what: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(what, done, total)

    copy_s = backend.copy_s(p.copy_bytes, p.timing)
    tick("copy")
    gemm_s = backend.gemm_s(p.gemm_n, p.timing)
    tick("gemm")
    scale = shape.layers / p.layers
    backend.load(shape, p.layers, p.kv_tokens, max(p.prompts, default=1))
    try:
        decode = []
        for batch, context in p.decode:
            layers_s, head_s = backend.decode_s(batch, context, p.timing)
            decode.append(scale * layers_s + head_s)
            tick(f"decode {batch} x {context}")
        prefill = []
        for prompt in p.prompts:
            layers_s, head_s = backend.prefill_s(prompt, p.timing)
            prefill.append(scale * layers_s + head_s)
            tick(f"prefill {prompt}")
    finally:
        backend.unload()
    batch, context = (np.array(x, float) for x in zip(*p.decode, strict=True))
    return Measurements(p.copy_bytes, copy_s, p.gemm_n, gemm_s, p.layers, shape.layers, batch, context,
                        np.array(decode), np.array(p.prompts, float), np.array(prefill))


def fitting_replica(model: InferenceModel, accelerator: Accelerator, value_bytes: float, **engine) -> Replica:
    """One GPU (tp 1, pp 1) of the accelerator serving the model at value_bytes per weight and
    KV value, with these engine parameters (arrays broadcast: one replica per candidate)."""
    return Replica.of(
        parameters=model.parameters, vocab=model.vocab, layers=model.layers, hidden=model.hidden,
        heads=model.heads, kv_heads=model.kv_heads, head_dim=model.head_dim, intermediate=model.intermediate,
        weight_bytes=value_bytes, kv_bytes=value_bytes, peak_flops=accelerator.peak_flops("bf16"),
        hbm_bytes=accelerator.hbm_bytes, hbm_bytes_per_s=accelerator.hbm_bytes_per_s, link_bytes_per_s=0.0,
        allreduce_bytes_per_s=0.0, link_latency_s=0.0, tp=1, pp=1, kv_fraction=1.0, reserve_bytes=0.0,
        max_batch=1, max_tokens=1, **engine)


def modelled_steps_s(m: Measurements, r: Replica) -> np.ndarray:
    """The serving model's time of each measured point: the decode steps, then the prefills
    (a prompt's tokens attend to half the prompt on average: causal attention)."""
    zeros_d, zeros_p = np.zeros_like(m.decode_batch), np.zeros_like(m.prefill_prompt)
    decode = np.concatenate([m.decode_batch, zeros_p])
    context = np.concatenate([m.decode_context, zeros_p])
    prefill = np.concatenate([zeros_d, m.prefill_prompt])
    return iteration_s(r, decode, context, prefill, 0.5 * prefill)


def measured_steps_s(m: Measurements) -> np.ndarray:
    return np.concatenate([m.decode_step_s, m.prefill_step_s])


@dataclass(frozen=True)
class Fit:
    """The fitted engine parameters and the relative errors of the model at each point."""

    parameters: dict[str, float]
    errors: np.ndarray

    @property
    def rms_error(self) -> float:
        return float(np.sqrt(np.mean(self.errors**2)))

    @property
    def max_error(self) -> float:
        return float(np.max(np.abs(self.errors)))


def check_peaks(m: Measurements, accelerator: Accelerator, device: Device) -> None:
    """Refuse a device faster than its catalogue entry's peaks: the efficiencies would pass 1
    (the wrong --gpu, or a catalogue figure to correct)."""
    for what, got, peak, unit in (("copies", m.copy_bytes_per_s, accelerator.hbm_bytes_per_s, "TB/s"),
                                  ("multiplies", m.gemm_flops_per_s, accelerator.peak_flops("bf16"), "PFLOP/s")):
        scale = 1e12 if unit == "TB/s" else 1e15
        if got > peak:
            raise ScenarioError([f"aether calibrate: --gpu: {device.name} {what} at {got / scale:.3g} {unit}, above "
                                 f"the {peak / scale:.3g} {unit} peak of {accelerator.name} in the catalogue "
                                 "(allowed: --gpu naming this device's catalogue entry)"])


def fit_measurements(m: Measurements, model: InferenceModel, accelerator: Accelerator,
                     value_bytes: float) -> Fit:
    """The engine parameters that make iteration_s match the measured steps: least squares on
    log(modelled / measured) within the parameters' bounds, from the copy's and the matrix
    product's efficiencies."""
    measured = measured_steps_s(m)
    shortest_s = float(measured.min())
    hbm0 = min(m.copy_bytes_per_s / accelerator.hbm_bytes_per_s, 1.0)
    gemm0 = min(m.gemm_flops_per_s / accelerator.peak_flops("bf16"), 1.0)
    batch_max = float(m.decode_batch.max())

    def residuals(x: np.ndarray) -> np.ndarray:
        r = fitting_replica(model, accelerator, value_bytes, **dict(zip(ENGINE_PARAMETERS, x, strict=True)))
        return log_errors(modelled_steps_s(m, r), measured)

    # One start: the model is smooth here (one GPU, no whole chunks) and the measured copy and
    # matrix product put the efficiencies close; further starts reached the same fit on every
    # synthetic case of tests/workload/test_calibration.py and benchmarks/calibrate.py.
    starts = ((gemm0, hbm0, 0.02 * shortest_s, 0.0),)
    lower = (1e-6 * gemm0, 1e-6 * hbm0, 0.0, 0.0)
    upper = (1.0, 1.0, shortest_s, shortest_s / batch_max)
    scale = (0.1 * gemm0, 0.1 * hbm0, 0.1 * shortest_s, 0.01 * shortest_s / batch_max)
    best = fit_engine(residuals, starts, lower, upper, scale, diff_step=1e-3)[0]
    parameters = dict(zip(ENGINE_PARAMETERS, (float(v) for v in best.x), strict=True))
    return Fit(parameters, np.expm1(residuals(best.x)))


def document(device: Device, gpu: str, model: InferenceModel, m: Measurements, fit: Fit, date: str) -> dict:
    """The calibration file's content (aether.settings.calibration.Calibration)."""
    return {
        "kind": KIND,
        "date": date,
        "model": model.name,
        "device": {"name": device.name, "memory_mib": int(device.memory_bytes // MIB_BYTES), "gpu": gpu,
                   "dtype": device.dtype, "versions": dict(device.versions)},
        "measured": {
            "copy_gb_s": round(m.copy_bytes_per_s / 1e9, 3),
            "copy_mib": max(int(m.copy_bytes // MIB_BYTES), 1),
            "gemm_tflops": round(m.gemm_flops_per_s / 1e12, 6),
            "gemm_size": m.gemm_n,
            "layers_timed": m.layers_timed,
            "layers": m.layers,
            "decode": [{"batch": int(b), "context_tokens": int(c), "step_ms": round(float(t) * 1e3, 6)}
                       for b, c, t in zip(m.decode_batch, m.decode_context, m.decode_step_s, strict=True)],
            "prefill": [{"prompt_tokens": int(p), "step_ms": round(float(t) * 1e3, 6)}
                        for p, t in zip(m.prefill_prompt, m.prefill_step_s, strict=True)],
        },
        "serving": {k: float(f"{v:.6g}") for k, v in fit.parameters.items()},
        "fit": {"points": int(fit.errors.size), "rms_error": round(fit.rms_error, 6),
                "max_error": round(fit.max_error, 6)},
    }
