"""The dialog before ending a quiz with questions unanswered (an LMS's "summary of attempt")."""

from __future__ import annotations

from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from quizengine.words import plural

EndChoice = Literal["end", "unanswered", "stay"]


def unanswered_text(numbers: list[int]) -> str:
    """``2 questions are unanswered: 1 and 3.`` (numbers as the learner counts them, from 1)."""
    shown = [str(n) for n in numbers[:8]] + (["…"] if len(numbers) > 8 else [])
    listed = ", ".join(shown[:-1]) + f" and {shown[-1]}" if len(shown) > 1 else shown[0]
    verb = "is" if len(numbers) == 1 else "are"
    return f"{plural(len(numbers), 'question')} {verb} unanswered: {listed}."


class ConfirmEndScreen(ModalScreen[EndChoice]):
    """Answers "end" (to the summary, unanswered ones scoring 0), "unanswered" (to the first
    of them) or "stay"."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,e", "answer('end')", "End the quiz", key_display="y"),
        Binding("u", "answer('unanswered')", "First unanswered"),
        Binding("n,escape", "answer('stay')", "Stay", key_display="esc"),
    ]

    def __init__(self, unanswered: list[int]) -> None:
        super().__init__()
        self.unanswered = unanswered

    def compose(self) -> ComposeResult:
        with Vertical(id="end-box"):
            yield Static(
                f"{unanswered_text(self.unanswered)} They score 0 if you end the quiz now.",
                id="end-text",
            )
            with Horizontal(id="end-buttons"):
                # Compact: the three fit on one line down to 60 columns.
                yield Button("End the quiz (y)", id="end", variant="primary", compact=True)
                yield Button(
                    f"Go to question {self.unanswered[0]} (u)", id="unanswered", compact=True
                )
                yield Button("Stay (esc)", id="stay", compact=True)

    def on_mount(self) -> None:
        self.query_one("#end-box").border_title = "End the quiz?"
        self.query_one("#unanswered", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_answer(str(event.button.id))

    def action_answer(self, choice: str) -> None:
        assert choice in ("end", "unanswered", "stay")
        self.dismiss(choice)  # type: ignore[arg-type]
