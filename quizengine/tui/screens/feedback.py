"""The feedback screen: what was picked against the key, the score, the explanation."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Markdown, Static

from quizengine.bank.model import NumericAnswer, Question, SimLink
from quizengine.bank.simlink import is_sim_href, parse_sim_href
from quizengine.practice.quiz import Attempt, Quiz
from quizengine.safetext import opens_outside, shown
from quizengine.tui.messages import Navigate, OpenSimulation
from quizengine.tui.widgets.controls import KeyBar
from quizengine.words import format_score

LEGEND = "☑ you picked it · ☐ you did not · ✓ correct choice · ✗ wrong choice"


def choices_markdown(question: Question, picked: frozenset[int]) -> str:
    """One line per choice: picked or not, right or wrong, and its claim link (now revealed)."""
    lines = [f"*{LEGEND}*", ""]
    for i, choice in enumerate(question.choices):
        box = "☑" if i in picked else "☐"
        key = "✓" if choice.correct else "✗"
        note = ""
        if choice.correct and i not in picked:
            note = " — *missed*"
        elif not choice.correct and i in picked:
            note = " — *wrong pick*"
        claim = f" · [{choice.claim.text or 'claim'}]({choice.claim.href})" if choice.claim else ""
        lines.append(f"- {box} **{key}** {choice.text}{claim}{note}")
    return "\n".join(lines)


def tolerance_text(answer: NumericAnswer) -> str:
    parts = []
    if answer.abs_tol is not None:
        parts.append(f"± {answer.abs_tol:g}")
    if answer.rel_tol is not None:
        parts.append(f"± {answer.rel_tol * 100:g} %")
    return " or ".join(parts)


def numeric_markdown(answer: NumericAnswer, guess: float) -> str:
    unit = f" {answer.unit}" if answer.unit else ""
    return (
        f"Your answer: **{guess:g}{unit}** · the key: **{answer.value:g}{unit}** "
        f"({tolerance_text(answer)})"
    )


def feedback_markdown(question: Question, attempt: Attempt) -> str:
    """The whole feedback document: the answer against the key, explanation, references."""
    if question.type == "numeric":
        assert question.answer is not None and isinstance(attempt.response, float)
        parts = [numeric_markdown(question.answer, attempt.response)]
    else:
        picked = attempt.response if isinstance(attempt.response, frozenset) else frozenset()
        parts = [choices_markdown(question, picked)]
    parts += ["## Answer", question.explanation.markdown.strip()]
    if question.references:
        parts += [
            "## References",
            "\n".join(f"- [{r.title}]({r.url})" for r in question.references),
        ]
    return "\n\n".join(parts)


def default_link(question: Question) -> SimLink | None:
    """What key s runs: the explanation's first run link, else a claim, else the metric."""
    links = list(question.explanation.links) + question.sim_links
    return links[0] if links else None


class FeedbackScreen(Screen[None]):
    """See why."""

    HELP = """\
## Feedback

Each choice shows whether you picked it (☑) and whether it is correct (✓) or wrong (✗), with the
claim the simulation checks for it. **s** opens the simulation panel on the explanation's
experiment; clicking a `sim:` link opens it on that link. **n** or **Enter** goes on.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n,enter", "navigate(1)", "Next", key_display="n"),
        Binding("p", "navigate(-1)", "Prev"),
        Binding("s", "simulate", "Simulate"),
        Binding("f", "end", "Finish"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, quiz: Quiz) -> None:
        super().__init__()
        self.quiz = quiz
        self.question = quiz.question
        attempt = quiz.attempt
        assert attempt is not None, "feedback is only shown for an answered question"
        self.attempt = attempt

    def compose(self) -> ComposeResult:
        yield Static(self._status(), id="status")
        with VerticalScroll(id="body"):
            yield Static(Content.styled(shown(self.question.title), "bold"), id="title")
            yield Markdown(
                shown(feedback_markdown(self.question, self.attempt)),
                id="feedback",
                open_links=False,
            )
        yield KeyBar()

    def _status(self) -> Content:
        verdict = self.attempt.verdict
        style = {"correct": "bold $success", "partly right": "bold $warning"}.get(
            verdict, "bold $error"
        )
        return Content.assemble(
            (self.quiz.progress.capitalize(), "bold"),
            " · ",
            (verdict.capitalize(), style),
            f" · score {format_score(self.attempt.score)} of 1",
        )

    def on_mount(self) -> None:
        self.query_one("#body").focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "simulate":
            return default_link(self.question) is not None
        if action == "navigate":
            (step,) = parameters
            return self.quiz.index + int(str(step)) >= 0 or None
        return True

    def action_navigate(self, step: int) -> None:
        self.post_message(Navigate(self.quiz.index + step))

    def action_end(self) -> None:
        self.post_message(Navigate(len(self.quiz.items)))

    def action_simulate(self) -> None:
        link = default_link(self.question)
        if link is not None:
            self.post_message(OpenSimulation(link, self.question))

    @on(Markdown.LinkClicked)
    def _link_clicked(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        if not is_sim_href(event.href):
            if opens_outside(event.href):
                self.app.open_url(event.href)
            else:
                self.notify(
                    shown(f"Not opened: {event.href} (only http, https and mailto links open)"),
                    severity="warning",
                )
            return
        try:
            link = parse_sim_href(event.href)
        except ValueError as error:
            self.notify(str(error), severity="error")
            return
        self.post_message(OpenSimulation(link, self.question))
