"""Snapshots of the main screens at 80x24 (update with ``pytest --snapshot-update``).

The fixture bank lives in tests/data/tui_bank and the clock stands still, so the pictures change
only when the TUI does.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from tui_support import BANK_DIR, Clock, fixture_bank

from quizengine.tui.app import QuizApp
from quizengine.tui.screens import simulation

SnapCompare = Callable[..., bool]


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> QuizApp:
    monkeypatch.chdir(BANK_DIR.parent)  # error messages name "tui_bank/4-broken.md" everywhere
    return QuizApp(fixture_bank(), clock=Clock())


class TestBrowser:
    def test_lists_questions_and_load_errors(self, snap_compare: SnapCompare, app: QuizApp) -> None:
        assert snap_compare(app, terminal_size=(80, 24))

    def test_filtered(self, snap_compare: SnapCompare, app: QuizApp) -> None:
        assert snap_compare(app, press=[*"#init"], terminal_size=(80, 24))


class TestQuestion:
    def test_multiple_choice_with_picks(self, snap_compare: SnapCompare, app: QuizApp) -> None:
        assert snap_compare(app, press=["enter", "n", "1", "3"], terminal_size=(80, 24))

    def test_numeric(self, snap_compare: SnapCompare, app: QuizApp) -> None:
        assert snap_compare(app, press=["enter", "n", "n", *"0.3"], terminal_size=(80, 24))


class TestEnd:
    def test_asks_with_questions_unanswered(self, snap_compare: SnapCompare, app: QuizApp) -> None:
        assert snap_compare(app, press=["enter", "2", "enter", "f"], terminal_size=(80, 24))


class TestNumber:
    def test_says_what_it_cannot_read(self, snap_compare: SnapCompare, app: QuizApp) -> None:
        press = ["enter", "n", "n", *"1e400"]
        assert snap_compare(app, press=press, terminal_size=(80, 24))


class TestFeedback:
    def test_partly_right(self, snap_compare: SnapCompare, app: QuizApp) -> None:
        assert snap_compare(app, press=["enter", "n", "1", "enter"], terminal_size=(80, 24))


class TestSummary:
    def test_after_a_quiz(self, snap_compare: SnapCompare, app: QuizApp) -> None:
        press = ["enter", "2", "enter", "n", "1", "enter", "n", *"0.3", "enter", "n"]
        assert snap_compare(app, press=press, terminal_size=(80, 24))


class StoppedClock:
    """Stands in for the time module of the panel: every run takes 0.0 s on the status line."""

    @staticmethod
    def monotonic() -> float:
        return 0.0


class TestSimulation:
    def test_the_explanations_link_against_the_usual_remedy(
        self, snap_compare: SnapCompare, app: QuizApp, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(simulation, "time", StoppedClock)

        async def run_the_simulation(pilot: Pilot[None]) -> None:
            await pilot.press("enter", "n", "1", "enter", "s")
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()

        assert snap_compare(app, run_before=run_the_simulation, terminal_size=(80, 24))


class TestHelp:
    def test_on_the_question_screen(self, snap_compare: SnapCompare, app: QuizApp) -> None:
        assert snap_compare(app, press=["enter", "question_mark"], terminal_size=(80, 24))
