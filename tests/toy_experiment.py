"""A tiny real experiment for testing verification mechanics without numpy-heavy runs."""

from __future__ import annotations

from typing import Literal

from simulations.base import Claim, Experiment, Params, Result


class ToyParams(Params):
    x: float = 1.0
    mode: Literal["plain", "double"] = "plain"


def run(params: ToyParams, seed: int) -> Result:
    value = params.x * (2 if params.mode == "double" else 1)
    return Result(
        simulation="toy",
        params=params.model_dump(),
        seed=seed,
        metrics={"value": value, "square": value * value},
        series={"steps": [value, value * 2]},
        claims=[
            Claim(
                id="positive",
                statement="the value is above 0",
                holds=value > 0,
                evidence={"value": value, "threshold": 0.0},
            )
        ],
    )


EXPERIMENT = Experiment(
    name="toy",
    summary="x, possibly doubled",
    params=ToyParams,
    run=run,
    claims={"positive": "the value is above 0"},
    metrics={"value": "x or 2x", "square": "its square"},
)
