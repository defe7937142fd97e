"""The statistics screen: where the learner stands, per tag and topic, and the trend.

The same figures as ``quizengine stats`` (quizengine.history.stats), computed in a thread:
scheduling replays every answer through FSRS, which must not freeze the UI.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot

from quizengine.bank.model import Question
from quizengine.history.records import HistoryError, utc_now
from quizengine.history.stats import Area, Summary, summarize
from quizengine.history.store import HistoryStore
from quizengine.safetext import shown
from quizengine.tui.widgets.controls import KeyBar, plain_cell
from quizengine.words import percent, plural


class StatsScreen(Screen[None]):
    """Accuracy and standing per tag and topic, weakest areas, the trend, what is due."""

    HELP = """\
## Statistics

**Accuracy** is your mean score over every answer; **standing** the mean of each question's
latest score, where you stand now. The weakest areas are the tags and topics with the lowest
standing (at least 3 answers). The plot shows accuracy per day (per week for long histories).
**b** goes back.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b,escape", "back", "Back", key_display="b"),
        Binding("q", "app.quit", "Quit"),
    ]

    DEFAULT_CSS = """
    StatsScreen #stats-body { height: 1fr; }
    StatsScreen #stats-headline, StatsScreen #stats-weakest { padding: 0 1; height: auto; }
    StatsScreen DataTable { height: auto; max-height: 12; margin: 1 0 0 0; }
    StatsScreen PlotextPlot { height: 14; margin: 1 0 0 0; }
    """

    def __init__(
        self,
        store: HistoryStore,
        questions: Sequence[Question],
        *,
        clock: Callable[[], dt.datetime] = utc_now,
        tz: dt.tzinfo | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.questions = list(questions)
        self.clock = clock
        self.tz = tz or dt.datetime.now().astimezone().tzinfo or dt.UTC
        self.summary: Summary | None = None

    def compose(self) -> ComposeResult:
        # The status line and key bar every other screen has (not Textual's Header and Footer).
        yield Static(Content.styled("Statistics", "bold"), id="status")
        with VerticalScroll(id="stats-body"):
            yield Static("Reading your history…", id="stats-headline")
            yield DataTable(id="stats-by-tag", cursor_type="row", zebra_stripes=True)
            yield DataTable(id="stats-by-topic", cursor_type="row", zebra_stripes=True)
            yield Static("", id="stats-weakest")
            yield PlotextPlot(id="stats-trend")
        yield KeyBar()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        try:
            records = self.store.answers()
            due = len(self.store.due(self.questions, self.clock()))
        except HistoryError as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        summary = summarize(records, self.questions, due, self.tz)
        self.app.call_from_thread(self.show_summary, summary)

    def _failed(self, message: str) -> None:
        self.query_one("#stats-headline", Static).update(f"Cannot read the history: {message}")

    def show_summary(self, summary: Summary) -> None:
        self.summary = summary
        self.query_one("#stats-headline", Static).update(headline(summary))
        for kind, rows in (("tag", summary.by_tag), ("topic", summary.by_topic)):
            table = self.query_one(f"#stats-by-{kind}", DataTable)
            fill_table(table, kind.capitalize(), rows)
            table.display = bool(rows)
        weakest = ", ".join(f"{a.name} ({a.kind}, {percent(a.standing)})" for a in summary.weakest)
        self.query_one("#stats-weakest", Static).update(
            Content(shown(f"Weakest: {weakest}")) if weakest else ""
        )
        plot = self.query_one(PlotextPlot)
        plot.display = len(summary.trend) >= 2
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        plt.date_form("Y-m-d")
        plt.plot(
            [p.start.isoformat() for p in summary.trend],
            [100 * p.accuracy for p in summary.trend],
            marker="braille",
        )
        plt.ylim(0, 100)
        plt.title(f"accuracy (%) per {summary.period}")
        plot.refresh()
        self.query_one("#stats-by-tag", DataTable).focus()

    def action_back(self) -> None:
        self.dismiss()


def headline(summary: Summary) -> Content:
    if not summary.answers:
        return Content(f"No answers recorded yet: {plural(summary.new, 'question')} to discover.")
    return Content.assemble(
        ("Accuracy ", "bold"),
        (percent(summary.accuracy), "bold $accent"),
        " · standing ",
        (percent(summary.standing), "bold $accent"),
        f" · {plural(summary.answers, 'answer')} to "
        f"{plural(summary.questions_answered, 'question')}",
        f" · {round(summary.seconds / 60)} min",
        "\n",
        ("Due now ", "bold"),
        str(summary.due),
        f" · never answered {summary.new}",
    )


NAME_WIDTH = 28
"""Cells of the tag and topic columns."""


def fill_table(table: DataTable[str], title: str, rows: Sequence[Area]) -> None:
    table.clear(columns=True)
    table.add_column(title, width=NAME_WIDTH)
    table.add_columns("Answers", "Questions", "Accuracy", "Standing")
    for area in rows:
        table.add_row(
            plain_cell(area.name, NAME_WIDTH),
            str(area.answers),
            str(area.questions),
            percent(area.accuracy),
            percent(area.standing),
        )
