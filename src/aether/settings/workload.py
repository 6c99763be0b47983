"""The scenario's `workload:` section (pydantic v2): training, fine-tuning, inference, outages.

Every default that comes from the world cites its source next to it; the ones that are
assumptions say so.
"""

from functools import cache
from importlib import resources
from typing import Annotated, Literal

import yaml
from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from aether.settings.base import Identifier, Name, SettingsModel, bounded, unique_names
from aether.settings.hardware import AcceleratorName

# Llama 3 405B pre-training: 419 unexpected interruptions in 54 days on 16,384 H100s
# (Dubey et al. 2024, "The Llama 3 Herd of Models", section 3.3.4). Treating every
# interruption as one GPU's failure gives the per-GPU mean time between failures.
LLAMA3_INTERRUPTIONS = 419
LLAMA3_DAYS = 54.0
LLAMA3_GPUS = 16_384
GPU_MTBF_H = LLAMA3_DAYS * 24.0 * LLAMA3_GPUS / LLAMA3_INTERRUPTIONS  # about 50,677 h

# Mixed-precision Adam: bf16 weights and gradients, fp32 master weights and two fp32
# moments, about 16 bytes per parameter (Rajbhandari et al. 2020, ZeRO, section 3.1).
ADAM_BYTES_PER_PARAM = 16.0

# The training MFU model's two free parameters (aether.workload.parallelism, docs/training.md):
# the matrix kernels' share of dense peak and the HBM bytes of element-wise work per hidden value,
# per layer and token (forward and backward). Fitted to the published rows marked "fit" in
# benchmarks/training_published.yaml by benchmarks/training_fit.py; the other rows are held out.
TRAINING_GEMM_EFFICIENCY = 0.54
TRAINING_ELEMENTWISE_BYTES = 374.0

# Llama 3 405B pre-training: 466 job interruptions in 54 days on 16,384 H100s, 47 of them planned
# (automated maintenance, firmware upgrades, configuration changes) and 419 unexpected (Dubey et
# al. 2024, section 3.3.4, table 5). Planned ones per GPU give a mean time between them per GPU.
LLAMA3_PLANNED_INTERRUPTIONS = 47
GPU_PLANNED_INTERVAL_H = LLAMA3_DAYS * 24.0 * LLAMA3_GPUS / LLAMA3_PLANNED_INTERRUPTIONS  # about 451,800 h

# Llama 3 pre-training sequences: 8,192 tokens (Dubey et al. 2024, section 3.4.1).
SEQUENCE_TOKENS = 8192

# The model-parallel group (TP x PP) is the smallest power of two whose share of the bf16 weights
# and gradients (4 bytes per parameter) takes at most this share of a GPU's memory, leaving the
# rest for the sharded optimizer state and activations. ASSUMPTION, chosen so that Llama 3 405B on
# 80 GB H100s gets Meta's TP 8 x PP 16 (Dubey et al. 2024, table 4).
MODEL_STATE_MEMORY_SHARE = 0.2

# Llama 3 405B's final global batch: 16M tokens (Dubey et al. 2024, section 3.4.1).
GLOBAL_BATCH_TOKENS = 16.0e6

# DiLoCo synchronises every H = 500 inner steps (Douillard et al. 2023, arXiv 2311.08105).
DILOCO_LOCAL_STEPS = 500

# Laser inter-satellite link: about 100 Gbps each (SpaceX, SPIE Photonics West 2024).
INTER_SHIP_LINK_GBPS = 100.0

# Suncatcher (arXiv 2511.19468): silent data corruption about one event per 14-20 rad(Si)
# of dose per chip; we take the middle, 17 rad.
RAD_PER_SDC = 17.0

# Relative request rate per local hour 0..23 (mean 1 after normalising). Shape of the
# diurnal curve of residential Internet traffic: trough near 04:00-05:00 at about a third
# of the mean, evening peak near 21:00 at about 1.5x (e.g. the daily curves the large
# Internet exchanges publish, DE-CIX/AMS-IX). Approximate; replace with measured data.
DIURNAL_PROFILE = (
    0.80, 0.62, 0.48, 0.40, 0.36, 0.38, 0.48, 0.66, 0.86, 1.00, 1.08, 1.12,
    1.14, 1.14, 1.12, 1.12, 1.16, 1.24, 1.34, 1.44, 1.50, 1.48, 1.30, 1.04,
)

Fraction = Annotated[float, bounded(0, 1, lo_open=True)]
# Model sizes in parameters and token counts, up to far past any model trained.
Parameters = Annotated[float, bounded(0, 1e15, lo_open=True)]
BytesPerValue = Annotated[float, bounded(0, 64, " bytes", lo_open=True)]
Gbps = Annotated[float, bounded(0, 1e6, " Gbps", lo_open=True)]
# Times within a workload's horizon (at most ten years, 3.2e8 s) and GPU counts.
Seconds = Annotated[float, bounded(0, 1e9, " s")]
PositiveSeconds = Annotated[float, bounded(0, 1e9, " s", lo_open=True)]
# Times and doses between rare events: up to 1e30, which stands for never.
NEVER = 1e30
Gpus = Annotated[int, bounded(1, 100_000_000, " GPUs")]
GpusOrNone = Annotated[int, bounded(0, 100_000_000, " GPUs")]
Tokens = Annotated[int, bounded(1, 100_000_000, " tokens")]


Parallel = Annotated[int, bounded(1, 1_000_000)]
Count = Annotated[int, bounded(1, 10_000_000)]


class TrainingLayout(SettingsModel):
    """How a job splits over its GPUs (docs/training.md). Left out, each part is chosen from the
    model and the GPUs: TP up to the scale-up domain and PP so that the weights fit, CP 1, two
    layers per virtual pipeline stage (NVIDIA's Megatron-Bridge Llama 3 recipes), one sequence
    per micro-batch; data parallel takes the rest."""

    tensor_parallel: Parallel | None = None
    pipeline_parallel: Parallel | None = None
    context_parallel: Parallel = 1
    virtual_stages: Parallel | None = None
    micro_batch_sequences: Parallel = 1
    sequence_tokens: Annotated[int, bounded(1, 100_000_000, " tokens")] = SEQUENCE_TOKENS
    # The model's fitted parameters (above).
    gemm_efficiency: Fraction = TRAINING_GEMM_EFFICIENCY
    elementwise_bytes: Annotated[float, bounded(0, 1e6, " bytes")] = TRAINING_ELEMENTWISE_BYTES


class TrainingJob(SettingsModel):
    """One pre-training run: 6 x parameters x tokens FLOPs on `gpus` GPUs of one or more ships."""

    name: Identifier
    parameters: Parameters
    tokens: Annotated[float, bounded(0, 1e17, " tokens", lo_open=True)]
    # The model's shape for the MFU model: a built-in name (llama3-8b, llama3-70b, llama3-405b)
    # or layers and hidden; left out, the Llama 3 family's shape at this many parameters.
    model: Name | None = None
    layers: Count | None = None
    hidden: Count | None = None
    layout: TrainingLayout = TrainingLayout()
    precision: Literal["bf16", "fp8"] = "bf16"
    # Total GPUs of the job, split evenly over its ships.
    gpus: Gpus
    # Ships it runs on; None = the first ship of the fleet.
    ships: list[Identifier] | None = None
    # Across ships: synchronous data parallelism (all-reduce every step) or DiLoCo.
    cross_ship: Literal["sync_dp", "diloco"] = "diloco"
    diloco_local_steps: Annotated[int, bounded(1, 1_000_000_000, " steps")] = DILOCO_LOCAL_STEPS
    global_batch_tokens: Annotated[float, bounded(0, 1e12, " tokens", lo_open=True)] = GLOBAL_BATCH_TOKENS
    # bf16 gradients are exchanged between ships.
    gradient_bytes_per_param: BytesPerValue = 2.0
    # Link each ship has to its peers when the inputs carry no timeline of it.
    inter_ship_link_gbps: Gbps = INTER_SHIP_LINK_GBPS
    # "young": sqrt(2 C M); "daly": Daly 2006's higher-order form; a number: seconds.
    checkpoint_interval: Annotated[
        Annotated[Literal["young", "daly"], Tag("rule")]
        | Annotated[Annotated[float, bounded(0, NEVER, " s", lo_open=True)], Tag("seconds")],
        Discriminator(lambda v: "rule" if isinstance(v, str) else "seconds"),
    ] = "young"
    # onboard: durable once written on the ship; ground: durable once uploaded.
    checkpoint_target: Literal["onboard", "ground"] = "onboard"
    checkpoint_bytes_per_param: BytesPerValue = ADAM_BYTES_PER_PARAM
    # Assumption: each GPU's node writes its shard to local NVMe at about 1 GB/s per GPU.
    onboard_write_gbytes_per_s_per_gpu: Annotated[float, bounded(0, 1e4, " GB/s", lo_open=True)] = 1.0
    # Share of the ship's ground backhaul a checkpoint upload may use (assumption).
    checkpoint_backhaul_share: Fraction = 0.5
    # Model FLOPs utilisation (6 x parameters per token) per accelerator name (case-insensitive;
    # "default" otherwise). Left out: from the layout (aether.workload.parallelism).
    mfu: dict[Name, Fraction] | None = None
    gpu_mtbf_h: Annotated[float, bounded(0, NEVER, " h", lo_open=True)] = GPU_MTBF_H
    # Per-GPU mean time between planned interruptions (maintenance, firmware, configuration); the
    # job checkpoints first, so each costs a checkpoint and a restart but no work.
    gpu_planned_interval_h: Annotated[float, bounded(0, NEVER, " h", lo_open=True)] = GPU_PLANNED_INTERVAL_H
    # Assumption: about 10 minutes to reschedule, reload the checkpoint and warm up.
    restart_s: Seconds = 600.0
    start_s: Seconds = 0.0

    @model_validator(mode="after")
    def _shape(self):
        if self.model is not None and self.model not in served_models():
            raise ValueError(f"model {self.model!r} is not a built-in shape "
                             f"(allowed: {', '.join(served_models())}, or give layers and hidden)")
        if (self.layers is None) != (self.hidden is None):
            raise ValueError("give both layers and hidden, or neither")
        return self

    @field_validator("ships")
    @classmethod
    def _ships(cls, value):
        if value is not None:
            if not value:
                raise ValueError("ships is empty (allowed: one or more ship names, or leave out)")
            if len(set(value)) != len(value):
                raise ValueError("ships repeat a name")
        return value

    @property
    def flops(self) -> float:
        return training_flops(self.parameters, self.tokens)


def training_flops(parameters: float, tokens: float) -> float:
    """Dense transformer training compute, 6 x N x D FLOPs (Kaplan et al. 2020)."""
    return 6.0 * parameters * tokens


class LogNormal(SettingsModel):
    median: Annotated[float, bounded(0, 1e9, lo_open=True)]
    sigma: Annotated[float, bounded(0, 10)] = 1.0


class FineTuning(SettingsModel):
    """Smaller jobs arriving as a Poisson process, each with a deadline."""

    arrivals_per_day: Annotated[float, bounded(0, 1e6, " per day")] = 24.0
    gpus_per_job: Gpus = 64
    # Size in GPU-hours at full delivered compute (assumption: a LoRA/SFT run of a 70B-class
    # model is tens to thousands of GPU-hours).
    size_gpu_hours: LogNormal = LogNormal(median=200.0, sigma=1.0)
    deadline_h: Annotated[float, bounded(0, 1e5, " h", lo_open=True)] = 12.0
    # GPUs reserved for fine-tuning on each of its ships.
    gpus_per_ship: GpusOrNone = 512
    ships: list[Identifier] | None = None
    scheduling: Literal["fifo", "edf"] = "edf"


@cache
def served_models() -> dict[str, dict]:
    """The built-in model shapes by name (aether/data/models.yaml, with their sources)."""
    text = resources.files("aether.data").joinpath("models.yaml").read_text()
    return yaml.safe_load(text)["models"]


LLAMA3_70B = served_models()["llama3-70b"]


class InferenceModel(SettingsModel):
    """The served model's shape. A built-in name (llama3-8b, llama3-70b, llama3-405b) fills
    the fields not given; other names take the fields given, Llama 3 70B's otherwise."""

    name: Name = "llama3-70b"
    parameters: Parameters = LLAMA3_70B["parameters"]
    vocab: Count = LLAMA3_70B["vocab"]
    layers: Count = LLAMA3_70B["layers"]
    hidden: Count = LLAMA3_70B["hidden"]
    heads: Count = LLAMA3_70B["heads"]
    kv_heads: Count = LLAMA3_70B["kv_heads"]
    head_dim: Count = LLAMA3_70B["head_dim"]
    intermediate: Count = LLAMA3_70B["intermediate"]

    @model_validator(mode="before")
    @classmethod
    def _built_in(cls, data):
        name = data.get("name", "llama3-70b") if isinstance(data, dict) else None
        return {**served_models()[name], **data} if name in served_models() else data

    @model_validator(mode="after")
    def _embedding(self):
        if self.parameters <= self.vocab * self.hidden:
            raise ValueError(f"parameters {self.parameters:g} are no more than the embedding table "
                             f"(vocab x hidden = {self.vocab * self.hidden:g}; allowed: more)")
        return self


class RequestClass(SettingsModel):
    name: Identifier
    share: Fraction
    prompt_tokens: Tokens
    output_tokens: Tokens


class Demand(SettingsModel):
    """Requests per day worldwide, split by site population, shaped by local time of day."""

    # Assumption: 50 million requests a day (a large consumer assistant serves billions).
    requests_per_day: Annotated[float, bounded(0, 1e12, " per day")] = 50.0e6
    diurnal_profile: Annotated[list[Annotated[float, bounded(0, 100)]], Field(min_length=24, max_length=24)] = list(
        DIURNAL_PROFILE
    )
    # Assumption: a chat-like mix and a long-context mix.
    classes: Annotated[list[RequestClass], Field(min_length=1)] = [
        RequestClass(name="chat", share=0.8, prompt_tokens=1000, output_tokens=300),
        RequestClass(name="long", share=0.2, prompt_tokens=8000, output_tokens=500),
    ]

    @model_validator(mode="after")
    def _shares(self):
        total = sum(c.share for c in self.classes)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"request class shares sum to {total:g} (allowed: 1)")
        if sum(self.diurnal_profile) <= 0:
            raise ValueError("diurnal_profile is all zero")
        return self


class Slo(SettingsModel):
    # Assumption: interactive chat targets.
    ttft_ms: Annotated[float, bounded(0, 1e7, " ms", lo_open=True)] = 1000.0
    tpot_ms: Annotated[float, bounded(0, 1e7, " ms", lo_open=True)] = 50.0


Precision = Literal["bf16", "fp8"]

# Fitted to the published serving results marked "fit" in docs/serving.md (H100 only:
# TensorRT-LLM 0.17 max throughput, Llama 3.1 8B TP1 and 70B TP2/TP8; TensorRT-LLM 0.14
# online, 467/256 tokens at 2-16 requests/s) by benchmarks/serving_fit.py; every other row
# of that table is held out.
FITTED_GEMM_EFFICIENCY = 0.58
FITTED_HBM_EFFICIENCY = 0.66
FITTED_STEP_OVERHEAD_S = 0.80e-3
FITTED_SEQUENCE_OVERHEAD_S = 5.9e-6
# The engine parameters' ranges, shared by Serving and the calibration file (aether calibrate).
Efficiency = Fraction
StepOverheadS = Annotated[float, bounded(0, 10, " s")]
SequenceOverheadS = Annotated[float, bounded(0, 1, " s")]


class Serving(SettingsModel):
    """How a replica serves: parallelism, precision, the engine's limits and efficiencies
    (the serving model in docs/serving.md)."""

    tensor_parallel: Annotated[int, bounded(1, 1024, " GPUs")] = 8
    pipeline_parallel: Annotated[int, bounded(1, 1024, " stages")] = 1
    # Weights and matrix maths; the KV cache follows unless kv_cache says otherwise.
    precision: Precision = "bf16"
    kv_cache: Precision | None = None
    # Share of dense peak FLOPs the matrix kernels reach, and of HBM bandwidth the weight
    # and KV-cache reads reach: fitted (above).
    gemm_efficiency: Efficiency = FITTED_GEMM_EFFICIENCY
    hbm_efficiency: Efficiency = FITTED_HBM_EFFICIENCY
    # Fixed cost of each engine iteration (scheduling, sampling, launches) and its growth
    # per sequence in the batch: fitted (above).
    step_overhead_s: StepOverheadS = FITTED_STEP_OVERHEAD_S
    sequence_overhead_s: SequenceOverheadS = FITTED_SEQUENCE_OVERHEAD_S
    # A calibration file written by `aether calibrate` (relative to the scenario's folder):
    # the scenario loader and `aether infer --calibration` set the four parameters above from
    # its `serving` section, which then may not be given here as well (docs/calibrate.md).
    calibration: str | None = None
    # Share of the memory left after weights, activations and the reserve that holds the KV
    # cache: TensorRT-LLM's default kv_cache_free_gpu_mem_fraction (docs: performance overview).
    kv_cache_fraction: Fraction = 0.9
    # Memory per GPU for the CUDA context, communication buffers and workspaces (ASSUMPTION).
    runtime_reserve_gb: Annotated[float, bounded(0, 1e4, " GB")] = 2.0
    # TensorRT-LLM's defaults: max_batch_size 2048, max_num_tokens 8192 per iteration
    # (docs: "Tuning Max Batch Size and Max Num Tokens").
    max_batch: Annotated[int, bounded(1, 1_000_000, " sequences")] = 2048
    max_tokens: Annotated[int, bounded(1, 100_000_000, " tokens")] = 8192
    # Admission control: a request that would queue longer than this is dropped.
    max_queue_s: Annotated[float, bounded(0, 1e6, " s")] = 30.0

    @property
    def gpus_per_replica(self) -> int:
        return self.tensor_parallel * self.pipeline_parallel

    @property
    def weight_bytes(self) -> float:
        return 1.0 if self.precision == "fp8" else 2.0

    @property
    def kv_bytes(self) -> float:
        return 1.0 if (self.kv_cache or self.precision) == "fp8" else 2.0


class Inference(SettingsModel):
    model: InferenceModel = InferenceModel()
    demand: Demand = Demand()
    slo: Slo = Slo()
    serving: Serving = Serving()
    # "sovereign": a site covered by a sovereignty policy sends its requests only to ships
    # the policy allows (compute_registries), and only at steps where the policy can be met.
    routing: Literal["lowest_rtt", "least_loaded", "sovereign"] = "lowest_rtt"
    # GPUs for inference on each ship; None = what training and fine-tuning leave.
    gpus_per_ship: GpusOrNone | None = None


class Outage(SettingsModel):
    ship: Identifier
    start_s: Seconds
    duration_s: PositiveSeconds


class Reliability(SettingsModel):
    """Failure processes beyond the per-GPU MTBF of each training job."""

    rad_per_sdc: Annotated[float, bounded(0, NEVER, " rad", lo_open=True)] = RAD_PER_SDC
    # Assumption: most SDCs are masked in training (neutron-beam studies find most
    # errors leave the output unchanged); this share is caught and forces a rollback.
    sdc_rollback_fraction: Annotated[float, bounded(0, 1)] = 0.01
    # Assumption (no per-rad figure published for GPUs): a functional interrupt (hang,
    # reset) per 1,000 rad per chip.
    rad_per_functional_interrupt: Annotated[float, bounded(0, NEVER, " rad", lo_open=True)] = 1000.0
    # Assumption: hard-failure rate x (1 + k x dose in krad/yr). Suncatcher saw no hard
    # failure up to 15 krad, so k is small.
    hard_failure_increase_per_krad_per_year: Annotated[float, bounded(0, 1000)] = 0.5


class WorkloadSettings(SettingsModel):
    """The whole `workload:` section. Defaults fit the project-aether preset."""

    training: list[TrainingJob] = [
        TrainingJob(name="frontier-405b", parameters=405e9, tokens=15.6e12, gpus=8192)
    ]
    fine_tuning: FineTuning | None = FineTuning()
    inference: Inference | None = Inference()
    outages: list[Outage] = []
    reliability: Reliability = Reliability()
    # Training and fine-tuning continue past the run's end on the repeated timeline, up to this.
    horizon_days: Annotated[float, bounded(0, 3650, " days", lo_open=True)] = 365.0
    # Time steps per chunk of the inference simulation (bounds memory).
    chunk_steps: Annotated[int, bounded(1, 100_000, " steps")] = 4096

    @field_validator("training")
    @classmethod
    def _unique(cls, value):
        return unique_names(value, "training job")


class InferQuery(SettingsModel):
    """What `aether infer` asks: a model served on replicas of a catalogue GPU, requests of
    prompt and output tokens, and a load: a closed loop of `concurrency` clients or an open
    loop of `rate_per_s` Poisson arrivals (exactly one)."""

    model: InferenceModel = InferenceModel()
    gpu: AcceleratorName
    serving: Serving = Serving()
    prompt_tokens: Tokens
    output_tokens: Tokens
    concurrency: Annotated[int, bounded(1, 100_000_000, " requests")] | None = None
    rate_per_s: Annotated[float, bounded(0, 1e9, " requests/s", lo_open=True)] | None = None

    @model_validator(mode="after")
    def _one_load(self):
        if (self.concurrency is None) == (self.rate_per_s is None):
            raise ValueError("give one load (allowed: concurrency or rate_per_s, not both)")
        return self
