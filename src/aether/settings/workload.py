"""The scenario's `workload:` section (pydantic v2): training, fine-tuning, inference, outages.

Every default that comes from the world cites its source next to it; the ones that are
assumptions say so.
"""

from typing import Annotated, Literal

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from aether.settings.base import Identifier, Label, Name, SettingsModel, bounded

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

# MFU of dense pre-training: Llama 3 405B reached 38-43% on H100 (Dubey et al. 2024,
# table 4). B200 and others: assumption, the same order until published.
DEFAULT_MFU = {"H100": 0.40, "H200": 0.40, "B200": 0.40, "GB200": 0.40, "default": 0.35}

# Llama 3 405B's final global batch: 16M tokens (Dubey et al. 2024, section 3.4.1).
GLOBAL_BATCH_TOKENS = 16.0e6

# DiLoCo synchronises every H = 500 inner steps (Douillard et al. 2023, arXiv 2311.08105).
DILOCO_LOCAL_STEPS = 500

# Laser inter-satellite link: about 100 Gbps each (SpaceX, SPIE Photonics West 2024).
INTER_SHIP_LINK_GBPS = 100.0

# Suncatcher (arXiv 2511.19468): silent data corruption about one event per 14-20 rad(Si)
# of dose per chip; we take the middle, 17 rad.
RAD_PER_SDC = 17.0

# Llama 3 70B (Meta model card; config.json): 80 layers, 8 KV heads (GQA), head dim 128.
LLAMA3_70B = {"parameters": 70.6e9, "layers": 80, "kv_heads": 8, "head_dim": 128}

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


class TrainingJob(SettingsModel):
    """One pre-training run: 6 x parameters x tokens FLOPs on `gpus` GPUs of one or more ships."""

    name: Identifier
    parameters: Parameters
    tokens: Annotated[float, bounded(0, 1e17, " tokens", lo_open=True)]
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
    # Model FLOPs utilisation per accelerator name (case-insensitive; "default" otherwise).
    mfu: dict[Name, Fraction] = DEFAULT_MFU
    gpu_mtbf_h: Annotated[float, bounded(0, NEVER, " h", lo_open=True)] = GPU_MTBF_H
    # Assumption: about 10 minutes to reschedule, reload the checkpoint and warm up.
    restart_s: Seconds = 600.0
    start_s: Seconds = 0.0

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


class InferenceModel(SettingsModel):
    """The served model: size and attention shape (defaults: Llama 3 70B)."""

    name: Name = "llama-3-70b"
    parameters: Parameters = LLAMA3_70B["parameters"]
    layers: Annotated[int, bounded(1, 100_000)] = LLAMA3_70B["layers"]
    kv_heads: Annotated[int, bounded(1, 100_000)] = LLAMA3_70B["kv_heads"]
    head_dim: Annotated[int, bounded(1, 100_000)] = LLAMA3_70B["head_dim"]
    bytes_per_param: BytesPerValue = 2.0
    kv_bytes_per_value: BytesPerValue = 2.0


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


class Serving(SettingsModel):
    """How replicas serve: tensor-parallel size, efficiencies, batch and queue limits."""

    gpus_per_replica: Annotated[int, bounded(1, 1_000_000, " GPUs")] = 8
    prefill_efficiency: Fraction = 0.5
    decode_compute_efficiency: Fraction = 0.5
    hbm_efficiency: Fraction = 0.8
    # HBM share usable for weights + KV cache (the rest: activations, runtime).
    hbm_usable_fraction: Fraction = 0.9
    # vLLM's default max_num_seqs.
    max_batch: Annotated[int, bounded(1, 1_000_000)] = 256
    # Admission control: a request that would queue longer than this is dropped.
    max_queue_s: Annotated[float, bounded(0, 1e6, " s")] = 30.0


class Inference(SettingsModel):
    model: InferenceModel = InferenceModel()
    demand: Demand = Demand()
    slo: Slo = Slo()
    serving: Serving = Serving()
    routing: Literal["lowest_rtt", "least_loaded", "sovereign"] = "lowest_rtt"
    # For "sovereign": site region -> ship regions allowed; regions not listed: any ship.
    sovereignty: dict[Label, list[Label]] = {}
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
        names = [j.name for j in value]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"training job names must be unique; repeated: {', '.join(repeated)}")
        return value
