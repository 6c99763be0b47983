"""Serving a model on a replica of GPUs: roofline formulas for prefill and decode.

Prefill is bound by compute: 2 x parameters FLOPs per prompt token. A decode step reads
every weight and the batch's KV cache from HBM once and does 2 x parameters FLOPs per
sequence in the batch, so its time is the larger of the two (the roofline); the batch is
limited by the HBM left for the KV cache.
"""

from dataclasses import dataclass

import numpy as np

from aether.settings.hardware import Accelerator
from aether.settings.workload import Inference


def kv_bytes_per_token(layers: int, kv_heads: int, head_dim: int, bytes_per_value: float) -> float:
    """Keys and values of one token over all layers: 2 x layers x kv_heads x head_dim x bytes."""
    return 2.0 * layers * kv_heads * head_dim * bytes_per_value


def weight_bytes(parameters: float, bytes_per_param: float) -> float:
    return parameters * bytes_per_param


def prefill_seconds(parameters: float, prompt_tokens, peak_flops: float, efficiency: float):
    """Compute-bound prefill: 2 x parameters x prompt tokens / (peak x efficiency)."""
    return 2.0 * parameters * np.asarray(prompt_tokens, float) / (peak_flops * efficiency)


def decode_step_seconds(parameters: float, bytes_per_param: float, batch, kv_bytes_in_batch,
                        peak_flops: float, hbm_bytes_per_s: float,
                        compute_efficiency: float = 1.0, hbm_efficiency: float = 1.0):
    """One decode step of `batch` sequences: max(memory time, compute time)."""
    memory = (weight_bytes(parameters, bytes_per_param) + np.asarray(kv_bytes_in_batch, float)) / (
        hbm_bytes_per_s * hbm_efficiency)
    compute = 2.0 * parameters * np.asarray(batch, float) / (peak_flops * compute_efficiency)
    return np.maximum(memory, compute)


def decode_tokens_per_s(parameters: float, bytes_per_param: float, batch, kv_bytes_in_batch,
                        peak_flops: float, hbm_bytes_per_s: float,
                        compute_efficiency: float = 1.0, hbm_efficiency: float = 1.0):
    """Tokens per second a replica generates at this batch size."""
    step = decode_step_seconds(parameters, bytes_per_param, batch, kv_bytes_in_batch, peak_flops,
                               hbm_bytes_per_s, compute_efficiency, hbm_efficiency)
    return np.asarray(batch, float) / step


def kv_batch_limit(hbm_bytes: float, usable_fraction: float, weights: float,
                   kv_bytes_per_sequence: float) -> int:
    """Sequences whose KV cache fits beside the weights (0 if the weights alone do not fit)."""
    free = hbm_bytes * usable_fraction - weights
    return int(max(np.floor(free / kv_bytes_per_sequence), 0))


@dataclass(frozen=True)
class ReplicaModel:
    """One serving replica (gpus_per_replica GPUs, tensor-parallel) and the request mix.

    Times in seconds; per-class arrays are indexed like the demand's classes.
    """

    gpus: int
    peak_flops: float
    hbm_bytes: float
    hbm_bytes_per_s: float
    weights: float
    kv_per_token: float
    kv_per_sequence: float  # mean KV of a sequence in flight: prompt + half the output
    batch_cap: int
    a: float  # s per decode step, weights
    b: float  # s per decode step per sequence, KV reads
    c: float  # s per decode step per sequence, compute
    prefill_s: np.ndarray  # [class]
    output_tokens: np.ndarray  # [class]
    tokens: np.ndarray  # [class] prompt + output
    service_s: np.ndarray  # [class] replica-seconds per request at full batch
    prefill_residual_s: float  # E[S^2] / (2 E[S]) of prefill times, for M/G/1 waits

    def step_s(self, batch):
        batch = np.asarray(batch, float)
        return np.maximum(self.a + self.b * batch, self.c * batch)

    def decode_batch(self, tokens_per_s_per_replica):
        """Steady decode batch for a demand of k tokens/s per replica: B = k x step(B)
        (memory branch B = k a / (1 - k b)); the cap when demand exceeds the roofline."""
        k = np.asarray(tokens_per_s_per_replica, float)
        with np.errstate(divide="ignore", invalid="ignore"):
            denom = 1.0 - k * self.b
            b_mem = np.where(denom > 0, k * self.a / np.where(denom > 0, denom, 1.0), np.inf)
        stable = (k * self.c < 1.0) & np.isfinite(b_mem)
        return np.where(stable, np.minimum(np.maximum(b_mem, 1.0), self.batch_cap), self.batch_cap)


def replica_model(inference: Inference, accelerator: Accelerator) -> ReplicaModel:
    m, sv, classes = inference.model, inference.serving, inference.demand.classes
    precision = "fp8" if m.bytes_per_param <= 1.0 else "bf16"
    g = sv.gpus_per_replica
    peak = g * accelerator.peak_flops(precision)
    hbm = g * accelerator.hbm_bytes
    bw = g * accelerator.hbm_bytes_per_s
    weights = weight_bytes(m.parameters, m.bytes_per_param)
    kv_tok = kv_bytes_per_token(m.layers, m.kv_heads, m.head_dim, m.kv_bytes_per_value)
    share = np.array([c.share for c in classes])
    prompt = np.array([c.prompt_tokens for c in classes], float)
    output = np.array([c.output_tokens for c in classes], float)
    kv_seq = kv_tok * float(np.sum(share * (prompt + output / 2.0)))
    cap = min(sv.max_batch, kv_batch_limit(hbm, sv.hbm_usable_fraction, weights, kv_seq))
    a = weights / (bw * sv.hbm_efficiency)
    b = kv_seq / (bw * sv.hbm_efficiency)
    c = 2.0 * m.parameters / (peak * sv.decode_compute_efficiency)
    pf = prefill_seconds(m.parameters, prompt, peak, sv.prefill_efficiency)
    cap_eff = max(cap, 1)
    step_at_cap = max(a + b * cap_eff, c * cap_eff)
    service = pf + output * step_at_cap / cap_eff
    resid = float(np.sum(share * pf**2) / (2.0 * np.sum(share * pf)))
    return ReplicaModel(g, peak, hbm, bw, weights, kv_tok, kv_seq, cap, a, b, c, pf, output,
                        prompt + output, service, resid)
