"""The bands that call a gradient ratio vanishing, kept or exploding, and their claims.

The ratio is the gradient at the input end over the gradient at the output end (first over
last hidden layer in gradient-flow, first over last time step in rnn-bptt), the median over
seeds. Below 1e-3 it vanishes; above 1e3, or when a gradient overflows, it explodes; from
1e-2 to 1e2 with every gradient finite it is kept. Each experiment states the claim in its
own words; the verdict and its evidence come from here, so the bands mean the same thing
in every experiment.
"""

from __future__ import annotations

from simulations.base import Claim

VANISH_BELOW = 1e-3
EXPLODE_ABOVE = 1e3
KEPT_LOW, KEPT_HIGH = 1e-2, 1e2


def vanishes_claim(
    claim_id: str, statement: str, ratio: float, evidence: dict[str, float]
) -> Claim:
    """ratio < VANISH_BELOW; a NaN ratio (how a median reports an overflowed seed) never is."""
    return Claim(
        id=claim_id,
        statement=statement,
        holds=ratio < VANISH_BELOW,
        evidence={**evidence, "threshold": VANISH_BELOW},
    )


def explodes_claim(
    claim_id: str, statement: str, ratio: float, finite: bool, evidence: dict[str, float]
) -> Claim:
    """ratio > EXPLODE_ABOVE, or some gradient is not finite."""
    return Claim(
        id=claim_id,
        statement=statement,
        holds=ratio > EXPLODE_ABOVE or not finite,
        evidence={**evidence, "threshold": EXPLODE_ABOVE},
    )


def kept_claim(
    claim_id: str, statement: str, ratio: float, finite: bool, evidence: dict[str, float]
) -> Claim:
    """KEPT_LOW <= ratio <= KEPT_HIGH and every gradient finite."""
    return Claim(
        id=claim_id,
        statement=statement,
        holds=finite and KEPT_LOW <= ratio <= KEPT_HIGH,
        evidence={**evidence, "low": KEPT_LOW, "high": KEPT_HIGH},
    )
