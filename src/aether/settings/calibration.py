"""The calibration file `aether calibrate` writes and `aether infer --calibration` and a
scenario's `workload.inference.serving.calibration` read (docs/calibrate.md).

Its `serving` section holds the serving model's four engine parameters fitted to one GPU's
micro-benchmark; the rest records what was measured, on what, and how well the fit matches,
so a file can be judged and reproduced. Every field is checked as a scenario's are.
"""

from typing import Annotated, Literal

from pydantic import Field

from aether.settings.base import Name, SettingsModel, bounded
from aether.settings.hardware import AcceleratorName
from aether.settings.workload import Efficiency, SequenceOverheadS, StepOverheadS

KIND = "aether-calibration"

Positive = Annotated[float, bounded(0, 1e12, lo_open=True)]
Milliseconds = Annotated[float, bounded(0, 1e7, " ms", lo_open=True)]
Count = Annotated[int, bounded(1, 100_000_000)]


class CalibratedDevice(SettingsModel):
    """The device as its library reports it, and the catalogue entry whose peaks the
    efficiencies are shares of."""

    name: Name
    memory_mib: Count
    gpu: AcceleratorName
    dtype: Name
    # The libraries that ran the benchmark and their versions (torch, cuda; numpy).
    versions: dict[Name, Name] = {}


class DecodePoint(SettingsModel):
    batch: Count
    context_tokens: Count
    step_ms: Milliseconds


class PrefillPoint(SettingsModel):
    prompt_tokens: Count
    step_ms: Milliseconds


class Measured(SettingsModel):
    """The micro-benchmark's figures: HBM copy bandwidth (bytes read and written per second),
    the large matrix product's FLOP/s, and the model's decode steps and prefills (all its
    layers and its output head, scaled from `layers_timed` of its `layers`)."""

    copy_gb_s: Positive
    copy_mib: Count
    gemm_tflops: Positive
    gemm_size: Count
    layers_timed: Count
    layers: Count
    decode: Annotated[list[DecodePoint], Field(min_length=1)]
    prefill: list[PrefillPoint] = []


class EngineParameters(SettingsModel):
    """The serving model's engine parameters (aether.settings.workload.Serving's fields)."""

    gemm_efficiency: Efficiency
    hbm_efficiency: Efficiency
    step_overhead_s: StepOverheadS
    sequence_overhead_s: SequenceOverheadS


class FitQuality(SettingsModel):
    """How well the serving model with the fitted parameters matches the measured steps:
    relative errors over the points."""

    points: Count
    rms_error: Annotated[float, bounded(0, 1e6)]
    max_error: Annotated[float, bounded(0, 1e6)]


class Calibration(SettingsModel):
    kind: Literal["aether-calibration"]
    date: Name
    model: Name
    device: CalibratedDevice
    measured: Measured
    serving: EngineParameters
    fit: FitQuality
