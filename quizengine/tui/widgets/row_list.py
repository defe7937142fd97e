"""A list of one-line rows in fixed columns, under a header, drawn with Textual's line API.

The bank browser's list. Textual's DataTable drew it before: each cell rendered through a Rich
console, ~2 kB of default CSS parsed at start-up, and its height known only once idle, so the
first frame showed the list without its scrollbar and two more frames followed before a key was
read. This widget draws each line as one segment of text cut to the columns (a strip per row),
and knows its size as soon as it has rows: one frame, ~15 ms sooner (docs/tui.md, Start-up).

What it keeps of DataTable, as the browser used it: the header, zebra stripes, a row cursor
(↑ ↓ PgUp PgDn Home End; Enter or a click on the cursor's row selects, a click elsewhere moves
it), the row under the mouse highlighted, and DataTable's colours from the theme.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

CELL_PADDING = 1
"""Blank cells each side of a column's text."""
ONE_LINE = str.maketrans("\t\n\r", "   ")
"""A cell is one line: a tab or a line break in it is drawn as a space."""


def fit(text: str, width: int) -> str:
    """``text`` in exactly ``width`` terminal cells: padded with spaces, or cut with an
    ellipsis where it is longer."""
    text = text.translate(ONE_LINE)
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, max(0, width - 1)) + "…" if width > 0 else ""


def line_text(cells: Sequence[str], widths: Sequence[int]) -> str:
    """One row's text: each cell fitted to its column, with the padding around it (a missing
    cell is blank, one past the last column is not drawn)."""
    pad = " " * CELL_PADDING
    return "".join(
        f"{pad}{fit(cells[i] if i < len(cells) else '', width)}{pad}"
        for i, width in enumerate(widths)
    )


class RowList(ScrollView, can_focus=True):
    """Rows of plain text (never read as markup) in fixed-width columns, with a row cursor."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "row-list--header",
        "row-list--even-row",
        "row-list--cursor",
        "row-list--hover",
    }

    # DataTable's look, from the same theme variables.
    DEFAULT_CSS = """
    RowList {
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
            & > .row-list--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .row-list--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark > .row-list--even-row {
            background: $surface-darken-1 40%;
        }
        & > .row-list--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .row-list--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .row-list--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .row-list--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .row-list--hover {
            background: $block-hover-background;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,ctrl+home", "first", "First", show=False),
        Binding("end,ctrl+end", "last", "Last", show=False),
    ]

    class RowSelected(Message):
        """Enter on a row, or a click on the cursor's row."""

        def __init__(self, row_list: RowList, row: int) -> None:
            super().__init__()
            self.row_list = row_list
            self.row = row

        @property
        def control(self) -> RowList:
            return self.row_list

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._columns: tuple[tuple[str, int], ...] = ()
        self._rows: list[tuple[str, ...]] = []
        self._cursor = 0
        self._hover: int | None = None
        """The row under the mouse; None when there is none or keys moved the cursor since."""

    # -- contents ----------------------------------------------------------------------------
    @property
    def columns(self) -> tuple[tuple[str, int], ...]:
        """Each column's label and width in cells (the padding around it not counted)."""
        return self._columns

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def cursor_row(self) -> int:
        return self._cursor

    def get_row_at(self, row: int) -> list[str]:
        """The cells of ``row`` as given, before they were cut to their columns."""
        return list(self._rows[row])

    def set_columns(self, columns: Sequence[tuple[str, int]]) -> None:
        """New labels and widths; the rows stay (they are cut to the columns when drawn)."""
        self._columns = tuple(columns)
        self._contents_changed()

    def set_rows(self, rows: Sequence[Sequence[str]], cursor: int = 0) -> None:
        """Replace every row, with the cursor on row ``cursor``."""
        self._rows = [tuple(row) for row in rows]
        self._cursor = max(0, min(cursor, len(self._rows) - 1))
        self._hover = None
        self._contents_changed()
        self._scroll_to_cursor()

    def _contents_changed(self) -> None:
        width = sum(width + 2 * CELL_PADDING for _, width in self._columns)
        self.virtual_size = Size(width, len(self._rows) + 1)  # + the header
        if not self.size and self.is_attached:
            # Not laid out yet. Textual shows a scrollbar the rows need only in a second layout,
            # and the first frame is drawn without it, then again: rows that cannot fit on the
            # whole screen will need it, so it is there from the first layout.
            self.show_vertical_scrollbar = self.virtual_size.height > self.app.size.height
        self.refresh()

    # -- the cursor --------------------------------------------------------------------------
    @property
    def _page(self) -> int:
        """Rows in view below the header."""
        return max(1, self.scrollable_content_region.height - 1)

    def move_cursor(self, row: int) -> None:
        if not self._rows:
            return
        row = max(0, min(row, len(self._rows) - 1))
        if row != self._cursor or self._hover is not None:
            self._cursor = row
            self._hover = None
            self.refresh()
        self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        if self.scrollable_content_region.height <= 1:
            return  # not laid out yet: the view starts at the top
        top = round(self.scroll_y)
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False, force=True)
        elif self._cursor >= top + self._page:
            self.scroll_to(y=self._cursor - self._page + 1, animate=False, force=True)

    def action_cursor_up(self) -> None:
        self.move_cursor(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self._cursor + 1)

    def action_page_up(self) -> None:
        self.move_cursor(self._cursor - self._page)

    def action_page_down(self) -> None:
        self.move_cursor(self._cursor + self._page)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self._rows) - 1)

    def action_select_cursor(self) -> None:
        if self._rows:
            self.post_message(self.RowSelected(self, self._cursor))

    # -- the mouse ---------------------------------------------------------------------------
    def _row_at(self, event: events.MouseEvent) -> int | None:
        """The row under the mouse; None on the header or below the last row."""
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return None
        row = offset.y - 1 + round(self.scroll_y)
        return row if row < len(self._rows) else None

    def _on_mouse_move(self, event: events.MouseMove) -> None:
        row = self._row_at(event)
        if row != self._hover:
            self._hover = row
            self.refresh()

    def _on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()

    def _on_click(self, event: events.Click) -> None:
        row = self._row_at(event)
        if row is None:
            return
        event.stop()
        if row == self._cursor:
            self.post_message(self.RowSelected(self, row))
        else:
            self.move_cursor(row)
            self._hover = row

    # -- drawing -----------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x, scroll_y = self.scroll_offset
        base = self.rich_style
        if y == 0:
            cells: Sequence[str] = [label for label, _ in self._columns]
            style = base + self.get_component_rich_style("row-list--header")
        else:
            row = y - 1 + scroll_y
            if row >= len(self._rows):
                return Strip.blank(width, base)
            cells = self._rows[row]
            style = self._row_style(row, base)
        text = line_text(cells, [width for _, width in self._columns])
        strip = Strip([Segment(text, style)], cell_len(text))
        return strip.crop_extend(scroll_x, scroll_x + width, style)  # stripes span the width

    def _row_style(self, row: int, base: Style) -> Style:
        style = base + self.get_component_rich_style("row-list--even-row") if row % 2 == 0 else base
        if row == self._hover:
            style += self.get_component_rich_style("row-list--hover")
        if row == self._cursor:
            style += self.get_component_rich_style("row-list--cursor")
        return style
