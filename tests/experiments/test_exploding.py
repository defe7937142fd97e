"""exploding: growth with depth, what clipping bounds, and what it cannot restore."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from simulations import registry

SMALL = {"depth": 12, "width": 32, "batch": 16, "seeds": 4}


def test_default_verdicts_for_seeds_0_to_4() -> None:
    for seed in range(5):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # overflow is reported, never warned about
            result = registry.run("exploding", {}, seed)
        assert result.claim("explodes").holds, seed
        assert result.claim("clipping-bounds-update").holds, seed
        assert not result.claim("clipping-restores-early-gradients").holds, seed
        assert result.metrics["grad_growth"] > 1e20
        assert result.metrics["sigmoid_clipping_gain"] <= 1.0


def test_clipped_updates_never_exceed_lr_times_c() -> None:
    result = registry.run("exploding", {**SMALL, "clip": 0.5, "lr": 0.1, "steps": 4})
    assert len(result.series["clipped_update_norm"]) == 4
    assert max(result.series["clipped_update_norm"]) <= 0.05 * (1 + 1e-9)
    assert result.claim("clipping-bounds-update").evidence["min_cosine"] > 1 - 1e-9


def test_without_clipping_the_loss_overflows_and_is_reported() -> None:
    result = registry.run("exploding", {**SMALL, "depth": 30, "steps": 3})
    assert result.metrics["unclipped_nonfinite_step"] <= 3
    assert any("without clipping the loss overflowed" in note for note in result.notes)
    assert np.isfinite(result.metrics["clipped_final_loss"])


def test_a_well_initialized_net_does_not_explode() -> None:
    result = registry.run("exploding", {**SMALL, "init": "he"})
    assert not result.claim("explodes").holds
    assert 0.01 < result.metrics["grad_growth"] < 100


def test_limits_name_the_product() -> None:
    with pytest.raises(registry.SimulationError, match=r"\(2\*steps\+2\)\*depth"):
        registry.run("exploding", {"depth": 200, "width": 1024, "batch": 64, "seeds": 1})
    with pytest.raises(registry.SimulationError, match="clip"):
        registry.run("exploding", {"clip": "0"})
