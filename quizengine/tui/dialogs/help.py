"""The help dialog: what the screen underneath is for, and every key it answers to."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown

from quizengine.tui.widgets.controls import screen_actions

GENERAL = """\
**?** opens this help anywhere (**F1** too, which works in a text box as well), **Ctrl+P** the
command palette (every key above is there too, and *Theme* changes the colours), **Ctrl+Q** quits.
Answers are saved as soon as you submit them.
"""


def keys_list(rows: Iterable[tuple[str, str]]) -> str:
    return "\n".join(f"- `{key}` {description}" for key, description in rows)


class HelpScreen(ModalScreen[None]):
    """Keys and a short guide for the screen below."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close", key_display="esc")
    ]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        guide = getattr(under, "HELP", None) or ""
        self.text = "\n\n".join(
            [
                guide.strip(),
                keys_list((a.display, a.description) for a in screen_actions(under)),
                GENERAL,
            ]
        ).strip()

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Markdown(self.text)

    def on_mount(self) -> None:
        self.query_one("#help-box").border_title = "Help (esc closes)"
        self.query_one("#help-box").focus()
