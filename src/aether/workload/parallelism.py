"""Training MFU from the model's shape, the GPUs and the parallel layout (docs/training.md).

One optimizer step of a dense transformer on G = TP x PP x CP x DP GPUs, per GPU:

- each micro-batch of b sequences of s tokens costs every pipeline stage its matrix maths
  (6 x parameters FLOPs per token, split over TP x PP x CP GPUs) at `gemm_efficiency` of the
  precision's dense peak, causal attention (6 x layers x s x hidden FLOPs per token, bf16
  kernels even in fp8 training), memory-bound element-wise work (`elementwise_bytes` per
  hidden value per layer and token, fwd + bwd, over HBM bandwidth) and the tensor-parallel
  exchanges (four all-reduces of the activations per layer: two forward, two backward;
  Narayanan et al. 2021, "Efficient Large-Scale Language Model Training on GPU Clusters
  Using Megatron-LM", section 3.2), not overlapped;
- the pipeline idles for (PP - 1) / v micro-batch times (the bubble; v virtual stages per
  GPU, Narayanan et al. 2021 section 2.2: a bubble fraction (p - 1) / (v m + p - 1) of the
  step);
- the data-parallel gradient reduce-scatter and parameter all-gather (bf16, ring, over CP x
  DP GPUs) hide behind one micro-batch's work; the rest is exposed.

MFU = 6 x parameters x tokens of the step / (step time x GPUs x peak). Every function takes
numpy arrays and broadcasts, so a grid of layouts is one call.
"""

from dataclasses import dataclass

import numpy as np

from aether.settings.hardware import Accelerator
from aether.settings.workload import (
    MODEL_STATE_MEMORY_SHARE,
    TRAINING_ELEMENTWISE_BYTES,
    TRAINING_GEMM_EFFICIENCY,
    TrainingJob,
    served_models,
)

# Bytes per activation and gradient value exchanged between GPUs (bf16).
EXCHANGE_BYTES = 2.0


@dataclass(frozen=True)
class Efficiencies:
    """The model's free parameters: the matrix kernels' share of dense peak and the HBM
    bytes of element-wise work per hidden value, per layer and token (forward + backward)."""

    gemm_efficiency: float
    elementwise_bytes: float


def model_efficiencies() -> Efficiencies:
    """The fitted defaults (aether.settings.workload, benchmarks/training_fit.py)."""
    return Efficiencies(TRAINING_GEMM_EFFICIENCY, TRAINING_ELEMENTWISE_BYTES)


def pipeline_bubble(pipeline_parallel, micro_batches, virtual_stages=1):
    """Share of a step the pipeline idles: (p - 1) / (v m + p - 1) (Narayanan et al. 2021;
    v = 1 is the 1F1B schedule's (p - 1) / (m + p - 1))."""
    p = np.asarray(pipeline_parallel, float)
    return (p - 1.0) / (np.asarray(virtual_stages, float) * np.asarray(micro_batches, float) + p - 1.0)


def ring_allreduce_s(message_bytes, group, bus_bytes_per_s, step_latency_s=0.0):
    """A ring all-reduce of `message_bytes` over `group` GPUs: 2 (n - 1) / n x bytes at the bus
    bandwidth nccl-tests reports (busBw), plus 2 (n - 1) ring steps; 0 for one GPU."""
    n = np.asarray(group, float)
    share = 2.0 * (n - 1.0) / np.maximum(n, 1.0)
    bw = np.asarray(bus_bytes_per_s, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        seconds = share * np.asarray(message_bytes, float) / bw + 2.0 * (n - 1.0) * step_latency_s
    return np.where(n > 1.0, seconds, 0.0)


@dataclass(frozen=True)
class StepTimes:
    """One optimizer step per GPU, seconds: the parts of a micro-batch, and the step."""

    gemm_s: np.ndarray
    attention_s: np.ndarray
    elementwise_s: np.ndarray
    tensor_parallel_s: np.ndarray
    micro_batch_s: np.ndarray
    bubble_s: np.ndarray
    data_parallel_exposed_s: np.ndarray
    step_s: np.ndarray
    micro_batches: np.ndarray
    bubble: np.ndarray
    mfu: np.ndarray


def training_step(
    *,
    parameters,
    layers,
    hidden,
    sequence_tokens,
    global_batch_tokens,
    gpus,
    tensor_parallel,
    pipeline_parallel,
    context_parallel=1,
    virtual_stages=1,
    micro_batch_sequences=1,
    peak_flops,
    attention_peak_flops,
    hbm_bytes_per_s,
    scale_up_bus_bytes_per_s,
    scale_up_latency_s,
    scale_out_bytes_per_s,
    scale_up_gpus=8,
    efficiencies: Efficiencies,
) -> StepTimes:
    """Times of one step and the MFU, broadcast over every argument (see the module's text).

    A group of GPUs exchanges over the scale-up link (NVLink) when it fits one scale-up domain
    with the groups inside it (TP innermost, then CP, then DP), else over the scale-out network
    at `scale_out_bytes_per_s` per GPU.
    """
    n = np.asarray(parameters, float)
    layers, hidden = np.asarray(layers, float), np.asarray(hidden, float)
    s, b = np.asarray(sequence_tokens, float), np.asarray(micro_batch_sequences, float)
    g = np.asarray(gpus, float)
    t, p, c = (np.asarray(x, float) for x in (tensor_parallel, pipeline_parallel, context_parallel))
    dp = g / (t * p * c)
    m = np.asarray(global_batch_tokens, float) / (s * b * dp)
    tokens = b * s / c  # tokens of one micro-batch on one GPU of a CP group
    per_gpu = tokens / (t * p)  # ... of which each GPU holds 1 / TP of each of its 1 / PP layers
    eff = efficiencies
    gemm = 6.0 * n * per_gpu / (eff.gemm_efficiency * peak_flops)
    attention = 6.0 * layers * s * hidden * per_gpu / (eff.gemm_efficiency * attention_peak_flops)
    elementwise = eff.elementwise_bytes * layers * hidden * per_gpu / hbm_bytes_per_s
    tp_bw = np.where(t <= scale_up_gpus, scale_up_bus_bytes_per_s, scale_out_bytes_per_s)
    tp = 4.0 * (layers / p) * ring_allreduce_s(tokens * hidden * EXCHANGE_BYTES, t, tp_bw, scale_up_latency_s)
    micro = gemm + attention + elementwise + tp
    bubble_s = (p - 1.0) / np.asarray(virtual_stages, float) * micro
    # Gradients reduce over every copy of a weight shard: the CP x DP GPUs holding it.
    replicas = c * dp
    dp_bw = np.where(t * replicas <= scale_up_gpus, scale_up_bus_bytes_per_s, scale_out_bytes_per_s)
    dp_s = ring_allreduce_s(n / (t * p) * EXCHANGE_BYTES, replicas, dp_bw)
    exposed = np.maximum(dp_s - micro, 0.0)
    step = m * micro + bubble_s + exposed
    mfu = 6.0 * n * m * b * s / (step * g * peak_flops) * dp
    return StepTimes(gemm, attention, elementwise, tp, micro, bubble_s, exposed, step, m,
                     bubble_s / (m * micro + bubble_s), mfu)


@dataclass(frozen=True)
class Layout:
    """A job's layout on one ship's GPUs, every part given (data parallel takes the rest)."""

    tensor_parallel: int
    pipeline_parallel: int
    context_parallel: int
    data_parallel: float
    virtual_stages: int
    micro_batch_sequences: int
    sequence_tokens: int
    micro_batches: float
    layers: int
    hidden: int

    def as_dict(self) -> dict:
        return {"tensor_parallel": self.tensor_parallel, "pipeline_parallel": self.pipeline_parallel,
                "context_parallel": self.context_parallel, "data_parallel": round(self.data_parallel, 6),
                "virtual_stages": self.virtual_stages, "micro_batches": round(self.micro_batches, 6)}


def model_shape(job: TrainingJob) -> tuple[int, int]:
    """(layers, hidden) of the job's model: its built-in shape, the given ones, or the Llama 3
    family's at this many parameters (hidden and parameters per layer over hidden squared
    interpolated in log parameters through the 8B, 70B and 405B shapes, extended at the ends)."""
    if job.model is not None:
        shape = served_models()[job.model]
        return int(shape["layers"]), int(shape["hidden"])
    if job.layers is not None:
        return int(job.layers), int(job.hidden)
    family = [served_models()[k] for k in ("llama3-8b", "llama3-70b", "llama3-405b")]
    log_n = np.log([f["parameters"] for f in family])
    log_h = np.log([f["hidden"] for f in family])
    body = [(f["parameters"] - 2 * f["vocab"] * f["hidden"]) / (f["layers"] * f["hidden"] ** 2) for f in family]
    x = np.log(job.parameters)
    # Linear in the logs, the end segments extended past the family.
    k = int(np.clip(np.searchsorted(log_n, x) - 1, 0, len(log_n) - 2))
    slope = (log_h[k + 1] - log_h[k]) / (log_n[k + 1] - log_n[k])
    hidden = float(np.exp(log_h[k] + slope * (x - log_n[k])))
    per_layer = float(np.interp(x, log_n, body))
    vocab = family[0]["vocab"]
    layers = (job.parameters - 2 * vocab * hidden) / (per_layer * hidden**2)
    return max(int(round(layers)), 1), max(int(round(hidden)), 1)


def _divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


def default_model_parallel(parameters: float, gpus: int, accelerator: Accelerator) -> tuple[int, int]:
    """(TP, PP): the smallest divisor of `gpus` at or above the power of two whose share of the
    bf16 weights and gradients fits MODEL_STATE_MEMORY_SHARE of one GPU's memory; TP the largest
    power of two in it up to the scale-up domain, PP the rest."""
    need = 4.0 * parameters / (MODEL_STATE_MEMORY_SHARE * accelerator.hbm_bytes)
    power = 2 ** max(int(np.ceil(np.log2(max(need, 1.0)))), 0)
    group = next((d for d in _divisors(gpus) if d >= power), gpus)
    tp = 1
    while group % (2 * tp) == 0 and 2 * tp <= accelerator.scale_up_gpus:
        tp *= 2
    return tp, group // tp


def job_layout(job: TrainingJob, accelerator: Accelerator, gpus: int, batch_tokens: float) -> Layout:
    """The job's layout on `gpus` GPUs of one ship doing `batch_tokens` per step, defaults filled
    (at least one micro-batch per data-parallel replica)."""
    lay = job.layout
    layers, hidden = model_shape(job)
    tp0, pp0 = default_model_parallel(job.parameters, max(gpus // lay.context_parallel, 1), accelerator)
    tp = lay.tensor_parallel or (tp0 if lay.pipeline_parallel is None else
                                 min(tp0 * pp0 // lay.pipeline_parallel or 1, accelerator.scale_up_gpus))
    pp = lay.pipeline_parallel or max(tp0 * pp0 // tp, 1)
    v = lay.virtual_stages or (max(layers // (2 * pp), 1) if pp > 1 else 1)
    dp = gpus / (tp * pp * lay.context_parallel)
    # Each replica runs at least one micro-batch: a smaller global batch is raised to that.
    m = max(batch_tokens / (lay.sequence_tokens * lay.micro_batch_sequences * dp), 1.0)
    return Layout(tp, pp, lay.context_parallel, dp, v, lay.micro_batch_sequences, lay.sequence_tokens, m,
                  layers, hidden)


def layout_problems(job: TrainingJob, accelerator: Accelerator, gpus: int, layout: Layout) -> list[str]:
    """What is wrong with a layout, one line each naming the allowed values (empty: fine)."""
    t, p, c = layout.tensor_parallel, layout.pipeline_parallel, layout.context_parallel
    group = t * p * c
    out = []
    if t > accelerator.scale_up_gpus:
        out.append(f"tensor_parallel {t} is more than the {accelerator.scale_up_gpus} GPUs of one "
                   f"{accelerator.name} scale-up (NVLink) domain (allowed: 1 to {accelerator.scale_up_gpus})")
    if gpus % group:
        allowed = [d for d in _divisors(gpus // (p * c)) if d <= accelerator.scale_up_gpus] if gpus % (p * c) == 0 \
            else []
        hint = f"tensor_parallel in {', '.join(map(str, allowed))} at this pipeline and context parallel" \
            if allowed else f"a product dividing {gpus}"
        out.append(f"tensor_parallel {t} x pipeline_parallel {p} x context_parallel {c} = {group} does not "
                   f"divide the job's {gpus} GPUs per ship (allowed: {hint})")
    # The embedding and the output head may take a virtual stage each (Llama 3 405B: 126
    # layers on 16 x 8, its first and last stages one layer short; Dubey et al. 2024, 3.3.2).
    if p * layout.virtual_stages > layout.layers + 2:
        out.append(f"pipeline_parallel {p} x virtual_stages {layout.virtual_stages} is more than the model's "
                   f"{layout.layers} layers and its embedding and output head (allowed: at most "
                   f"{layout.layers + 2} in all)")
    return out


def layout_step(job: TrainingJob, accelerator: Accelerator, layout: Layout) -> StepTimes:
    """The step of this job in this layout on this accelerator (the fitted efficiencies unless
    the job's layout gives its own)."""
    return training_step(
        parameters=job.parameters, layers=layout.layers, hidden=layout.hidden,
        sequence_tokens=layout.sequence_tokens,
        global_batch_tokens=layout.micro_batches * layout.sequence_tokens * layout.micro_batch_sequences
        * layout.data_parallel,
        gpus=layout.data_parallel * layout.tensor_parallel * layout.pipeline_parallel * layout.context_parallel,
        tensor_parallel=layout.tensor_parallel, pipeline_parallel=layout.pipeline_parallel,
        context_parallel=layout.context_parallel, virtual_stages=layout.virtual_stages,
        micro_batch_sequences=layout.micro_batch_sequences,
        peak_flops=accelerator.peak_flops(job.precision), attention_peak_flops=accelerator.peak_flops("bf16"),
        hbm_bytes_per_s=accelerator.hbm_bytes_per_s,
        scale_up_bus_bytes_per_s=accelerator.allreduce_bytes_per_s,
        scale_up_latency_s=accelerator.link_latency_s,
        scale_out_bytes_per_s=accelerator.scale_out_bytes_per_s, scale_up_gpus=accelerator.scale_up_gpus,
        efficiencies=Efficiencies(job.layout.gemm_efficiency, job.layout.elementwise_bytes))
