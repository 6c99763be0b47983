"""`mode: optimise`: Optuna searches the axes for the best designs, TPE for one objective and
NSGA-II for two, constraints honoured: each trial carries its constraints' violations
(Trial.set_constraint), which both samplers read, so a case that breaks a constraint counts
as worse than any that meets them all.

Locally, trials go out in batches of as many as there are workers and are told back to the
study in trial order once the batch is in, so a spec and its seed give the same trials
however the cases' finishing order falls. On Ray, Ray Tune runs the same study through
OptunaSearch behind a batching ConcurrencyLimiter (aether.sweep.tune). Finished rows of a
resumed optimisation go back into the study as trials.
"""

from collections.abc import Callable

from aether.sweep.cases import Base, Case
from aether.sweep.spec import SweepSpec

STUDY = "aether"


def distributions(spec: SweepSpec) -> dict:
    """Each axis as an Optuna distribution: listed values as a choice, else a float or whole
    number range (log-uniform with log)."""
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    out = {}
    for axis in spec.axes:
        if axis.values is not None:
            out[axis.path] = CategoricalDistribution(axis.values)
        elif axis.integer:
            out[axis.path] = IntDistribution(int(round(axis.low)), int(round(axis.high)), log=axis.log)
        else:
            out[axis.path] = FloatDistribution(axis.low, axis.high, log=axis.log)
    return out


def sampler(spec: SweepSpec):
    """TPE for one objective, NSGA-II for two (a population of a fifth of the trials, 2 to 50),
    seeded with the spec's seed."""
    from optuna.samplers import NSGAIISampler, TPESampler

    if len(spec.objectives) == 1:
        return TPESampler(seed=spec.seed)
    return NSGAIISampler(seed=spec.seed, population_size=min(50, max(2, spec.trials // 5)))


def outcome(spec: SweepSpec, row: dict) -> tuple[list[float] | None, dict[str, float]]:
    """The objectives' values (None: the case failed or lacks one) and each constraint's
    violation (<= 0: met) by name."""
    values = [row.get(o.metric) for o in spec.objectives]
    violations = {f"{i}-{c.metric}": c.violation(row.get(c.metric)) for i, c in enumerate(spec.constraints)}
    if row["status"] != "ok" or any(v is None for v in values):
        return None, violations
    return [float(v) for v in values], violations


def study(spec: SweepSpec, done: dict[str, dict]):
    """An in-memory study of the spec's directions and sampler holding the finished rows as
    trials (a resumed optimisation), and its storage for Ray Tune's OptunaSearch."""
    import optuna
    from optuna.trial import TrialState, create_trial

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = optuna.storages.InMemoryStorage()
    found = optuna.create_study(storage=storage, study_name=STUDY, sampler=sampler(spec),
                                directions=["minimize" if o.goal == "min" else "maximize" for o in spec.objectives])
    spaces = distributions(spec)
    for row in sorted(done.values(), key=lambda r: r["case"]):
        values, violations = outcome(spec, row)
        found.add_trial(create_trial(
            params={path: row[path] for path in spaces}, distributions=spaces, values=values,
            constraints=violations or None, state=TrialState.COMPLETE if values else TrialState.FAIL))
    return found, storage


def optimise(spec: SweepSpec, base: Base, runner, cache_dir: str, done: dict[str, dict],
             keep: Callable[[dict], None], on_idle: Callable[[], None]) -> None:
    """Run spec.trials trials in all (the finished ones included), writing each row by keep
    (on_idle: no case finished for a while; see run_cases)."""
    if runner.name == "ray":
        from aether.sweep.tune import tune_optimise

        tune_optimise(spec, base, runner.workers, cache_dir, done, keep)
        return
    from optuna.trial import TrialState

    from aether.sweep.run import run_cases

    found, _ = study(spec, done)
    spaces = distributions(spec)
    # Case numbers carry on after the finished rows (a killed batch may have left gaps).
    offset = max((row["case"] + 1 for row in done.values()), default=0) - len(done)
    rows: dict[int, dict] = {}

    def collect(row: dict) -> None:
        rows[row["case"]] = row
        keep(row)

    while (count := len(found.trials)) < spec.trials:
        batch = [found.ask(spaces) for _ in range(min(runner.workers, spec.trials - count))]
        cases = {trial.number: Case(trial.number + offset, dict(trial.params)) for trial in batch}
        run_cases(spec, base, list(cases.values()), runner, cache_dir, collect, on_idle)
        for trial in batch:
            values, violations = outcome(spec, rows[cases[trial.number].index])
            for name, violation in violations.items():
                trial.set_constraint(name, violation)
            found.tell(trial, values, state=TrialState.COMPLETE if values else TrialState.FAIL)
