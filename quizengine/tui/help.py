"""The help dialog: what the screen underneath is for, and every key it answers to."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown

GENERAL = """\
**?** opens this help anywhere, **Ctrl+P** the command palette (every action below is there too,
and *Theme* changes the colours), **Ctrl+Q** quits. Answers are saved as soon as you submit them.
"""


def keys_table(rows: Iterable[tuple[str, str]]) -> str:
    lines = ["| key | action |", "| --- | --- |"]
    lines += [f"| `{key}` | {description} |" for key, description in rows]
    return "\n".join(lines)


def screen_keys(screen: Screen[object]) -> list[tuple[str, str]]:
    """The keys the screen answers to now, as the footer names them (one row per action)."""
    rows: dict[str, tuple[str, str]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or not active.enabled or binding.action in rows:
            continue
        shown = binding.key_display or screen.app.get_key_display(binding.replace(key=key))
        rows[binding.action] = (shown, binding.description)
    return list(rows.values())


class HelpScreen(ModalScreen[None]):
    """Keys and a short guide for the screen below."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", key_display="esc")
    ]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        guide = getattr(under, "HELP", None) or ""
        self.text = "\n\n".join([guide.strip(), keys_table(screen_keys(under)), GENERAL]).strip()

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Markdown(self.text)

    def on_mount(self) -> None:
        self.query_one("#help-box").border_title = "Help (esc closes)"
        self.query_one("#help-box").focus()
