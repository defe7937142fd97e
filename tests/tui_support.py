"""Shared by the TUI tests: the fixture bank and a clock the test moves by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from quizengine.bank.load import load_bank
from quizengine.bank.model import Bank

BANK_DIR = Path(__file__).parent / "data" / "tui_bank"
START = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


def fixture_bank() -> Bank:
    """Three valid questions (single, multiple with sim: links, numeric) and one broken file."""
    return load_bank([BANK_DIR])


class Clock:
    """A clock that stands still until ``advance`` is called: durations in tests are exact."""

    def __init__(self, start: dt.datetime = START) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)
