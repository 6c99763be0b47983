"""Spread independent blocks of the time grid over worker processes.

Stages split a run into a fixed partition of time blocks (fixed whatever the number of
workers, so results are bit-identical however many run); each block is reduced to a small
result by `task(block)`, and the results come back in block order.

Works wherever Python does: the task is sent to the workers by pickling, so it must be a
picklable top-level callable (a dataclass with `__call__`, holding plain data) rather than a
closure, and workers may be forked, spawned (macOS, Windows) or belong to the caller's own
executor. Inside a daemonic process (a multiprocessing pool, Dask), which may not start
children, everything runs serially.
"""

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from aether.timegrid import TimeGrid

# One thread for each of the maths libraries numpy and scipy may load (OpenBLAS, MKL, OpenMP):
# in a pool of one worker per core, a thread per core in every worker fights for the cores.
# They read these when they load, so they must be in a worker's environment when it starts.
ONE_THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def time_blocks(grid: TimeGrid, n_blocks: int) -> list[slice]:
    """About n_blocks slices of equal length covering the grid."""
    size = max(1, -(-grid.n_steps // max(1, n_blocks)))
    return list(grid.chunks(size))


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity where the platform has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def may_start_workers() -> bool:
    """False inside a daemonic process, which may not have children of its own."""
    return not multiprocessing.current_process().daemon


def default_workers() -> int:
    """Worker processes to use: every available core, or 1 where none may be started."""
    return available_cores() if may_start_workers() else 1


@contextmanager
def block_executor(workers: int | None = None, executor: Executor | None = None) -> Iterator[Executor | None]:
    """The executor a run's stages share.

    The caller's own executor if given (left open); else a process pool of `workers`
    (default: every available core) with the platform's start method, shut down on exit;
    else None, meaning serial: one worker, or a daemonic process.
    """
    if executor is not None:
        yield executor
        return
    workers = default_workers() if workers is None else workers
    if workers <= 1 or not may_start_workers():
        yield None
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield pool


def map_time_blocks(
    task: Callable[[slice], Any],
    blocks: Sequence[slice],
    executor: Executor | None = None,
    on_progress: Callable[[float], None] | None = None,
) -> list[Any]:
    """task(block) for every block, in order: on the executor, or here when it is None.

    on_progress, if given, receives the fraction of blocks done after each one.
    """
    if executor is None or len(blocks) <= 1:
        outcomes = (task(block) for block in blocks)
    else:
        futures = [executor.submit(task, block) for block in blocks]
        outcomes = (future.result() for future in futures)
    results = []
    for outcome in outcomes:
        results.append(outcome)
        if on_progress:
            on_progress(len(results) / len(blocks))
    return results


@contextmanager
def one_thread_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool of `workers` fresh interpreters (spawned, so nothing is inherited from
    this one's loaded libraries), each with ONE_THREAD_ENV: one maths thread per worker."""
    saved = {name: os.environ.get(name) for name in ONE_THREAD_ENV}
    os.environ.update(ONE_THREAD_ENV)  # workers start lazily, so it holds while the pool lives
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            yield pool
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
