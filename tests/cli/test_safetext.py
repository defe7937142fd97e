"""Text from files and the history is shown with visible stand-ins for what a terminal would obey:
in check, verify, stats, history and the TUI; JSON stays escaped, CSV cells are inert."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from pathlib import Path

import pytest
from textual.widgets import Markdown
from tui_support import Clock, fixture_bank

from quizengine.cli import main
from quizengine.commands.history import write_csv
from quizengine.commands.verify import print_text
from quizengine.history.store import AnswerRecord, HistoryStore
from quizengine.lab.verify import ItemVerdict, QuestionVerdict, Report
from quizengine.safetext import csv_cell, opens_outside, shown
from quizengine.tui.app import QuizApp
from quizengine.tui.screens.feedback import FeedbackScreen
from quizengine.tui.screens.question import QuestionScreen

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HOSTILE = "a\x1b]0;owned\x07b\x1b[5mc\u202ed\x9be\x00f\x7f"


def test_shown_replaces_every_control_but_newline_and_tab() -> None:
    text = shown(HOSTILE + "\n\tg")
    assert CONTROL.search(text) is None
    assert text == "a␛]0;owned␇b␛[5mc‹U+202E›d‹U+009B›e␀f␡\n\tg"
    assert shown("plain, é, 漢字, emoji 🙂") == "plain, é, 漢字, emoji 🙂"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+cmd", "'+cmd"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("activations", "activations"),
        ("a\x1bb", "a␛b"),
    ],
)
def test_csv_cells_that_start_a_formula_are_made_inert(cell: str, expected: str) -> None:
    assert csv_cell(cell) == expected


@pytest.mark.parametrize(
    ("href", "opens"),
    [
        ("https://example.org/a", True),
        ("HTTP://example.org", True),
        ("mailto:a@example.org", True),
        ("file:///etc/passwd", False),
        ("javascript:alert(1)", False),
        ("data:text/html,x", False),
        ("ssh://host", False),
        ("vscode://open?x", False),
        ("relative/path.md", False),
        ("https://example.org/\x1b[5m", False),
    ],
)
def test_only_http_https_and_mailto_links_open(href: str, opens: bool) -> None:
    assert opens_outside(href) is opens


def test_verify_text_output_shows_titles_and_choices_with_stand_ins(
    capsys: pytest.CaptureFixture[str],
) -> None:
    item = ItemVerdict(
        label="choice 1", text=HOSTILE, line=3, key="correct", link=None, verdict="broken",
        simulation_says="no claim link",
    )  # fmt: skip
    verdict = QuestionVerdict(path="q\x1b.md", id="q", title=HOSTILE, items=[item])
    print_text(Report(questions=[verdict], file_errors=[f"x.md:1:1: error: {HOSTILE}"]))
    out = capsys.readouterr().out
    assert CONTROL.search(out) is None
    assert "a␛]0;owned␇b" in out


def _answer(tags: tuple[str, ...], topic: str, question_id: str = "q") -> AnswerRecord:
    import datetime as dt

    return AnswerRecord(
        id=1, session_id=1, question_id=question_id, content_hash="h", picked=(0,), value=None,
        score=1.0, seconds=1.0, answered_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), tags=tags,
        topic=topic,
    )  # fmt: skip


def test_csv_export_cells_are_inert() -> None:
    out = io.StringIO()
    write_csv([_answer(("=1+1", "ok"), "@topic", "-id")], out)
    row = list(csv.reader(io.StringIO(out.getvalue())))[1]
    assert row[2] == "'-id"
    assert row[8] == "'=1+1;ok"
    assert row[9] == "'@topic"


def _history_with_hostile_snapshot(path: Path) -> None:
    """A history whose answer rows carry tags and a topic with escape sequences (written by
    another tool, or by a version that did not refuse them)."""
    with HistoryStore.open(path) as store:
        session = store.start_session(["q"])
        store.record_answer(session.id, fixture_bank().questions[0], [0], 1.0, 5.0)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE answers SET tags = ?, topic = ?", (json.dumps([HOSTILE]), HOSTILE))


# Without a bank path, stats places the answer by its snapshot (its question is not in the
# bundled bank): the hostile tags and topic are shown.
@pytest.mark.parametrize("command", [["stats"], ["history"], ["stats", "--format", "json"]])
def test_stats_and_history_show_the_history_text_with_stand_ins(
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = tmp_path / "h.sqlite3"
    monkeypatch.setenv("QUIZENGINE_DB", str(db))
    _history_with_hostile_snapshot(db)
    assert main(command) == 0
    out, err = capsys.readouterr()
    assert CONTROL.search(out + err) is None
    if "json" in command:
        summary = json.loads(out)  # escaped in the JSON text, not altered
        assert [a["name"] for a in summary["by_tag"]] == [HOSTILE]
    elif command == ["stats"]:
        assert shown(HOSTILE) in out


async def test_the_tui_shows_a_hostile_question_with_stand_ins() -> None:
    bank = fixture_bank()
    single = next(q for q in bank.questions if q.type == "single")
    choices = [c.model_copy(update={"text": f"{c.text} {HOSTILE}"}) for c in single.choices]
    explanation = single.explanation.model_copy(update={"markdown": f"Why: {HOSTILE}"})
    hostile = single.model_copy(
        update={
            "title": f"Title {HOSTILE}",
            "prompt": f"Prompt {HOSTILE}",
            "choices": choices,
            "explanation": explanation,
        }
    )
    app = QuizApp(bank.model_copy(update={"questions": [hostile]}), clock=Clock())
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert CONTROL.search(app.export_screenshot()) is None  # the browser
        await pilot.press("enter")
        assert isinstance(app.screen, QuestionScreen)
        await pilot.pause()
        screenshot = app.export_screenshot()
        assert CONTROL.search(screenshot) is None
        assert "␛" in screenshot
        await pilot.press("1", "enter")
        assert isinstance(app.screen, FeedbackScreen)
        await pilot.pause()
        assert CONTROL.search(app.export_screenshot()) is None
        assert "␛" in app.screen.query_one("#feedback", Markdown).source


async def test_the_tui_opens_no_file_or_script_link(monkeypatch: pytest.MonkeyPatch) -> None:
    bank = fixture_bank()
    app = QuizApp(bank, clock=Clock())
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("enter", "1", "enter")
        assert isinstance(app.screen, FeedbackScreen)
        markdown = app.screen.query_one("#feedback", Markdown)
        for href in ("file:///etc/passwd", "javascript:alert(1)", "https://example.org"):
            markdown.post_message(Markdown.LinkClicked(markdown, href))
            await pilot.pause()
    assert opened == ["https://example.org"]
