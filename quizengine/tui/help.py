"""The help dialog: what the screen underneath is for, and every key it answers to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
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


@dataclass(frozen=True)
class KeyAction:
    """An action the screen has a key for, as the footer shows it."""

    key: str
    description: str
    action: str
    node: DOMNode


def screen_actions(screen: Screen[object]) -> list[KeyAction]:
    """The shown, enabled actions of ``screen`` now, one per action (the footer's list)."""
    found: dict[str, KeyAction] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not (binding.show and binding.description and active.enabled):
            continue
        if binding.action not in found:
            shown = binding.key_display or screen.app.get_key_display(replace(binding, key=key))
            found[binding.action] = KeyAction(
                shown, binding.description, binding.action, active.node
            )
    return list(found.values())


class HelpScreen(ModalScreen[None]):
    """Keys and a short guide for the screen below."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", key_display="esc")
    ]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        guide = getattr(under, "HELP", None) or ""
        self.text = "\n\n".join(
            [
                guide.strip(),
                keys_table((a.key, a.description) for a in screen_actions(under)),
                GENERAL,
            ]
        ).strip()

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Markdown(self.text)

    def on_mount(self) -> None:
        self.query_one("#help-box").border_title = "Help (esc closes)"
        self.query_one("#help-box").focus()
