"""The seed-parallel path (simulations.nn.parallel) against the serial one: same bits."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

from simulations import gradient_flow
from simulations.gradient_flow import GradientFlowParams
from simulations.nn import make_rng, parallel
from simulations.nn.activations import ACTIVATIONS
from simulations.nn.losses import mse
from simulations.nn.mlp import build_mlp, seed_norms


@pytest.fixture
def threads(monkeypatch: pytest.MonkeyPatch):
    """Set the thread count seedwise uses (whatever the machine's cores), small arrays too."""
    monkeypatch.setattr(parallel, "MIN_PARALLEL_ENTRIES", 1)

    def use(count: int) -> None:
        monkeypatch.setattr(parallel, "threads", lambda: count)

    return use


def step(activation: str, seeds: int, width: int) -> list[np.ndarray]:
    """Everything one forward+backward of a small MLP produces (dense, activation, norms)."""
    rng = make_rng(5)
    init = "he" if activation in ("relu", "leaky_relu", "elu", "selu") else "xavier"
    mlp = build_mlp(
        rng, seeds=seeds, n_in=width, width=width, depth=4, activation=activation, init=init
    )
    x = rng.standard_normal((seeds, 24, width))
    out = mlp.forward(x)
    _, dout = mse(out, rng.standard_normal(out.shape))
    dx = mlp.backward(dout)
    assert mlp.hidden_grad_norms is not None
    return [out, dx, mlp.hidden_grad_norms, mlp.weight_grad_norms(), *mlp.grads()]


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_threaded_step_gives_the_serial_bits(threads, activation: str) -> None:
    threads(1)
    serial = step(activation, seeds=5, width=32)
    for count in (2, 3):  # 5 seeds in unequal groups
        threads(count)
        for a, b in zip(serial, step(activation, seeds=5, width=32), strict=True):
            assert np.array_equal(a, b)


def test_threaded_matmuls_of_benchmark_size_give_the_serial_bits(threads) -> None:
    """At the benchmark's width BLAS takes its blocked paths: still the same bits."""
    threads(1)
    serial = step("sigmoid", seeds=4, width=256)
    threads(2)
    for a, b in zip(serial, step("sigmoid", seeds=4, width=256), strict=True):
        assert np.array_equal(a, b)


@pytest.mark.parametrize(
    "options",
    [
        {"activation": "sigmoid", "init": "xavier"},
        {"activation": "relu", "init": "he", "batchnorm": True, "residual": True},
        {"activation": "tanh", "init": "xavier", "loss": "sum", "dtype": "float32"},
    ],
)
def test_gradient_flow_in_seed_groups_gives_the_serial_result(threads, options: dict) -> None:
    """run() measures its networks in seed groups side by side (in_groups): every metric,
    series and note is the same as one group computing them all."""
    params = GradientFlowParams(depth=4, width=12, batch=10, seeds=5, **options)
    threads(1)
    serial = gradient_flow.run(params, 3)
    for count in (2, 3):
        threads(count)
        grouped = gradient_flow.run(params, 3)
        assert grouped.model_dump() == serial.model_dump()


def test_in_seed_groups_covers_every_seed_once_in_order(threads) -> None:
    threads(3)
    assert parallel.in_seed_groups(lambda lo, hi: (lo, hi), 7, entries=1) == [
        (0, 2),
        (2, 4),
        (4, 7),
    ]
    threads(1)
    assert parallel.in_seed_groups(lambda lo, hi: (lo, hi), 7, entries=1) == [(0, 7)]


def test_a_task_inside_a_group_runs_serially(threads) -> None:
    """A seed group's task calls seedwise (every layer does): it must not start threads of
    its own while the groups already fill the cores."""
    threads(2)
    inner: list[list[tuple[int, int]]] = []

    def task(lo: int, hi: int) -> None:
        inner.append(parallel.in_seed_groups(lambda a, b: (a, b), hi - lo, entries=1))

    parallel.in_seed_groups(task, 4, entries=1)
    assert sorted(inner) == [[(0, 2)], [(0, 2)]]


def test_seed_norms_threaded_equal_serial(threads) -> None:
    a = make_rng(6).standard_normal((7, 30, 20))
    a[3, 0, 0] = 1e200  # the overflow-safe recomputation on top
    threads(1)
    serial = seed_norms(a)
    threads(2)
    assert np.array_equal(seed_norms(a), serial)


def test_the_callers_floating_point_errors_apply_in_every_group(threads) -> None:
    threads(2)
    x = np.full((4, 8), 1000.0)

    def kernel(out: np.ndarray, x: np.ndarray) -> None:
        np.exp(x, out=out)

    with np.errstate(over="raise"), pytest.raises(FloatingPointError):
        parallel.seedwise(kernel, np.empty_like(x), x)
    with np.errstate(over="ignore"), warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.all(parallel.seedwise(kernel, np.empty_like(x), x) == np.inf)


def test_a_failing_group_raises_and_leaves_blas_as_it_was(threads) -> None:
    before = [lib.get_num_threads() for lib in parallel._blas().lib_controllers]
    threads(2)
    x = np.arange(8.0).reshape(4, 2)

    def kernel(out: np.ndarray, x: np.ndarray) -> None:
        if x[0, 0] >= 4:  # the second group, on a pool thread
            raise ValueError("group failed")
        out[...] = x

    with pytest.raises(ValueError, match="group failed"):
        parallel.seedwise(kernel, np.empty_like(x), x)
    assert [lib.get_num_threads() for lib in parallel._blas().lib_controllers] == before
    copy = parallel.seedwise(lambda out, x: np.copyto(out, x), np.empty_like(x), x)
    assert np.array_equal(copy, x)


def test_broadcast_inputs_are_not_split(threads) -> None:
    threads(2)
    x = make_rng(7).standard_normal((4, 3, 4))
    row = np.arange(4.0)  # shape (4,): as long as the seed axis, but it broadcasts
    total = parallel.seedwise(lambda out, x, r: np.add(x, r, out=out), np.empty_like(x), x, row)
    assert np.array_equal(total, x + row)


def blas_threads_seen_by_the_engine(env: dict[str, str]) -> int:
    code = "from simulations.nn.parallel import threads; print(threads())"
    run = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return int(run.stdout)


def test_one_thread_when_blas_is_set_to_one() -> None:
    """What verify's worker processes set: the engine must not add threads of its own."""
    assert blas_threads_seen_by_the_engine({"OPENBLAS_NUM_THREADS": "1"}) == 1


def test_as_many_threads_as_blas_uses_at_most_the_cores() -> None:
    cores = len(os.sched_getaffinity(0))
    assert blas_threads_seen_by_the_engine({"OPENBLAS_NUM_THREADS": "2"}) == min(2, cores)
