"""The cases of a sweep: designs drawn from the axes, repeated over seeds, each a set of
overrides applied to the base scenario's data and validated as a scenario of its own."""

import copy
import hashlib
import itertools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from aether.errors import ScenarioError
from aether.scenario import Scenario, parse_scenario, read_scenario_data
from aether.sweep.spec import SweepSpec

_STEP = re.compile(r"([A-Za-z_]\w*)|\[(\d+)\]")


@dataclass(frozen=True)
class Base:
    """The base scenario as parsed YAML, not yet validated, and where it came from."""

    data: dict
    origin: str
    base_dir: Path


@dataclass(frozen=True)
class Case:
    index: int
    overrides: dict  # field path -> value, the axes' and seeds' (not the spec's `set`)

    @property
    def case_id(self) -> str:
        return case_id(self.index, self.overrides)


def case_id(index: int, overrides: dict) -> str:
    """A stable name for a case: a hash of its place and overrides, the same in every run of the
    spec (the place too, as random draws from a list of values may repeat a design)."""
    text = json.dumps({"case": index, "overrides": overrides}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def read_base(spec: SweepSpec) -> Base:
    """The spec's base scenario data: a YAML file beside the spec, else a preset."""
    beside = spec.base_dir / spec.base
    source = str(beside) if beside.suffix in (".yaml", ".yml") or beside.exists() else spec.base
    data, origin, base_dir = read_scenario_data(source)
    if not isinstance(data, dict):
        raise ScenarioError([f"{origin}: (top level): expected a mapping of fields, got {type(data).__name__}"])
    return Base(data, origin, base_dir)


def apply_overrides(data: dict, overrides: dict, origin: str) -> dict:
    """A copy of data with each field path set to its value (missing mappings created on the
    way); a path through a list entry that is not there, or into a value that is not a
    mapping or list, is a ScenarioError naming the path."""
    data = copy.deepcopy(data)
    for path, value in overrides.items():
        steps = [name if name else int(index) for name, index in _STEP.findall(path)]
        node, where = data, ""
        for position, step in enumerate(steps):
            last = position == len(steps) - 1
            where += f"[{step}]" if isinstance(step, int) else f".{step}" if where else step
            if isinstance(step, int):
                if not isinstance(node, list) or step >= len(node):
                    size = f"the list has {len(node)}" if isinstance(node, list) else "not a list"
                    raise ScenarioError([f"{origin}: {where}: no such entry ({size}; "
                                         f"allowed: an entry the base scenario has)"])
            elif not isinstance(node, dict):
                raise ScenarioError([f"{origin}: {where}: the field above is not a mapping "
                                     "(allowed: a path through mappings and list entries)"])
            if last:
                node[step] = copy.deepcopy(value)
            else:
                if isinstance(node, dict) and node.get(step) is None:
                    node[step] = [] if isinstance(steps[position + 1], int) else {}
                node = node[step]
    return data


def validate_case(base: Base, spec: SweepSpec, case: Case) -> Scenario:
    """The case's scenario: the base with the spec's `set` and the case's overrides, validated
    (a ScenarioError with the same lines `aether validate` gives on such a file)."""
    linked = {other: case.overrides[axis.path] for axis in spec.axes for other in axis.also
              if axis.path in case.overrides}
    data = apply_overrides(base.data, {**spec.set, **case.overrides, **linked}, base.origin)
    return parse_scenario(data, base.origin, base.base_dir)


def designs(spec: SweepSpec) -> list[dict]:
    """The designs of a sweep (axis path -> value): the grid, or samples drawn with the spec's seed."""
    axes = spec.axes
    if spec.sampler == "grid":
        return [dict(zip([a.path for a in axes], point, strict=True))
                for point in itertools.product(*(axis.grid() for axis in axes))]
    rng = np.random.default_rng(spec.seed)
    if spec.sampler == "random":
        unit = rng.random((spec.samples, len(axes)))
    else:
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=max(len(axes), 1), rng=rng).random(spec.samples)[:, :len(axes)]
    columns = [from_unit(axis, unit[:, j]) for j, axis in enumerate(axes)]
    return [{axis.path: column[i] for axis, column in zip(axes, columns, strict=True)}
            for i in range(spec.samples)]


def from_unit(axis, u: np.ndarray) -> list:
    """Points u in [0, 1) mapped onto an axis: an equal share of [0, 1) for each listed value,
    else uniform between low and high (uniform in the logarithm with log)."""
    if axis.values is not None:
        return [axis.values[k] for k in np.minimum((u * len(axis.values)).astype(int), len(axis.values) - 1)]
    if axis.log:
        return axis.scale(np.exp(np.log(axis.low) + u * (np.log(axis.high) - np.log(axis.low))))
    return axis.scale(axis.low + u * (axis.high - axis.low))


def seed_values(spec: SweepSpec) -> list[dict]:
    """Each Monte Carlo run's seeds (path -> seed): numpy's SeedSequence(spec seed).spawn(runs),
    one 63-bit draw per path from each child, so runs are independent streams."""
    if spec.seeds is None:
        return [{}]
    children = np.random.SeedSequence(spec.seed).spawn(spec.seeds.runs)
    return [{path: int(word >> np.uint64(1))
             for path, word in zip(spec.seeds.paths, child.generate_state(len(spec.seeds.paths), np.uint64),
                                   strict=True)}
            for child in children]


def sweep_cases(spec: SweepSpec) -> list[Case]:
    """Every case of a sweep, in order: each design with each seed run."""
    runs = seed_values(spec)
    return [Case(i, {**design, **seeds})
            for i, (design, seeds) in enumerate(itertools.product(designs(spec), runs))]
