"""Seed-parallel execution: one large array operation split along the seed axis over threads.

The engine's arrays carry a leading seed axis of independent networks, so any operation
that treats each seed on its own (a batched matmul, an elementwise function, a per-seed
norm) can run on contiguous groups of seeds at once. :func:`in_seed_groups` cuts the seeds
into one group per thread and runs a task for each group on a small thread pool (numpy and
BLAS release the GIL). :func:`seedwise` runs one array operation that way, each group writing
its part of one output array; a whole computation can run that way too, e.g. gradient-flow's
forward and backward pass on each group's networks (``MLP.seed_slice``): the threads then meet
once per pass instead of after every operation, and each core keeps to its own networks' data
(0.88x the time of per-operation groups on the 2-core machine, docs/simulations.md).

Why not leave it to BLAS: numpy's OpenBLAS splits each small GEMM of a batched matmul
across the cores and synchronises them after each one, and every elementwise pass runs on
one core while BLAS's idle threads spin. One group of seeds per core, each calling a
single-threaded BLAS, keeps every core on independent work. Measured on a 2-core machine,
(16, 256, 256) @ (16, 256, 256) float64: 6.7-7.0 ms with 2 BLAS threads, 6.1 ms as two
seed groups of single-threaded BLAS; see docs/simulations.md for the whole forward+backward.

- **Deterministic.** Each seed's arithmetic is the same whichever thread runs it and with
  whatever group it shares: the results are bit-identical to the serial path (tested).
- **The thread count follows BLAS's.** It is the number of threads numpy's BLAS is set to
  use (read with threadpoolctl at each call, so ``OPENBLAS_NUM_THREADS=1``, which verify's
  worker processes set, or a ``threadpool_limits(1)`` means one thread: serial, no
  oversubscription), at most the cores available and the number of seeds. While the groups
  run, BLAS is limited to one thread (restored afterwards), since the groups fill the cores.
- **Small arrays stay serial**: below :data:`MIN_PARALLEL_ENTRIES` entries the hand-off to
  the pool (tens of microseconds) costs more than it saves.
- One parallel section runs at a time per process (BLAS's thread setting is process-wide);
  a call made while another runs, or from inside a kernel, runs serially.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from functools import cache
from itertools import pairwise
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray
from threadpoolctl import ThreadpoolController

Array = NDArray[np.generic]
T = TypeVar("T")

MIN_PARALLEL_ENTRIES = 1 << 17
"""Entries (of the largest array involved) below which an operation runs serially."""

_section = threading.Lock()


@cache
def _blas() -> ThreadpoolController:
    """numpy's BLAS libraries, as loaded in this process (found once: a scan of the libraries)."""
    return ThreadpoolController().select(user_api="blas")


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def threads() -> int:
    """How many threads :func:`seedwise` uses for a large enough operation: BLAS's own
    thread count, at most the cores available; 1 if no BLAS library is found."""
    counts = [lib.get_num_threads() for lib in _blas().lib_controllers]
    return max(1, min(max(counts, default=1), _cores()))


@cache
def _pool(workers: int) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="seedwise")


def in_seed_groups(task: Callable[[int, int], T], seeds: int, *, entries: int) -> list[T]:
    """``task(lo, hi)`` for contiguous groups of seeds covering ``range(seeds)``, one group
    per thread; returns the results in group order.

    ``entries`` is the size of the largest array the task touches: below
    :data:`MIN_PARALLEL_ENTRIES`, with one seed or one thread, or while another parallel
    section runs (the task may itself call :func:`seedwise`: it then runs serially), the
    task runs once as ``task(0, seeds)``. The task must treat each seed independently and
    write only its own seeds' parts of any shared array.
    """
    count = min(threads(), seeds) if seeds > 1 and entries >= MIN_PARALLEL_ENTRIES else 1
    if count < 2 or not _section.acquire(blocking=False):
        return [task(0, seeds)]
    try:
        groups = list(pairwise(seeds * i // count for i in range(count + 1)))
        errors = np.geterr()  # numpy's error handling is per thread: carry the caller's over

        def run(lo: int, hi: int) -> T:
            with np.errstate(**errors):
                return task(lo, hi)

        with _blas().limit(limits=1):
            pool = _pool(_cores())
            futures: list[Future[T]] = [pool.submit(run, *group) for group in groups[1:]]
            try:
                first = run(*groups[0])
            finally:  # the other groups write into shared arrays: wait whatever happens here
                wait(futures)
        return [first, *(future.result() for future in futures)]  # re-raises a group's error
    finally:
        _section.release()


def seedwise(kernel: Callable[..., object], out: Array, *inputs: Array) -> Array:
    """``kernel(out, *inputs)`` computed group by group of seeds; returns ``out``.

    The kernel must write its result into its first argument and treat each index of
    axis 0 independently. Inputs are split along axis 0 when each has at least ``out``'s
    dimensions and its leading size (anything shared by all seeds belongs in the kernel's
    closure); when one does not (it broadcasts), the kernel runs once on the whole arrays,
    as it does when :func:`in_seed_groups` runs serially.
    """
    seeds = out.shape[0] if out.ndim else 0
    if not all(a.ndim >= out.ndim and a.shape[0] == seeds for a in inputs) or seeds < 2:
        kernel(out, *inputs)
        return out

    def group(lo: int, hi: int) -> None:
        kernel(out[lo:hi], *(a[lo:hi] for a in inputs))

    in_seed_groups(group, seeds, entries=max([out.size, *(a.size for a in inputs)]))
    return out
