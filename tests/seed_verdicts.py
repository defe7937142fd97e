"""The check that a bank parameter set gets the same verdicts for base seeds 0 to 4."""

from __future__ import annotations

from simulations import registry


def assert_verdicts_for_base_seeds_0_to_4(
    name: str, params: dict[str, object], verdicts: dict[str, bool]
) -> None:
    """Run simulation ``name`` with ``params`` for base seeds 0..4: every claim in
    ``verdicts`` must hold (True) or fail (False) as given, for every seed."""
    for seed in range(5):
        result = registry.run(name, params, seed)
        got = {claim_id: result.claim(claim_id).holds for claim_id in verdicts}
        assert got == verdicts, f"seed {seed}: {got}"
