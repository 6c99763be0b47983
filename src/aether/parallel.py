"""Spread independent blocks of the time grid over worker processes.

Stages split a run into blocks of consecutive time steps; each block is reduced to a
small result in a worker, and the results come back in block order. Workers are forked,
so they inherit the task (and the Satrec objects it closes over, which cannot be
pickled) instead of receiving it.
"""

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from aether.timegrid import TimeGrid

_task: Callable[[slice], Any] | None = None


def _run_task(steps: slice) -> Any:
    assert _task is not None
    return _task(steps)


def time_blocks(grid: TimeGrid, n_blocks: int) -> list[slice]:
    """About n_blocks slices of equal length covering the grid."""
    size = max(1, -(-grid.n_steps // max(1, n_blocks)))
    return list(grid.chunks(size))


def default_workers() -> int:
    """Worker processes to use: the cores this process may run on."""
    return len(os.sched_getaffinity(0))


def map_time_blocks(
    task: Callable[[slice], Any],
    blocks: Sequence[slice],
    workers: int,
    on_progress: Callable[[float], None] | None = None,
) -> list[Any]:
    """task(block) for every block, in order, over `workers` forked processes.

    on_progress, if given, receives the fraction of blocks done after each one.
    """
    global _task

    def done(count: int) -> None:
        if on_progress:
            on_progress(count / len(blocks))

    if workers <= 1 or len(blocks) <= 1:
        results = []
        for block in blocks:
            results.append(task(block))
            done(len(results))
        return results
    _task = task
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = [pool.submit(_run_task, block) for block in blocks]
            results = []
            for future in futures:
                results.append(future.result())
                done(len(results))
            return results
    finally:
        _task = None
