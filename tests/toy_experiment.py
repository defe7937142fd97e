"""A tiny real experiment for testing verification mechanics without numpy-heavy runs."""

from __future__ import annotations

from typing import Literal

from simulations.base import Claim, Experiment, Params, Result


class ToyParams(Params):
    x: float = 1.0
    mode: Literal["plain", "double"] = "plain"
    depth: int = 10


def run(params: ToyParams, seed: int) -> Result:
    value = params.x * (2 if params.mode == "double" else 1)
    return Result(
        simulation="toy",
        params=params.model_dump(),
        seed=seed,
        metrics={"value": value, "square": value * value, "depth_value": value * params.depth},
        series={"steps": [value, value * 2]},
        claims=[
            Claim(
                id="positive",
                statement="the value is above 0",
                holds=value > 0,
                evidence={"value": value, "threshold": 0.0},
            ),
            Claim(
                id="shallow",
                statement="the depth is below 20",
                holds=params.depth < 20,
                evidence={"depth": params.depth, "threshold": 20},
            ),
        ],
    )


EXPERIMENT = Experiment(
    name="toy",
    summary="x, possibly doubled",
    params=ToyParams,
    run=run,
    claims={"positive": "the value is above 0", "shallow": "the depth is below 20"},
    metrics={
        "value": "x or 2x",
        "square": "its square",
        "depth_value": "the value times the depth",
    },
    # x and mode are the scenario; a statement not naming the depth must hold at every depth
    conditions={"x": ("1",), "mode": ("plain",), "depth": ("10", "20", "30", "50")},
)
