"""The summary at the end of a quiz: total score, time, a per-tag breakdown, what to retry."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Static

from quizengine.practice.quiz import Quiz
from quizengine.tui.messages import BackToBank, RetryWrong, ShowFeedback
from quizengine.tui.widgets.controls import KeyBar, plain_cell
from quizengine.words import format_duration, format_score, percent_of

TAG_WIDTH = 28
TITLE_WIDTH = 46


class QuestionResults(DataTable[str]):
    """A row per question; Enter shows its feedback again."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Feedback", key_display="⏎")
    ]


class SummaryScreen(Screen[None]):
    """How it went."""

    HELP = """\
## Summary

Your score (each question counts 0 to 1), the time the quiz took, and the score per tag (a
question counts once for each of its tags). **Enter** on a question shows its feedback and
explanation again; **r** retries the questions you did not get fully right, **b** goes back to
the bank.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry", "Retry wrong ones"),
        Binding("b,escape", "back", "Bank", key_display="b"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, quiz: Quiz, now: float) -> None:
        super().__init__()
        self.quiz = quiz
        self.now = now

    def compose(self) -> ComposeResult:
        yield Static(self._headline(), id="headline")
        yield DataTable(id="by-tag", cursor_type="row", zebra_stripes=True)
        yield Static(self._retry_line(), id="retry")
        yield QuestionResults(id="by-question", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def _headline(self) -> Content:
        quiz = self.quiz
        n = len(quiz.items)
        answered = len(quiz.attempts)
        return Content.assemble(
            ("Score ", "bold"),
            (f"{format_score(quiz.total)} / {n}", "bold $accent"),
            f" ({percent_of(quiz.total, n)})",
            " · time ",
            (format_duration(quiz.elapsed(self.now)), "bold"),
            f" · {answered} of {n} answered",
        )

    def _retry_line(self) -> str:
        wrong = len(self.quiz.to_retry())
        if not wrong:
            return "Every question fully right."
        return f"{wrong} question{'s' if wrong != 1 else ''} to retry (r)."

    def on_mount(self) -> None:
        table = self.query_one("#by-tag", DataTable)
        table.add_column("Tag", width=TAG_WIDTH)
        table.add_columns("Questions", "Answered", "Score", "%")
        for row in self.quiz.by_tag():
            table.add_row(
                plain_cell(row.tag, TAG_WIDTH),
                str(row.questions),
                str(row.answered),
                format_score(row.score),
                percent_of(row.score, row.questions),
            )
        questions = self.query_one("#by-question", DataTable)
        questions.add_column("Question", width=TITLE_WIDTH)
        questions.add_columns("Score", "Time")
        for i, item in enumerate(self.quiz.items):
            attempt = self.quiz.attempts.get(i)
            questions.add_row(
                plain_cell(item.question.title, TITLE_WIDTH),
                format_score(attempt.score) if attempt else "–",
                format_duration(attempt.seconds) if attempt else "",
            )
        questions.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry":
            return bool(self.quiz.to_retry())
        return True

    @on(DataTable.RowSelected, "#by-question")
    def _question_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.post_message(ShowFeedback(event.cursor_row))

    def action_retry(self) -> None:
        self.post_message(RetryWrong())

    def action_back(self) -> None:
        self.post_message(BackToBank())
