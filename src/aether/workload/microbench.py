"""Micro-benchmarks of a device for `aether calibrate`: the backend interface and a numpy backend.

A backend times four kinds of work: a device-to-device copy (HBM bandwidth), a large
matrix product (achieved FLOP/s), a decode step and a prefill of a transformer's layers
(the served model's own shapes, one GPU, no tensor parallelism). A layer is what an
inference engine runs per layer: RMSNorm, the fused QKV projection, attention (grouped
query heads over the KV cache in decode, causal over the prompt in prefill), the output
projection, RMSNorm and the gated SiLU MLP; rotary embeddings are left out (elementwise,
a fraction of a per cent of the step). The output head is timed apart, so a few layers
stand for all of them: a step is layers / benchmarked x the layers' time + the head's.

The torch backend (aether.workload.microbench_torch) runs this on a GPU in bf16 with CUDA
graphs; the numpy backend here runs the same maths on the CPU in float32, so the whole
path (plan, measurement, fit, file) is tested without torch or a GPU.
"""

import platform
import time
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from aether.errors import ScenarioError
from aether.settings.hardware import known_names
from aether.settings.workload import InferenceModel

# RMSNorm's epsilon in Llama 3 (its config.json: rms_norm_eps 1e-5).
RMS_EPS = 1e-5


@dataclass(frozen=True)
class Shape:
    """The shapes of a model's layers and output head (aether.settings.workload.InferenceModel)."""

    layers: int
    hidden: int
    heads: int
    kv_heads: int
    head_dim: int
    intermediate: int
    vocab: int

    @classmethod
    def of(cls, model: InferenceModel) -> "Shape":
        return cls(model.layers, model.hidden, model.heads, model.kv_heads, model.head_dim, model.intermediate,
                   model.vocab)

    @property
    def qkv_width(self) -> int:
        return (self.heads + 2 * self.kv_heads) * self.head_dim

    @property
    def layer_values(self) -> int:
        """Weights of one layer: QKV, output projection, gate-up and down, two norms."""
        return (self.hidden * self.qkv_width + self.heads * self.head_dim * self.hidden
                + 3 * self.hidden * self.intermediate + 2 * self.hidden)

    @property
    def head_values(self) -> int:
        """The output head and the final norm."""
        return self.vocab * self.hidden + self.hidden

    @property
    def kv_values_per_token(self) -> int:
        """Keys and values of one token in one layer."""
        return 2 * self.kv_heads * self.head_dim

    def activation_values(self, tokens: int) -> int:
        """The widest tensors alive in a layer at once for `tokens` tokens: the residual,
        the QKV output, the gate-up output and its product (a bound for sizing buffers)."""
        return tokens * (2 * self.hidden + self.qkv_width + 3 * self.intermediate)


@dataclass(frozen=True)
class Timing:
    """How each figure is timed: warm-up runs, then the median of `repeats` timed runs."""

    warmup: int = 3
    repeats: int = 10


@dataclass(frozen=True)
class Device:
    """What a backend runs on: the device's name as its library reports it, its memory
    (total and free, bytes) and the versions of the libraries timed."""

    name: str
    memory_bytes: int
    free_bytes: int
    value_bytes: int
    dtype: str
    versions: dict


class Backend(Protocol):
    """A device to time. Each *_s method returns the median seconds of one run (Timing)."""

    def device(self) -> Device: ...

    def copy_s(self, nbytes: int, timing: Timing) -> float:
        """Copy a buffer of nbytes into another (nbytes read and nbytes written)."""

    def gemm_s(self, n: int, timing: Timing) -> float:
        """An n x n by n x n matrix product (2 n^3 FLOPs)."""

    def load(self, shape: Shape, layers: int, kv_tokens: int, prompt_tokens: int) -> None:
        """Weights for `layers` layers and the head, a KV cache of kv_tokens tokens (batch x
        context, one layer's worth, shared by the layers), buffers for prompts up to prompt_tokens."""

    def decode_s(self, batch: int, context: int, timing: Timing) -> tuple[float, float]:
        """One decode step of the loaded layers for `batch` sequences of `context` tokens of KV
        cache, and the output head for the batch: (layers' seconds, head's seconds)."""

    def prefill_s(self, prompt: int, timing: Timing) -> tuple[float, float]:
        """A prefill of one prompt through the loaded layers (causal attention), and the
        output head for its last token: (layers' seconds, head's seconds)."""

    def unload(self) -> None:
        """Free what load allocated."""


def median_s(run, timing: Timing) -> float:
    """Median wall seconds of run() after the warm-up (for backends with synchronous work)."""
    for _ in range(timing.warmup):
        run()
    times = []
    for _ in range(timing.repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def _rms(x: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """RMSNorm (Zhang and Sennrich 2019), as Llama uses it."""
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + RMS_EPS) * weight


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _silu(x: np.ndarray) -> np.ndarray:
    return x / (1.0 + np.exp(-x))


class NumpyBackend:
    """The CPU in float32 through numpy: for tests and for trying the command without a GPU
    (`aether calibrate --device cpu`). Its figures describe this CPU, not a GPU."""

    def __init__(self, seed: int = 0, memory_bytes: int = 2 * 2**30):
        self._rng = np.random.default_rng(seed)
        self._memory_bytes = memory_bytes
        self._weights: list[dict] = []

    def device(self) -> Device:
        name = platform.processor() or platform.machine() or "cpu"
        return Device(name=f"{name} (numpy)", memory_bytes=self._memory_bytes, free_bytes=self._memory_bytes,
                      value_bytes=4, dtype="float32", versions={"numpy": np.__version__})

    def _random(self, *shape: int) -> np.ndarray:
        return self._rng.standard_normal(shape, dtype=np.float32) * np.float32(0.02)

    def copy_s(self, nbytes: int, timing: Timing) -> float:
        src = np.ones(nbytes // 4, np.float32)
        dst = np.empty_like(src)
        return median_s(lambda: np.copyto(dst, src), timing)

    def gemm_s(self, n: int, timing: Timing) -> float:
        a, b = self._random(n, n), self._random(n, n)
        out = np.empty((n, n), np.float32)
        return median_s(lambda: np.matmul(a, b, out=out), timing)

    def load(self, shape: Shape, layers: int, kv_tokens: int, prompt_tokens: int) -> None:
        s = shape
        self._shape = s
        self._weights = [{"norm1": np.ones(s.hidden, np.float32), "qkv": self._random(s.hidden, s.qkv_width),
                          "o": self._random(s.heads * s.head_dim, s.hidden),
                          "norm2": np.ones(s.hidden, np.float32),
                          "gate_up": self._random(s.hidden, 2 * s.intermediate),
                          "down": self._random(s.intermediate, s.hidden)} for _ in range(layers)]
        self._norm = np.ones(s.hidden, np.float32)
        self._head = self._random(s.hidden, s.vocab)
        self._k = self._random(kv_tokens * s.kv_heads * s.head_dim)
        self._v = self._random(kv_tokens * s.kv_heads * s.head_dim)

    def unload(self) -> None:
        self._weights, self._head, self._k, self._v = [], None, None, None

    def _mlp(self, x: np.ndarray, w: dict) -> np.ndarray:
        gate, up = np.split(_rms(x, w["norm2"]) @ w["gate_up"], 2, axis=-1)
        return x + (_silu(gate) * up) @ w["down"]

    def _decode_layer(self, x: np.ndarray, w: dict, k: np.ndarray, v: np.ndarray) -> np.ndarray:
        s, b = self._shape, x.shape[0]
        g = s.heads // s.kv_heads
        q = (_rms(x, w["norm1"]) @ w["qkv"])[:, : s.heads * s.head_dim].reshape(b, s.kv_heads, g, s.head_dim)
        scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(s.head_dim))  # (b, kv_heads, g, context)
        attended = (_softmax(scores) @ v).reshape(b, s.heads * s.head_dim)
        return self._mlp(x + attended @ w["o"], w)

    def _prefill_layer(self, x: np.ndarray, w: dict) -> np.ndarray:
        s, p = self._shape, x.shape[0]
        g = s.heads // s.kv_heads
        qkv = _rms(x, w["norm1"]) @ w["qkv"]
        q = qkv[:, : s.heads * s.head_dim].reshape(p, s.kv_heads, g, s.head_dim).transpose(1, 2, 0, 3)
        k = qkv[:, s.heads * s.head_dim:(s.heads + s.kv_heads) * s.head_dim].reshape(p, s.kv_heads, 1, s.head_dim)
        v = qkv[:, (s.heads + s.kv_heads) * s.head_dim:].reshape(p, s.kv_heads, 1, s.head_dim)
        k, v = k.transpose(1, 2, 0, 3), v.transpose(1, 2, 0, 3)  # (kv_heads, 1, prompt, head_dim)
        scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(s.head_dim))
        scores = np.where(np.tri(p, dtype=bool), scores, -np.inf)
        attended = (_softmax(scores) @ v).transpose(2, 0, 1, 3).reshape(p, s.heads * s.head_dim)
        return self._mlp(x + attended @ w["o"], w)

    def _head_tokens(self, x: np.ndarray) -> np.ndarray:
        return np.argmax(_rms(x, self._norm) @ self._head, axis=-1)

    def decode_s(self, batch: int, context: int, timing: Timing) -> tuple[float, float]:
        s = self._shape
        x = self._random(batch, s.hidden)
        n = batch * context * s.kv_heads * s.head_dim
        k = self._k[:n].reshape(batch, s.kv_heads, context, s.head_dim)
        v = self._v[:n].reshape(batch, s.kv_heads, context, s.head_dim)

        def layers():
            y = x
            for w in self._weights:
                y = self._decode_layer(y, w, k, v)

        return median_s(layers, timing), median_s(lambda: self._head_tokens(x), timing)

    def prefill_s(self, prompt: int, timing: Timing) -> tuple[float, float]:
        x = self._random(prompt, self._shape.hidden)

        def layers():
            y = x
            for w in self._weights:
                y = self._prefill_layer(y, w)

        return median_s(layers, timing), median_s(lambda: self._head_tokens(x[-1:]), timing)


def torch_backend() -> Backend:
    """The GPU backend (aether.workload.microbench_torch); one line, as a ScenarioError, when
    PyTorch is not installed or sees no CUDA GPU."""
    try:
        import torch
    except ImportError:
        raise ScenarioError(["aether calibrate: PyTorch is not installed, and the micro-benchmark runs through "
                             "it (allowed: pip install 'aether-orbital[calibrate]' on a machine with an NVIDIA "
                             "GPU)"]) from None
    if not torch.cuda.is_available():
        raise ScenarioError(["aether calibrate: PyTorch sees no CUDA GPU (torch.cuda.is_available() is false; "
                             "allowed: a machine with an NVIDIA GPU and a CUDA build of PyTorch)"])
    from aether.workload.microbench_torch import TorchBackend

    return TorchBackend("cuda")


def catalogue_gpu(device_name: str) -> str | None:
    """The catalogue accelerator a device name (as CUDA reports it) is, or None: its family
    (H100, H200, B200, GB200) as a word of the name, longest first; PCIe and NVL cards are
    other products (other memory and clocks) and are not matched."""
    words = device_name.replace("-", " ").split()
    if any(w in ("PCIe", "NVL") for w in words):
        return None
    for name in sorted(known_names(), key=len, reverse=True):
        if name.split("-")[0] in words:
            return name
    return None
