"""Widgets shared by several screens, and the list of keys a screen answers to."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.dom import DOMNode
from textual.geometry import Size
from textual.markup import escape
from textual.screen import Screen
from textual.style import Style
from textual.widget import Widget
from textual.widgets import Checkbox, Input, RadioButton
from textual.widgets._toggle_button import ToggleButton

from quizengine.safetext import shown


@dataclass(frozen=True)
class KeyAction:
    """An action the screen has a shown key for."""

    key: str
    """The key's name, e.g. ``question_mark``."""
    display: str
    """How the key is shown, e.g. ``?``."""
    description: str
    action: str
    node: DOMNode
    enabled: bool


def plain_cell(text: str, width: int | None = None) -> Content:
    """Text for a DataTable cell as written: a str cell would be read as Rich markup (an
    author's ``[x]`` vanishes). With ``width``, cut to that many cells with an ellipsis where
    the table would cut silently."""
    content = Content(shown(text))
    return content if width is None else content.truncate(width, ellipsis=True)


def screen_actions(screen: Screen[object], *, disabled: bool = False) -> list[KeyAction]:
    """The shown actions of ``screen`` now, one per action, as the footer lists them.

    With ``disabled``, actions that exist but cannot run now (e.g. Prev on the first question)
    are included, marked ``enabled=False``.
    """
    found: dict[str, KeyAction] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not (binding.show and binding.description) or binding.action in found:
            continue
        if active.enabled or disabled:
            display = binding.key_display or screen.app.get_key_display(replace(binding, key=key))
            found[binding.action] = KeyAction(
                key, display, binding.description, binding.action, active.node, active.enabled
            )
    return list(found.values())


def key_rows(keys: list[Content], width: int) -> list[Content]:
    """``keys`` joined by a space into as few rows of ``width`` cells as they fit, in order;
    a key wider than a row gets a row of its own."""
    rows: list[list[Content]] = [[]]
    used = 0
    for key in keys:
        if rows[-1] and used + 1 + key.cell_length > width:
            rows.append([])
            used = 0
        used += key.cell_length + (1 if rows[-1] else 0)
        rows[-1].append(key)
    return [Content(" ").join(row) for row in rows]


class KeyBar(Widget):
    """The footer: the keys of the screen, each clickable, and the command palette's key.

    One widget redrawn when the screen's bindings change. (Textual's Footer is a widget per key,
    rebuilt on every focus change; it took a third of the time to the first question.)
    """

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: auto;
        background: $footer-background;
        color: $footer-foreground;
    }
    """

    _shown: tuple[tuple[str, str, str, bool], ...] = ()
    """The keys drawn last: key, display, description, enabled."""
    _laid_out: tuple[int, tuple[Content, ...]] | None = None
    """The width and the rows those keys were laid out in last."""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    @staticmethod
    def _keys(actions: list[KeyAction]) -> tuple[tuple[str, str, str, bool], ...]:
        return tuple((a.key, a.display, a.description, a.enabled) for a in actions)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        # The signal fires on every focus change, mostly leaving the same keys: redraw only
        # when they change (a redraw is one more frame; the question screen drew three).
        if self._keys(screen_actions(self.screen, disabled=True)) != self._shown:
            self.refresh()

    def render(self) -> Content:
        return Content("\n").join(self._lines(self.size.width))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))

    def _lines(self, width: int) -> list[Content]:
        """The keys in rows of ``width`` cells, broken between keys: at 60 columns the question
        screen's keys take two rows rather than losing the last ones. The palette's key goes
        at the right of the last row when it fits there."""
        actions = screen_actions(self.screen, disabled=True)
        keys = self._keys(actions)
        if keys == self._shown and self._laid_out is not None and self._laid_out[0] == width:
            return list(self._laid_out[1])  # asked for its height, then drawn: one layout
        self._shown = keys
        rows = key_rows([self._key(a) for a in actions], width)
        palette = self._palette()
        last = rows[-1]
        if last.cell_length + 1 + palette.cell_length > width:
            palette = Content("")  # a narrow terminal: the screen's own keys first
        gap = max(1, width - last.cell_length - palette.cell_length)
        rows[-1] = Content.assemble(last, " " * gap, palette)
        self._laid_out = (width, tuple(rows))
        return rows

    @staticmethod
    def _key(action: KeyAction) -> Content:
        dim = "" if action.enabled else " dim"
        return Content.from_markup(
            f"[@click=app.simulate_key({action.key!r})]"
            f"[bold $footer-key-foreground{dim}] {escape(action.display)} [/]"
            f"[$footer-description-foreground{dim}]{escape(action.description)}[/][/]"
        )

    def _palette(self) -> Content:
        if not self.app.ENABLE_COMMAND_PALETTE:
            return Content("")
        binding = Binding(self.app.COMMAND_PALETTE_BINDING, "command_palette")
        display = self.app.get_key_display(binding)
        return Content.from_markup(
            f"[@click=app.command_palette][bold $footer-key-foreground]{escape(display)}[/]"
            " palette [/]"
        )


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


def hanging_lines(
    button: Content, label: Content, hang: int, width: int, label_style: Style | str = ""
) -> list[Content]:
    """A toggle's button and label in ``width`` cells: the label wraps, and its later lines
    start under its text, ``hang`` cells past its start (past a ``1. `` for instance).

    As in Textual's toggle buttons, the label has a cell of padding each side, in its style.
    """
    prefix, body = label.divide([hang]) if hang else (Content(""), label)
    indent = button.cell_length + 1 + prefix.cell_length
    lines = body.wrap(max(1, width - indent - 1))
    padded = [Content.assemble(" ", prefix, lines[0], " ")] + [
        Content.assemble(" " * (1 + prefix.cell_length), line, " ") for line in lines[1:]
    ]
    styled = [line.stylize_before(label_style) if label_style else line for line in padded]
    return [button + styled[0], *(" " * button.cell_length + line for line in styled[1:])]


# Textual derives a widget's CSS type names (what ``query(Checkbox)`` and the default styles
# match) from its first widget base, so the mixin must not be one: type checkers see it as a
# ToggleButton, Python as a plain class.
_ToggleBase = ToggleButton if TYPE_CHECKING else object


class HangingLabel(_ToggleBase):
    """For toggle buttons: the label wraps onto more lines with a hanging indent (Textual's is
    cut to one line)."""

    def __init__(self, label: Content, *, hang: int = 0) -> None:
        super().__init__(label)
        self.hang = hang

    @property
    def _button(self) -> Content:
        """Picked or not by glyph, not only by colour (Textual draws ``X`` or ``●`` in both)."""
        button = super()._button
        if self.value:
            return button
        left, inner, right = button.divide([1, 2])
        return Content.assemble(left, Content(" ").stylize(inner.spans[0].style), right)

    def _lines(self, width: int) -> list[Content]:
        label_style = self.get_visual_style("toggle--label")
        return hanging_lines(self._button, self._label, self.hang, width, label_style)

    def render(self) -> Content:
        return Content("\n").join(self._lines(self.size.width))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))


class WrappingCheckbox(HangingLabel, Checkbox):
    """A checkbox whose label wraps with a hanging indent."""


class WrappingRadioButton(HangingLabel, RadioButton):
    """A radio button whose label wraps with a hanging indent."""
