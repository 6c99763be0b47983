"""Serving a model on a replica of GPUs: iteration time, continuous batching, latency under load.

A replica is tp x pp GPUs running an engine with in-flight (continuous) batching, as
TensorRT-LLM, vLLM and SGLang do. Each engine iteration advances every sequence in the
decode batch by one token and may carry a chunk of waiting prompts (chunked prefill),
within a budget of `max_tokens` tokens per iteration. One iteration on one pipeline stage
costs, kernel group by kernel group:

- the linear layers: the larger of reading the stage's weight shard from HBM and their
  matrix FLOPs (2 x parameters per token) at the reachable share of peak;
- attention: reading the batch's KV cache (decode) or its FLOPs (prompt chunks);
- tensor parallelism: two all-reduces per layer of hidden x tokens x 2 bytes each, as a
  ring over the scale-up link: 2 (tp - 1) steps, each paying the link's latency and moving
  1/tp of the message at the bus bandwidth NCCL reaches;
- pipeline parallelism: the activations sent to the next stage;

and each iteration pays an overhead (scheduling, sampling, launches), fixed and per sequence.
Every input is an array: one element per configuration, so thousands of configurations
run at once.

Load: a fluid steady state parametrised by the decode batch B ("Continuous batching and
load" in docs/serving.md). Decode and prefill share iterations, so a share of iterations carries a
prompt chunk and is slower; inter-token latency is that two-point mixture. Prompts wait
for the iterations' prompt budget as in an M/D/1 queue; a closed loop (fixed concurrency) beyond the
batch limit waits for a free slot.
"""

from dataclasses import dataclass, fields

import numpy as np

from aether.constants import SECONDS_PER_HOUR
from aether.errors import ScenarioError
from aether.settings.hardware import Accelerator, lookup
from aether.settings.workload import Inference, InferenceModel, InferQuery, Serving

# Activations between layers travel in 16 bits, also with FP8 weights (TensorRT-LLM and
# vLLM keep bf16/fp16 activations and all-reduce them in 16 bits).
ACTIVATION_BYTES = 2.0
# Steps of the bisection on the decode batch: 2**-60 of the batch limit.
BISECTION_STEPS = 60


@dataclass(frozen=True)
class Replica:
    """A model on a replica of GPUs with an engine's settings, one element per configuration.

    Model shape: parameters, vocab, layers, hidden, heads, kv_heads, head_dim,
    intermediate. Precision: weight_bytes per parameter, kv_bytes per cached value. GPU:
    peak_flops (dense, at the weights' precision), hbm_bytes as the device reports it,
    hbm_bytes_per_s, and the scale-up link: link_bytes_per_s per direction,
    allreduce_bytes_per_s (the bus bandwidth of a ring all-reduce), link_latency_s (one ring
    step). Parallelism: tp, pp. Engine: the efficiencies, the overheads per iteration and
    per sequence in it, the KV cache's share of free memory, the memory reserved per GPU,
    max_batch sequences and max_tokens per iteration.
    """

    parameters: np.ndarray
    vocab: np.ndarray
    layers: np.ndarray
    hidden: np.ndarray
    heads: np.ndarray
    kv_heads: np.ndarray
    head_dim: np.ndarray
    intermediate: np.ndarray
    weight_bytes: np.ndarray
    kv_bytes: np.ndarray
    peak_flops: np.ndarray
    hbm_bytes: np.ndarray
    hbm_bytes_per_s: np.ndarray
    link_bytes_per_s: np.ndarray
    allreduce_bytes_per_s: np.ndarray
    link_latency_s: np.ndarray
    tp: np.ndarray
    pp: np.ndarray
    gemm_efficiency: np.ndarray
    hbm_efficiency: np.ndarray
    step_overhead_s: np.ndarray
    sequence_overhead_s: np.ndarray
    kv_fraction: np.ndarray
    reserve_bytes: np.ndarray
    max_batch: np.ndarray
    max_tokens: np.ndarray

    @classmethod
    def of(cls, **values) -> "Replica":
        """A replica from scalars or arrays (float64, broadcast together)."""
        arrays = np.broadcast_arrays(*(np.asarray(values[f.name], float) for f in fields(cls)))
        return cls(*arrays)

    @property
    def gpus(self) -> np.ndarray:
        return self.tp * self.pp

    @property
    def weight_bytes_per_gpu(self) -> np.ndarray:
        return self.parameters * self.weight_bytes / (self.tp * self.pp)

    @property
    def kv_bytes_per_token(self) -> np.ndarray:
        """Keys and values of one token over all layers and heads: 2 x L x kv_heads x head_dim x bytes."""
        return 2.0 * self.layers * self.kv_heads * self.head_dim * self.kv_bytes

    @property
    def kv_bytes_per_token_per_gpu(self) -> np.ndarray:
        """A GPU's slice: its stage's layers and its KV heads (at least one; replicated when
        tp exceeds the KV heads)."""
        heads = np.ceil(self.kv_heads / self.tp)
        return 2.0 * self.layers / self.pp * heads * self.head_dim * self.kv_bytes

    @property
    def activation_bytes_per_gpu(self) -> np.ndarray:
        """Peak activations of an iteration of max_tokens: the layer input and the MLP's gate
        and up projections (the widest tensors), per stage and tensor shard."""
        return self.max_tokens * (self.hidden + 2.0 * self.intermediate / self.tp) * ACTIVATION_BYTES

    @property
    def kv_capacity_tokens(self) -> np.ndarray:
        """Tokens of KV cache the replica holds: kv_fraction of what each GPU has left after
        its weights, activations and reserve (every GPU holds its slice of every token)."""
        free = self.hbm_bytes - self.weight_bytes_per_gpu - self.activation_bytes_per_gpu - self.reserve_bytes
        return np.floor(self.kv_fraction * np.maximum(free, 0.0) / self.kv_bytes_per_token_per_gpu)

    def batch_limit(self, prompt, output) -> np.ndarray:
        """Sequences in flight: max_batch, and the KV cache reserved whole for each request
        (prompt + output tokens, the guaranteed-no-evict policy)."""
        reserve = np.asarray(prompt, float) + np.asarray(output, float)
        return np.minimum(self.max_batch, np.floor(self.kv_capacity_tokens / reserve))


def allreduce_s(r: Replica, tokens) -> np.ndarray:
    """One ring all-reduce of hidden x tokens activations over the tp GPUs (0 when tp is 1):
    2 (tp - 1) steps, each the link's latency plus 1/tp of the message at the bus bandwidth
    (the alpha-beta model of Thakur, Rabenseifner and Gropp 2005)."""
    message = r.hidden * np.asarray(tokens, float) * ACTIVATION_BYTES
    with np.errstate(divide="ignore", invalid="ignore"):
        time_s = 2.0 * (r.tp - 1.0) * (r.link_latency_s + message / (r.tp * r.allreduce_bytes_per_s))
    return np.where(r.tp > 1, time_s, 0.0)


def iteration_s(r: Replica, decode, decode_context, prefill, prefill_context) -> np.ndarray:
    """Time of one engine iteration: `decode` sequences with `decode_context` tokens of KV
    each, and `prefill` prompt tokens attending to `prefill_context` tokens each (their mean).

    With pp stages the replica keeps pp micro-batches in flight, each 1/pp of the work; a
    token passes every stage, so the iteration is pp stage times plus the overhead.
    """
    d = np.asarray(decode, float) / r.pp
    p = np.asarray(prefill, float) / r.pp
    layers = r.layers / r.pp
    memory_bytes_per_s = r.hbm_bytes_per_s * r.hbm_efficiency
    flops_per_s = r.peak_flops * r.gemm_efficiency
    # The embedding table is looked up, not multiplied; the output head is multiplied.
    matmul_flops_per_token = 2.0 * (r.parameters - r.vocab * r.hidden) / (r.tp * r.pp)
    linear = np.maximum(r.weight_bytes_per_gpu / memory_bytes_per_s,
              matmul_flops_per_token * (d + p) / flops_per_s)
    # Scores and weighted values: 4 x heads x head_dim FLOPs per token per context token.
    attention_flops = 4.0 * layers * r.heads / r.tp * r.head_dim
    decode_attention = np.maximum(d * decode_context * r.kv_bytes_per_token_per_gpu / memory_bytes_per_s,
                                  attention_flops * d * decode_context / flops_per_s)
    prefill_attention = attention_flops * p * prefill_context / flops_per_s
    tensor_parallel = 2.0 * layers * allreduce_s(r, d + p)
    with np.errstate(divide="ignore", invalid="ignore"):
        send = r.link_latency_s + (d + p) * r.hidden * ACTIVATION_BYTES / r.link_bytes_per_s
    pipeline = np.where(r.pp > 1, send, 0.0)
    stage = linear + decode_attention + prefill_attention + tensor_parallel + pipeline
    return r.pp * stage + r.step_overhead_s + r.sequence_overhead_s * np.asarray(decode, float)


@dataclass(frozen=True)
class Point:
    """The replica's steady state at a decode batch (arrays, one element per configuration).

    Times in seconds. chunk: prompt tokens an iteration carries when it carries any;
    itl_light_s: an iteration of decode only; itl_heavy_s: one that also carries a prompt
    chunk; heavy_share: the share of iterations that do; rate_per_s:
    requests completed per second; prefill_s: a prompt's prefill once it starts;
    prefill_load: the share of the iterations' prompt budget in use (the prefill queue's
    utilisation); prefill_wait_s: mean wait for the prefill slot (M/D/1).
    """

    batch: np.ndarray
    chunk: np.ndarray
    itl_light_s: np.ndarray
    itl_heavy_s: np.ndarray
    heavy_share: np.ndarray
    itl_mean_s: np.ndarray
    rate_per_s: np.ndarray
    prefill_s: np.ndarray
    prefill_load: np.ndarray
    prefill_wait_s: np.ndarray

    @property
    def ttft_mean_s(self) -> np.ndarray:
        """Half an iteration until the next one starts, the prefill queue, the prefill."""
        return 0.5 * self.itl_mean_s + self.prefill_wait_s + self.prefill_s

    def in_flight(self, output) -> np.ndarray:
        """Requests in the system (Little's law): rate x (TTFT + the other output tokens)."""
        return self.rate_per_s * (self.ttft_mean_s + (np.asarray(output, float) - 1.0) * self.itl_mean_s)


def queue_wait_s(load, service_s) -> np.ndarray:
    """Mean wait in an M/D/1 queue (Pollaczek-Khinchine): load / (1 - load) x service / 2;
    infinite at load 1."""
    load = np.asarray(load, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(load < 1.0, load / (1.0 - load) * 0.5 * np.asarray(service_s, float), np.inf)


def prefill_s(r: Replica, prompt, batch, decode_context) -> np.ndarray:
    """A prompt's prefill once it starts: chunks of up to the budget the decode batch leaves
    (max_tokens - batch), one iteration each, the decode batch riding along."""
    prompt, batch = np.asarray(prompt, float), np.asarray(batch, float)
    chunk = np.minimum(prompt, np.maximum(r.max_tokens - batch, 1.0))
    return np.ceil(prompt / chunk) * iteration_s(r, batch, decode_context, chunk, 0.5 * prompt)


def max_decode_batch(r: Replica, prompt, output) -> np.ndarray:
    """The largest decode batch: the batch limit, and room in max_tokens for the prompt
    tokens that keep it fed (batch x prompt / output per iteration), at least 1 sequence."""
    prompt, output = np.asarray(prompt, float), np.asarray(output, float)
    fed = r.max_tokens * output / (prompt + output)
    return np.maximum(np.minimum(r.batch_limit(prompt, output), fed), 1.0)


def at_batch(r: Replica, prompt, output, batch) -> Point:
    """The steady state with `batch` sequences decoding.

    To keep a decode batch B fed, iterations carry B x prompt / output prompt tokens on
    average. A lone prompt goes in one chunk of up to the budget left (max_tokens - B);
    when prompts arrive faster, every iteration carries the tokens needed, up to that budget.
    """
    prompt, output = np.asarray(prompt, float), np.asarray(output, float)
    batch = np.asarray(batch, float)
    room = np.maximum(r.max_tokens - batch, 1.0)
    need = batch * prompt / output
    chunk = np.clip(need, np.minimum(prompt, room), room)
    heavy_share = np.minimum(need / chunk, 1.0)
    decode_context = prompt + 0.5 * output
    light = iteration_s(r, batch, decode_context, 0.0, 0.0)
    heavy = iteration_s(r, batch, decode_context, chunk, 0.5 * prompt)
    mean = light + heavy_share * (heavy - light)
    prefill = prefill_s(r, prompt, batch, decode_context)
    load = np.minimum(need / room, 1.0)
    return Point(batch, chunk, light, heavy, heavy_share, mean, batch / (output * mean), prefill, load,
                 queue_wait_s(load, prefill))


def _bisect_batch(r: Replica, prompt, output, low, high, too_small) -> np.ndarray:
    """The decode batch in [low, high] where too_small(point) turns false (vectorised)."""
    for _ in range(BISECTION_STEPS):
        mid = 0.5 * (low + high)
        small = too_small(at_batch(r, prompt, output, mid))
        low, high = np.where(small, mid, low), np.where(small, high, mid)
    return 0.5 * (low + high)


@dataclass(frozen=True)
class Served:
    """A replica under load: the steady state and the wait for a free slot (closed loop)."""

    point: Point
    saturated: np.ndarray  # the replica runs at its largest batch
    slot_wait_s: np.ndarray  # closed loop beyond the batch limit; inf for an open loop past capacity

    def ttft_s(self, quantile) -> np.ndarray:
        """TTFT at a quantile (0..1): the mean fixed part plus the prefill queue's wait,
        which is 0 with probability 1 - load and otherwise exponential with mean
        W / load (the M/M/1 shape, used here for the M/D/1 mean W)."""
        p = self.point
        q = np.asarray(quantile, float)
        with np.errstate(divide="ignore", invalid="ignore"):
            tail = np.where(q > 1.0 - p.prefill_load,
                            p.prefill_wait_s / p.prefill_load * np.log(p.prefill_load / (1.0 - q)), 0.0)
        return self.slot_wait_s + 0.5 * p.itl_mean_s + p.prefill_s + np.nan_to_num(tail, nan=0.0)

    @property
    def ttft_mean_s(self) -> np.ndarray:
        return self.slot_wait_s + self.point.ttft_mean_s

    def itl_s(self, quantile) -> np.ndarray:
        """Inter-token latency at a quantile: a share heavy_share of tokens come from
        iterations that carry a prompt chunk."""
        p = self.point
        return np.where(np.asarray(quantile, float) > 1.0 - p.heavy_share, p.itl_heavy_s, p.itl_light_s)


def serve_rate(r: Replica, prompt, output, rate_per_s) -> Served:
    """Open loop: Poisson arrivals at rate_per_s. Past the replica's capacity the queue grows
    without bound (saturated; TTFT infinite) and the replica runs at its largest batch."""
    rate = np.asarray(rate_per_s, float)
    high = max_decode_batch(r, prompt, output)
    top = at_batch(r, prompt, output, high)
    saturated = rate >= top.rate_per_s
    batch = _bisect_batch(r, prompt, output, np.zeros_like(high), high, lambda pt: pt.rate_per_s < rate)
    point = at_batch(r, prompt, output, np.where(saturated, high, batch))
    return Served(point, saturated, np.where(saturated, np.inf, 0.0))


def serve_concurrency(r: Replica, prompt, output, concurrency) -> Served:
    """Closed loop: `concurrency` clients, each sending its next request when the last ends.
    Beyond what the largest batch holds, requests wait for a slot: the surplus over the
    throughput (Little's law)."""
    n = np.asarray(concurrency, float)
    high = max_decode_batch(r, prompt, output)
    top = at_batch(r, prompt, output, high)
    top_in_flight = top.in_flight(output)
    saturated = n >= top_in_flight
    batch = _bisect_batch(r, prompt, output, np.zeros_like(high), high, lambda pt: pt.in_flight(output) < n)
    point = at_batch(r, prompt, output, np.where(saturated, high, batch))
    wait = np.where(saturated, (n - top_in_flight) / top.rate_per_s, 0.0)
    return Served(point, saturated, wait)


def _gb(x) -> str:
    return f"{float(x) / 1e9:,.1f} GB"


def replica_problem(r: Replica, tokens: int, model: str, gpu: str) -> tuple[str, str] | None:
    """Why a replica cannot serve requests of `tokens` tokens (prompt + output), as
    ("serving" or "model", message), or None: more than one GPU and no scale-up link; the
    weights, activations and reserve beyond a GPU's memory; the KV cache short of one request."""
    gpus = int(r.gpus)
    if gpus > 1 and not (r.link_bytes_per_s > 0 and r.allreduce_bytes_per_s > 0):
        return ("serving", f"a replica of {gpus} GPUs needs a scale-up link, and the {gpu} accelerator "
                "has none (allowed: tensor_parallel and pipeline_parallel 1, or an accelerator with "
                "nvlink_gb_s and allreduce_gb_s above 0)")
    need = r.weight_bytes_per_gpu + r.activation_bytes_per_gpu + r.reserve_bytes
    if need > r.hbm_bytes:
        return ("model", f"{model} does not fit: {float(r.parameters):.3g} parameters x "
                f"{float(r.weight_bytes):g} bytes over {gpus} GPUs is {_gb(r.weight_bytes_per_gpu)} of "
                f"weights per GPU, with {_gb(r.activation_bytes_per_gpu)} of activations and "
                f"{_gb(r.reserve_bytes)} reserved, more than the {_gb(r.hbm_bytes)} of one {gpu} "
                "(allowed: more GPUs per replica or fp8)")
    if r.kv_capacity_tokens < tokens:
        return ("model", f"{model} leaves room for {int(r.kv_capacity_tokens):,} tokens of KV cache on "
                f"a replica of {gpus} x {gpu}, fewer than one request's {tokens:,} (allowed: more GPUs "
                "per replica or fp8)")
    return None


def replica(model: InferenceModel, serving: Serving, accelerator: Accelerator) -> Replica:
    """The replica a scenario's model, serving settings and accelerator describe."""
    return Replica.of(
        parameters=model.parameters, vocab=model.vocab, layers=model.layers, hidden=model.hidden,
        heads=model.heads, kv_heads=model.kv_heads, head_dim=model.head_dim,
        intermediate=model.intermediate, weight_bytes=serving.weight_bytes, kv_bytes=serving.kv_bytes,
        peak_flops=accelerator.peak_flops(serving.precision), hbm_bytes=accelerator.hbm_bytes,
        hbm_bytes_per_s=accelerator.hbm_bytes_per_s, link_bytes_per_s=accelerator.link_bytes_per_s,
        allreduce_bytes_per_s=accelerator.allreduce_bytes_per_s, link_latency_s=accelerator.link_latency_s,
        tp=serving.tensor_parallel, pp=serving.pipeline_parallel, gemm_efficiency=serving.gemm_efficiency,
        hbm_efficiency=serving.hbm_efficiency, step_overhead_s=serving.step_overhead_s,
        sequence_overhead_s=serving.sequence_overhead_s, kv_fraction=serving.kv_cache_fraction,
        reserve_bytes=serving.runtime_reserve_gb * 1e9, max_batch=serving.max_batch,
        max_tokens=serving.max_tokens)


@dataclass(frozen=True)
class MixedReplica:
    """A replica serving a mix of request classes (the fleet simulation's view).

    The mix's mean prompt and output set the batch and the iterations; each class pays its
    own prefill. service_s: replica-seconds a request of each class takes at the largest
    batch (its prompt tokens at the prefill cost per token, its output tokens at the decode
    cost per token), so that capacity_per_s requests of the mix fill one replica.
    """

    replica: Replica
    share: np.ndarray  # [class]
    prompt: np.ndarray  # [class]
    output: np.ndarray  # [class]
    batch_cap: float
    capacity_per_s: float
    service_s: np.ndarray  # [class]

    @property
    def prompt_mean(self) -> float:
        return float(np.sum(self.share * self.prompt))

    @property
    def output_mean(self) -> float:
        return float(np.sum(self.share * self.output))

    @property
    def capacity_tokens_per_gpu_hour(self) -> float:
        """Prompt and output tokens one GPU serves per hour at full load."""
        return self.capacity_per_s * (self.prompt_mean + self.output_mean) * SECONDS_PER_HOUR / float(self.replica.gpus)

    @property
    def decode_context(self) -> float:
        return self.prompt_mean + 0.5 * self.output_mean

    def at_rate(self, rate_per_s) -> Point:
        """The steady state at this many requests per second (capped at the capacity)."""
        return serve_rate(self.replica, self.prompt_mean, self.output_mean,
                          np.minimum(rate_per_s, self.capacity_per_s)).point

    def prefill_s(self, klass, batch) -> np.ndarray:
        """Prefill of requests of these classes at these decode batches."""
        return prefill_s(self.replica, self.prompt[klass], batch, self.decode_context)


def mixed_replica(r: Replica, share, prompt, output) -> MixedReplica:
    share, prompt, output = (np.asarray(x, float) for x in (share, prompt, output))
    p, o = float(np.sum(share * prompt)), float(np.sum(share * output))
    top = at_batch(r, p, o, max_decode_batch(r, p, o))
    prefill_per_token_s = (top.itl_heavy_s - top.itl_light_s) / top.chunk
    decode_per_token_s = top.itl_light_s / top.batch
    service = prompt * prefill_per_token_s + output * decode_per_token_s
    return MixedReplica(r, share, prompt, output, float(top.batch), float(top.rate_per_s), service)


def inference_replica(inference: Inference, accelerator: Accelerator) -> MixedReplica:
    """The replica a scenario's inference section runs on its ships' accelerator."""
    classes = inference.demand.classes
    return mixed_replica(replica(inference.model, inference.serving, accelerator),
                         [c.share for c in classes], [c.prompt_tokens for c in classes],
                         [c.output_tokens for c in classes])


QUANTILES = {"p50": 0.50, "p90": 0.90, "p99": 0.99}


def _ms(seconds) -> float | None:
    value = float(seconds)
    return round(value * 1e3, 3) if np.isfinite(value) else None


def infer(query: InferQuery) -> dict:
    """`aether infer`: a model on a catalogue GPU under one load, as JSON-ready figures.

    Throughputs are per replica (tp x pp GPUs): throughput_tok_s counts prompt and output
    tokens. TTFT is null for an open loop past the replica's capacity (the queue grows
    without bound).
    """
    r = replica(query.model, query.serving, lookup(query.gpu))
    prompt, output = query.prompt_tokens, query.output_tokens
    problem = replica_problem(r, prompt + output, query.model.name, query.gpu)
    if problem is not None:
        option = "--tp" if problem[0] == "serving" else "--model"
        raise ScenarioError([f"aether infer: {option}: {problem[1]}"])
    if query.concurrency is not None:
        served = serve_concurrency(r, prompt, output, query.concurrency)
    else:
        served = serve_rate(r, prompt, output, query.rate_per_s)
    rate = float(served.point.rate_per_s)
    return {
        "throughput_tok_s": round(rate * (prompt + output), 3),
        "output_tok_s": round(rate * output, 3),
        "requests_per_s": round(rate, 6),
        "ttft_ms": {"mean": _ms(served.ttft_mean_s),
                    **{k: _ms(served.ttft_s(q)) for k, q in QUANTILES.items()}},
        "itl_ms": {"mean": _ms(served.point.itl_mean_s),
                   **{k: _ms(served.itl_s(q)) for k, q in QUANTILES.items()}},
        "batch_mean": round(float(served.point.batch), 3),
        "batch_limit": int(r.batch_limit(prompt, output)),
        "kv_capacity_tokens": int(r.kv_capacity_tokens),
        "saturated": bool(served.saturated),
        "gpus": int(r.gpus),
    }
