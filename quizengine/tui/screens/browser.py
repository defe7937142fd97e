"""The bank browser: every question with its last result, a filter, and ways to start a quiz."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal, get_args

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from quizengine.bank.diagnostics import Diagnostic
from quizengine.bank.model import Difficulty, Question
from quizengine.practice.quiz import Quiz
from quizengine.safetext import shown
from quizengine.tui.widgets.controls import KeyBar, KeyedInput
from quizengine.tui.widgets.row_list import RowList
from quizengine.words import format_score, plural


@dataclass(frozen=True)
class Standing:
    """What the history knows about a question: the last score and when it is due again."""

    last_score: float | None = None
    due: dt.datetime | None = None


DIFFICULTIES = frozenset(get_args(Difficulty))
WORD = r"[^\W_]+"  # compiled on the first filter, not at start-up


def words_of(question: Question) -> set[str]:
    """The words a filter can match: of the title, id, topic and tags (``learning-rate`` gives
    ``learning`` and ``rate``), lowercase."""
    text = " ".join([question.title, question.id, question.topic or "", *question.tags])
    return set(re.findall(WORD, text.lower()))


def matches(question: Question, query: str) -> bool:
    """Every word of ``query`` must match (case-insensitive): ``#tag`` a tag's start; a
    difficulty (``easy``, ``medium``, ``hard``) the question's difficulty; any other word the
    start of a word of the title, id, topic or tags (``relu`` finds "ReLU's", ``hard`` does not
    find "hardware")."""
    tags = [tag.lower() for tag in question.tags]
    words: set[str] | None = None  # found on the first plain word (none at start-up)
    for word in query.lower().split():
        if word.startswith("#"):
            if not any(tag.startswith(word[1:]) for tag in tags):
                return False
        elif word in DIFFICULTIES:
            if question.difficulty != word:
                return False
        else:
            words = words_of(question) if words is None else words
            if not any(w.startswith(part) for part in re.findall(WORD, word) for w in words):
                return False
    return True


SortOrder = Literal["file", "due", "last"]
SORT_ORDERS: tuple[SortOrder, ...] = ("file", "due", "last")
SORT_NAMES = {"file": "", "due": "sorted by due date", "last": "sorted by last score"}


def sort_questions(
    questions: Sequence[Question], standings: Mapping[str, Standing], order: SortOrder
) -> list[Question]:
    """``due``: the soonest due first; ``last``: the lowest last score first. Questions the
    history knows nothing of come last, in file order (the sort is stable)."""
    if order == "file":
        return list(questions)
    never = (1, 0.0)

    def key(question: Question) -> tuple[int, float]:
        standing = standings.get(question.id)
        if standing is None:
            return never
        if order == "due":
            return never if standing.due is None else (0, standing.due.timestamp())
        return never if standing.last_score is None else (0, standing.last_score)

    return sorted(questions, key=key)


@dataclass(frozen=True)
class TagStanding:
    tag: str
    standing: float
    """The mean of the tag's answered questions' last scores."""
    answered: int


def weakest_tag(
    questions: Sequence[Question], standings: Mapping[str, Standing]
) -> TagStanding | None:
    """The tag whose answered questions have the lowest mean last score (more answered first
    on a tie, then by name); None when no tagged question was answered."""
    scores: dict[str, list[float]] = {}
    for question in questions:
        standing = standings.get(question.id)
        if standing is None or standing.last_score is None:
            continue
        for tag in question.tags:
            scores.setdefault(tag, []).append(standing.last_score)
    ranked = sorted(
        (TagStanding(tag, sum(v) / len(v), len(v)) for tag, v in scores.items()),
        key=lambda t: (t.standing, -t.answered, t.tag),
    )
    return ranked[0] if ranked else None


def due_label(due: dt.datetime | None, now: dt.datetime) -> str:
    """``now``, ``in 3d``, ``in 5h``, or empty when never answered."""
    if due is None:
        return ""
    seconds = (due - now).total_seconds()
    if seconds <= 0:
        return "now"
    if seconds < 3600:
        return f"in {max(1, int(seconds // 60))}m"
    if seconds < 86400:
        return f"in {int(seconds // 3600)}h"
    return f"in {int(seconds // 86400)}d"


FIXED_COLUMNS = (("Tags", 16), ("Level", 6), ("Last", 4), ("Due", 6))


class FilterInput(KeyedInput):
    """The filter box; Enter starts every question it shows."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.start_shown", "Start shown"),
        Binding("escape", "clear", "Clear filter", show=False),
        Binding("down", "screen.focus_table", "List", key_display="↓"),
    ]

    def action_clear(self) -> None:
        self.value = ""


class QuestionTable(RowList):
    """The questions; Enter starts the highlighted one alone."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.start_one", "Start one"),
        Binding("slash", "screen.focus_filter", "Filter", key_display="/"),
        Binding("q", "app.quit", "Quit"),
    ]

    def action_cursor_up(self) -> None:
        if self.cursor_row == 0:  # above the first row is the filter
            self.screen.query_one(FilterInput).focus()
        else:
            super().action_cursor_up()


class BrowserScreen(Screen[None]):
    """Pick what to practise."""

    HELP = """\
## Bank browser

Type to filter: every word must start a word of the title, id, topic or tags (`relu` finds
"ReLU's"); `#word` matches tags that start with it, and `easy`, `medium` or `hard` the difficulty.
**Enter** in the filter starts a quiz of every question shown; **↓** moves to the list, where
**Enter** starts one question alone. **Ctrl+T** steps the filter through the tags.

*Last* is your latest score and *Due* when the question is up for review: **Ctrl+B** sorts by
due date, then by last score (lowest first), then back to file order; **Ctrl+G** practises the
tag where you stand weakest; **Ctrl+R** reviews the questions due now; **Ctrl+S** shows your
statistics. **Ctrl+O** resumes a quiz left with Esc.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+o", "resume", "Resume"),
        Binding("ctrl+t", "next_tag", "Tags"),
        Binding("ctrl+b", "sort", "Sort"),
        Binding("ctrl+g", "weakest", "Weakest"),
        Binding("ctrl+r", "review", "Review"),
        Binding("ctrl+s", "app.stats", "Stats"),
        Binding("ctrl+q", "app.quit", "Quit"),
    ]

    class Start(Message):
        """Start a quiz on these questions."""

        def __init__(self, questions: list[Question], kind: str = "quiz") -> None:
            super().__init__()
            self.questions = questions
            self.kind = kind
            """"quiz", or "review" for the questions due (the history keeps the difference)."""

    class Resume(Message):
        """Go back to the quiz left with Esc."""

    def __init__(
        self,
        questions: Sequence[Question],
        diagnostics: Sequence[Diagnostic] = (),
        standings: Mapping[str, Standing] | None = None,
        *,
        now: dt.datetime,
        nothing_loaded: str = "no question loaded: give files or folders of question files",
    ) -> None:
        """``nothing_loaded``: what to say when ``questions`` is empty (which folder held none)."""
        super().__init__()
        self.questions = list(questions)
        self.nothing_loaded = nothing_loaded
        self.errors = [d for d in diagnostics if d.severity == "error"]
        self.standings = dict(standings or {})
        self.now = now
        self.shown: list[Question] = []
        self.tags = sorted({tag for q in self.questions for tag in q.tags})
        self.title_width = 36
        self._paused: Quiz | None = None
        self.order: SortOrder = "file"

    @property
    def paused(self) -> Quiz | None:
        """The quiz left with Esc, which Ctrl+O resumes."""
        return self._paused

    @paused.setter
    def paused(self, quiz: Quiz | None) -> None:
        self._paused = quiz
        if self.is_mounted:
            self._show_counts()
            self.refresh_bindings()

    def compose(self) -> ComposeResult:
        yield Static(id="counts")
        yield FilterInput(
            placeholder="Type to filter (#tag for a tag)…",
            id="filter",
            compact=True,
        )
        yield QuestionTable(id="questions")
        if self.errors:
            with VerticalScroll(id="load-errors"):
                yield Static(self._errors_content())
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(FilterInput).focus()
        # Filled now, at the terminal's width, so the first frame already shows the questions;
        # waiting for the first Resize cost two more frames (~60 ms) before the list appeared.
        self._lay_out_columns(self.app.size.width)
        self._refill(self.query_one(FilterInput).value)

    def on_resize(self, event: events.Resize) -> None:
        self._lay_out_columns(event.size.width)

    def _lay_out_columns(self, screen_width: int) -> None:
        """The title takes the width the other columns leave (36 cells at 80 columns)."""
        fixed = sum(width for _, width in FIXED_COLUMNS)
        padding = 2 * (len(FIXED_COLUMNS) + 1) + 2  # a cell each side of a column, a scrollbar
        title_width = max(16, screen_width - fixed - padding)
        table = self.query_one(QuestionTable)
        if table.columns and title_width == self.title_width:
            # Start-up alone brings four resizes (the height settles, the screen is pushed);
            # redrawing the table each time made the browser draw it three times over.
            return
        self.title_width = title_width
        # The rows stay: the list cuts them to the columns as it draws them.
        table.set_columns([("Title", self.title_width), *FIXED_COLUMNS])

    def update_standings(self, standings: Mapping[str, Standing], now: dt.datetime) -> None:
        """New results from the history (after a quiz): redraw the Last and Due columns."""
        self.standings = dict(standings)
        self.now = now
        self._refill(self.query_one(FilterInput).value)
        self.refresh_bindings()  # "Review due" appears once something is due

    def _errors_content(self) -> Content:
        files = len({d.path for d in self.errors})
        head = f"{files} file{'s' if files != 1 else ''} failed to load:\n"
        return Content.assemble((head, "bold $error"), "\n".join(str(d) for d in self.errors))

    def _refill(self, query: str) -> None:
        table = self.query_one(QuestionTable)
        highlighted = (
            self.shown[table.cursor_row].id if 0 <= table.cursor_row < len(self.shown) else None
        )
        ordered = sort_questions(self.questions, self.standings, self.order)
        self.shown = [q for q in ordered if matches(q, query)]
        rows = []
        for question in self.shown:
            standing = self.standings.get(question.id, Standing())
            last = "" if standing.last_score is None else format_score(standing.last_score)
            rows.append(
                (
                    shown(question.title),  # authors' text, drawn as written (never markup)
                    shown(", ".join(question.tags)),
                    question.difficulty,
                    last,
                    due_label(standing.due, self.now),
                )
            )
        ids = [q.id for q in self.shown]
        # The learner's place is kept when the list is redrawn.
        table.set_rows(rows, cursor=ids.index(highlighted) if highlighted in ids else 0)
        self._show_counts()

    def _show_counts(self) -> None:
        total = len(self.questions)
        counts = (
            f" · {len(self.shown)} of {plural(total, 'question')} shown"
            if total
            else f" · {self.nothing_loaded}"
        )
        order = SORT_NAMES[self.order]
        sort = f" · {order}" if order else ""
        paused = (
            Content.assemble(
                " · ", (f"quiz paused at {self._paused.progress} (Ctrl+O)", "$text-warning")
            )
            if self._paused is not None
            else ""
        )
        self.query_one("#counts", Static).update(
            Content.assemble(("quizengine", "bold"), counts, sort, paused)
        )

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._refill(event.value)

    def action_start_shown(self) -> None:
        if not self.questions:
            self.notify(f"There is no question to take: {self.nothing_loaded}.", severity="warning")
            return
        if not self.shown:
            self.notify("No question matches the filter.", severity="warning")
            return
        self.post_message(self.Start(list(self.shown)))

    def action_start_one(self) -> None:
        table = self.query_one(QuestionTable)
        if self.shown:
            self.post_message(self.Start([self.shown[table.cursor_row]]))

    @on(RowList.RowSelected, "#questions")
    def _row_selected(self, event: RowList.RowSelected) -> None:
        event.stop()  # a mouse click or Enter on a row: start that question
        self.action_start_one()

    def due_questions(self) -> list[Question]:
        """Questions whose review date has come, most overdue first."""
        due = [
            (standing.due, i, q)
            for i, q in enumerate(self.questions)
            if (standing := self.standings.get(q.id)) and standing.due and standing.due <= self.now
        ]
        return [q for _, _, q in sorted(due)]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "review":
            return bool(self.due_questions())
        if action == "resume":
            return self._paused is not None
        if action == "weakest":
            return weakest_tag(self.questions, self.standings) is not None
        return True

    def action_sort(self) -> None:
        """File order, then by due date, then by last score, and round again."""
        self.order = SORT_ORDERS[(SORT_ORDERS.index(self.order) + 1) % len(SORT_ORDERS)]
        self._refill(self.query_one(FilterInput).value)

    def action_weakest(self) -> None:
        weakest = weakest_tag(self.questions, self.standings)
        if weakest is None:
            return
        questions = [q for q in self.questions if weakest.tag in q.tags]
        self.notify(
            f"Practising #{weakest.tag}: your standing there is {weakest.standing:.0%}.",
            title="Weakest tag",
        )
        self.post_message(self.Start(questions))

    def action_resume(self) -> None:
        self.post_message(self.Resume())

    def action_review(self) -> None:
        self.post_message(self.Start(self.due_questions(), kind="review"))

    def action_focus_table(self) -> None:
        if self.shown:
            self.query_one(QuestionTable).focus()

    def action_focus_filter(self) -> None:
        self.query_one(FilterInput).focus()

    def action_next_tag(self) -> None:
        """Step the filter through ``#tag`` for each tag, then back to everything."""
        if not self.tags:
            self.notify("No question has tags.", severity="warning")
            return
        filter_input = self.query_one(FilterInput)
        current = filter_input.value.strip()
        choices = [f"#{tag}" for tag in self.tags] + [""]
        following = (
            choices[(choices.index(current) + 1) % len(choices)]
            if current in choices
            else choices[0]
        )
        filter_input.value = following
        filter_input.cursor_position = len(following)
