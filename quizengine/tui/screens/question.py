"""The question screen: the scenario as Markdown, then radio buttons, checkboxes or a number."""

from __future__ import annotations

import math
from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Checkbox, Input, Markdown, RadioButton, RadioSet, Static

from quizengine.practice.quiz import Quiz
from quizengine.practice.scoring import Response
from quizengine.safetext import shown
from quizengine.tui.messages import Navigate, Submitted
from quizengine.tui.widgets.controls import (
    HangingLabel,
    KeyBar,
    KeyedInput,
    WrappingCheckbox,
    WrappingRadioButton,
)
from quizengine.tui.widgets.inline import inline_content

MAX_KEYED_CHOICES = 9
NUMBER_CHARACTERS = frozenset("0123456789.-+eE")
Toggle = TypeVar("Toggle", bound=HangingLabel)


def number_prefix(number: int) -> str:
    """``3. `` before a choice's text: the key that picks it (none past 9)."""
    return f"{number}. " if number <= MAX_KEYED_CHOICES else ""


def choice_label(number: int, text: str) -> Content:
    return Content.assemble((number_prefix(number), "bold"), inline_content(text))


def choice_toggle(kind: type[Toggle], number: int, text: str) -> Toggle:
    """The checkbox or radio button of choice ``number``: wrapped lines hang past its key."""
    return kind(choice_label(number, text), hang=len(number_prefix(number)))


def parse_number(text: str) -> float | None:
    """The learner's numeric answer, or None when it is not a finite number."""
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


# Enter submits from wherever the focus is. The screen's keys are not priority bindings (those
# would run ahead of keys still queued for the focused widget), so the widgets pass Enter on.
_SUBMIT = Binding("enter", "screen.submit", "Submit")


class ChoiceRadios(RadioSet):
    BINDINGS: ClassVar[list[BindingType]] = [_SUBMIT]


class ChoiceBox(WrappingCheckbox):
    BINDINGS: ClassVar[list[BindingType]] = [_SUBMIT]


class NumberInput(KeyedInput):
    """A numeric answer box that leaves letters such as n, p, q and ? to the screen's keys."""

    BINDINGS: ClassVar[list[BindingType]] = [_SUBMIT]

    def types(self, character: str) -> bool:
        return character in NUMBER_CHARACTERS


class QuestionScreen(Screen[None]):
    """Answer one question."""

    HELP = """\
## Question

Pick with the number keys (**1**-**9** toggle a choice; for a single-answer question they select
it) or the mouse, or type a number. **Enter** submits and shows the answer. **n** and **p** move to
the next and previous question without answering; **f** finishes the quiz and shows the summary.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Submit"),
        Binding("1", "toggle(1)", "Pick", key_display="1-9"),
        *[Binding(str(i), f"toggle({i})", show=False) for i in range(2, 10)],
        Binding("n", "navigate(1)", "Next"),
        Binding("p", "navigate(-1)", "Prev"),
        Binding("f", "end", "Finish"),
        Binding("q", "app.quit", "Quit"),
    ]

    # The answer has the focus from the start: the radio set, the first checkbox or the number
    # box. (Textual's default focuses the scrolling body first, then it moved: two restyles.)
    AUTO_FOCUS = "ChoiceRadios, ChoiceBox, NumberInput"

    def __init__(self, quiz: Quiz) -> None:
        super().__init__()
        self.quiz = quiz
        self.question = quiz.question
        # The single answer picked, kept here rather than read from the RadioSet: the set
        # learns of a button pressed by key only from a message, so "2" and Enter arriving
        # together (typed fast, or from a browser) submitted before it knew: "Pick a choice".
        self.picked: int | None = None

    def compose(self) -> ComposeResult:
        q = self.question
        yield Static(self._status(), id="status")
        with VerticalScroll(id="body"):
            yield Static(Content.styled(shown(q.title), "bold"), id="title")
            yield Markdown(shown(q.prompt), id="prompt", open_links=False)
            if q.type == "single":
                with ChoiceRadios(id="choices"):
                    for i, choice in enumerate(q.choices, 1):
                        yield choice_toggle(WrappingRadioButton, i, shown(choice.text))
            elif q.type == "multiple":
                with Vertical(id="choices"):
                    for i, choice in enumerate(q.choices, 1):
                        yield choice_toggle(ChoiceBox, i, shown(choice.text))
            else:
                unit = q.answer.unit if q.answer and q.answer.unit else ""
                yield NumberInput(
                    placeholder=shown(f"your answer{f' ({unit})' if unit else ''}, then Enter"),
                    id="number",
                    type="number",
                )
        yield KeyBar()

    def _status(self) -> Content:
        q = self.question
        kind = {"single": "one answer", "multiple": "one or more answers", "numeric": "a number"}
        details = shown(" · ".join([q.difficulty, *q.tags]))
        return Content.assemble(
            (self.quiz.progress.capitalize(), "bold"), f" · {kind[q.type]} · ", (details, "dim")
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle":
            # Digits are typed into the numeric input; a question has at most so many choices.
            (number,) = parameters
            return self.question.type != "numeric" and int(str(number)) <= len(
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

    def response(self) -> Response:
        if self.question.type == "numeric":
            return parse_number(self.query_one("#number", Input).value)
        if self.question.type == "single":
            return frozenset() if self.picked is None else frozenset({self.picked})
        return frozenset(i for i, box in enumerate(self.query(Checkbox)) if box.value)

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self.picked = event.index  # a click, or the set's own keys

    def action_submit(self) -> None:
        response = self.response()
        if response is None:
            self.notify("Type a number first, e.g. 0.25 or 1e-3.", severity="warning")
        elif not response and isinstance(response, frozenset):
            last = min(len(self.question.choices), MAX_KEYED_CHOICES)
            self.notify(f"Pick a choice first (keys 1-{last}), or n to skip.", severity="warning")
        else:
            self.post_message(Submitted(response))

    def action_navigate(self, step: int) -> None:
        self.post_message(Navigate(self.quiz.index + step))

    def action_end(self) -> None:
        self.post_message(Navigate(len(self.quiz.items)))
