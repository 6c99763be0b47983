"""One case run on a worker: its scenario through aether.simulate, the kept metrics back as a row.

A CaseTask is a picklable dataclass of plain data (a validated Scenario, the metrics' paths,
the cache folder), so any pool, spawned or forked, or a Ray worker on another machine, can run
it. The physics and workload results are cached on disk under their stage_key, so a case
that changes only economics reuses an earlier case's orbits, ships and network. The cost's
±20 % sensitivity rows are skipped (a sweep is its own sensitivity study).
"""

import pickle
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from aether.errors import ScenarioError
from aether.files import write_whole
from aether.scenario import Scenario
from aether.simulate import simulate
from aether.sweep.spec import Metric

# Stage results a worker keeps in memory besides the disk (cost-only sweeps reuse one).
MEMORY_ENTRIES = 2
_REDUCE = {"max": np.max, "min": np.min, "mean": np.mean, "median": np.median, "sum": np.sum,
           "p95": lambda v: np.percentile(v, 95)}


class DiskCache:
    """Stage results pickled in a folder by key: get(key) and cache[key] = value, as
    aether.simulate's cache expects. Files are written whole, so workers on one machine
    may share the folder; a worker also keeps its last few entries in memory."""

    _memory: OrderedDict = OrderedDict()

    def __init__(self, folder: str):
        self.folder = Path(folder)

    def get(self, key: str, default=None):
        if (self.folder, key) in self._memory:
            self._memory.move_to_end((self.folder, key))
            return self._memory[self.folder, key]
        try:
            value = pickle.loads((self.folder / f"{key}.pickle").read_bytes())
        except (FileNotFoundError, EOFError, pickle.UnpicklingError):
            return default
        self._remember(key, value)
        return value

    def __setitem__(self, key: str, value) -> None:
        self._remember(key, value)
        try:  # a worker on another machine may lack the folder: it keeps the entry in memory only
            self.folder.mkdir(parents=True, exist_ok=True)
            write_whole(self.folder / f"{key}.pickle", pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass

    def _remember(self, key: str, value) -> None:
        self._memory[self.folder, key] = value
        while len(self._memory) > MEMORY_ENTRIES:
            self._memory.popitem(last=False)


def metric_value(metrics: dict, metric: Metric) -> float | None:
    """The kept metric: the number at its path, less the one at `minus` (None where the run
    reports null)."""
    value = path_value(metrics, metric.path, metric.reduce)
    if metric.minus is None or value is None:
        return value
    other = path_value(metrics, metric.minus, None)
    return None if other is None else value - other


def path_value(metrics: dict, path: str, reduce: str | None) -> float | None:
    """The number at a metrics path (None where the run reports null); `*` takes every key at
    its level and `reduce` makes the numbers found one. A path the results lack is a
    ScenarioError naming the keys there."""
    found = [metrics]
    for key in path.split("."):
        step = []
        for node in found:
            if node is None:
                continue
            if not isinstance(node, dict):
                raise ScenarioError([f"metrics path {path}: {key}: the value above is not a mapping"])
            if key == "*":
                step.extend(node.values())
            elif key in node:
                step.append(node[key])
            else:
                keys = ", ".join(list(node)[:12]) + (", ..." if len(node) > 12 else "")
                raise ScenarioError([f"metrics path {path}: no key {key!r} (keys there: {keys})"])
        found = step
    for value in found:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise ScenarioError([f"metrics path {path}: {value!r} is not a number "
                                 "(allowed: a path to a number)"])
    numbers = [float(v) for v in found if v is not None]
    if reduce is None:
        return numbers[0] if numbers else None
    return float(_REDUCE[reduce](numbers)) if numbers else None


@dataclass(frozen=True)
class CaseTask:
    case: int
    case_id: str
    scenario: Scenario
    metrics: dict[str, Metric]
    cache_dir: str | None

    def __call__(self) -> dict:
        """The case's row: status, error, wall time and each kept metric (None where failed)."""
        started = time.perf_counter()
        row = {"case": self.case, "case_id": self.case_id, "status": "ok", "error": None}
        values = dict.fromkeys(self.metrics)
        try:
            cache = DiskCache(self.cache_dir) if self.cache_dir else None
            metrics = simulate(self.scenario, workers=1, cache=cache, sensitivity=False).metrics()
            values = {name: metric_value(metrics, metric) for name, metric in self.metrics.items()}
        except ScenarioError as error:
            row |= {"status": "failed", "error": "\n".join(error.problems)}
            values = dict.fromkeys(self.metrics)
        except Exception as error:  # a fault in the model: the sweep records it and goes on
            row |= {"status": "failed", "error": f"{type(error).__name__}: {error}"}
        return row | {"wall_time_s": time.perf_counter() - started} | values


def run_task(task: CaseTask) -> dict:
    """task() as a top-level function, for Ray's remote."""
    return task()
