"""A sweep spec: the base scenario, the axes over its fields, the metrics kept, constraints
and objectives. Read like a scenario (the same hardened YAML reader, strict types, unknown
keys refused, one line per problem naming file and field)."""

import re
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from aether.errors import ScenarioError
from aether.scenario import parse_model, read_source, read_yaml
from aether.settings.base import LAX, Name, Seed, SettingsModel, at_field, bounded

SPECS_PACKAGE = "aether.sweep.specs"
# A field path as docs/scenario.md names it: spacecraft[0].orbit.altitude_km.
_PATH = re.compile(r"[A-Za-z_]\w*(\[\d+\])*(\.[A-Za-z_]\w*(\[\d+\])*)*")
_METRIC_PATH = re.compile(r"[A-Za-z_*][\w*\-. ]*")
_METRIC_NAME = re.compile(r"[A-Za-z_]\w*")
# Columns every row has; metric names must not take them.
RESERVED = ("case", "case_id", "status", "error", "wall_time_s", "feasible", "trial")
MAX_CASES = 1_000_000
Scalar = bool | int | float | str


def _field_path(value: str) -> str:
    if not _PATH.fullmatch(value):
        raise ValueError(f"{value!r} is not a field path (allowed: names joined by dots, list entries "
                         "as [i], e.g. spacecraft[0].orbit.altitude_km)")
    return value


class Axis(SettingsModel):
    """One input varied over the cases: listed values, or a range. `also` names other fields
    set to the same value (a constellation's size and the fleet's ship count, say)."""

    path: Annotated[str, Field(min_length=1, max_length=300)]
    also: Annotated[list[str], Field(max_length=10)] = []
    values: Annotated[list[Scalar], Field(min_length=1, max_length=100_000)] | None = None
    low: float | None = None
    high: float | None = None
    steps: Annotated[int, bounded(2, 100_000)] | None = None
    integer: bool = False
    log: bool = False

    @model_validator(mode="after")
    def _one_kind(self):
        for path in [self.path, *self.also]:
            _field_path(path)
        ranged = self.low is not None or self.high is not None
        if (self.values is None) == (not ranged):
            raise at_field(("values",), "give values, or low and high (allowed: one of the two)")
        if ranged and (self.low is None or self.high is None or not self.low < self.high):
            raise at_field(("high",), f"low {self.low} and high {self.high} (allowed: both, low below high)")
        if self.values is not None and (self.steps is not None or self.integer or self.log):
            raise at_field(("steps",), "steps, integer and log go with low and high (allowed: not with values)")
        if self.log and self.low <= 0:
            raise at_field(("low",), f"{self.low:g} with log (allowed: above 0)")
        return self

    def grid(self) -> list:
        """The axis's values on a grid: the listed values, or steps from low to high."""
        import numpy as np

        if self.values is not None:
            return list(self.values)
        points = (np.geomspace if self.log else np.linspace)(self.low, self.high, self.steps)
        return self.scale(points)

    def scale(self, points) -> list:
        """Python values from points already in [low, high] (whole numbers where integer)."""
        import numpy as np

        return [int(v) for v in np.rint(points)] if self.integer else [float(v) for v in points]


class Seeds(SettingsModel):
    """Each design run `runs` times, the fields at `paths` set from seeds that
    numpy's SeedSequence(spec seed).spawn(runs) derives."""

    runs: Annotated[int, bounded(1, 100_000)]
    paths: Annotated[list[str], Field(min_length=1, max_length=10)] = ["run.seed"]

    @model_validator(mode="after")
    def _paths(self):
        for path in self.paths:
            _field_path(path)
        return self


class Metric(SettingsModel):
    """A value of Results.metrics() by dotted path; `*` matches every key at its level
    (every site, say) and `reduce` makes the matches one number; `minus` names a second
    path whose value is taken away (orbit minus ground, say)."""

    path: Annotated[str, Field(min_length=1, max_length=300)]
    reduce: Literal["max", "min", "mean", "median", "p95", "sum"] | None = None
    minus: Annotated[str, Field(min_length=1, max_length=300)] | None = None

    @model_validator(mode="after")
    def _reduce(self):
        for name, path in (("path", self.path), ("minus", self.minus or "x")):
            if not _METRIC_PATH.fullmatch(path) or (name == "minus" and "*" in path):
                raise at_field((name,), f"{path!r} is not a metrics path (allowed: keys joined by dots, "
                                        "* for every key in path only, e.g. network.sites.*.rtt_p95_ms)")
        if ("*" in self.path) != (self.reduce is not None):
            raise at_field(("reduce",), "a path with * needs reduce, and only such a path takes it "
                                        "(allowed: reduce with *)")
        return self


class Constraint(SettingsModel):
    metric: str
    max: float | None = None
    min: float | None = None

    @model_validator(mode="after")
    def _bound(self):
        if (self.max is None) == (self.min is None):
            raise at_field(("max",), "give max or min (allowed: one of the two)")
        return self

    def violation(self, value: float | None) -> float:
        """How far value is past the bound (<= 0: satisfied), Optuna's constraint convention;
        a missing value violates by infinity."""
        if value is None:
            return float("inf")
        return value - self.max if self.max is not None else self.min - value


class Objective(SettingsModel):
    metric: str
    goal: Literal["min", "max"]


class SweepSpec(SettingsModel):
    name: Name
    description: str = ""
    # The base scenario: a YAML path (relative to the spec) or a preset name.
    base: Annotated[str, Field(min_length=1, max_length=1000)]
    mode: Literal["sweep", "optimise"] = "sweep"
    sampler: Literal["grid", "random", "latin_hypercube"] = "grid"
    samples: Annotated[int, bounded(1, MAX_CASES)] | None = None
    trials: Annotated[int, bounded(1, 100_000)] | None = None
    seed: Seed = 0
    # Fields set in every case (field path -> value), before the axes.
    set: dict[str, Any] = {}
    axes: Annotated[list[Axis], Field(max_length=32)] = []
    seeds: Seeds | None = None
    metrics: Annotated[dict[str, str | Metric], Field(min_length=1, max_length=200)]
    constraints: list[Constraint] = []
    objectives: Annotated[list[Objective], Field(max_length=2)] = []
    base_dir: Annotated[Path, LAX] = Path(".")
    origin: str = "spec"

    @model_validator(mode="after")
    def _consistent(self):
        for path in self.set:
            try:
                _field_path(path)
            except ValueError as error:
                raise at_field(("set", path), str(error)) from None
        paths = [axis.path for axis in self.axes] + (self.seeds.paths if self.seeds else [])
        varied = paths + [path for axis in self.axes for path in axis.also]
        if len(set(varied)) < len(varied):
            raise at_field(("axes",), "a field is varied twice (allowed: each path once among axes and seeds)")
        for name in self.metrics:
            if not _METRIC_NAME.fullmatch(name) or name in RESERVED or name in paths:
                raise at_field(("metrics", name), f"{name!r} is not a metric name (allowed: letters, digits "
                                                  f"and _, none of {', '.join(RESERVED)} or an axis path)")
        for where, items in (("constraints", self.constraints), ("objectives", self.objectives)):
            for i, item in enumerate(items):
                if item.metric not in self.metrics:
                    raise at_field((where, i, "metric"), f"{item.metric!r} is not among the metrics "
                                                         f"(allowed: {', '.join(self.metrics)})")
        if self.mode == "optimise":
            if not self.objectives or self.trials is None:
                raise at_field(("objectives",), "optimise needs objectives and trials (allowed: one or two "
                                                "objectives, trials 1 to 100000)")
            if not self.axes or self.seeds is not None or any(a.steps is not None or a.also for a in self.axes):
                raise at_field(("axes",), "optimise searches axes given by values or low and high "
                                          "(allowed: at least one axis, no steps, also or seeds)")
        elif self.sampler == "grid":
            if self.samples is not None or any(a.values is None and a.steps is None for a in self.axes):
                raise at_field(("axes",), "a grid takes each axis's values or steps (allowed: values or "
                                          "low, high and steps on every axis; no samples)")
            if self.case_count() > MAX_CASES:
                raise at_field(("axes",), f"{self.case_count():,} cases (allowed: up to {MAX_CASES:,})")
        else:
            if self.samples is None or any(a.steps is not None for a in self.axes):
                raise at_field(("samples",), f"{self.sampler} draws samples (allowed: samples given, no steps)")
            if self.case_count() > MAX_CASES:
                raise at_field(("samples",), f"{self.case_count():,} cases (allowed: up to {MAX_CASES:,})")
        if self.mode == "sweep" and self.trials is not None:
            raise at_field(("trials",), "trials go with mode optimise (allowed: samples for a sweep)")
        return self

    def metric(self, name: str) -> Metric:
        value = self.metrics[name]
        return Metric(path=value) if isinstance(value, str) else value

    def case_count(self) -> int:
        """Cases in a sweep (designs times seed runs), or trials in an optimisation."""
        if self.mode == "optimise":
            return self.trials
        designs = self.samples if self.sampler != "grid" else 1
        if self.sampler == "grid":
            for axis in self.axes:
                designs *= len(axis.values) if axis.values is not None else axis.steps
        return designs * (self.seeds.runs if self.seeds else 1)


def spec_names() -> list[str]:
    """Names of the sweep specs shipped with Aether."""
    files = resources.files(SPECS_PACKAGE).iterdir()
    return sorted(f.name.removesuffix(".yaml") for f in files
                  if f.name.endswith(".yaml") and not f.name.endswith("-base.yaml"))


def load_spec(source: str) -> SweepSpec:
    """A sweep spec from a YAML path or a built-in spec's name."""
    found = read_source(source, SPECS_PACKAGE, spec_names(), "sweep")
    if found is None:
        raise ScenarioError([f"{source}: no such file or built-in sweep (built-in: {', '.join(spec_names())})"])
    text, origin, base_dir = found
    return parse_model(SweepSpec, read_yaml(text, origin), origin, base_dir, schema="sweep spec")
