"""Where simulation runs execute: in this process, a local process pool, or a dask cluster.

One interface, :func:`run_each`: the caller hands over picklable tasks and gets each result
back as it finishes, in any order. The cache stays with the caller, so every executor reads
and fills the same one. A dask.distributed scheduler is chosen with ``--scheduler
tcp://HOST:PORT`` or the ``QUIZENGINE_SCHEDULER`` variable (docs/distributed.md).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any, TypeVar

SCHEDULER_ENV = "QUIZENGINE_SCHEDULER"
CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a dask scheduler before giving up."""

T = TypeVar("T")


class ExecutorError(RuntimeError):
    """The executor could not be set up (e.g. no scheduler at the address); says why."""


@dataclass(frozen=True)
class Executor:
    """``scheduler`` (a dask address) if given, else ``jobs`` local processes (1: in-process)."""

    jobs: int = 1
    scheduler: str | None = None

    @classmethod
    def from_options(cls, jobs: int, scheduler: str | None) -> Executor:
        return cls(jobs=jobs, scheduler=scheduler or os.environ.get(SCHEDULER_ENV) or None)

    def describe(self) -> str:
        if self.scheduler:
            return f"dask scheduler {self.scheduler}"
        return "this process" if self.jobs <= 1 else f"{self.jobs} local processes"


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def run_each(
    executor: Executor, fn: Callable[[T], Any], tasks: Sequence[T]
) -> Iterator[tuple[T, Any]]:
    """(task, fn(task)) for every task, as each finishes."""
    if not tasks:
        return
    if executor.scheduler:
        yield from _on_dask(executor.scheduler, fn, tasks)
    elif executor.jobs > 1 and len(tasks) > 1:
        yield from _on_pool(executor.jobs, fn, tasks)
    else:
        for task in tasks:
            yield task, fn(task)


def _on_pool(jobs: int, fn: Callable[[T], Any], tasks: Sequence[T]) -> Iterator[tuple[T, Any]]:
    # One BLAS thread per worker: the workers already fill the cores.
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    # At most one worker per core: each runs one experiment within its declared limits, so
    # memory is bounded by the cores times the largest run, whatever ``jobs`` asks for.
    workers = min(jobs, len(tasks), available_cores())
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        futures = {pool.submit(fn, task): task for task in tasks}
        for future in as_completed(futures):
            yield futures[future], future.result()


def _on_dask(address: str, fn: Callable[[T], Any], tasks: Sequence[T]) -> Iterator[tuple[T, Any]]:
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError:
        raise ExecutorError(
            "a dask scheduler was given but dask.distributed is not installed; "
            "pip install 'quizengine[distributed]'"
        ) from None
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as error:
        raise ExecutorError(f"cannot reach the dask scheduler at {address}: {error}") from None
    try:
        # pure=False: the task's own content decides the run; dask must not merge by hash.
        futures = {client.submit(fn, task, pure=False): task for task in tasks}
        for future in dask_completed(list(futures)):
            yield futures[future], future.result()
    finally:
        client.close()
