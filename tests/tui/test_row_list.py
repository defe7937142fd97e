"""The browser's list (RowList): cut cells, the cursor's keys and scrolling, the mouse."""

from __future__ import annotations

from textual.app import App, ComposeResult

from quizengine.tui.widgets.row_list import RowList, fit, line_text

COLUMNS = [("Name", 8), ("N", 3)]
ROWS = [(f"row {i}", str(i)) for i in range(40)]


class ListApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.selected: list[int] = []

    def compose(self) -> ComposeResult:
        yield RowList()

    def on_mount(self) -> None:
        rows = self.query_one(RowList)
        rows.set_columns(COLUMNS)
        rows.set_rows(ROWS)
        rows.focus()

    def on_row_list_row_selected(self, message: RowList.RowSelected) -> None:
        self.selected.append(message.row)


def test_cells_are_fitted_to_their_columns() -> None:
    assert fit("abc", 5) == "abc  "
    assert fit("abcdef", 5) == "abcd…"
    assert fit("日本語", 4) == "日 …"  # a wide character is not cut in half
    assert fit("a\tb\nc", 5) == "a b c"  # one line: a tab or a break is a space
    assert line_text(["x", "long text"], [3, 4]) == " x    lon… "
    assert line_text(["x"], [1, 2]) == " x     "  # a missing cell is blank


async def test_the_cursor_moves_and_the_view_follows_it() -> None:
    app = ListApp()
    async with app.run_test(size=(20, 10)) as pilot:
        rows = app.query_one(RowList)
        assert rows.show_vertical_scrollbar  # 41 lines in 10: from the first frame
        await pilot.press("down", "down")
        assert rows.cursor_row == 2
        await pilot.press("pagedown")  # a page is the rows under the header: 9
        assert rows.cursor_row == 11
        await pilot.pause()
        assert rows.scroll_y == 11 - 9 + 1  # the cursor's row is the last in view
        assert "row 11" in rows.render_line(9).text
        assert "Name" in rows.render_line(0).text  # the header stays
        await pilot.press("end")
        assert rows.cursor_row == 39
        await pilot.press("home", "up")
        assert (rows.cursor_row, rows.scroll_y) == (0, 0)
        await pilot.press("down", "enter")
        assert app.selected == [1]


async def test_a_click_moves_the_cursor_and_a_second_selects() -> None:
    app = ListApp()
    async with app.run_test(size=(20, 10)) as pilot:
        rows = app.query_one(RowList)
        await pilot.click(RowList, offset=(2, 3))  # the header, then rows 0, 1, 2
        assert (rows.cursor_row, app.selected) == (2, [])
        await pilot.click(RowList, offset=(2, 3))
        assert app.selected == [2]
        await pilot.click(RowList, offset=(2, 0))  # the header selects nothing
        assert (rows.cursor_row, app.selected) == (2, [2])


async def test_new_rows_keep_the_cursor_in_range() -> None:
    app = ListApp()
    async with app.run_test(size=(20, 10)) as pilot:
        rows = app.query_one(RowList)
        await pilot.press("end")
        rows.set_rows(ROWS[:3], cursor=rows.cursor_row)
        assert (rows.row_count, rows.cursor_row) == (3, 2)
        assert rows.get_row_at(2) == ["row 2", "2"]
        rows.set_rows([])
        await pilot.press("down", "enter")  # nothing to move to or select
        assert (rows.cursor_row, app.selected) == (0, [])
