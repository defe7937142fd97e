"""The feedback screen: what was picked against the key, the score, the explanation."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Markdown, Static

from quizengine.bank.model import ChoiceQuestion, NumericAnswer, NumericQuestion, Question, SimLink
from quizengine.bank.simlink import is_sim_href, parse_sim_href
from quizengine.practice.quiz import Attempt, Quiz
from quizengine.practice.scoring import pick_contributions
from quizengine.safetext import opens_outside, shown
from quizengine.tui.messages import BackToBank, Navigate, OpenSimulation, Rate
from quizengine.tui.widgets.controls import KeyBar
from quizengine.tui.widgets.inline import inline_content
from quizengine.words import format_score

PICKED, NOT_PICKED = "☒", "☐"
RIGHT, WRONG = "✓", "✗"
LEGEND = f"{PICKED} picked · {NOT_PICKED} not picked · {RIGHT} correct · {WRONG} wrong"


def signed(value: float) -> str:
    """``+0.5``, ``−0.33``: a pick's share of the score."""
    return f"{'+' if value >= 0 else '−'}{format_score(abs(value))}"


def choice_rows(question: ChoiceQuestion, picked: frozenset[int]) -> list[tuple[Content, Content]]:
    """Per choice: the marks (picked or not by glyph, not only colour; correct or wrong,
    coloured; what the pick added to a ``multiple`` score), and the text with its claim link
    (now revealed) and what went wrong. Two columns, so a wrapped text keeps to its own."""
    contributions = (
        pick_contributions(len(question.choices), question.correct_indices, picked)
        if question.type == "multiple"
        else None
    )
    rows = []
    for i, choice in enumerate(question.choices):
        was_picked = i in picked
        mark = (RIGHT, "bold $text-success") if choice.correct else (WRONG, "bold $text-error")
        share = ""
        if contributions is not None:
            share = signed(contributions[i]) if was_picked else "0"
        note: tuple[str, str] | str = ""
        if choice.correct and not was_picked:
            note = (" — missed", "italic $text-warning")
        elif not choice.correct and was_picked:
            note = (" — wrong pick", "italic $text-error")
        claim = (
            Content.from_markup(f" · [@click=screen.open_claim({i})][underline]claim[/][/]")
            if choice.claim
            else Content("")
        )
        marks = Content.assemble(
            (PICKED if was_picked else NOT_PICKED, "bold" if was_picked else "dim"),
            " ",
            mark,
            " ",
            (f"{share:>6} " if contributions is not None else "", "bold"),
        )
        text = Content.assemble(inline_content(shown(choice.text)), claim, note)
        rows.append((marks, text))
    return rows


def choice_lines(question: ChoiceQuestion, picked: frozenset[int]) -> Content:
    """The legend, a line per choice (:func:`choice_rows`) and how the score adds up."""
    lines = [Content.styled(LEGEND, "dim italic"), Content("")]
    lines += [marks + text for marks, text in choice_rows(question, picked)]
    if question.type == "multiple":
        contributions = pick_contributions(len(question.choices), question.correct_indices, picked)
        lines += [Content(""), score_sum(contributions, picked)]
    return Content("\n").join(lines)


def score_sum(contributions: list[float], picked: frozenset[int]) -> Content:
    """``Score: +0.5 − 0.5 = 0``, and the clamp when the sum is below 0."""
    shares = [contributions[i] for i in sorted(picked)]
    if not shares:
        return Content.assemble(("Score: ", "bold"), "nothing picked = 0")
    terms = " ".join(
        [signed(shares[0]).lstrip("+")] + [f"{signed(v)[0]} {signed(v)[1:]}" for v in shares[1:]]
    )
    total = sum(shares)
    if len(shares) == 1 and total >= 0:
        return Content.assemble(("Score: ", "bold"), (format_score(total), "bold"))
    if total < -1e-9:
        result = f" = {signed(total)}, counted as 0 (a score never goes below 0)"
    else:
        result = f" = {format_score(max(0.0, total))}"
    return Content.assemble(("Score: ", "bold"), terms, (result, "bold"))


def tolerance_text(answer: NumericAnswer) -> str:
    parts = []
    if answer.abs_tol is not None:
        parts.append(f"± {answer.abs_tol:g}")
    if answer.rel_tol is not None:
        parts.append(f"± {answer.rel_tol * 100:g} %")
    return " or ".join(parts)


def key_markdown(answer: NumericAnswer) -> str:
    unit = f" {answer.unit}" if answer.unit else ""
    return f"**{answer.value:g}{unit}** ({tolerance_text(answer)})"


def numeric_markdown(answer: NumericAnswer, guess: float) -> str:
    unit = f" {answer.unit}" if answer.unit else ""
    return f"Your answer: **{guess:g}{unit}** · the key: {key_markdown(answer)}"


def feedback_markdown(question: Question, attempt: Attempt | None) -> str:
    """The feedback document below the choices: a number against the key, the explanation,
    the references. (A choice question's picks are :func:`choice_lines`, above it.)"""
    parts = []
    if isinstance(question, NumericQuestion):
        if attempt is not None and isinstance(attempt.response, float):
            parts.append(numeric_markdown(question.answer, attempt.response))
        else:
            parts.append(f"Not answered · the key: {key_markdown(question.answer)}")
    parts += ["## Answer", question.explanation.markdown.strip()]
    if question.references:
        parts += [
            "## References",
            "\n".join(f"- [{r.title}]({r.url})" for r in question.references),
        ]
    return "\n\n".join(parts)


RATINGS = ("Again", "Hard", "Good", "Easy")
"""FSRS's ratings, numbered 1 to 4 as it numbers them (and as the keys choose them)."""


def rating_line(attempt: Attempt) -> Content:
    """``Next review: Good (by your score and time) · 1 Again 2 Hard 3 Good 4 Easy``."""
    from quizengine.history.schedule import rating_for  # FSRS loads after the first answer

    if attempt.rating is not None:
        name, why = RATINGS[attempt.rating - 1], "your rating; 0: the score's"
    else:
        name, why = rating_for(attempt.score, attempt.seconds).name, "by your score and time"
    keys = " ".join(f"{i} {label}" for i, label in enumerate(RATINGS, 1))
    return Content.assemble(
        ("Next review: ", "bold"), (name, "bold $text-accent"), f" ({why}) · {keys}"
    )


def default_link(question: Question) -> SimLink | None:
    """What key s runs: the explanation's first run link, else a claim, else the metric."""
    links = list(question.explanation.links) + question.sim_links
    return links[0] if links else None


class FeedbackScreen(Screen[None]):
    """See why."""

    HELP = f"""\
## Feedback

Each choice shows whether you picked it ({PICKED}) or not ({NOT_PICKED}), whether it is correct
({RIGHT}) or wrong ({WRONG}), what your pick added to the score of a several-answer question, and
the claim the simulation checks for it. **s** opens the simulation panel on the explanation's
experiment; clicking a `sim:` link or a *claim* opens it on that link. **n** or **Enter** goes on;
**Esc** goes back to the bank (the quiz can be resumed), or to the summary you came from.

With a history, the line *Next review* says how the answer counts for spaced review: from your
score and time, or as you rate it yourself with **1** Again, **2** Hard, **3** Good, **4** Easy (as
Anki asks; **0** goes back to the score's).
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n,enter", "navigate(1)", "Next", key_display="n"),
        Binding("p", "navigate(-1)", "Prev"),
        Binding("s", "simulate", "Simulate"),
        Binding("f", "end", "Finish"),
        Binding("escape,b", "back", "Bank", key_display="esc"),
        Binding("1", "rate(1)", "Rate", key_display="1-4"),
        *[Binding(str(i), f"rate({i})", show=False) for i in (2, 3, 4)],
        Binding("0", "rate(0)", show=False),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, quiz: Quiz, index: int | None = None) -> None:
        """``index``: a question reopened from the summary (see :class:`ReopenedFeedback`)."""
        super().__init__()
        self.quiz = quiz
        self.reopened = index is not None
        self.index = quiz.index if index is None else index
        item = quiz.items[self.index]
        self.question = item.question
        self.attempt = quiz.attempts.get(self.index)
        assert self.attempt is not None or self.reopened, "feedback follows an answer"

    def compose(self) -> ComposeResult:
        yield Static(self._status(), id="status")
        with VerticalScroll(id="body"):
            yield Static(Content.styled(shown(self.question.title), "bold"), id="title")
            if isinstance(self.question, ChoiceQuestion):
                with Vertical(id="picks"):
                    yield Static(Content.styled(LEGEND, "dim italic"), classes="pick-legend")
                    for marks, text in choice_rows(self.question, self.picked):
                        with Horizontal(classes="pick"):
                            yield Static(marks, classes="pick-marks")
                            yield Static(text, classes="pick-text")
                    if self.question.type == "multiple":
                        contributions = pick_contributions(
                            len(self.question.choices), self.question.correct_indices, self.picked
                        )
                        yield Static(score_sum(contributions, self.picked), classes="pick-sum")
            yield Static(id="rating")
            yield Markdown(
                shown(feedback_markdown(self.question, self.attempt)),
                id="feedback",
                open_links=False,
            )
        yield KeyBar()

    def _status(self) -> Content:
        progress = f"question {self.index + 1} of {len(self.quiz.items)}"
        kind = [("Review", "bold $text-accent"), " · "] if self.quiz.kind == "review" else []
        if self.attempt is None:
            return Content.assemble(
                *kind, (progress.capitalize(), "bold"), " · ", ("Not answered", "bold $warning")
            )
        verdict = self.attempt.verdict
        style = {"correct": "bold $success", "partly right": "bold $warning"}.get(
            verdict, "bold $error"
        )
        return Content.assemble(
            *kind,
            (progress.capitalize(), "bold"),
            " · ",
            (verdict.capitalize(), style),
            f" · score {format_score(self.attempt.score)} of 1",
        )

    @property
    def picked(self) -> frozenset[int]:
        response = self.attempt.response if self.attempt else None
        return response if isinstance(response, frozenset) else frozenset()

    @property
    def picks_text(self) -> str:
        """The choices part as plain lines (what the tests read)."""
        return choice_lines(self.question, self.picked).plain

    def on_mount(self) -> None:
        self.query_one("#body").focus()
        self.show_rating()

    @property
    def rateable(self) -> bool:
        """Whether the answer is in a history, so that its review rating can be overruled."""
        attempt = self.quiz.attempts.get(self.index)
        return attempt is not None and attempt.answer_id is not None

    def show_rating(self) -> None:
        """How the answer counts for the next review, and the keys that overrule it."""
        line = self.query_one("#rating", Static)
        line.display = self.rateable
        attempt = self.quiz.attempts.get(self.index)
        if attempt is None or not self.rateable:
            return
        line.update(rating_line(attempt))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "simulate":
            return default_link(self.question) is not None
        if action == "rate":
            return self.rateable
        if action == "navigate":
            (step,) = parameters
            return self.quiz.index + int(str(step)) >= 0 or None
        return True

    def action_rate(self, rating: int) -> None:
        """1 Again .. 4 Easy overrule the rating for the schedule; 0 goes back to the score's."""
        if self.rateable:
            self.post_message(Rate(self.index, rating or None))

    def action_navigate(self, step: int) -> None:
        self.post_message(Navigate(self.quiz.index + step))

    def action_end(self) -> None:
        self.post_message(Navigate(len(self.quiz.items)))

    def action_back(self) -> None:
        if self.reopened:
            self.dismiss()
        else:
            self.post_message(BackToBank(paused=True))

    def action_simulate(self) -> None:
        link = default_link(self.question)
        if link is not None:
            self.post_message(OpenSimulation(link, self.question))

    def action_open_claim(self, index: int) -> None:
        claim = self.question.choices[index].claim
        if claim is not None:
            self.post_message(OpenSimulation(claim, self.question))

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


class ReopenedFeedback(FeedbackScreen, inherit_bindings=False):
    """A question's feedback opened again from the summary: Esc returns to the summary."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,b,enter", "back", "Summary", key_display="esc"),
        Binding("1", "rate(1)", "Rate", key_display="1-4"),
        *[Binding(str(i), f"rate({i})", show=False) for i in (2, 3, 4)],
        Binding("0", "rate(0)", show=False),
        Binding("s", "simulate", "Simulate"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, quiz: Quiz, index: int) -> None:
        super().__init__(quiz, index)
