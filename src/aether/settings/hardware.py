"""The accelerator catalogue: GPUs as data, and the power-performance curve.

Figures live in aether/data/accelerators.yaml, each with its source. Scenarios may
define further accelerators (aether.settings.ship.AcceleratorSpec).
"""

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Annotated

import numpy as np
import yaml
from pydantic import AfterValidator

MIB_BYTES = 2**20


@dataclass(frozen=True)
class Accelerator:
    """One accelerator (per GPU figures). Memory in decimal GB as the device reports it; the
    scale-up link (NVLink) per direction, the bus bandwidth a ring all-reduce reaches on it
    and one ring step's latency (0: no link, replicas of one GPU only); the GPUs of one
    scale-up domain and the scale-out network's bandwidth per GPU beyond it."""

    name: str
    bf16_dense_tflops: float
    fp8_dense_tflops: float
    hbm_gb: float
    hbm_tb_s: float
    board_power_w: float
    server_overhead_w: float
    server_mass_kg: float
    min_power_fraction: float = 0.3
    nvlink_gb_s: float = 0.0
    allreduce_gb_s: float = 0.0
    nvlink_latency_us: float = 0.0
    scale_up_gpus: int = 8
    scale_out_gb_s: float = 50.0
    source: str = ""

    def dense_tflops(self, precision: str = "bf16") -> float:
        return self.fp8_dense_tflops if precision == "fp8" else self.bf16_dense_tflops

    def peak_flops(self, precision: str = "bf16") -> float:
        """Dense peak, FLOP/s."""
        return self.dense_tflops(precision) * 1e12

    @property
    def hbm_bytes(self) -> float:
        return self.hbm_gb * 1e9

    @property
    def hbm_bytes_per_s(self) -> float:
        return self.hbm_tb_s * 1e12

    @property
    def link_bytes_per_s(self) -> float:
        return self.nvlink_gb_s * 1e9

    @property
    def allreduce_bytes_per_s(self) -> float:
        return self.allreduce_gb_s * 1e9

    @property
    def scale_out_bytes_per_s(self) -> float:
        return self.scale_out_gb_s * 1e9

    @property
    def link_latency_s(self) -> float:
        return self.nvlink_latency_us * 1e-6

    @property
    def power_w(self) -> float:
        """Board power plus the server overhead around it."""
        return self.board_power_w + self.server_overhead_w


@dataclass(frozen=True)
class PowerCurve:
    """Throughput fraction against power fraction, piecewise linear, through (0, 0)."""

    power_fraction: np.ndarray
    throughput_fraction: np.ndarray

    def throughput(self, power_fraction: np.ndarray) -> np.ndarray:
        """Fraction of nominal throughput at these GPU power fractions (clipped to [0, 1])."""
        p = np.clip(power_fraction, 0.0, 1.0)
        return np.interp(p, self.power_fraction, self.throughput_fraction)


def _data() -> dict:
    text = resources.files("aether.data").joinpath("accelerators.yaml").read_text()
    return yaml.safe_load(text)


@cache
def catalogue() -> dict[str, Accelerator]:
    """The built-in accelerators by name (memory given in MiB converted to decimal GB)."""
    table = {}
    for name, fields in _data()["accelerators"].items():
        if "hbm_mib" in fields:
            fields = {**fields, "hbm_gb": fields["hbm_mib"] * MIB_BYTES / 1e9}
            del fields["hbm_mib"]
        table[name] = Accelerator(name=name, **fields)
    return table


@cache
def power_curve() -> PowerCurve:
    """The built-in power-performance curve."""
    c = _data()["power_performance_curve"]
    return make_curve(c["power_fraction"], c["throughput_fraction"])


def make_curve(power_fraction, throughput_fraction) -> PowerCurve:
    p = np.asarray(power_fraction, float)
    t = np.asarray(throughput_fraction, float)
    if p.shape != t.shape or p.size < 2:
        raise ValueError("power_fraction and throughput_fraction need the same length, at least 2")
    if np.any(np.diff(p) <= 0) or np.any(np.diff(t) < 0):
        raise ValueError("the curve must rise: power_fraction strictly, throughput_fraction not falling")
    if p[0] < 0 or p[-1] > 1 or t[0] < 0 or t[-1] > 1:
        raise ValueError("curve points must lie within [0, 1]")
    if p[0] > 0:
        p, t = np.concatenate([[0.0], p]), np.concatenate([[0.0], t])
    return PowerCurve(p, t)


def known_names() -> list[str]:
    return sorted(catalogue())


def lookup(name: str) -> Accelerator:
    """A built-in accelerator by name (case-insensitive); KeyError naming the known ones."""
    table = {k.lower(): v for k, v in catalogue().items()}
    try:
        return table[name.lower()]
    except KeyError:
        raise KeyError(
            f"unknown accelerator {name!r} (allowed: {', '.join(known_names())})"
        ) from None


def _known(name: str) -> str:
    try:
        lookup(name)
    except KeyError as error:
        raise ValueError(error.args[0]) from None
    return name


# A catalogue accelerator's name, as a scenario or command gives it.
AcceleratorName = Annotated[str, AfterValidator(_known)]
