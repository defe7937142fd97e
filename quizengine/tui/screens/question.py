"""The question screen: the scenario as Markdown, then radio buttons, checkboxes or a number."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Checkbox, Input, Markdown, RadioButton, RadioSet, Static

from quizengine.bank.model import ChoiceQuestion, NumericQuestion
from quizengine.practice.number_answer import Unreadable, read_number
from quizengine.practice.quiz import Quiz
from quizengine.practice.scoring import Response
from quizengine.safetext import shown
from quizengine.tui.messages import BackToBank, Navigate, Submitted
from quizengine.tui.widgets.controls import (
    HangingLabel,
    KeyBar,
    WrappingCheckbox,
    WrappingRadioButton,
)
from quizengine.tui.widgets.inline import inline_content

MAX_KEYED_CHOICES = 9
Toggle = TypeVar("Toggle", bound=HangingLabel)


def number_prefix(number: int) -> str:
    """``3. `` before a choice's text: the key that picks it (none past 9)."""
    return f"{number}. " if number <= MAX_KEYED_CHOICES else ""


def choice_label(number: int, text: str) -> Content:
    return Content.assemble((number_prefix(number), "bold"), inline_content(text))


def choice_toggle(kind: type[Toggle], number: int, text: str) -> Toggle:
    """The checkbox or radio button of choice ``number``: wrapped lines hang past its key."""
    return kind(choice_label(number, text), hang=len(number_prefix(number)))


# Enter submits from wherever the focus is. The screen's keys are not priority bindings (those
# would run ahead of keys still queued for the focused widget), so the widgets pass Enter on.
_SUBMIT = Binding("enter", "screen.submit", "Submit")


class ChoiceRadios(RadioSet):
    BINDINGS: ClassVar[list[BindingType]] = [_SUBMIT]


class ChoiceBox(WrappingCheckbox):
    BINDINGS: ClassVar[list[BindingType]] = [_SUBMIT]


class NumberInput(Input):
    """The numeric answer box: every printable key types into it (``sqrt(2)`` must not quit at
    its ``q``), and what it holds is read by :func:`read_number`, never filtered as typed."""

    BINDINGS: ClassVar[list[BindingType]] = [_SUBMIT]


# While the box has the focus, the keys it types (n, p, f, q) leave the footer: say how to go on.
NUMBER_HINT = "Enter submits · Tab leaves the box (then n, p, f work) · Esc: the bank"


class QuestionScreen(Screen[None]):
    """Answer one question."""

    HELP = """\
## Question

Pick with the number keys (**1**-**9** toggle a choice; for a single-answer question they select
it) or the mouse, or type a number: `0.25`, `0,25`, `1/4`, `2.5e-3`, with the answer's unit after
it if you like. **Enter** submits and shows the answer. **n** and **p** move to the next and
previous question without answering; **f** finishes the quiz and shows the summary (it asks first
when questions are unanswered); **Esc** goes back to the bank, where the quiz can be resumed.

In the number box every key types: **Tab** leaves it, then **n**, **p** and **f** work. **F1**
opens this help from anywhere.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Submit"),
        Binding("1", "toggle(1)", "Pick", key_display="1-9"),
        *[Binding(str(i), f"toggle({i})", show=False) for i in range(2, 10)],
        Binding("n", "navigate(1)", "Next"),
        Binding("p", "navigate(-1)", "Prev"),
        Binding("f", "end", "Finish"),
        Binding("escape", "bank", "Bank", key_display="esc"),
        Binding("q", "quit", "Quit"),
    ]

    # The answer has the focus from the start: the radio set, the first checkbox or the number
    # box. (Textual's default focuses the scrolling body first, then it moved: two restyles.)
    AUTO_FOCUS = "ChoiceRadios, ChoiceBox, NumberInput"

    def __init__(self, quiz: Quiz) -> None:
        super().__init__()
        self.quiz = quiz
        self.question = quiz.question
        self.index = quiz.index
        self.submitted = False
        """Set by the first submit: a second Enter in the same moment (key repeat, a paste)
        must not answer twice."""
        # The single answer picked, kept here rather than read from the RadioSet: the set
        # learns of a button pressed by key only from a message, so "2" and Enter arriving
        # together (typed fast, or from a browser) submitted before it knew: "Pick a choice".
        self.picked: int | None = None

    @property
    def unit(self) -> str | None:
        if not isinstance(self.question, NumericQuestion):
            return None
        return self.question.answer.unit or None

    def compose(self) -> ComposeResult:
        q = self.question
        yield Static(self._status(), id="status")
        with VerticalScroll(id="body"):
            yield Static(Content.styled(shown(q.title), "bold"), id="title")
            yield Markdown(shown(q.prompt), id="prompt", open_links=False)
            if isinstance(q, ChoiceQuestion) and q.type == "single":
                with ChoiceRadios(id="choices"):
                    for i, choice in enumerate(q.choices, 1):
                        yield choice_toggle(WrappingRadioButton, i, shown(choice.text))
            elif isinstance(q, ChoiceQuestion):
                with Vertical(id="choices"):
                    for i, choice in enumerate(q.choices, 1):
                        yield choice_toggle(ChoiceBox, i, shown(choice.text))
            else:
                unit = self.unit
                yield NumberInput(
                    placeholder=shown(f"your answer{f' ({unit})' if unit else ''}"),
                    id="number",
                )
                yield Static(Content.styled(NUMBER_HINT, "dim"), id="number-hint")
        yield KeyBar()

    def _status(self) -> Content:
        q = self.question
        kind = {"single": "one answer", "multiple": "one or more answers", "numeric": "a number"}
        details = shown(" · ".join([q.difficulty, *q.tags]))
        review = [("Review", "bold $text-accent"), " · "] if self.quiz.kind == "review" else []
        return Content.assemble(
            *review,
            (self.quiz.progress.capitalize(), "bold"),
            f" · {kind[q.type]} · ",
            (details, "dim"),
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle":
            # Digits are typed into the numeric input; a question has at most so many choices.
            (number,) = parameters
            return isinstance(self.question, ChoiceQuestion) and int(str(number)) <= len(
                self.question.choices
            )
        if action == "navigate":
            (step,) = parameters  # past the last question is the summary, before the first nothing
            return self.quiz.index + int(str(step)) >= 0 or None
        return True

    def action_toggle(self, number: int) -> None:
        if self.question.type == "single":
            self.query(RadioButton)[number - 1].value = True
            self.picked = number - 1
        else:
            box = self.query(Checkbox)[number - 1]
            box.toggle()

    def response(self) -> Response | Unreadable:
        """What the learner gave, or why the number typed cannot be read."""
        if isinstance(self.question, NumericQuestion):
            return read_number(self.query_one("#number", Input).value, self.unit)
        if self.question.type == "single":
            return frozenset() if self.picked is None else frozenset({self.picked})
        return frozenset(i for i, box in enumerate(self.query(Checkbox)) if box.value)

    @on(Input.Changed, "#number")
    def _number_changed(self, event: Input.Changed) -> None:
        """Under the box, as the learner types: how the answer reads, or why it cannot."""
        hint = self.query_one("#number-hint", Static)
        if not event.value.strip():
            hint.update(Content.styled(NUMBER_HINT, "dim"))
            return
        value = read_number(event.value, self.unit)
        if isinstance(value, Unreadable):
            hint.update(Content.styled(shown(value.message), "$text-error"))
        else:
            unit = f" {self.unit}" if self.unit else ""
            hint.update(Content.styled(f"reads as {value:g}{shown(unit)} · Enter submits", "dim"))

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self.picked = event.index  # a click, or the set's own keys

    def action_submit(self) -> None:
        if self.submitted:
            return
        response = self.response()
        if isinstance(response, Unreadable):
            self.notify(response.message, severity="warning")
        elif not response and isinstance(response, frozenset):
            last = min(len(self.question.choices), MAX_KEYED_CHOICES)
            self.notify(f"Pick a choice first (keys 1-{last}), or n to skip.", severity="warning")
        else:
            self.submitted = True
            self.post_message(Submitted(response, self.index))

    def action_navigate(self, step: int) -> None:
        self.post_message(Navigate(self.quiz.index + step))

    def action_end(self) -> None:
        self.post_message(Navigate(len(self.quiz.items)))

    def action_bank(self) -> None:
        self.post_message(BackToBank(paused=True))

    def action_quit(self) -> None:
        self.app.exit()
