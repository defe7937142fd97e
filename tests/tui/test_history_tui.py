"""The Textual statistics screen, driven by the pilot."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from test_history_support import T0, Clock, make_question
from textual.app import App
from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot

from quizengine.history.stats import Summary
from quizengine.history.store import HistoryStore
from quizengine.tui.screens.stats import StatsScreen, headline
from quizengine.tui.widgets.controls import KeyBar

A = make_question("a", tags=("x",), topic="t")
B = make_question("b", tags=("x", "y"), topic="t")
NEW = make_question("never")


class Host(App[None]):
    def __init__(self, screen: StatsScreen) -> None:
        super().__init__()
        self.stats = screen

    def on_mount(self) -> None:
        self.push_screen(self.stats)


def show(store: HistoryStore, clock: Clock) -> tuple[Host, StatsScreen]:
    screen = StatsScreen(store, [A, B, NEW], clock=clock, tz=dt.UTC)
    return Host(screen), screen


async def test_the_stats_screen_shows_the_figures_and_goes_back(tmp_path: Path) -> None:
    clock = Clock()
    with HistoryStore.open(tmp_path / "h.sqlite3", clock=clock) as store:
        session = store.start_session(["a", "b"])
        store.record_answer(session.id, A, [1], 0.0, 30.0)
        store.record_answer(session.id, B, [0], 1.0, 30.0)
        clock.advance(days=1)
        later = store.start_session(["a"])
        store.record_answer(later.id, A, [0], 1.0, 30.0)
        clock.advance(days=1)  # a's wrong-then-right is not due; b (Good, 2 days) is
        app, screen = show(store, clock)
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            summary = screen.summary
            assert summary is not None
            assert (summary.answers, summary.due, summary.new) == (3, 1, 1)
            headline = str(screen.query_one("#stats-headline", Static).render())
            assert "Accuracy 67%" in headline and "Due now 1" in headline
            tags = screen.query_one("#stats-by-tag", DataTable)
            assert [tags.get_row_at(i) for i in range(tags.row_count)] == [
                ["x", "3", "2", "67%", "100%"],
                ["y", "1", "1", "100%", "100%"],
            ]
            assert screen.query_one(PlotextPlot).display  # two days: a trend to draw
            # The status line and key bar of every other screen, not Textual's own.
            assert not screen.query("Header, Footer")
            assert str(screen.query_one("#status", Static).content) == "Statistics"
            bar = screen.query_one(KeyBar).render().plain
            assert bar.startswith(" b Back  q Quit")
            await pilot.press("b")
            await pilot.pause()
            assert not isinstance(app.screen, StatsScreen)


async def test_an_empty_history_says_so(tmp_path: Path) -> None:
    clock = Clock(T0)
    with HistoryStore.open(tmp_path / "h.sqlite3", clock=clock) as store:
        app, screen = show(store, clock)
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            headline = str(screen.query_one("#stats-headline", Static).render())
            assert "No answers recorded yet: 3 questions to discover" in headline
            assert not screen.query_one("#stats-by-tag", DataTable).display
            assert not screen.query_one(PlotextPlot).display


def test_the_headline_counts_in_words() -> None:
    one = Summary(
        answers=1, questions_answered=1, accuracy=0.5, standing=0.5, seconds=60, due=0, new=1
    )
    assert "1 answer to 1 question ·" in headline(one).plain
    assert "1 question to discover" in headline(replace(one, answers=0)).plain
    two = replace(one, answers=2, questions_answered=2)
    assert "2 answers to 2 questions" in headline(two).plain
