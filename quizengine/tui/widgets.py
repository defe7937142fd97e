"""Widgets shared by several screens."""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class KeyedInput(Input):
    """An Input that types only the characters :meth:`types` accepts; any other key goes on to
    the screen's bindings (a plain Input swallows every printable key, e.g. ``?`` for help)."""

    def types(self, character: str) -> bool:
        return character != "?"

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return character is not None and character.isprintable() and self.types(character)

    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable and event.character is not None and not self.types(event.character):
            event.prevent_default()  # skip Input's handler; the event still bubbles up
