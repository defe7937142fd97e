"""Issue 14, what a learner expects of the TUI: no lost input, no surprise, ways to move."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.content import Content
from textual.widgets import Checkbox, DataTable, Input, Markdown, RadioButton, Static
from tui_support import START, Clock, fixture_bank

from quizengine.history import HistoryStore
from quizengine.practice.number_answer import Unreadable, read_number
from quizengine.tui.app import QuizApp
from quizengine.tui.dialogs.confirm_end import ConfirmEndScreen, unanswered_text
from quizengine.tui.messages import Submitted
from quizengine.tui.screens.browser import BrowserScreen, Standing, matches, weakest_tag
from quizengine.tui.screens.feedback import FeedbackScreen, ReopenedFeedback, choice_lines
from quizengine.tui.screens.question import QuestionScreen
from quizengine.tui.screens.summary import SummaryScreen
from quizengine.tui.widgets.controls import KeyBar, key_rows, screen_actions

SIZE = (80, 24)


def make_app(**options: object) -> QuizApp:
    options.setdefault("clock", Clock())
    return QuizApp(fixture_bank(), **options)  # type: ignore[arg-type]


def status(app: QuizApp) -> str:
    return str(app.screen.query_one("#status", Static).content)


# -- submitting twice in one moment --------------------------------------------------------------
@pytest.mark.parametrize(("skip", "answer"), [(0, ["2"]), (2, list("0.25"))])
async def test_two_submits_in_one_tick_answer_once(skip: int, answer: list[str]) -> None:
    """Key repeat or a paste: two Enters before the app has moved on (a choice and a number)."""
    store_free = make_app()
    async with store_free.run_test(size=SIZE) as pilot:
        await pilot.press("enter", *["n"] * skip, *answer)
        screen = store_free.screen
        assert isinstance(screen, QuestionScreen)
        response = screen.response()
        screen.action_submit()
        screen.action_submit()  # same tick: the screen refuses the second
        store_free.post_message(Submitted(response, screen.index))  # and the app too
        await pilot.pause()
        assert isinstance(store_free.screen, FeedbackScreen)
        assert store_free.quiz is not None and len(store_free.quiz.attempts) == 1
        assert store_free.quiz.attempts[skip].score == 1
        assert not store_free._notifications  # no error either


async def test_a_late_submit_for_another_question_is_dropped(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.sqlite3", clock=Clock())
    app = make_app(store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "2", "enter", "enter")  # answered, then on to question 2
        app.post_message(Submitted(frozenset({0}), 0))  # a stray copy of the first answer
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen) and app.screen.index == 1
    assert len(store.answers()) == 1
    store.close()


# -- the number box ------------------------------------------------------------------------------
async def goto_number(pilot: object) -> None:
    await pilot.press("enter", "n", "n")  # type: ignore[attr-defined]


@pytest.mark.parametrize("typed", ["sqrt(2)", "one", "42 units", "?qnpf"])
async def test_typing_in_the_number_box_never_runs_a_key(typed: str) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await goto_number(pilot)
        await pilot.press(*typed)
        assert app.is_running and isinstance(app.screen, QuestionScreen)
        assert app.screen.query_one("#number", Input).value == typed
        assert app.quiz is not None and app.quiz.index == 2 and not app.quiz.attempts


async def test_the_footer_drops_the_keys_the_number_box_types() -> None:
    from quizengine.tui.widgets.controls import screen_actions

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await goto_number(pilot)
        shown = {a.description: a.enabled for a in screen_actions(app.screen, disabled=True)}
        assert shown.keys() >= {"Submit", "Bank"} and not shown.keys() & {"Prev", "Finish"}
        assert "Tab leaves the box" in str(app.screen.query_one("#number-hint").content)
        await pilot.press("tab")
        shown = {a.description: a.enabled for a in screen_actions(app.screen, disabled=True)}
        assert shown["Prev"] is True and shown["Finish"] is True


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("0.25", None, 0.25),
        (" 0,99 ", None, 0.99),
        ("1/2", None, 0.5),
        ("-3 / 4", None, -0.75),
        ("2.5e-3", None, 0.0025),
        ("−1", None, -1.0),
        ("12 ms", "ms", 12.0),
        ("12ms", "ms", 12.0),
        ("50 %", "%", 50.0),
        ("1,5 ms", "ms", 1.5),
    ],
)
def test_read_number_reads_what_learners_write(text: str, unit: str | None, value: float) -> None:
    assert read_number(text, unit) == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "unit", "says"),
    [
        ("", None, "Type a number first"),
        ("1e400", None, "too large"),
        ("inf", None, "not a number the quiz can read"),
        ("nan", None, "not a number the quiz can read"),
        ("1/0", None, "divides by zero"),
        ("1,000", None, "decimal comma or a thousands separator"),
        ("1.5,2", None, "decimal comma or a thousands separator"),
        ("12 s", "ms", "not this answer's unit: give it in ms"),
        ("42 units", None, "this answer takes a plain number"),
        ("sqrt(2)", None, "not a number the quiz can read"),
        ("1_000", None, "not a number the quiz can read"),
        ("0x10", None, "cannot be read"),
    ],
)
def test_read_number_says_what_it_cannot_read(text: str, unit: str | None, says: str) -> None:
    result = read_number(text, unit)
    assert isinstance(result, Unreadable)
    assert says in result.message


@pytest.mark.parametrize(("typed", "score"), [("0,25", 1), ("1/4", 1), ("0,3", 0)])
async def test_a_decimal_comma_or_a_fraction_is_scored_as_meant(typed: str, score: int) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await goto_number(pilot)
        await pilot.press(*typed)
        hint = str(app.screen.query_one("#number-hint", Static).content)
        assert hint.startswith(f"reads as {read_number(typed):g}")
        await pilot.press("enter")
        assert isinstance(app.screen, FeedbackScreen)
        assert app.quiz is not None and app.quiz.attempts[2].score == score


async def test_an_unreadable_number_is_explained_not_submitted_and_kept_as_typed() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await goto_number(pilot)
        await pilot.press(*"1e400")
        hint = str(app.screen.query_one("#number-hint", Static).content)
        assert "too large to score" in hint
        await pilot.press("enter")
        assert isinstance(app.screen, QuestionScreen)
        assert app.screen.query_one("#number", Input).value == "1e400"
        assert any("too large" in n.message for n in app._notifications)
        assert app.quiz is not None and not app.quiz.attempts


# -- moving: Esc, ending, the summary ------------------------------------------------------------
async def test_esc_goes_back_to_the_bank_and_ctrl_o_resumes(tmp_path: Path) -> None:
    clock = Clock()
    store = HistoryStore.open(tmp_path / "h.sqlite3", clock=clock)
    app = make_app(store=store, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        clock.advance(10)
        await pilot.press("2", "enter", "n", "escape")
        assert isinstance(app.screen, BrowserScreen)
        counts = str(app.screen.query_one("#counts", Static).content)
        assert "quiz paused at question 2 of 3 (Ctrl+O)" in counts
        clock.advance(3600)  # an hour away does not count
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, QuestionScreen) and app.screen.index == 1
        clock.advance(5)
        await pilot.press("1", "enter", "escape")  # Esc on feedback too
        assert isinstance(app.screen, BrowserScreen)
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, FeedbackScreen)
        await pilot.press("n", "tab", "f", "y")
        assert isinstance(app.screen, SummaryScreen)
        assert "time 15s" in str(app.screen.query_one("#headline").content)
    assert len(store.sessions()) == 1 and store.sessions()[0].status == "finished"
    store.close()


async def test_a_paused_quiz_can_be_resumed_after_quitting(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.sqlite3", clock=Clock())
    app = make_app(store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "2", "enter", "escape", "ctrl+q")
    session = store.unfinished_session()
    assert session is not None and session.answered_ids == ("sigmoid-slope",)
    store.close()


async def test_n_on_the_last_question_asks_before_ending() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "2", "enter", "n", "n", "tab", "n")
        assert isinstance(app.screen, ConfirmEndScreen)
        text = str(app.screen.query_one("#end-text", Static).content)
        assert "2 questions are unanswered: 2 and 3." in text
        await pilot.press("escape")  # stay
        assert isinstance(app.screen, QuestionScreen) and app.screen.index == 2
        await pilot.press("f", "u")  # (the focus is out of the box still) to the first unanswered
        assert isinstance(app.screen, QuestionScreen) and app.screen.index == 1
        await pilot.press("f", "y")
        assert isinstance(app.screen, SummaryScreen)


async def test_ending_with_everything_answered_asks_nothing() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "2", "enter", "n", "3", "enter", "n", *"1/4", "enter", "n")
        assert isinstance(app.screen, SummaryScreen)


def test_unanswered_text() -> None:
    assert unanswered_text([3]) == "1 question is unanswered: 3."
    assert unanswered_text([1, 2, 5]) == "3 questions are unanswered: 1, 2 and 5."
    assert unanswered_text(list(range(1, 12))).endswith("7, 8 and ….")


async def test_enter_on_a_summary_row_reopens_its_feedback() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "2", "enter", "n", "1", "enter", "f", "y")
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("down", "enter")
        screen = app.screen
        assert isinstance(screen, ReopenedFeedback) and screen.question.id == "deep-net-remedies"
        assert "Partly right" in status(app)
        assert "Replace the sigmoids" in screen.picks_text
        assert "shrink it exponentially" in screen.query_one("#feedback", Markdown).source
        await pilot.press("escape")
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("down", "enter")  # the unanswered one: its key and explanation
        assert isinstance(app.screen, ReopenedFeedback)
        assert "Not answered" in status(app)
        assert "Not answered · the key: **0.25**" in app.screen.query_one("#feedback").source
        await pilot.press("escape", "b")
        assert isinstance(app.screen, BrowserScreen)


# -- feedback ------------------------------------------------------------------------------------
async def test_picked_and_not_picked_differ_by_glyph_while_answering() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "2")
        radios = [b.render().plain for b in app.screen.query(RadioButton)]
        assert radios[1].startswith("▐●▌") and radios[0].startswith("▐ ▌")
        await pilot.press("n", "1")
        boxes = [b.render().plain for b in app.screen.query(Checkbox)]
        assert boxes[0].startswith("▐X▌") and boxes[1].startswith("▐ ▌")


def test_feedback_marks_are_coloured_and_spaced() -> None:
    question = fixture_bank().by_id("deep-net-remedies")
    lines = choice_lines(question, frozenset({1, 2}))
    plain = lines.plain.splitlines()
    assert plain[3] == "☒ ✗   −0.5 Raise the learning rate tenfold — wrong pick"
    assert plain[4] == "☒ ✓   +0.5 Add batch normalization before each sigmoid"
    assert plain[-1] == "Score: −0.5 + 0.5 = 0"
    styles = {lines.plain[s.start : s.end]: str(s.style) for s in lines.spans}
    assert "$text-success" in styles["✓"] and "$text-error" in styles["✗"]


def test_a_negative_sum_says_it_counts_as_zero() -> None:
    question = fixture_bank().by_id("deep-net-remedies")
    last = choice_lines(question, frozenset({1})).plain.splitlines()[-1]
    assert last == "Score: −0.5 = −0.5, counted as 0 (a score never goes below 0)"


# -- the browser ---------------------------------------------------------------------------------
def test_the_filter_matches_words_and_a_difficulty_not_parts_of_an_id() -> None:
    question = (
        fixture_bank()
        .by_id("sigmoid-max")
        .model_copy(update={"id": "learning-rate-and-hardware", "difficulty": "easy"})
    )
    assert not matches(question, "hard")  # the difficulty, not "hardware" in the id
    assert matches(question, "easy") and matches(question, "hardw")
    assert matches(question, "rate sigmoid") and matches(question, "learning-rate")
    assert matches(question, "#activ") and not matches(question, "#sigmoid")


def standings_for(scores: dict[str, float | None], due_days: dict[str, int]) -> dict:
    return {
        qid: Standing(
            last_score=score,
            due=START + dt.timedelta(days=due_days[qid]) if qid in due_days else None,
        )
        for qid, score in scores.items()
    }


async def test_ctrl_b_sorts_by_due_date_then_by_last_score() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        browser = app.screen
        assert isinstance(browser, BrowserScreen)
        standings = standings_for(
            {"sigmoid-slope": 1.0, "deep-net-remedies": 0.5},
            {"sigmoid-slope": 3, "deep-net-remedies": 9},
        )
        browser.update_standings(standings, START)
        ids = lambda: [q.id for q in browser.shown]  # noqa: E731
        assert ids() == ["sigmoid-slope", "deep-net-remedies", "sigmoid-max"]
        await pilot.press("ctrl+b")
        assert ids() == [
            "sigmoid-slope",
            "deep-net-remedies",
            "sigmoid-max",
        ]  # due in 3d, 9d, never
        assert "sorted by due date" in str(browser.query_one("#counts", Static).content)
        await pilot.press("ctrl+b")
        assert ids() == ["deep-net-remedies", "sigmoid-slope", "sigmoid-max"]  # 0.5, 1, never
        assert "sorted by last score" in str(browser.query_one("#counts", Static).content)
        await pilot.press(*"sig")  # the filter keeps the order
        assert ids() == ["sigmoid-slope", "sigmoid-max"]
        await pilot.press("ctrl+b")
        assert "sorted" not in str(browser.query_one("#counts", Static).content)


def test_weakest_tag_is_the_lowest_mean_last_score() -> None:
    questions = fixture_bank().questions
    standings = standings_for({"sigmoid-slope": 1.0, "deep-net-remedies": 0.5}, {})
    weakest = weakest_tag(questions, standings)
    assert weakest is not None and weakest.tag == "initialization" and weakest.standing == 0.5
    assert weakest_tag(questions, {}) is None


async def test_ctrl_g_practises_the_weakest_tag() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        browser = app.screen
        assert isinstance(browser, BrowserScreen)
        await pilot.press("ctrl+g")  # nothing answered: nothing to practise
        assert isinstance(app.screen, BrowserScreen)
        standings = standings_for({"sigmoid-slope": 1.0, "sigmoid-max": 0.0}, {})
        browser.update_standings(standings, START)
        await pilot.press("ctrl+g")
        assert isinstance(app.screen, QuestionScreen)
        assert app.quiz is not None
        assert [i.question.id for i in app.quiz.items] == [
            "sigmoid-slope",
            "deep-net-remedies",
            "sigmoid-max",
        ]  # every question tagged "activations", the only tag answered
        assert any("Practising #activations" in n.message for n in app._notifications)


# -- the simulation panel ------------------------------------------------------------------------
def test_link_picker_labels_differ_for_every_bundled_question() -> None:
    from quizengine.bank.load import load_bank
    from quizengine.tui.screens.simulation import link_labels

    bank = load_bank([Path(__file__).parents[2] / "quizzes"])
    for question in bank.questions:
        for width in (26, 72):
            labels = link_labels(question.sim_links, width)
            assert len(set(labels)) == len(labels), (question.id, labels)
            assert all(len(label) <= width for label in labels)
    dying = bank.by_id("dying-relu")
    labels = link_labels(dying.sim_links, 72)
    assert any(": activation=relu" in label for label in labels)
    assert any(": activation=leaky_relu" in label for label in labels)


def test_link_labels_number_the_ones_a_cut_leaves_alike() -> None:
    from quizengine.bank.model import SimLink
    from quizengine.tui.screens.simulation import link_labels

    links = [SimLink(simulation="s", params={"a": "x" * 30 + str(i)}, target="t") for i in range(2)]
    assert link_labels(links, 20) == ["t: xxxxxxxxxxxx… (1)", "t: xxxxxxxxxxxx… (2)"]


def test_plot_axis_helpers() -> None:
    from quizengine.lab.axes import (
        decade_ticks,
        nice_ticks,
        padded_range,
        plotted_names,
        x_values,
    )

    low, high = padded_range([0.0, 1.0])
    assert low < 0.0 and high > 1.0  # a line at 1 does not run along the frame
    assert padded_range([2.0, 2.0]) == (1.8, 2.2)
    assert nice_ticks(-10, 10) == [-10, -5, 0, 5, 10]
    assert nice_ticks(-0.08, 1.08, 8) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    ticks, labels = decade_ticks([-6.2, 0.0], max_ticks=16)
    assert ticks == [-7, -6, -5, -4, -3, -2, -1, 0]  # one per power of ten when there is room
    assert labels[0] == "1e-7" and labels[-1] == "1"
    series = {"x": [-1.0, 0.0, 1.0], "derivative": [0.2, 0.25, 0.2], "layers": [1.0, 2.0]}
    assert x_values(series, "derivative") == [-1.0, 0.0, 1.0]
    assert x_values(series, "layers") is None  # another length: positions
    assert plotted_names(series, ("derivative",)) == ["derivative", "layers"]


async def open_panel(app: QuizApp, pilot: object, size: tuple[int, int] = SIZE) -> object:
    from quizengine.tui.screens.simulation import SimulationScreen

    await pilot.press("enter", "n", "1", "enter", "s")  # type: ignore[attr-defined]
    screen = app.screen
    assert isinstance(screen, SimulationScreen)
    return screen


async def test_the_plot_has_a_margin_decade_ticks_and_its_own_legend() -> None:
    from textual_plotext import PlotextPlot

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_panel(app, pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        legend = str(screen.query_one("#sim-legend", Static).content)  # type: ignore[attr-defined]
        assert legend == "⣿ activation=sigmoid   • activation=relu"
        text = screen.query_one(PlotextPlot).render().plain  # type: ignore[attr-defined]
        for decade in ("1e-1", "1e-2", "1e-3", "1e-4", "1e-5"):  # every power of ten
            assert decade in text


async def test_a_long_run_can_be_cancelled(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from quizengine.lab.runner import SimulationProcess
    from quizengine.tui.screens.simulation import SimulationScreen

    never_done = (sys.executable, "-c", "import time; time.sleep(60)")  # a run with no end
    monkeypatch.setattr(SimulationProcess, "command", never_done)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "n", "1", "enter", "s")
        screen = app.screen
        assert isinstance(screen, SimulationScreen) and screen.running
        await pilot.pause(0.3)
        child = screen.process._child
        assert child is not None and child.poll() is None
        await pilot.press("c")
        assert not screen.running and screen.last is None
        assert "cancelled after" in str(screen.query_one("#sim-status", Static).content)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.last is None  # the cancelled run's result never lands
        assert screen.process._child is None and child.poll() is not None  # killed
        monkeypatch.undo()  # the real child again
        await pilot.press("r")  # and it runs again
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.last is not None


async def test_metric_names_and_form_labels_are_whole() -> None:
    from quizengine.tui.screens.simulation import SimulationScreen

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter", "n", "1", "enter", "s")
        screen = app.screen
        assert isinstance(screen, SimulationScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = screen.query_one("#sim-metrics", DataTable)
        longest = max(len(name) for name in screen.last.result.metrics)  # type: ignore[union-attr]
        assert table.ordered_columns[0].width >= longest
        for label in screen.query(".sim-label"):
            assert label.size.width >= len(str(label.content))  # inside its padding


async def test_at_60_columns_the_plot_keeps_the_width_and_e_shows_the_form() -> None:
    app = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        screen = await open_panel(app, pilot)
        form = screen.query_one("#sim-form")  # type: ignore[attr-defined]
        assert not form.display
        await pilot.press("e")
        assert form.display
        await app.workers.wait_for_complete()


@pytest.mark.parametrize("width", [60, 40])
async def test_a_narrow_key_bar_wraps_its_keys_rather_than_cutting_them(width: int) -> None:
    app = make_app()
    async with app.run_test(size=(width, 20)) as pilot:
        for keys in ([], ["enter"], ["1", "enter"]):  # the browser, a question, its feedback
            await pilot.press(*keys)
            await pilot.pause()
            bar = app.screen.query_one(KeyBar)
            rows = [line.plain for line in bar._lines(bar.size.width)]
            text = " ".join(rows)
            for action in screen_actions(app.screen, disabled=True):
                assert f"{action.display} {action.description}" in text
            assert all(len(row) <= width for row in rows)
            assert bar.size.height == len(rows)


async def test_at_80_columns_the_key_bar_is_one_row() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for keys in ([], ["enter"], ["1", "enter"]):
            await pilot.press(*keys)
            await pilot.pause()
            assert app.screen.query_one(KeyBar).size.height == 1


def test_key_rows_break_between_keys() -> None:
    keys = [Content("a" * 5), Content("b" * 5), Content("c" * 12)]
    assert [row.plain for row in key_rows(keys, 11)] == ["aaaaa bbbbb", "c" * 12]
    assert [row.plain for row in key_rows(keys, 30)] == ["aaaaa bbbbb " + "c" * 12]
    assert [row.plain for row in key_rows([], 10)] == [""]


# -- smaller ones --------------------------------------------------------------------------------
def test_screenshot_directory(tmp_path: Path) -> None:
    from quizengine.tui.app import screenshot_directory

    missing = tmp_path / "Downloads"
    assert screenshot_directory(None, missing, tmp_path) == tmp_path  # no Downloads: here
    missing.mkdir()
    assert screenshot_directory(None, missing, tmp_path) == missing
    assert screenshot_directory(str(tmp_path / "shots"), missing, tmp_path) == tmp_path / "shots"


async def test_a_screenshot_without_a_downloads_folder_lands_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import platformdirs

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("QUIZENGINE_SCREENSHOTS", raising=False)
    monkeypatch.setattr(platformdirs, "user_downloads_path", lambda: tmp_path / "no-such")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.action_screenshot()
        for _ in range(50):
            await pilot.pause(0.02)
            if list(tmp_path.glob("*.svg")):
                break
    assert [p.suffix for p in tmp_path.iterdir()] == [".svg"]


# -- review --------------------------------------------------------------------------------------
async def test_a_review_says_so_and_its_rating_can_be_overruled(tmp_path: Path) -> None:
    clock = Clock()
    store = HistoryStore.open(tmp_path / "h.sqlite3", clock=clock)
    bank = fixture_bank()
    app = QuizApp(
        bank, store=store, clock=clock, start=[bank.by_id("sigmoid-slope")], start_kind="review"
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert status(app).startswith("Review · Question 1 of 1")
        clock.advance(60)
        await pilot.press("2", "enter")  # right, slowly: Good by the score and time
        assert status(app).startswith("Review · Question 1 of 1 · Correct")
        rating = str(app.screen.query_one("#rating", Static).content)
        assert rating.startswith("Next review: Good (by your score and time)")
        await pilot.press("1")  # it was a guess: Again
        assert str(app.screen.query_one("#rating", Static).content).startswith(
            "Next review: Again (your rating"
        )
        assert store.answers()[0].rating == 1
        await pilot.press("0")  # back to the score's
        assert store.answers()[0].rating is None
        await pilot.press("4")
    assert store.answers()[0].rating == 4
    store.close()


async def test_without_a_history_there_is_no_rating_to_overrule() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "2", "enter")
        assert not app.screen.query_one("#rating", Static).display
        await pilot.press("1")  # nothing happens, no error
        assert isinstance(app.screen, FeedbackScreen)
