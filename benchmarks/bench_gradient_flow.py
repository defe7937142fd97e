"""Benchmark: gradient-flow's forward+backward against PyTorch (CPU) and numpy's matmul peak.

Same run, same machine, same weights: depth 30, width 256, batch 256, 16 seeds, float64.
Prints the best-of-N wall time of

- our engine: forward, MSE loss, backward with the per-layer norms of dL/da_l and dL/dW_l,
  as gradient-flow runs them (``forward_backward`` on groups of seeds side by side,
  ``in_groups``; building the network and the rest of run() are timed separately),
- the same forward+backward written with PyTorch (``pip install -e .[bench]``; skipped if
  torch is missing), checked to give the same norms,
- numpy's batched matmul of the same shapes, 90 of them (the products of one forward+backward),
  as the achievable GFLOP/s ("peak"),

and the ratios: best against best, and round by round (each round times every function once,
one after the other). Usage: ``PYTHONPATH=. python benchmarks/bench_gradient_flow.py [--repeat N]
[--activation sigmoid] [--init xavier] [--seeds 16]``. Timings on a shared machine vary with
its load, printed alongside.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

# numpy reads OPENBLAS_NUM_THREADS when it is first imported: apply --threads before that.
if "--threads" in sys.argv:
    os.environ["OPENBLAS_NUM_THREADS"] = sys.argv[sys.argv.index("--threads") + 1]

import numpy as np

from simulations.gradient_flow import GradientFlowParams, forward_backward, in_groups, run
from simulations.nn import make_rng
from simulations.nn.mlp import MLP, build_mlp

SETTLE_SECONDS = 0.3


def timed(
    repeat: int, fns: dict[str, Callable[[], object]]
) -> dict[str, list[tuple[float, float]]]:
    """Wall time and CPU time (all threads) of each function in each of ``repeat`` rounds,
    the functions interleaved within each round so that they share the machine's load; one
    warm-up call each first (first-touch page faults, thread start-up)."""
    for fn in fns.values():
        fn()
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            # OpenBLAS's threads spin for ~0.1 s after a call before they sleep: without a pause
            # the function timed next shares the cores with them (it flattered the engine by
            # ~10% when PyTorch followed a 2-thread BLAS engine).
            time.sleep(SETTLE_SECONDS)
            wall, cpu = time.perf_counter(), time.process_time()
            fn()
            times[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    return times


def best(times: list[tuple[float, float]]) -> tuple[float, float]:
    """The best wall time and the best CPU time of a function's rounds."""
    return min(wall for wall, _ in times), min(cpu for _, cpu in times)


def engine_step(mlp: MLP, x: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """gradient-flow's forward+backward with its norms, as run() does it: in seed groups."""
    parts = in_groups(forward_backward, mlp, x, target, "mse")
    a_norms = np.concatenate([a for _, a, _ in parts])
    w_norms = np.concatenate([w for _, _, w in parts])
    return a_norms, w_norms


def torch_step(torch: Any, weights: Any, readout: Any, x: Any, target: Any, activation: str) -> Any:
    """The same computation with autograd: bmm per layer, per-seed MSE summed over seeds."""
    phi = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}[activation]
    for w in [*weights, readout]:
        w.grad = None
    a = x
    hidden = []
    for w in weights:
        a = phi(torch.bmm(a, w))
        a.retain_grad()
        hidden.append(a)
    out = torch.bmm(a, readout)
    loss = ((out - target) ** 2).mean(dim=(1, 2)).sum()
    loss.backward()
    a_norms = torch.stack([h.grad.flatten(1).norm(dim=1) for h in hidden], dim=1)
    w_norms = torch.stack([w.grad.flatten(1).norm(dim=1) for w in weights], dim=1)
    return a_norms, w_norms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=16)
    parser.add_argument("--activation", choices=("sigmoid", "tanh", "relu"), default="sigmoid")
    parser.add_argument("--init", default="xavier")
    parser.add_argument(
        "--threads", type=int, help="BLAS/torch threads (default: the libraries' own choice)"
    )
    args = parser.parse_args()
    depth, width, batch, seeds = 30, 256, 256, args.seeds
    flops = 6 * depth * seeds * batch * width * width  # forward, dW and dx per layer

    print(
        f"gradient-flow benchmark: depth {depth}, width {width}, batch {batch}, "
        f"{seeds} seeds, float64, {args.activation} + {args.init}"
    )
    print(
        f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())} "
        f"on {os.cpu_count()} CPUs; OPENBLAS_NUM_THREADS="
        f"{os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}"
    )

    rng = make_rng(0)
    build = lambda: build_mlp(  # noqa: E731
        make_rng(0),
        seeds=seeds,
        n_in=width,
        width=width,
        depth=depth,
        activation=args.activation,
        init=args.init,
    )
    mlp = build()
    x = rng.standard_normal((seeds, batch, width))
    target = rng.standard_normal((seeds, batch, 1))

    params = GradientFlowParams(seeds=seeds, activation=args.activation, init=args.init)
    a = rng.standard_normal((seeds, batch, width))
    w = rng.standard_normal((seeds, width, width))
    fns: dict[str, Callable[[], object]] = {
        # The peak: as many products of these shapes as one forward+backward does.
        "numpy matmul (S,B,n)@(S,n,n) x90": lambda: [a @ w for _ in range(3 * depth)],
        "engine forward+backward": lambda: engine_step(mlp, x, target),
    }
    try:
        import torch
    except ImportError:
        torch = None
        print("torch not installed (pip install -e .[bench]): PyTorch comparison skipped")
    if torch is not None:
        if args.threads:
            torch.set_num_threads(args.threads)
        tw = [torch.tensor(d.weight, requires_grad=True) for d in mlp.dense]
        tr = torch.tensor(mlp.readout.weight, requires_grad=True)
        tx, tt = torch.tensor(x), torch.tensor(target)
        torch_name = f"PyTorch {torch.__version__} ({torch.get_num_threads()} threads)"
        fns[torch_name] = lambda: torch_step(torch, tw, tr, tx, tt, args.activation)
        ta, tw_norms = torch_step(torch, tw, tr, tx, tt, args.activation)
        ours_a, ours_w = engine_step(mlp, x, target)
        agree = np.allclose(ta.numpy(), ours_a, rtol=1e-8) and np.allclose(
            tw_norms.numpy(), ours_w, rtol=1e-8
        )
        print(f"PyTorch computes the same per-layer norms as the engine: {agree}")
    times = timed(args.repeat, fns)
    build_time = best(timed(1, {"build": build})["build"])[0]
    run_time = best(timed(1, {"run": lambda: run(params, 0)})["run"])[0]

    peak_wall = best(times["numpy matmul (S,B,n)@(S,n,n) x90"])[0]
    peak = flops / peak_wall / 1e9
    print(f"{'best of ' + str(args.repeat):36} {'wall ms':>9} {'GFLOP/s':>8} {'CPU ms':>9}")
    for name, rounds in times.items():
        wall, cpu = best(rounds)
        print(f"{name:36} {wall * 1e3:9.1f} {flops / wall / 1e9:8.1f} {cpu * 1e3:9.1f}")
    engine = times["engine forward+backward"]
    engine_wall, engine_cpu = best(engine)
    print(f"engine GFLOP/s / numpy matmul peak: {flops / engine_wall / 1e9 / peak:.2f}")
    if torch is not None:
        torch_wall, torch_cpu = best(times[torch_name])
        wall_ratio, cpu_ratio = engine_wall / torch_wall, engine_cpu / torch_cpu
        print(
            f"engine / PyTorch, best against best: wall {wall_ratio:.2f}, CPU {cpu_ratio:.2f} "
            "(below 1: the engine is faster)"
        )
        # The machine's speed drifts over seconds: a round's two timings, taken a second
        # apart, share its speed better than two bests taken rounds apart.
        rounds = [e / t for (e, _), (t, _) in zip(engine, times[torch_name], strict=True)]
        print(
            f"engine / PyTorch wall, round by round: {' '.join(f'{r:.2f}' for r in rounds)} "
            f"(median {statistics.median(rounds):.2f})"
        )
    print(f"building the network (drawing weights): {build_time * 1e3:.1f} ms")
    print(f"whole gradient-flow run() with these parameters: {run_time * 1e3:.1f} ms")
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
