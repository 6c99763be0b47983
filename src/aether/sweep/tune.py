"""`mode: optimise` on Ray: Ray Tune runs the Optuna study (aether.sweep.optimise) through
OptunaSearch, behind a ConcurrencyLimiter that waits for each batch as the local backend
does. Each trial is one case on one CPU; a Tune callback writes each row as it finishes.
Imported only with the ray backend (it imports Ray)."""

import os
from collections.abc import Callable
from pathlib import Path

from ray import tune
from ray.tune.search import ConcurrencyLimiter
from ray.tune.search.optuna import OptunaSearch

from aether.errors import ScenarioError
from aether.sweep.cases import Base, Case, case_id, validate_case
from aether.sweep.optimise import STUDY, distributions, outcome, sampler, study
from aether.sweep.spec import SweepSpec
from aether.sweep.task import CaseTask

# Keys of a trial's result besides the metrics (Tune's own keys stay clear of them).
STATUS, ERROR, WALL, CONSTRAINTS = "aether_status", "aether_error", "aether_wall_time_s", "aether_constraints"
# A trial's Optuna number, put in its config so its row is numbered as the local backend numbers it.
TRIAL = "aether_trial"


def tune_case(config: dict, spec: SweepSpec, base: Base, cache_dir: str) -> None:
    """A Tune trial: the case of config's axis values, its row reported as the trial's result."""
    case = Case(-1, {path: value for path, value in config.items() if path != TRIAL})
    try:
        scenario = validate_case(base, spec, case)
    except ScenarioError as error:
        row = {"status": "failed", "error": "\n".join(error.problems), "wall_time_s": 0.0,
               **dict.fromkeys(spec.metrics)}
    else:
        row = CaseTask(-1, "", scenario, {n: spec.metric(n) for n in spec.metrics}, cache_dir)()
    _, violations = outcome(spec, row)
    tune.report({**{name: row[name] for name in spec.metrics}, STATUS: row["status"], ERROR: row["error"],
                 WALL: row["wall_time_s"], CONSTRAINTS: violations})


class ConstrainedOptunaSearch(OptunaSearch):
    """OptunaSearch that sets the case's constraint violations on its Optuna trial (which the
    samplers read) and records a failed case as a failed trial."""

    def __init__(self, objectives: list[str], **options):
        super().__init__(**options)
        self._objectives = objectives

    def suggest(self, trial_id: str) -> dict | None:
        config = super().suggest(trial_id)
        return None if config is None else {**config, TRIAL: self._ot_trials[trial_id].number}

    def on_trial_complete(self, trial_id: str, result: dict | None = None, error: bool = False):
        if result and trial_id in self._ot_trials:
            for name, violation in result.get(CONSTRAINTS, {}).items():
                self._ot_trials[trial_id].set_constraint(name, violation)
        if not result or result.get(STATUS) != "ok" or any(result.get(m) is None for m in self._objectives):
            result, error = None, True
        super().on_trial_complete(trial_id, result, error)


class RowWriter(tune.Callback):
    """Writes each trial's row as it finishes, numbered by its Optuna trial (plus offset)."""

    def __init__(self, spec: SweepSpec, keep: Callable[[dict], None], offset: int):
        self.spec, self.keep, self.offset = spec, keep, offset

    def __getstate__(self) -> dict:
        """Tune pickles its run config to restore an experiment; rows are written by the
        driver that started it (a restored copy writes none)."""
        return {**self.__dict__, "keep": None}

    def _write(self, trial, result: dict | None, error: str | None) -> None:
        from aether.sweep.run import finish_row

        case = Case(trial.config[TRIAL] + self.offset, {path: trial.config[path] for path in distributions(self.spec)})
        if self.keep is None:
            return
        result = result or {}
        row = {"case": case.index, "case_id": case_id(case.index, case.overrides),
               "status": result.get(STATUS, "failed"), "error": result.get(ERROR, error),
               "wall_time_s": result.get(WALL, 0.0), **{name: result.get(name) for name in self.spec.metrics}}
        self.keep(finish_row(self.spec, case, row))

    def on_trial_complete(self, iteration, trials, trial, **info):
        self._write(trial, trial.last_result, None)

    def on_trial_error(self, iteration, trials, trial, **info):
        self._write(trial, None, "Ray Tune: the trial failed (see Ray's logs)")


def tune_optimise(spec: SweepSpec, base: Base, workers: int, cache_dir: str, done: dict[str, dict],
                  keep: Callable[[dict], None]) -> None:
    """Run the trials left of spec.trials through Ray Tune on the connected Ray session."""
    left = spec.trials - len(done)
    if left <= 0:
        return
    _, storage = study(spec, done)
    names = [o.metric for o in spec.objectives]
    modes = [o.goal for o in spec.objectives]
    searcher = ConstrainedOptunaSearch(
        names, space=distributions(spec), metric=names if len(names) > 1 else names[0],
        mode=modes if len(modes) > 1 else modes[0], sampler=sampler(spec), storage=storage, study_name=STUDY)
    offset = max((row["case"] + 1 for row in done.values()), default=0) - len(done)
    trainable = tune.with_resources(tune.with_parameters(tune_case, spec=spec, base=base, cache_dir=cache_dir),
                                    {"cpu": 1})
    tuner = tune.Tuner(
        trainable,
        tune_config=tune.TuneConfig(search_alg=ConcurrencyLimiter(searcher, max_concurrent=workers, batch=True),
                                    num_samples=left),
        run_config=tune.RunConfig(storage_path=str(Path(cache_dir).parent.resolve() / "tune"), name=spec.name,
                                  callbacks=[RowWriter(spec, keep, offset)], verbose=0))
    os.environ.setdefault("RAY_AIR_NEW_OUTPUT", "0")  # with verbose=0: no tables on stdout
    tuner.fit()
