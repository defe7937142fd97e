"""Start-up's garbage-collector policy: paused while building, what was built frozen."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from quizengine.tui.startup import long_lived


@pytest.fixture(autouse=True)
def restore_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()


def test_the_collector_is_paused_then_skips_what_was_built() -> None:
    gc.unfreeze()
    with long_lived():
        assert not gc.isenabled()
        built = [[index] for index in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(built)


def test_a_disabled_collector_stays_disabled_and_errors_pass_through() -> None:
    gc.disable()
    with pytest.raises(ValueError), long_lived():
        raise ValueError("a usage error while building the app")
    assert not gc.isenabled()
    assert gc.get_freeze_count() > 0
