"""``quizengine serve`` in a real browser: headless Chromium (Debian's, no download) driven by
Playwright, the screen read from the websocket's frames (see ``serve_support``)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from benchmark_run import run_benchmark
from serve_support import (
    BROWSER_REQUIRED,
    CHROMIUM,
    NO_CHROMIUM,
    Terminal,
    processes_running,
    serving,
)

from quizengine.history import HistoryStore

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Route

BANK = Path(__file__).parent.parent / "data" / "tui_bank"
SLOPE = BANK / "1-sigmoid-slope.md"  # one answer: 0.25, the second choice
REMEDIES = BANK / "2-deep-net-remedies.md"  # choices 1 and 3; its explanation runs a simulation
REFERENCE = "https://proceedings.mlr.press/v9/glorot10a.html"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    if CHROMIUM is None:
        if BROWSER_REQUIRED:
            pytest.fail(f"QUIZENGINE_BROWSER_TESTS=required, but {NO_CHROMIUM}")
        pytest.skip(NO_CHROMIUM)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A browser profile that stays on this machine: other sites (the page's web font, a
    reference opened in a new tab) get an empty page instead of the network."""
    opened = browser.new_context(viewport={"width": 1000, "height": 640})

    def offline(route: Route) -> None:
        if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1")):
            route.continue_()
        else:
            route.fulfill(status=200, content_type="text/html", body="elsewhere")

    opened.route("**/*", offline)
    yield opened
    opened.close()


def test_a_tab_answers_the_first_question_and_the_history_keeps_it(
    context: BrowserContext, tmp_path: Path
) -> None:
    db = tmp_path / "history.sqlite3"
    with serving([str(SLOPE), "--db", str(db)]) as server:
        tab = Terminal(context.new_page(), server.url)
        tab.wait_for("1 of 1 question shown")
        tab.press("Enter")
        tab.wait_for("Question 1 of 1")
        assert "What is the largest value the derivative" in tab.text
        tab.press("2", "Enter")
        tab.wait_for("Correct · score 1 of 1")
        assert "☒ ✓ 0.25" in tab.text  # picked (☒), correct (✓)
        # A reference opens in a new browser tab.
        with context.expect_page() as reference:
            tab.click_text("Glorot & Bengio (2010)")
        assert reference.value.url == REFERENCE
        assert tab.opened_urls == [REFERENCE]
    assert server.process.returncode == 0
    assert "Traceback" not in server.process.stderr.read()
    assert processes_running(str(db)) == []  # Ctrl+C ended the tab's app process too
    with HistoryStore.open(db) as store:
        [answer] = store.answers()
        [session] = store.sessions()
    assert (answer.question_id, answer.picked, answer.score) == ("sigmoid-slope", (1,), 1.0)
    assert answer.session_id == session.id


def test_two_tabs_at_once_each_record_their_answer(context: BrowserContext, tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite3"
    with serving([str(SLOPE), "--db", str(db)]) as server:
        tabs = [Terminal(context.new_page(), server.url) for _ in range(2)]
        for tab in tabs:
            tab.wait_for("1 of 1 question shown")
        for tab in tabs:  # both quizzes are going on before either is answered
            tab.press("Enter")
            tab.wait_for("Question 1 of 1")
        tabs[0].press("2", "Enter")
        tabs[1].press("1", "Enter")
        tabs[0].wait_for("Correct · score 1 of 1")
        tabs[1].wait_for("score 0 of 1")
    with HistoryStore.open(db) as store:
        answers = store.answers()
        sessions = store.sessions()
    assert sorted((a.picked, a.score) for a in answers) == [((0,), 0.0), ((1,), 1.0)]
    assert len(sessions) == 2 and {a.session_id for a in answers} == {s.id for s in sessions}


def test_a_quiz_left_in_a_closed_tab_is_resumed_in_a_new_one(
    context: BrowserContext, tmp_path: Path
) -> None:
    db = tmp_path / "history.sqlite3"
    with serving([str(SLOPE), str(BANK / "3-sigmoid-max.md"), "--db", str(db)]) as server:
        first = Terminal(context.new_page(), server.url)
        first.wait_for("2 of 2 questions shown")
        first.press("Enter")
        first.wait_for("Question 1 of 2")
        first.press("2", "Enter")
        first.wait_for("Correct · score 1 of 1")
        first.page.close()  # its app process ends, and with it its hold on the quiz
        deadline = time.monotonic() + 30
        while len(processes_running(str(db))) > 1:  # the server alone mentions the history
            assert time.monotonic() < deadline, "the closed tab's app process did not end"
            time.sleep(0.05)
        second = Terminal(context.new_page(), server.url)
        second.wait_for("Resume it?")
        second.press("y")
        second.wait_for("Question 2 of 2")
        second.press("0", ".", "2", "5", "Enter")
        second.wait_for("Correct")
    with HistoryStore.open(db) as store:
        answers = store.answers()
        [session] = store.sessions()
    assert [(a.question_id, a.session_id) for a in answers] == [
        ("sigmoid-slope", session.id),
        ("sigmoid-max", session.id),
    ]


def test_the_simulation_panel_runs_in_the_browser(context: BrowserContext, tmp_path: Path) -> None:
    with serving([str(REMEDIES), "--db", str(tmp_path / "history.sqlite3")]) as server:
        tab = Terminal(context.new_page(), server.url)
        tab.wait_for("1 of 1 question shown")
        tab.press("Enter")
        tab.wait_for("Question 1 of 1")
        tab.press("1", "3", "Enter")
        tab.wait_for("Correct")
        tab.press("s")
        tab.wait_for("activation=sigmoid vs activation=relu")
        tab.press("t", "t")  # Plot, Metrics, Claims
        tab.wait_for("with activation=relu: ✗ fails")


def test_the_serve_benchmark_runs_to_the_first_question_in_both() -> None:
    """A smoke run of benchmarks/bench_serve.py: no figure is asserted, only that both the
    terminal and the browser reach their first question as it expects."""
    if CHROMIUM is None and not BROWSER_REQUIRED:
        pytest.skip(NO_CHROMIUM)
    done = run_benchmark("bench_serve.py", "--runs", "1", timeout=180)
    assert done.returncode == 0, done.stderr + done.stdout
    for label in ("terminal: quizengine take", "browser: quizengine serve", "x the terminal"):
        assert label in done.stdout
