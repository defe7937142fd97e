"""The dialog offering to resume a sitting that was left unfinished."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ResumeScreen(ModalScreen[bool]):
    """Answers True to resume, False to set the old sitting aside."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Resume"),
        Binding("n,escape", "answer(False)", "Start afresh", key_display="n"),
    ]

    def __init__(self, description: str) -> None:
        super().__init__()
        self.description = description

    def compose(self) -> ComposeResult:
        with Vertical(id="resume-box"):
            yield Static(self.description, id="resume-text")
            with Horizontal(id="resume-buttons"):
                yield Button("Resume (y)", id="resume-yes", variant="primary")
                yield Button("Start afresh (n)", id="resume-no")

    def on_mount(self) -> None:
        self.query_one("#resume-box").border_title = "Unfinished quiz"
        self.query_one("#resume-yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "resume-yes")

    def action_answer(self, resume: bool) -> None:
        self.dismiss(resume)
