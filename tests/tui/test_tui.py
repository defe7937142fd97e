"""The TUI driven by Textual's pilot at 80x24: browse, answer, see feedback, simulate, summarize."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.content import Content
from textual.widgets import Checkbox, DataTable, Input, Markdown, RadioButton, Static
from tui_support import BANK_DIR, Clock, fixture_bank

from quizengine.bank.model import Bank
from quizengine.history import HistoryStore
from quizengine.practice.quiz import Quiz, make_items
from quizengine.tui.app import QuizApp
from quizengine.tui.dialogs.help import HelpScreen
from quizengine.tui.dialogs.resume import ResumeScreen
from quizengine.tui.screens.browser import BrowserScreen, QuestionTable, matches
from quizengine.tui.screens.feedback import FeedbackScreen
from quizengine.tui.screens.question import QuestionScreen
from quizengine.tui.screens.summary import SummaryScreen
from quizengine.tui.widgets.controls import hanging_lines, screen_actions
from quizengine.words import format_duration

SIZE = (80, 24)


def text_of(screen: object, selector: str) -> str:
    widget = screen.query_one(selector, Static)  # type: ignore[attr-defined]
    return str(widget.content)


def rows_of(table: DataTable[object]) -> list[list[object]]:
    return [table.get_row_at(i) for i in range(table.row_count)]


def make_app(**options: object) -> QuizApp:
    options.setdefault("clock", Clock())
    return QuizApp(fixture_bank(), **options)  # type: ignore[arg-type]


# -- the bank browser ---------------------------------------------------------------------------
async def test_browser_lists_questions_and_broken_files() -> None:
    app = make_app()
    async with app.run_test(size=SIZE):
        screen = app.screen
        assert isinstance(screen, BrowserScreen)
        table = screen.query_one(QuestionTable)
        assert table.row_count == 3
        assert table.get_row_at(0)[0] == "The sigmoid's slope"
        errors = text_of(screen, "#load-errors Static")
        assert "1 file failed to load" in errors
        assert "4-broken.md:2:1: error: id:" in errors


async def test_titles_are_shown_as_written_not_as_markup() -> None:
    bank = fixture_bank()
    odd = bank.questions[0].model_copy(
        update={"title": "Brackets [bold]stay[/bold] [x]", "tags": ["[red]"]}
    )
    app = QuizApp(bank.model_copy(update={"questions": [odd]}), clock=Clock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one(QuestionTable)
        cell = table.get_row_at(0)[0]
        assert cell == "Brackets [bold]stay[/bold] [x]"
        rendered = "\n".join(strip.text for strip in table.render_lines(table.region.reset_offset))
        assert "[bold]stay[/bold] [x]" in rendered
        await pilot.press("enter", "f", "y")  # and in the summary, with a tag like markup
        assert isinstance(app.screen, SummaryScreen)
        for selector in ("#by-question", "#by-tag"):
            table = app.screen.query_one(selector, DataTable)
            lines = table.render_lines(table.region.reset_offset)
            rendered = "\n".join(strip.text for strip in lines)
            assert (
                "Brackets [bold]stay[/bold] [x]" if selector == "#by-question" else "[red]"
            ) in (rendered)


async def test_an_empty_bank_says_so_instead_of_blaming_the_filter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quizengine.bank.load import load_bank

    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    app = QuizApp(load_bank([Path("empty")]), clock=Clock())
    async with app.run_test(size=SIZE) as pilot:
        assert "no question file (*.md) in empty" in text_of(app.screen, "#counts")
        await pilot.press("enter")
        assert isinstance(app.screen, BrowserScreen)
        assert [n.message for n in app._notifications] == [
            "There is no question to take: no question file (*.md) in empty."
        ]


def test_an_all_broken_folder_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from quizengine.bank.load import load_bank

    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken").mkdir()
    for name in ("a.md", "b.md"):
        (tmp_path / "broken" / name).write_text("no frontmatter\n", encoding="utf-8")
    bank = load_bank([Path("broken")])
    assert bank.nothing_loaded() == "no valid question in broken: all 2 files failed to load"
    assert Bank().nothing_loaded() == "no question file (*.md) in the paths given"


async def test_typing_filters_the_browser() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(QuestionTable)
        await pilot.press(*"sigmoid")
        assert table.row_count == 2  # two titles mention the sigmoid
        await pilot.press("escape")
        assert table.row_count == 3
        await pilot.press(*"#init")
        assert [q.id for q in app.screen.shown] == ["deep-net-remedies"]
        assert "1 of 3 questions shown" in text_of(app.screen, "#counts")
        await pilot.press("enter")  # start every question shown: just the one
        assert isinstance(app.screen, QuestionScreen)
        assert app.quiz is not None and len(app.quiz.items) == 1


async def test_ctrl_t_steps_through_tags() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+t")
        assert app.screen.query_one("#filter").value == "#activations"
        await pilot.press("ctrl+t", "ctrl+t")
        assert app.screen.query_one("#filter").value == ""


def test_filter_words_and_tags() -> None:
    question = fixture_bank().by_id("deep-net-remedies")
    assert matches(question, "early LAYERS")
    assert matches(question, "#initial medium")
    assert not matches(question, "#layers")  # a word of the title is not a tag
    assert not matches(question, "early hard")
    assert matches(question, "lay")  # the start of a word, as one types
    assert not matches(question, "ayers")  # not the middle of one


async def test_enter_on_a_row_starts_that_question_alone() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "down", "enter")
        assert isinstance(app.screen, QuestionScreen)
        assert app.screen.question.id == "deep-net-remedies"
        assert "Question 1 of 1" in text_of(app.screen, "#status")


# -- answering ----------------------------------------------------------------------------------
async def test_single_choice_right_answer() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, QuestionScreen)
        assert len(screen.query(RadioButton)) == 3
        assert "Question 1 of 3" in text_of(screen, "#status")
        await pilot.press("2", "enter")
        assert isinstance(app.screen, FeedbackScreen)
        status = text_of(app.screen, "#status")
        assert "Correct" in status and "score 1 of 1" in status
        picks = app.screen.picks_text  # type: ignore[attr-defined]
        assert "☒ ✓ 0.25" in picks
        assert "☐ ✗ 1" in picks
        feedback = app.screen.query_one("#feedback", Markdown).source
        assert "0.5 · 0.5 = **0.25**" in feedback  # the explanation
        assert "[Glorot & Bengio (2010)](https://" in feedback  # the references


async def test_single_choice_wrong_answer_and_changing_the_pick() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "2", "3", "enter")  # a radio set keeps the last pick only
        assert app.quiz is not None
        assert app.quiz.attempts[0].response == frozenset({2})
        assert "Wrong" in text_of(app.screen, "#status")
        assert "score 0 of 1" in text_of(app.screen, "#status")


async def test_multiple_choice_partial_credit_and_feedback_marks() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "n")  # skip the first question
        screen = app.screen
        assert isinstance(screen, QuestionScreen) and screen.question.type == "multiple"
        assert len(screen.query(Checkbox)) == 4
        # The claim link is hidden while answering.
        assert "claim" not in str(screen.query(Checkbox).first().label)
        await pilot.press("1", "2", "4", "4", "enter")  # 4 toggled twice: off again
        assert app.quiz is not None
        assert app.quiz.attempts[1].response == frozenset({0, 1})
        status = text_of(app.screen, "#status")
        assert "Wrong" in status  # +1/2 for the right pick, -1/2 for the wrong one
        picks = app.screen.picks_text.splitlines()  # type: ignore[attr-defined]
        assert picks[2] == (
            "☒ ✓   +0.5 Replace the sigmoids with ReLU and use He initialization · claim"
        )
        assert picks[3] == "☒ ✗   −0.5 Raise the learning rate tenfold — wrong pick"
        assert picks[4] == "☐ ✓      0 Add batch normalization before each sigmoid — missed"
        assert picks[-1] == "Score: 0.5 − 0.5 = 0"


def test_hanging_lines_indent_a_wrapped_label_under_its_text() -> None:
    button = Content("[X]")
    label = Content("1. Keep the sigmoids and add batch normalization")
    lines = [line.plain for line in hanging_lines(button, label, hang=3, width=25)]
    assert lines == [  # a cell of padding each side of the label, as Textual's toggles have
        "[X] 1. Keep the sigmoids ",
        "       and add batch ",
        "       normalization ",
    ]
    assert [line.plain for line in hanging_lines(button, Content("short"), 0, 25)] == ["[X] short "]


async def test_wrapped_choices_keep_their_text_in_one_column() -> None:
    app = make_app()
    async with app.run_test(size=(40, 24)) as pilot:
        await pilot.press("enter", "n")
        box = app.screen.query(Checkbox).first()
        lines = box.render().plain.split("\n")
        assert len(lines) > 1 and box.size.height == len(lines)
        assert lines[0][4:7] == "1. "  # after the button and a space
        assert all(line.startswith(" " * 7) and line[7] != " " for line in lines[1:])
        assert max(len(line) for line in lines) <= box.size.width


async def test_multiple_choice_half_right() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "n", "3", "enter")
        assert "Partly right" in text_of(app.screen, "#status")
        assert "score 0.5 of 1" in text_of(app.screen, "#status")


async def test_submitting_nothing_is_refused() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter")
        assert isinstance(app.screen, QuestionScreen)
        assert app.quiz is not None and not app.quiz.attempts


@pytest.mark.parametrize(("typed", "verdict"), [("0.2504", "Correct"), ("0.3", "Wrong")])
async def test_numeric_answer(typed: str, verdict: str) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "n", "n")
        assert isinstance(app.screen, QuestionScreen) and app.screen.question.type == "numeric"
        await pilot.press(*typed, "enter")
        assert isinstance(app.screen, FeedbackScreen)
        assert verdict in text_of(app.screen, "#status")
        feedback = app.screen.query_one("#feedback", Markdown).source
        assert f"Your answer: **{float(typed):g}**" in feedback
        assert "the key: **0.25** (± 0.001)" in feedback


async def test_keys_work_again_once_tab_leaves_the_number_box() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "n", "n", "1", "p")  # both typed into the box
        assert app.screen.query_one("#number", Input).value == "1p"
        await pilot.press("tab", "p")  # out of the box: p goes back
        assert isinstance(app.screen, QuestionScreen)
        assert app.screen.question.type == "multiple"
        await pilot.press("n")
        assert app.screen.query_one("#number", Input).value == ""  # a fresh screen


async def test_previous_question_shows_its_feedback_again() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "2", "enter", "n", "p")
        assert isinstance(app.screen, FeedbackScreen)
        assert app.screen.question.id == "sigmoid-slope"


# -- summary ------------------------------------------------------------------------------------
async def test_summary_scores_times_and_retries_the_wrong_ones() -> None:
    clock = Clock()
    app = make_app(clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        clock.advance(30)
        await pilot.press("2", "enter", "n")  # right
        clock.advance(45)
        await pilot.press("1", "enter", "n")  # half right
        clock.advance(60)
        await pilot.press(*"0.5", "enter", "n")  # wrong, then past the end
        assert isinstance(app.screen, SummaryScreen)
        headline = text_of(app.screen, "#headline")
        assert "Score 1.5 / 3 (50%)" in headline
        assert "time 2m 15s" in headline
        assert rows_of(app.screen.query_one("#by-tag", DataTable)) == [
            ["activations", "3", "3", "1.5", "50%"],
            ["initialization", "1", "1", "0.5", "50%"],
        ]
        assert rows_of(app.screen.query_one("#by-question", DataTable)) == [
            ["The sigmoid's slope", "1", "30s"],
            ["Early layers that never learn", "0.5", "45s"],
            ["Ten sigmoid layers", "0", "1m 00s"],
        ]
        await pilot.press("r")
        assert isinstance(app.screen, QuestionScreen)
        assert [i.question.id for i in app.quiz.items] == ["deep-net-remedies", "sigmoid-max"]
        await pilot.press("f", "y", "b")  # end at once, back to the bank
        assert isinstance(app.screen, BrowserScreen)


async def test_finish_key_counts_unanswered_as_zero() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "2", "enter", "f", "y")
        assert isinstance(app.screen, SummaryScreen)
        assert "Score 1 / 3 (33%)" in text_of(app.screen, "#headline")
        assert "1 of 3 answered" in text_of(app.screen, "#headline")


def test_quiz_state_without_textual() -> None:
    bank = fixture_bank()
    quiz = Quiz(make_items(bank.questions, shuffle=False, seed=0), started_at=0.0)
    quiz.submit(frozenset({1}), now=5.0)
    with pytest.raises(ValueError, match="already answered"):
        quiz.submit(frozenset({1}), now=6.0)
    assert quiz.next_unanswered() == 1
    quiz.show(2, now=10.0)
    quiz.submit(0.25, now=12.5)
    assert quiz.attempts[2].seconds == 2.5
    assert quiz.next_unanswered() == 1
    assert [q.id for q in quiz.to_retry()] == ["deep-net-remedies"]
    assert format_duration(3725) == "1h 02m" and format_duration(65) == "1m 05s"


# -- simulation panel ---------------------------------------------------------------------------
async def wait_for_simulation(app: QuizApp, pilot: object) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


async def test_simulation_panel_runs_compares_and_reruns() -> None:
    from quizengine.tui.screens.simulation import SimulationScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "n", "1", "3", "enter")
        assert isinstance(app.screen, FeedbackScreen)
        await pilot.press("s")
        screen = app.screen
        assert isinstance(screen, SimulationScreen)
        assert screen.link.params == {"activation": "sigmoid", "depth": "8", "width": "16"}
        await wait_for_simulation(app, pilot)
        run = screen.last
        assert run is not None and run.result.params["activation"] == "sigmoid"
        assert run.comparison is not None and run.comparison.params["activation"] == "relu"
        status = text_of(screen, "#sim-status")
        assert "activation=sigmoid vs activation=relu" in status
        metrics = screen.query_one("#sim-metrics", DataTable)
        assert metrics.row_count == len(run.result.metrics) > 0
        claims = screen.query_one("#sim-claims", Markdown).source
        assert "`vanishes`" in claims and "with activation=relu: ✗ fails" in claims
        # Change the depth in the form, compare with tanh instead, and run again.
        screen.query_one("#param-depth").value = "4"
        screen.query_one("#sim-compare").value = "activation=tanh"
        await pilot.press("r")
        await wait_for_simulation(app, pilot)
        assert screen.last is not run
        assert screen.last.result.params["depth"] == 4
        assert screen.last.comparison.params["activation"] == "tanh"
        assert len(screen.last.result.series["activation_grad_norm"]) == 4
        await pilot.press("escape")
        assert isinstance(app.screen, FeedbackScreen)


async def test_clicking_a_claim_link_opens_the_panel_on_it() -> None:
    from quizengine.tui.screens.simulation import SimulationScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "n", "1", "enter")
        feedback = app.screen.query_one("#feedback", Markdown)
        href = app.screen.question.choices[0].claim.href
        feedback.post_message(Markdown.LinkClicked(feedback, href))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SimulationScreen)
        assert screen.link.target == "no-vanishing"
        await wait_for_simulation(app, pilot)
        claims = screen.query_one("#sim-claims", Markdown).source
        assert claims.startswith("- **✓ holds** `no-vanishing` ← this link's claim")


async def test_a_bad_parameter_is_reported_not_raised() -> None:
    from quizengine.tui.screens.simulation import SimulationScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "n", "1", "enter", "s")
        await wait_for_simulation(app, pilot)
        screen = app.screen
        assert isinstance(screen, SimulationScreen)
        screen.query_one("#param-depth").value = "1"  # below the experiment's minimum
        await pilot.press("r")
        await wait_for_simulation(app, pilot)
        status = text_of(screen, "#sim-status")
        assert status.startswith("Could not run: gradient-flow: depth:")
        assert app.is_running


# -- help, palette ------------------------------------------------------------------------------
async def test_help_lists_the_keys_of_the_screen_below() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one(Markdown).source
        assert "- `⏎` Submit" in text
        assert "- `1-9` Pick" in text
        await pilot.press("escape")
        assert isinstance(app.screen, QuestionScreen)


async def test_command_palette_offers_the_screen_actions() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "2", "enter")
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert commands["Next"] == "key: n"
        assert commands["Finish"] == "key: f"
        assert "Prev" not in commands  # nothing before the first question
        assert "Theme" in commands
        await commands_callback(app, "Next")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen) and app.quiz.index == 1


async def commands_callback(app: QuizApp, title: str) -> None:
    (command,) = [c for c in app.get_system_commands(app.screen) if c.title == title]
    await command.callback()


# -- history ------------------------------------------------------------------------------------
async def test_answers_are_recorded_in_file_order_when_shuffled(tmp_path: Path) -> None:
    clock = Clock()
    store = HistoryStore.open(tmp_path / "h.sqlite3", clock=clock)
    app = make_app(store=store, shuffle=True, seed=7, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "enter")  # the first row (bank order): sigmoid-slope
        quiz = app.quiz
        assert quiz is not None and quiz.question.id == "sigmoid-slope"
        shown = quiz.question.correct_indices[0]  # wherever the key landed
        clock.advance(12)
        await pilot.press(str(shown + 1), "enter")
        assert "Correct" in text_of(app.screen, "#status")
    (record,) = store.answers()
    assert record.question_id == "sigmoid-slope"
    assert record.picked == (1,)  # "0.25" is the file's second choice
    assert record.score == 1.0 and record.seconds == 12.0
    store.close()


@pytest.fixture
def standings_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One item per start of the thread that reads the results from the history."""
    reads: list[int] = []
    refresh = QuizApp.refresh_standings

    def counting(self: QuizApp) -> object:
        reads.append(1)
        return refresh(self)

    monkeypatch.setattr(QuizApp, "refresh_standings", counting)
    return reads


async def test_a_new_history_starts_no_thread_to_read_results(
    tmp_path: Path, standings_reads: list[int]
) -> None:
    store = HistoryStore.open(tmp_path / "h.sqlite3", clock=Clock())
    async with make_app(store=store).run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert standings_reads == []
        await pilot.press("enter", "2", "enter", "escape")  # one answer, back to the bank
        await pilot.app.workers.wait_for_complete()
        assert standings_reads == [1]
        assert pilot.app.screen.query_one(QuestionTable).get_row_at(0)[3] == "1"
    store.close()


async def test_browser_shows_last_result_and_due(
    tmp_path: Path, standings_reads: list[int]
) -> None:
    clock = Clock()
    store = HistoryStore.open(tmp_path / "h.sqlite3", clock=clock)
    bank = fixture_bank()
    session = store.start_session(["sigmoid-slope"])
    store.record_answer(session.id, bank.by_id("sigmoid-slope"), [0], 0.0, 10.0)
    store.finish_session(session.id)
    clock.advance(2 * 86400)
    app = QuizApp(bank, store=store, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert standings_reads == [1]
        table = app.screen.query_one(QuestionTable)
        assert table.get_row_at(0)[3:] == ["0", "now"]  # wrong two days ago: due
        assert table.get_row_at(1)[3:] == ["", ""]
        await pilot.press("ctrl+r")  # review what is due
        assert isinstance(app.screen, QuestionScreen)
        assert [i.question.id for i in app.quiz.items] == ["sigmoid-slope"]
    assert store.sessions()[-1].kind == "review"
    store.close()


async def test_an_unfinished_quiz_is_offered_for_resume(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    store = HistoryStore.open(path, clock=Clock())
    app = make_app(store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "2", "enter", "n", "1", "enter")
        await pilot.press("q")  # quit mid-quiz
    store.close()

    store = HistoryStore.open(path, clock=Clock())
    app = make_app(store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ResumeScreen)
        await pilot.press("y")
        assert isinstance(app.screen, QuestionScreen)
        quiz = app.quiz
        assert quiz is not None and quiz.question.id == "sigmoid-max"
        assert sorted(quiz.attempts) == [0, 1]
        assert quiz.attempts[1].response == frozenset({0})
        await pilot.press(*"0.25", "enter", "n")
        assert isinstance(app.screen, SummaryScreen)
        assert "Score 2.5 / 3" in text_of(app.screen, "#headline")
    assert store.unfinished_session() is None
    store.close()


async def test_a_quiz_going_on_in_another_window_is_not_offered(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with HistoryStore.open(path) as other_window:
        other_window.start_session(["sigmoid-slope", "sigmoid-max"])
        store = HistoryStore.open(path, clock=Clock())
        app = make_app(store=store)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, BrowserScreen)
        store.close()


async def test_resuming_a_quiz_another_window_took_meanwhile_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with HistoryStore.open(path) as other_window:
        session = other_window.start_session(["sigmoid-slope", "sigmoid-max"])
        other_window.release_session(session.id)  # it quit: both windows now offer the quiz
        store = HistoryStore.open(path, clock=Clock())
        app = make_app(store=store)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, ResumeScreen)
            assert other_window.claim_session(session.id)  # resumed over there first
            await pilot.press("y")
            assert isinstance(app.screen, BrowserScreen) and app.quiz is None
            assert any("another quizengine window" in n.message for n in app._notifications)
            await pilot.press("enter")  # a new quiz of its own is fine
            assert isinstance(app.screen, QuestionScreen)
        assert other_window.session(session.id).status == "open"  # not abandoned by the refusal
        store.close()


async def test_declining_resume_sets_the_sitting_aside(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.sqlite3", clock=Clock())
    store.start_session(["sigmoid-slope", "sigmoid-max"])
    app = make_app(store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        assert isinstance(app.screen, BrowserScreen)
    assert store.sessions()[-1].status == "abandoned"
    store.close()


async def test_ctrl_s_opens_the_statistics_screen(tmp_path: Path) -> None:
    from quizengine.tui.screens.stats import StatsScreen

    store = HistoryStore.open(tmp_path / "h.sqlite3", clock=Clock())
    app = make_app(store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("b")
        assert isinstance(app.screen, BrowserScreen)
    store.close()
    app = make_app()  # no history: no statistics
    async with app.run_test(size=SIZE) as pilot:
        assert "Stats" not in {a.description for a in screen_actions(app.screen)}
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, BrowserScreen)


async def test_start_opens_a_quiz_at_once(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "h.sqlite3", clock=Clock())
    store.start_session(["sigmoid-slope"])  # unfinished, but a review was asked for
    bank = fixture_bank()
    app = QuizApp(
        bank, store=store, clock=Clock(), start=[bank.by_id("sigmoid-max")], start_kind="review"
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        assert app.screen.question.id == "sigmoid-max"
        await pilot.press("tab", "f", "y", "b")  # out of the number box, end, to the bank
        assert isinstance(app.screen, BrowserScreen)  # the whole bank to go on with
    assert store.sessions()[-1].kind == "review"
    store.close()


async def test_leaving_the_panel_while_it_runs(tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "n", "1", "enter", "s", "escape")
        assert isinstance(app.screen, FeedbackScreen)
        await wait_for_simulation(app, pilot)  # the thread finishes; its result is dropped
        assert isinstance(app.screen, FeedbackScreen) and app.is_running


# -- the take command ---------------------------------------------------------------------------
def take_args(*argv: str) -> object:
    from quizengine.cli import build_parser

    return build_parser().parse_args(["take", *argv])


def test_take_builds_the_app_on_the_given_bank(tmp_path: Path) -> None:
    from quizengine.commands.take import build_app

    app = build_app(
        take_args(str(BANK_DIR), "--tag", "initialization", "--db", str(tmp_path / "h"))
    )
    assert [q.id for q in app.bank.questions] == ["deep-net-remedies"]
    assert app.bank.errors  # the broken file is still reported
    assert app.store is not None
    app.store.close()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["no/such/dir"], "no such file or directory: no/such/dir"),
        ([str(BANK_DIR), "--tag", "nope"], "no question has the tag 'nope'; tags: activations"),
    ],
)
def test_take_usage_errors(argv: list[str], message: str, tmp_path: Path) -> None:
    from quizengine.cli import UsageError
    from quizengine.commands.take import build_app

    with pytest.raises(UsageError, match=message.replace("(", r"\(")):
        build_app(take_args(*argv, "--db", str(tmp_path / "h")))


def test_a_foreign_database_is_a_usage_error(tmp_path: Path) -> None:
    from quizengine.cli import main

    foreign = tmp_path / "notes.txt"
    foreign.write_text("not a database\n")
    assert main(["take", str(BANK_DIR), "--db", str(foreign)]) == 2
    assert foreign.read_text() == "not a database\n"


def test_start_up_imports_neither_numpy_nor_the_simulations() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from quizengine.cli import build_parser; "
        "from quizengine.commands.take import build_app; import quizengine.tui.app; "
        "print(sorted(m for m in sys.modules if m == 'numpy' or m.startswith('simulations')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[2],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    assert done.stdout.strip() == "[]"


# -- the simulation panel's plain data ----------------------------------------------------------
def test_param_specs_from_a_params_model() -> None:
    from typing import Literal

    from pydantic import Field

    from quizengine.lab.experiments import ParamSpec, param_specs
    from simulations.base import Params

    class Demo(Params):
        depth: int = Field(30, description="layers")
        activation: Literal["sigmoid", "relu"] = "sigmoid"
        batchnorm: bool = False
        lr: float = 0.1
        bias: float | None = None

    assert param_specs(Demo) == [
        ParamSpec("depth", "int", "30", (), "layers"),
        ParamSpec("activation", "choice", "sigmoid", ("sigmoid", "relu")),
        ParamSpec("batchnorm", "choice", "false", ("false", "true")),
        ParamSpec("lr", "float", "0.1"),
        ParamSpec("bias", "text", ""),  # empty: the default, None
    ]


def test_default_comparison_prefers_the_experiments_own_choice() -> None:
    from quizengine.lab.experiments import ParamSpec, default_comparison

    preferred = {"activation": "relu", "init": "he"}
    activation = ParamSpec("activation", "choice", "sigmoid", ("sigmoid", "tanh", "relu"))
    flag = ParamSpec("residual", "choice", "false", ("false", "true"))
    assert default_comparison([flag, activation], {"activation": "tanh"}, preferred) == {
        "activation": "relu"
    }
    assert default_comparison([activation], {"activation": "relu"}, preferred) == {
        "activation": "sigmoid"
    }
    assert default_comparison([flag], {}, preferred) == {"residual": "true"}
    assert default_comparison([ParamSpec("depth", "int", "3")], {}, preferred) == {}
    # Without a preference, the first choice the experiment has.
    assert default_comparison([flag, activation], {}, {}) == {"residual": "true"}


def test_each_experiment_declares_a_comparison_among_its_own_choices() -> None:
    from quizengine.lab.experiments import describe, names

    for name in names():
        described = describe(name)
        options = {spec.name: spec.options for spec in described.params}
        assert described.comparison, name
        for key, value in described.comparison.items():
            assert value in options[key], (name, key, value)
    assert describe("rnn-bptt").comparison == {"cell": "lstm"}
    assert describe("gradient-flow").comparison == {"activation": "relu", "init": "he"}


def test_parse_overrides() -> None:
    from quizengine.lab.experiments import format_overrides, parse_overrides

    assert parse_overrides("activation=relu&depth=4 init=he") == {
        "activation": "relu",
        "depth": "4",
        "init": "he",
    }
    assert parse_overrides("  ") == {}
    with pytest.raises(ValueError, match="key=value pairs"):
        parse_overrides("relu")
    assert format_overrides({"batchnorm": True, "depth": 4}) == "batchnorm=true depth=4"


def test_log_axis_helpers() -> None:
    from quizengine.lab.axes import decade_ticks, index_ticks, log_points

    xs, ys = log_points([1e-3, 0.0, float("nan"), 10.0])
    assert xs == [1, 4] and ys == pytest.approx([-3.0, 1.0])  # zero and NaN cannot be drawn
    assert decade_ticks([-3.2, 1.0]) == (
        [-4.0, -3.0, -2.0, -1.0, 0.0, 1.0],
        ["1e-4", "1e-3", "1e-2", "1e-1", "1", "1e1"],
    )
    ticks, _ = decade_ticks([-30.0, 2.0], max_ticks=7)
    assert len(ticks) <= 7 and ticks[0] == -30.0
    assert index_ticks(30) == [1, 6, 11, 16, 21, 26]
    assert index_ticks(3) == [1, 2, 3]


async def test_clicking_a_key_in_the_footer_runs_it() -> None:
    from quizengine.tui.widgets.controls import KeyBar

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "2", "enter")
        bar = app.screen.query_one(KeyBar)
        text = bar.render().plain
        assert text.startswith(" n Next  p Prev ") and text.endswith("^p palette ")
        assert len(text) == SIZE[0]
        await pilot.click(KeyBar, offset=(text.index("Next"), 0))
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen) and app.quiz.index == 1


async def test_the_browser_keeps_its_place_when_standings_arrive() -> None:
    from quizengine.tui.screens.browser import Standing

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "down")
        screen = app.screen
        assert isinstance(screen, BrowserScreen)
        screen.update_standings({"sigmoid-max": Standing(last_score=1.0)}, Clock()())
        await pilot.pause()
        table = screen.query_one(QuestionTable)
        assert table.cursor_row == 1
        assert table.get_row_at(2)[3] == "1"
