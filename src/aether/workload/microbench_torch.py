"""The GPU backend of `aether calibrate`: PyTorch on CUDA, bf16, CUDA graphs, CUDA events.

Imported only when a calibration runs on a GPU (torch is the optional extra `calibrate`),
so `import aether` never loads torch. Every figure is the median of `repeats` timed runs
after `warmup` runs, timed with CUDA events around the work on the device. The decode step
and the prefill are captured in CUDA graphs, as engines run them (TensorRT-LLM, vLLM and
SGLang capture decode in graphs), so the CPU's kernel launches are not timed; warm-up
before capture runs on a side stream (PyTorch's CUDA-graph notes). The same maths as the
numpy backend (aether.workload.microbench), in bf16 with float32 softmax.

`device` may be "cpu" for tests: then the work runs eagerly on CPU tensors and is timed
with the wall clock, so this code runs in a test wherever torch is installed.
"""

import time

import numpy as np
import torch
import torch.nn.functional as F

from aether.workload.microbench import RMS_EPS, Device, Shape, Timing

# Runs of a graph between two events, so the graph's launch does not count.
REPLAYS_PER_TIMING = 4


def _rms(x, weight):
    """RMSNorm in float32, back to the input's type (as Llama's reference code does)."""
    xf = x.float()
    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + RMS_EPS)).to(x.dtype) * weight


class TorchBackend:
    """A CUDA GPU (or, for tests, the CPU) through PyTorch."""

    def __init__(self, device: str = "cuda", seed: int = 0):
        self._device = torch.device(device)
        self._cuda = self._device.type == "cuda"
        self._dtype = torch.bfloat16 if self._cuda else torch.float32
        self._generator = torch.Generator(device=self._device).manual_seed(seed)
        self._weights: list[dict] = []

    def device(self) -> Device:
        versions = {"torch": torch.__version__}
        if self._cuda:
            free, total = torch.cuda.mem_get_info(self._device)
            versions["cuda"] = torch.version.cuda
            name = torch.cuda.get_device_name(self._device)
        else:
            free = total = 2 * 2**30
            name = "cpu (torch)"
        return Device(name=name, memory_bytes=int(total), free_bytes=int(free),
                      value_bytes=torch.finfo(self._dtype).bits // 8, dtype=str(self._dtype).removeprefix("torch."),
                      versions=versions)

    def _random(self, *shape: int):
        return torch.randn(shape, device=self._device, dtype=self._dtype, generator=self._generator) * 0.02

    def _sync(self) -> None:
        if self._cuda:
            torch.cuda.synchronize(self._device)

    def _time(self, run, timing: Timing, graph: bool) -> float:
        """Median seconds of run(): captured in a CUDA graph (graph=True) or as it is,
        timed between CUDA events (REPLAYS_PER_TIMING runs each); the wall clock on the CPU."""
        if not self._cuda:
            for _ in range(timing.warmup):
                run()
            times = []
            for _ in range(timing.repeats):
                start = time.perf_counter()
                run()
                times.append(time.perf_counter() - start)
            return float(np.median(times))
        step = run
        if graph:
            side = torch.cuda.Stream(self._device)
            side.wait_stream(torch.cuda.current_stream(self._device))
            with torch.cuda.stream(side):
                for _ in range(timing.warmup):
                    run()
            torch.cuda.current_stream(self._device).wait_stream(side)
            captured = torch.cuda.CUDAGraph()
            with torch.cuda.graph(captured):
                run()
            step = captured.replay
        for _ in range(timing.warmup):
            step()
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        times = []
        for _ in range(timing.repeats):
            start.record()
            for _ in range(REPLAYS_PER_TIMING):
                step()
            end.record()
            end.synchronize()
            times.append(start.elapsed_time(end) / 1e3 / REPLAYS_PER_TIMING)
        return float(np.median(times))

    def copy_s(self, nbytes: int, timing: Timing) -> float:
        src = torch.ones(nbytes // 2, device=self._device, dtype=torch.bfloat16)
        buffers = {"src": src, "dst": torch.empty_like(src)}
        del src
        try:
            return self._time(lambda: buffers["dst"].copy_(buffers["src"]), timing, graph=False)
        finally:
            buffers.clear()
            self._release()

    def gemm_s(self, n: int, timing: Timing) -> float:
        buffers = {"a": self._random(n, n), "b": self._random(n, n),
                   "out": torch.empty(n, n, device=self._device, dtype=self._dtype)}
        try:
            return self._time(lambda: torch.matmul(buffers["a"], buffers["b"], out=buffers["out"]), timing,
                              graph=False)
        finally:
            buffers.clear()
            self._release()

    def load(self, shape: Shape, layers: int, kv_tokens: int, prompt_tokens: int) -> None:
        s = shape
        self._shape = s
        ones = lambda: torch.ones(s.hidden, device=self._device, dtype=self._dtype)  # noqa: E731
        self._weights = [{"norm1": ones(), "qkv": self._random(s.hidden, s.qkv_width),
                          "o": self._random(s.heads * s.head_dim, s.hidden), "norm2": ones(),
                          "gate_up": self._random(s.hidden, 2 * s.intermediate),
                          "down": self._random(s.intermediate, s.hidden)} for _ in range(layers)]
        self._norm = ones()
        self._head = self._random(s.hidden, s.vocab)
        self._k = self._random(kv_tokens * s.kv_heads * s.head_dim)
        self._v = self._random(kv_tokens * s.kv_heads * s.head_dim)
        self._sync()

    def _release(self) -> None:
        self._sync()
        if self._cuda:
            torch.cuda.empty_cache()

    def unload(self) -> None:
        self._weights, self._head, self._k, self._v = [], None, None, None
        self._release()

    def _mlp(self, x, w):
        gate, up = (_rms(x, w["norm2"]) @ w["gate_up"]).chunk(2, dim=-1)
        return x + (F.silu(gate) * up) @ w["down"]

    def _decode_layer(self, x, w, k, v):
        """One layer for a batch of one token each; k, v: (batch, kv_heads, context, head_dim)."""
        s, b = self._shape, x.shape[0]
        g = s.heads // s.kv_heads
        q = (_rms(x, w["norm1"]) @ w["qkv"])[:, : s.heads * s.head_dim].reshape(b, s.kv_heads, g, s.head_dim)
        scores = (q @ k.transpose(-1, -2)).float() / s.head_dim**0.5  # (batch, kv_heads, g, context)
        attended = (scores.softmax(-1).to(x.dtype) @ v).reshape(b, s.heads * s.head_dim)
        return self._mlp(x + attended @ w["o"], w)

    def _prefill_layer(self, x, w):
        """One layer over a prompt of x.shape[0] tokens, causal attention through PyTorch's
        scaled_dot_product_attention (flash attention on Hopper), the KV heads repeated per group."""
        s, p = self._shape, x.shape[0]
        g = s.heads // s.kv_heads
        q, k, v = (_rms(x, w["norm1"]) @ w["qkv"]).split(
            [s.heads * s.head_dim, s.kv_heads * s.head_dim, s.kv_heads * s.head_dim], dim=-1)
        q = q.reshape(p, s.heads, s.head_dim).transpose(0, 1).unsqueeze(0)
        k = k.reshape(p, s.kv_heads, s.head_dim).transpose(0, 1).repeat_interleave(g, dim=0).unsqueeze(0)
        v = v.reshape(p, s.kv_heads, s.head_dim).transpose(0, 1).repeat_interleave(g, dim=0).unsqueeze(0)
        attended = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self._mlp(x + attended[0].transpose(0, 1).reshape(p, s.heads * s.head_dim) @ w["o"], w)

    def _head_tokens(self, x):
        return torch.argmax(_rms(x, self._norm) @ self._head, dim=-1)

    def decode_s(self, batch: int, context: int, timing: Timing) -> tuple[float, float]:
        s = self._shape
        x = self._random(batch, s.hidden)
        n = batch * context * s.kv_heads * s.head_dim
        k = self._k[:n].view(batch, s.kv_heads, context, s.head_dim)
        v = self._v[:n].view(batch, s.kv_heads, context, s.head_dim)

        def layers():
            y = x
            for w in self._weights:
                y = self._decode_layer(y, w, k, v)
            return y

        try:
            return (self._time(layers, timing, graph=True),
                    self._time(lambda: self._head_tokens(x), timing, graph=True))
        finally:
            self._release()

    def prefill_s(self, prompt: int, timing: Timing) -> tuple[float, float]:
        x = self._random(prompt, self._shape.hidden)

        def layers():
            y = x
            for w in self._weights:
                y = self._prefill_layer(y, w)
            return y

        try:
            return (self._time(layers, timing, graph=True),
                    self._time(lambda: self._head_tokens(x[-1:]), timing, graph=True))
        finally:
            self._release()
