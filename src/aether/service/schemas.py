"""The API's request and response bodies. Requests refuse unknown fields (422) and bound
every number, so no request can carry NaN, infinity or a size the service cannot hold."""

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from aether.settings.sovereignty import Constraints
from aether.settings.workload import served_models

JobState = Literal["PENDING", "RUNNING", "RECOVERING", "CANCELLING", "SUCCEEDED", "FAILED", "CANCELLED"]
Name = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._-]*$")]


def _model(name: str) -> str:
    if name not in served_models():
        raise ValueError(f"unknown model {name!r} (allowed: {', '.join(sorted(served_models()))})")
    return name


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class JobBase(Request):
    name: Name | None = None
    priority: Annotated[int, Field(ge=0, le=9, description="0 lowest, 9 highest; higher preempts lower")] = 5
    sovereignty: Annotated[Constraints | None, Field(
        description="the scenario's policy lists: ISO 3166-1 alpha-2 codes or EU, EEA, EFTA, FIVE_EYES")] = None


Gpus = Annotated[int, Field(ge=1, le=1_000_000)]


class TrainingIn(JobBase):
    kind: Literal["training"]
    parameters: Annotated[float, Field(ge=1e6, le=1e13, description="model parameters")]
    tokens: Annotated[float, Field(gt=0, le=1e17, description="training tokens")]
    gpus: Gpus
    precision: Literal["bf16", "fp8"] = "bf16"


class FineTuningIn(JobBase):
    kind: Literal["fine_tuning"]
    gpu_hours: Annotated[float, Field(gt=0, le=1e8)]
    gpus: Gpus
    deadline_h: Annotated[float, Field(gt=0, le=1e5, description="hours after submission")]
    parameters: Annotated[float, Field(ge=1e6, le=1e13, description="for checkpoint size")] = 8e9


class Slo(Request):
    ttft_ms: Annotated[float, Field(gt=0, le=1e7)] = 1000.0
    tpot_ms: Annotated[float, Field(gt=0, le=1e7)] = 50.0


class InferenceIn(JobBase):
    kind: Literal["inference"]
    model: Annotated[str, Field(max_length=64), AfterValidator(_model)] = "llama3-70b"
    requests_per_day: Annotated[dict[Annotated[str, Field(min_length=1, max_length=64)],
                                     Annotated[float, Field(ge=0, le=1e12)]],
                                Field(min_length=1, max_length=100, description="by user region (site name)")]
    slo: Slo = Slo()
    replicas: Annotated[int, Field(ge=1, le=10_000)] = 1
    prompt_tokens: Annotated[int, Field(ge=1, le=100_000)] = 1000
    output_tokens: Annotated[int, Field(ge=1, le=100_000)] = 250
    duration_h: Annotated[float, Field(gt=0, le=1e5, description="how long to serve")]


JobIn = Annotated[TrainingIn | FineTuningIn | InferenceIn, Field(discriminator="kind")]


class JobOut(BaseModel):
    id: str
    name: str | None
    kind: Literal["training", "fine_tuning", "inference"]
    state: JobState
    reason: str | None
    priority: int
    gpus: int
    mfu: float = Field(description="training: model FLOPs utilisation on the fleet's first ship; else 1")
    spec: dict
    ship: str | None
    gateway: str | None
    progress: float = Field(description="share of the job's work done, 0 to 1")
    checkpoint_progress: float = Field(description="share of the work in the last durable checkpoint")
    work_unit: Literal["flop", "gpu_s", "s"]
    work_done: float
    work_total: float
    submitted_t_s: float
    started_t_s: float | None
    finished_t_s: float | None
    deadline_t_s: float | None
    created_at: str


class JobPage(BaseModel):
    items: list[JobOut]
    next_cursor: str | None


class EventOut(BaseModel):
    seq: int
    t_s: float
    utc: str
    kind: str
    state: JobState
    detail: dict


class EventPage(BaseModel):
    items: list[EventOut]
    next_cursor: str | None


class ShipOut(BaseModel):
    name: str
    group: str
    lat_deg: float
    lon_deg: float
    height_km: float
    sunlit: float
    solar_w: float
    load_w: float
    soc: float
    radiator_temperature_c: float
    pflops: float
    delivered_fraction: float
    link_up: bool
    gpus: int
    gpus_busy: int
    gpus_failed: int
    gpus_free: int


class FleetOut(BaseModel):
    t_s: float
    utc: str
    ships: list[ShipOut]


class TenantIn(Request):
    name: Name
    max_concurrent_gpus: Annotated[int, Field(ge=0, le=100_000_000)] = 1024
    max_gpu_hours_per_day: Annotated[float, Field(ge=0, le=1e9)] = 24_576.0
    max_jobs: Annotated[int, Field(ge=0, le=1_000_000, description="jobs not yet finished")] = 1000
    requests_per_s: Annotated[float, Field(gt=0, le=1e6)] = 20.0
    burst: Annotated[int, Field(ge=1, le=1_000_000)] = 100


class TenantOut(BaseModel):
    id: str
    name: str
    max_concurrent_gpus: int
    max_gpu_hours_per_day: float
    max_jobs: int
    requests_per_s: float
    burst: int


class KeyIn(Request):
    name: Name = "default"
    expires_in_s: Annotated[float, Field(gt=0, le=1e10)] | None = None


class KeyOut(BaseModel):
    id: str
    prefix: str
    name: str
    created_at: str
    expires_at: str | None
    revoked: bool
    key: str | None = Field(None, description="the whole key, shown once at creation")


class ClockStep(Request):
    seconds: Annotated[float, Field(gt=0, le=86400, description="at most a day per call")]


class ClockOut(BaseModel):
    t_s: float
    utc: str
    speed: float


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
