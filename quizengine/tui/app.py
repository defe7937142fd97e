"""The quizengine app: wires the screens together and routes what the learner does.

The screens announce what the learner did with messages (``BrowserScreen.Start``,
``Submitted``, ``Navigate``, ``OpenSimulation``, ``RetryWrong``... in ``messages``);
the app changes screens and shows errors. The sitting (practice/sitting.py) owns the quiz and
its session in the history: it scores and records. Nothing here imports numpy or the simulations:
the simulation panel loads them inside its worker, so start-up stays quick.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Sequence
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, ParamSpec, TypeVar

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from quizengine.bank.model import Bank, Question
from quizengine.practice.quiz import Quiz
from quizengine.practice.sitting import Sitting, guarded, unfinished
from quizengine.tui.messages import (
    BackToBank,
    Navigate,
    OpenSimulation,
    Rate,
    RetryWrong,
    ShowFeedback,
    Submitted,
)
from quizengine.tui.screens.browser import BrowserScreen, Standing
from quizengine.tui.widgets.controls import screen_actions

if TYPE_CHECKING:
    from quizengine.history import HistoryError, HistoryStore, Session
    from quizengine.tui.screens.feedback import FeedbackScreen
    from quizengine.tui.screens.question import QuestionScreen

P = ParamSpec("P")
R = TypeVar("R")


SCREENSHOTS_ENV = "QUIZENGINE_SCREENSHOTS"
QUIZ_CSS = "quiz.tcss"
"""The quiz screens' layout, next to this module (the browser's is ``CSS_PATH``)."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def screenshot_directory(configured: str | None, downloads: Path, cwd: Path) -> Path:
    """Where a screenshot goes: ``$QUIZENGINE_SCREENSHOTS`` if set, else the Downloads folder
    when there is one (Textual's choice), else the working directory."""
    if configured:
        return Path(configured).expanduser()
    return downloads if downloads.is_dir() else cwd


@cache
def question_screen() -> type[QuestionScreen]:
    """The question screen's class, loaded with the first quiz (the browser shows without
    waiting for it), as start-up loads its modules: with the collector paused and what they
    build frozen (:mod:`quizengine.tui.startup`); loading it, Textual's Markdown widget and
    markdown-it ran ~30 collections (~8 ms) on the way to the first question."""
    from quizengine.tui.startup import long_lived

    with long_lived():
        from quizengine.tui.screens.question import QuestionScreen

    return QuestionScreen


@cache
def feedback_screen() -> type[FeedbackScreen]:
    """The feedback screen's class, loaded with the first feedback (~1.5 ms less before the
    first question), as :func:`question_screen` loads its."""
    from quizengine.tui.startup import long_lived

    with long_lived():
        from quizengine.tui.screens.feedback import FeedbackScreen

    return FeedbackScreen


class QuizApp(App[None]):
    """Take quizzes in the terminal."""

    CSS_PATH = "quizengine.tcss"
    TITLE = "quizengine"
    BINDINGS: ClassVar[list[BindingType]] = [
        # F1 too: in a text box, ? is typed.
        Binding("question_mark,f1", "help", "Help", key_display="?"),
        # Textual's own ctrl+q is a priority binding that hides the browser's shown one.
        Binding("ctrl+q", "quit", "Quit", show=False),
    ]

    def __init__(
        self,
        bank: Bank,
        *,
        store: HistoryStore | None = None,
        shuffle: bool = False,
        seed: int = 0,
        clock: Callable[[], dt.datetime] = utc_now,
        start: Sequence[Question] = (),
        start_kind: str = "quiz",
    ) -> None:
        """``clock`` gives timestamps and durations; tests pass a fixed one for stable screens.

        With ``start``, a quiz on those questions begins at once (e.g. ``quizengine review``
        with ``start_kind="review"``), instead of the offer to resume an unfinished one.
        """
        super().__init__()
        self.bank = bank
        self.store = store
        self.shuffle = shuffle
        self.seed = seed
        self.clock = clock
        self.sitting: Sitting | None = None
        self.paused: Sitting | None = None
        """A sitting left with Esc: the browser offers to resume it."""
        self.start_questions = list(start)
        self.start_kind = start_kind

    # -- start-up ----------------------------------------------------------------------------
    def get_default_screen(self) -> Screen[None]:
        return BrowserScreen(
            self.bank.questions,
            self.bank.diagnostics,
            now=self.clock(),
            nothing_loaded=self.bank.nothing_loaded(),
        )

    def on_mount(self) -> None:
        if self.store is not None and self._has_answers():
            # After the first frame: the FSRS replay would compete with drawing it.
            self.call_after_refresh(self.refresh_standings)
        if self.start_questions:
            self.start_quiz(self.start_questions, kind=self.start_kind)
        elif self.store is not None:
            self._offer_resume()

    def _has_answers(self) -> bool:
        """Whether the history has results to show. A new one has none: no thread is started
        to read them, which cost the first question ~3 ms (a thread's start, and the GIL
        shared with it while the question screen is built)."""
        from quizengine.history import HistoryError

        assert self.store is not None
        try:
            return self.store.has_answers()
        except HistoryError:
            return True  # the thread reports it, as for any history it cannot read

    def _seconds(self) -> float:
        return self.clock().timestamp()

    @property
    def browser(self) -> BrowserScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, BrowserScreen)
        return screen

    @work(thread=True, exclusive=True, group="standings", exit_on_error=False)
    def refresh_standings(self) -> None:
        """Last results and due dates from the history, off the UI thread (FSRS replays)."""
        from quizengine.history import HistoryError

        assert self.store is not None
        now = self.clock()
        try:
            last = self.store.last_results()
            if self.store.damaged_rows:
                from quizengine.safetext import shown

                damaged = "\n".join(self.store.damaged_rows[:3])
                more = len(self.store.damaged_rows) - 3
                damaged += f"\n... and {more} more" if more > 0 else ""
                self.call_from_thread(
                    self.notify, shown(damaged), title="History", severity="warning", timeout=10
                )
            if not last:  # a new history: nothing to show, and no need to load FSRS at start-up
                return
            plan = self.store.schedule(self.bank.questions, now)
        except HistoryError as error:
            self.call_from_thread(
                self.notify, f"Cannot read the history: {error}", severity="error"
            )
            return
        standings = {
            q.id: Standing(
                last_score=last[q.id].score if q.id in last else None, due=plan[q.id].due
            )
            for q in self.bank.questions
        }
        self.call_from_thread(self.browser.update_standings, standings, now)

    @property
    def quiz(self) -> Quiz | None:
        """The quiz going on, if any (the sitting's)."""
        return self.sitting.quiz if self.sitting is not None else None

    def _offer_resume(self) -> None:
        assert self.store is not None
        offer = unfinished(self.store, self._by_id, self._report)
        if offer is None:
            return
        when = offer.session.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
        text = (
            f"A quiz started {when} was left unfinished: {offer.answered} of {offer.planned} "
            "questions answered. Resume it?"
        )
        from quizengine.tui.dialogs.resume import ResumeScreen

        self.push_screen(ResumeScreen(text), partial(self._resume_answered, offer.session))

    def _resume_answered(self, session: Session, resume: bool | None) -> None:
        assert self.store is not None
        # Taken over first, either way: another window may have resumed it since the offer.
        claimed = self._history(self.store.claim_session, session.id)
        if not claimed:
            if claimed is False and resume:
                self.notify(
                    "That quiz is going on in another quizengine window now.",
                    title="History",
                    severity="warning",
                )
            return
        if not resume:
            self._history(self.store.abandon_session, session.id)
            return
        self.sitting = Sitting.resume(
            session,
            self._by_id,
            store=self.store,
            shuffle=self.shuffle,
            seed=self.seed,
            now=self._seconds(),
            report=self._report,
        )
        self._show_quiz_screen()

    def on_unmount(self) -> None:
        """Quitting mid-quiz lets go of its session, so the next start offers to resume it."""
        for sitting in (self.sitting, self.paused):
            if sitting is not None:
                sitting.release()

    @property
    def _by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.bank.questions}

    # -- the quiz ----------------------------------------------------------------------------
    @on(BrowserScreen.Start)
    def _start(self, message: BrowserScreen.Start) -> None:
        self.start_quiz(message.questions, kind=message.kind)

    def start_quiz(self, questions: Sequence[Question], kind: str = "quiz") -> None:
        self.sitting = Sitting.start(
            questions,
            store=self.store,
            kind=kind,
            shuffle=self.shuffle,
            seed=self.seed,
            now=self._seconds(),
            report=self._report,
        )
        self._show_quiz_screen()

    def _quiz_styles(self) -> None:
        """The quiz screens' layout (quiz.tcss), read with the first quiz as the app reads its
        own CSS file: parsing it delayed the browser's first frame (~1.5 ms)."""
        path = str(Path(__file__).with_name(QUIZ_CSS))
        if not self.stylesheet.has_source(path):
            css = Path(path).read_text(encoding="utf-8")
            self.stylesheet.add_source(css, read_from=(path, ""), is_default_css=False)

    def _show_quiz_screen(self) -> None:
        self._quiz_styles()
        quiz = self.quiz
        assert quiz is not None
        screen = question_screen()(quiz) if quiz.attempt is None else feedback_screen()(quiz)
        if isinstance(self.screen, BrowserScreen):
            self.push_screen(screen)
        else:
            self.switch_screen(screen)

    @on(BrowserScreen.Resume)
    def resume_paused(self) -> None:
        """Back to the sitting left with Esc, on the question it was left at."""
        if self.paused is None:
            return
        self.sitting, self.paused = self.paused, None
        self.sitting.resume_after_pause(self._seconds())
        self.browser.paused = None
        self._show_quiz_screen()

    @on(Submitted)
    def _submitted(self, message: Submitted) -> None:
        # A second submit of the same answer (two Enters in one moment) is dropped there.
        if self.sitting is not None and self.sitting.submit(
            message.response, self._seconds(), index=message.index
        ):
            self._show_quiz_screen()

    @on(Rate)
    def _rate(self, message: Rate) -> None:
        if self.sitting is None or not self.sitting.rate(message.index, message.rating):
            return
        from quizengine.tui.screens.feedback import FeedbackScreen  # loaded: it sent Rate

        if isinstance(self.screen, FeedbackScreen):
            self.screen.show_rating()

    @on(Navigate)
    def _navigate(self, message: Navigate) -> None:
        quiz = self.quiz
        assert quiz is not None
        if message.index >= len(quiz.items):
            self._end_or_ask()
        elif message.index >= 0:
            quiz.show(message.index, self._seconds())
            self._show_quiz_screen()

    def _end_or_ask(self) -> None:
        """To the summary, asking first when questions would be left unanswered."""
        quiz = self.quiz
        assert quiz is not None
        unanswered = [i + 1 for i in range(len(quiz.items)) if i not in quiz.attempts]
        if not unanswered:
            self._finish()
            return
        from quizengine.tui.dialogs.confirm_end import ConfirmEndScreen, EndChoice

        def chosen(choice: EndChoice | None) -> None:
            if self.quiz is not quiz:
                return
            if choice == "end":
                self._finish()
            elif choice == "unanswered":
                quiz.show(unanswered[0] - 1, self._seconds())
                self._show_quiz_screen()

        self.push_screen(ConfirmEndScreen(unanswered), chosen)

    def _finish(self) -> None:
        assert self.sitting is not None
        now = self._seconds()
        self.sitting.finish(now)
        from quizengine.tui.screens.summary import SummaryScreen

        self.switch_screen(SummaryScreen(self.sitting.quiz, now))

    @on(RetryWrong)
    def _retry(self) -> None:
        assert self.quiz is not None
        self.start_quiz(self.quiz.to_retry(), kind="retry")

    @on(ShowFeedback)
    def _show_feedback(self, message: ShowFeedback) -> None:
        """From the summary: a question's feedback again (Esc returns to the summary)."""
        from quizengine.tui.screens.feedback import ReopenedFeedback

        assert self.quiz is not None
        self.push_screen(ReopenedFeedback(self.quiz, message.index))

    @on(BackToBank)
    def _back(self, message: BackToBank) -> None:
        sitting = self.sitting
        if message.paused and sitting is not None and sitting.quiz.finished_at is None:
            if self.paused is not None and self.paused is not sitting:
                self.paused.release()  # one sitting kept at a time; the history keeps the other
            self.paused = sitting
            sitting.pause(self._seconds())
        self.sitting = None
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.browser.paused = self.paused.quiz if self.paused is not None else None
        if self.store is not None:
            self.refresh_standings()

    @on(OpenSimulation)
    def _open_simulation(self, message: OpenSimulation) -> None:
        from quizengine.tui.screens.simulation import SimulationScreen  # plotext loads on first use

        self.push_screen(SimulationScreen(message.link, message.question.sim_links))

    def _history(self, method: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R | None:
        """Call the history store; a failure (e.g. the disk is full) is shown, never a crash:
        the quiz goes on without it."""
        return guarded(self._report, method, *args, **kwargs)

    def _report(self, error: HistoryError) -> None:
        from quizengine.safetext import shown  # the message names the file

        self.notify(shown(str(error)), title="History", severity="error", timeout=10)

    # -- keys everywhere ---------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stats":
            return self.store is not None
        return True

    def action_stats(self) -> None:
        from quizengine.tui.screens.stats import StatsScreen  # plotext loads on first use

        assert self.store is not None
        self.push_screen(StatsScreen(self.store, self.bank.questions, clock=self.clock))

    def action_help(self) -> None:
        from quizengine.tui.dialogs.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
        else:
            self.push_screen(HelpScreen(self.screen))

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """As Textual's, but never into a Downloads folder that does not exist (it would fail)."""
        if path is None:
            from platformdirs import user_downloads_path

            folder = screenshot_directory(
                os.environ.get(SCREENSHOTS_ENV), user_downloads_path(), Path.cwd()
            )
            path = str(folder)
        return super().deliver_screenshot(filename, path, time_format)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette offers every action the current screen has a key for, with that key."""
        yield from super().get_system_commands(screen)
        for action in screen_actions(screen):
            if action.action not in ("quit", "app.quit"):  # Quit is a system command already
                yield SystemCommand(
                    action.description,
                    f"key: {action.display}",
                    partial(self.run_action, action.action, action.node),
                )
