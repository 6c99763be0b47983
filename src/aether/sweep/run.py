"""Running a sweep: validate each case here, send the valid ones to a backend, write each
row as it comes back, and compact the rows at the end.

Cases that share their physics (the same stage_key, e.g. a cost-only sweep) go out in two
waves: the first of each such group, then, once it has put the physics in the cache, the
rest, which reuse it. Invalid cases never leave this process: their row is written at once,
failed, with the lines `aether validate` would print.
"""

import tempfile
import time
from collections import deque
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from aether.errors import ScenarioError
from aether.files import growing_folder
from aether.simulate import stage_key
from aether.sweep.backends import backend, require
from aether.sweep.cases import Base, Case, read_base, sweep_cases, validate_case
from aether.sweep.spec import SweepSpec, load_spec
from aether.sweep.store import FLUSH_S, RowStore
from aether.sweep.task import CaseTask

CACHE = "cache"
# Cases in flight per worker: enough to keep every worker busy while rows are written.
IN_FLIGHT_PER_WORKER = 4

# on_row(row, rows finished so far, rows in all)
OnRow = Callable[[dict, int, int], None]


def input_columns(spec: SweepSpec, case: Case) -> dict:
    return {path: case.overrides.get(path) for path in
            [a.path for a in spec.axes] + (spec.seeds.paths if spec.seeds else [])}


def feasible(spec: SweepSpec, row: dict) -> bool | None:
    """Whether an ok row meets every constraint (None for a failed row)."""
    if row["status"] != "ok":
        return None
    return all(c.violation(row[c.metric]) <= 0 for c in spec.constraints)


def finish_row(spec: SweepSpec, case: Case, row: dict) -> dict:
    """A worker's row with the case's inputs, in the store's column order."""
    row = {**row, **input_columns(spec, case)}
    if spec.constraints:
        row["feasible"] = feasible(spec, row)
    return row


def failed_row(spec: SweepSpec, case: Case, error: ScenarioError) -> dict:
    row = {"case": case.index, "case_id": case.case_id, "status": "failed", "error": "\n".join(error.problems),
           "wall_time_s": 0.0, **dict.fromkeys(spec.metrics)}
    return finish_row(spec, case, row)


def run_cases(spec: SweepSpec, base: Base, cases: list[Case], runner, cache_dir: str,
              on_row: Callable[[dict], None], on_idle: Callable[[], None] = lambda: None) -> None:
    """Run the cases on an entered backend, calling on_row with each row as it finishes, and
    on_idle when none has finished for FLUSH_S."""
    groups: dict[str, list[tuple[Case, CaseTask]]] = {}
    metrics = {name: spec.metric(name) for name in spec.metrics}
    for case in cases:
        try:
            scenario = validate_case(base, spec, case)
        except ScenarioError as error:
            on_row(failed_row(spec, case, error))
            continue
        task = CaseTask(case.index, case.case_id, scenario, metrics, cache_dir)
        groups.setdefault(stage_key("physics", scenario), []).append((case, task))
    keys = {task.case_id: key for key, group in groups.items() for _, task in group}
    ready = deque(group[0] for group in groups.values())
    later = {key: deque(group[1:]) for key, group in groups.items()}
    in_flight: dict = {}
    while ready or in_flight:
        while ready and len(in_flight) < IN_FLIGHT_PER_WORKER * runner.workers:
            case, task = ready.popleft()
            in_flight[runner.submit(task)] = (case, task)
        finished = runner.wait(list(in_flight), FLUSH_S)
        if not finished:
            on_idle()
        for handle in finished:
            case, task = in_flight.pop(handle)
            ready.extend(later.pop(keys[task.case_id], ()))
            on_row(finish_row(spec, case, runner.result(handle)))


def run_sweep(spec: SweepSpec | str, out: Path | str | None = None, backend_name: str = "local",
              workers: int | None = None, address: str | None = None, resume: bool = False,
              on_row: OnRow | None = None, on_start: Callable[[int, int], None] | None = None):
    """Run a sweep (a spec, or a spec's path or built-in name) and return its rows as a pandas
    DataFrame in case order: case, case_id, the axes' and seeds' values, status, error,
    wall_time_s, each metric, and feasible with constraints. Rows are written to
    out/parts as cases finish and to out/results.parquet at the end (a temporary folder
    without out); resume skips the cases out already holds. on_start(cases, finished) is
    called once the folder and the base are ready, on_row(row, done, cases) as each row is
    written. frame.attrs holds "ran", "skipped", "wall_s" and "backend"."""
    spec = load_spec(spec) if isinstance(spec, str) else spec
    require("pandas", "sweep")
    if spec.mode == "optimise":
        require("optuna", "sweep")
    started = time.perf_counter()
    with ExitStack() as stack:
        folder = (stack.enter_context(growing_folder(Path(out), resume)) if out is not None
                  else Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="aether-sweep-"))))
        store = RowStore(folder, spec, resume)
        base = read_base(spec)
        done = store.finished()
        total, written = spec.case_count(), len(done)

        def keep(row: dict) -> None:
            nonlocal written
            store.add(row)
            written += 1
            if on_row:
                on_row(row, written, total)

        runner = backend(backend_name, workers, address)
        if on_start:
            on_start(total, written)
        stack.enter_context(runner)
        if spec.mode == "optimise":
            from aether.sweep.optimise import optimise

            optimise(spec, base, runner, str(folder / CACHE), done, keep, store.flush)
        else:
            todo = [case for case in sweep_cases(spec) if case.case_id not in done]
            run_cases(spec, base, todo, runner, str(folder / CACHE), keep, store.flush)
        frame = store.compact().to_pandas()
    frame.attrs.update(ran=total - len(done), skipped=len(done), wall_s=time.perf_counter() - started,
                       backend=backend_name)
    return frame
