"""What keeps the TUI's start-up quick stays true: no redundant redraws, the focus set once."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.geometry import Spacing
from textual.widget import Widget
from tui_support import Clock, fixture_bank

from quizengine.tui import app as app_module
from quizengine.tui.app import QUIZ_CSS, QuizApp
from quizengine.tui.screens.browser import BrowserScreen, QuestionTable
from quizengine.tui.screens.question import ChoiceBox, ChoiceRadios, NumberInput, QuestionScreen
from quizengine.tui.widgets.controls import KeyBar

SIZE = (80, 24)


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The screen of each KeyBar render, in order."""
    seen: list[str] = []
    render = KeyBar.render

    def counting(self: KeyBar) -> object:
        seen.append(type(self.screen).__name__)
        return render(self)

    monkeypatch.setattr(KeyBar, "render", counting)
    return seen


async def test_the_key_bar_redraws_only_when_its_keys_change(renders: list[str]) -> None:
    app = QuizApp(fixture_bank(), clock=Clock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert renders == ["BrowserScreen"]
        await pilot.press("down")  # to the table: Start one, Filter... instead of Start shown
        await pilot.pause()
        assert renders == ["BrowserScreen"] * 2
        await pilot.press("enter")  # the question screen
        await pilot.pause()
        question = app.screen
        assert isinstance(question, QuestionScreen)
        count = len(renders)
        question.focus_next()  # the same keys with the focus elsewhere
        await pilot.pause()
        assert len(renders) == count
        assert "Prev" in str(question.query_one(KeyBar).render())


async def test_the_browser_table_is_filled_once_at_start_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    layouts: list[int] = []
    fills: list[int] = []
    set_columns, set_rows = QuestionTable.set_columns, QuestionTable.set_rows

    def counting_columns(self: QuestionTable, *args: object, **kwargs: object) -> None:
        layouts.append(1)
        set_columns(self, *args, **kwargs)  # type: ignore[arg-type]

    def counting_rows(self: QuestionTable, *args: object, **kwargs: object) -> None:
        fills.append(1)
        set_rows(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(QuestionTable, "set_columns", counting_columns)
    monkeypatch.setattr(QuestionTable, "set_rows", counting_rows)
    app = QuizApp(fixture_bank(), clock=Clock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)
        assert (len(layouts), len(fills)) == (1, 1)
        await pilot.resize_terminal(100, 30)  # a new width: the title column grows
        await pilot.pause()
        table = app.screen.query_one(QuestionTable)
        assert table.columns[0] == ("Title", 56)
        assert (len(layouts), len(fills)) == (2, 1)  # the rows are cut as they are drawn


async def test_the_browser_lists_the_questions_from_its_first_frame(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Filled at mount, at the terminal's width: waiting for the first Resize cost two more
    frames before the list (and the "N questions shown" line) appeared."""
    at_mount: list[int] = []
    on_mount = BrowserScreen.on_mount

    def recording(self: BrowserScreen) -> None:
        on_mount(self)
        at_mount.append(self.query_one(QuestionTable).row_count)

    monkeypatch.setattr(BrowserScreen, "on_mount", recording)
    app = QuizApp(fixture_bank(), clock=Clock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert at_mount == [len(app.bank.questions)]


@pytest.mark.parametrize(
    ("question_id", "focused"),
    [
        ("sigmoid-slope", ChoiceRadios),
        ("deep-net-remedies", ChoiceBox),
        ("sigmoid-max", NumberInput),
    ],
)
async def test_the_answer_has_the_focus_from_the_first_frame(
    question_id: str, focused: type[Widget], monkeypatch: pytest.MonkeyPatch
) -> None:
    focus_changes: list[str] = []
    set_focus = QuestionScreen.set_focus

    def recording(self: QuestionScreen, widget: Widget | None, *args: object, **kwargs: object):
        focus_changes.append(type(widget).__name__)
        return set_focus(self, widget, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(QuestionScreen, "set_focus", recording)
    bank = fixture_bank()
    app = QuizApp(bank, clock=Clock(), start=[bank.by_id(question_id)])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.focused, focused)
        assert focus_changes == [focused.__name__]


async def test_the_quiz_screens_layout_is_read_with_the_first_quiz() -> None:
    app = QuizApp(fixture_bank(), clock=Clock())
    quiz_css = str(Path(app_module.__file__).with_name(QUIZ_CSS))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not app.stylesheet.has_source(quiz_css)  # not parsed before the browser shows
        await pilot.press("enter")
        assert app.stylesheet.has_source(quiz_css)
        assert app.screen.query_one("#body").styles.padding == Spacing(0, 1, 0, 1)
