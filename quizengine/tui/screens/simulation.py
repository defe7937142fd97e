"""The simulation panel: run a question's experiment, read its metrics, claims and main plot.

The run happens in a thread worker (numpy releases the GIL, so the UI stays responsive); the
form on the left changes the parameters and the comparison, and ``r`` runs again.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import (
    Button,
    DataTable,
    Input,
    Label,
    Markdown,
    Select,
    Static,
    TabbedContent,
    TabPane,
)
from textual.worker import Worker, WorkerState
from textual_plotext import PlotextPlot

from quizengine.bank.model import SimLink
from quizengine.lab.axes import (
    linear_points,
    log_points,
    plot_axes,
    plotted_names,
    x_values,
)
from quizengine.lab.experiments import (
    ParamSpec,
    SimRun,
    config_label,
    default_comparison,
    describe,
    format_overrides,
    format_value,
    parse_overrides,
)
from quizengine.lab.runner import RunCancelled, SimulationProcess
from quizengine.tui.widgets.controls import KeyBar, KeyedInput

COMPARE = "compare"
NARROW = 80
"""Below this many columns the form starts hidden, so that the plot keeps its width."""
# This run and the comparison: plotext marker, the legend's glyph, colour (Okabe-Ito blue and
# orange, apart for colour-blind eyes too). Braille against block dots: told apart even where
# a narrow plot draws them over each other.
LINE_STYLES: tuple[tuple[str, str, tuple[int, int, int]], ...] = (
    ("braille", "⣿", (86, 180, 233)),
    ("•", "•", (230, 159, 0)),
)


class FormInput(KeyedInput):
    """A parameter box: Enter runs, and ? stays the help key."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "screen.run", "Run", show=False)]


def cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def link_labels(links: Sequence[SimLink], width: int = 26) -> list[str]:
    """A line per link for the picker, each different from the others: what the link decides
    (or "run"), then only the parameters that tell it apart from the other links (the values
    alone when the names do not fit); a number is added where the cut still leaves two alike."""
    keys = {k for link in links for k in link.params}
    differing = [
        k for k in sorted(keys) if len({link.params.get(k) for link in links}) > 1
    ] or sorted(keys)
    labels = []
    for link in links:
        head = f"{link.target or 'run'}: "
        pairs = [(k, link.params[k]) for k in differing if k in link.params]
        named = " ".join(f"{k}={v}" for k, v in pairs)
        tail = named if len(head + named) <= width else " ".join(v for _, v in pairs)
        labels.append(cut(head + (tail or link.simulation), width))
    alike = Counter(labels)
    seen: Counter[str] = Counter()
    distinct = []
    for label in labels:
        if alike[label] > 1:
            seen[label] += 1
            suffix = f" ({seen[label]})"
            label = cut(label, width - len(suffix)) + suffix
        distinct.append(label)
    return distinct


def short_label(label: str, width: int = 10) -> str:
    """``activation=relu init=he`` → ``relu he``, cut to ``width``."""
    return cut(" ".join(part.partition("=")[2] or part for part in label.split()), width)


def claims_markdown(run: SimRun, target: str | None) -> str:
    """Each claim's verdict (and the comparison's), the link's own claim first and marked."""
    other = run.comparison
    claims = sorted(run.result.claims, key=lambda c: c.id != target)
    lines = []
    for claim in claims:
        verdict = "✓ holds" if claim.holds else "✗ fails"
        mark = " ← this link's claim" if claim.id == target else ""
        lines.append(f"- **{verdict}** `{claim.id}`{mark}  \n  {claim.statement}")
        if other is not None:
            try:
                twin = other.claim(claim.id)
            except KeyError:
                continue
            lines.append(
                f"  \n  *with {format_overrides(run.overrides)}: "
                f"{'✓ holds' if twin.holds else '✗ fails'}*"
            )
    lines += [f"\n> {note}" for note in run.result.notes]
    return "\n".join(lines) or "This experiment decides no claims."


class SimulationScreen(Screen[None]):
    """See it run."""

    HELP = """\
## Simulation

The experiment behind the question runs with the link's parameters, and again with one thing
changed (the *compare* field, e.g. `activation=relu`) so both show side by side. **Plot** draws the
main series (log scale: one tick per power of ten), **Metrics** the numbers, **Claims** what the
experiment decides; **t** switches between them. Change a field (**e** shows or hides the form)
and press **Enter** or **r** to run again; **c** cancels a run going on; **v** plots the next
series; **Esc** goes back.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "run", "Run"),
        Binding("c", "cancel", "Cancel"),
        Binding("t", "next_tab", "Tab"),
        Binding("v", "next_series", "Series"),
        Binding("e", "toggle_form", "Form"),
        Binding("escape,b", "back", "Back", key_display="esc"),
    ]

    def __init__(self, link: SimLink, links: Sequence[SimLink] = (), seed: int = 0) -> None:
        super().__init__()
        self.links: list[SimLink] = []  # the opened one first, each address once
        for candidate in (link, *links):
            if candidate.href not in {k.href for k in self.links}:
                self.links.append(candidate)
        self.link = link
        self.seed = seed
        self.specs: list[ParamSpec] = []
        self.preferred: dict[str, str] = {}
        """The experiment's own default comparison (see lab.experiments.Description)."""
        self.form_for: str | None = None
        self.last: SimRun | None = None
        self.series_index = 0
        self.started = 0.0
        self.process = SimulationProcess()
        self.cancelled = threading.Event()
        """Set to stop the run going on (a new run gets a fresh event)."""

    def compose(self) -> ComposeResult:
        yield Static(id="sim-status")
        if len(self.links) > 1:  # across the screen: the labels need the width to differ
            width = max(26, self.app.size.width - 8)
            yield Select(
                [(label, i) for i, label in enumerate(link_labels(self.links, width))],
                value=0,
                allow_blank=False,
                compact=True,
                id="sim-link",
            )
        with Horizontal(id="sim-main"):
            with VerticalScroll(id="sim-form"):
                yield Horizontal(id="sim-fields")
                with Horizontal(classes="sim-row"):
                    yield Label(COMPARE, classes="sim-label", id="sim-compare-label")
                    yield FormInput(id="sim-compare", compact=True, placeholder="key=value")
                yield Button("Run (r)", id="sim-run", compact=True, variant="primary")
            with TabbedContent(id="sim-results"):
                with TabPane("Plot", id="tab-plot"):
                    yield PlotextPlot(id="sim-plot")
                    yield Static(id="sim-legend")
                with TabPane("Metrics", id="tab-metrics"):
                    yield DataTable(id="sim-metrics", cursor_type="row", zebra_stripes=True)
                with TabPane("Claims", id="tab-claims"), VerticalScroll():
                    yield Markdown(id="sim-claims", open_links=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#sim-fields").display = False
        # A narrow terminal gives the plot the width: e shows the form.
        self.query_one("#sim-form").display = self.app.size.width >= NARROW
        self.set_interval(0.2, self._tick)
        self._start(dict(self.link.params), None)

    # -- running ---------------------------------------------------------------------------
    def _start(self, values: dict[str, str], overrides: dict[str, str] | None) -> None:
        self.cancelled.set()  # a run still going on stops: this one replaces it
        self.cancelled = threading.Event()
        self.started = time.monotonic()
        self.query_one("#sim-results").loading = True
        self.refresh_bindings()
        self._tick()
        self.simulate(self.link.simulation, values, overrides, self.cancelled)

    @property
    def running(self) -> bool:
        return bool(self.query_one("#sim-results").loading)

    def _tick(self) -> None:
        if self.query_one("#sim-results").loading:
            elapsed = time.monotonic() - self.started
            self.query_one("#sim-status", Static).update(
                f"Running {self.link.simulation}… {elapsed:.1f} s"
            )

    @work(thread=True, exclusive=True, group="simulation", exit_on_error=False)
    def simulate(
        self,
        name: str,
        values: dict[str, str],
        overrides: dict[str, str] | None,
        cancelled: threading.Event,
    ) -> SimRun:
        if self.form_for != name:
            described = describe(name)
            self.preferred = described.comparison
            self.app.call_from_thread(
                self._build_form, name, described.summary, described.params, values
            )
        if overrides is None:  # the first run of a link: the experiment's own comparison
            overrides = default_comparison(self.specs, values, self.preferred)
            self.app.call_from_thread(self._set_compare, overrides)
        return self.process.run(name, values, overrides, self.seed, cancelled)

    def _set_compare(self, overrides: dict[str, str]) -> None:
        self.query_one("#sim-compare", FormInput).value = format_overrides(overrides)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "simulation":
            return
        if event.state == WorkerState.SUCCESS:
            self.query_one("#sim-results").loading = False
            self.refresh_bindings()
            run = event.worker.result
            assert isinstance(run, SimRun)
            self._show(run)
        elif event.state == WorkerState.ERROR and isinstance(event.worker.error, RunCancelled):
            pass  # replaced by a newer run, or cancelled: action_cancel said so
        elif event.state == WorkerState.ERROR:
            self.query_one("#sim-results").loading = False
            self.refresh_bindings()
            message = str(event.worker.error) or type(event.worker.error).__name__
            self.query_one("#sim-status", Static).update(
                Content.assemble(("Could not run: ", "bold $error"), message)
            )
            self.notify(message, title="Simulation failed", severity="error", timeout=8)

    def action_run(self) -> None:
        try:
            overrides = parse_overrides(self.query_one("#sim-compare", FormInput).value)
        except ValueError as error:
            self.notify(str(error), severity="error")
            return
        self._start(self._form_values(), overrides)

    @on(Button.Pressed, "#sim-run")
    def _run_pressed(self) -> None:
        self.action_run()

    @on(Select.Changed, "#sim-link")
    def _link_changed(self, event: Select.Changed) -> None:
        link = self.links[int(str(event.value))]
        if link.href == self.link.href:
            return
        self.link = link
        self._start(dict(link.params), None)

    # -- the form --------------------------------------------------------------------------
    def _build_form(
        self, name: str, summary: str, specs: list[ParamSpec], values: dict[str, str]
    ) -> None:
        self.specs, self.form_for = specs, name
        self.query_one("#sim-status", Static).update(f"{name}: {summary}")
        fields = self.query_one("#sim-fields")
        fields.remove_children()
        # Labels as wide as the longest name (never "baseline_l"), the form as wide as they need.
        label_width = max(len(COMPARE), *(len(spec.name) for spec in specs)) + 2
        self.query_one("#sim-compare-label").styles.width = label_width
        self.query_one("#sim-form").styles.width = label_width + 20
        rows = []
        for spec in specs:
            value = values.get(spec.name, spec.default)
            if spec.kind == "choice":
                widget: Select[str] | FormInput = Select(
                    [(o, o) for o in spec.options],
                    value=value if value in spec.options else spec.options[0],
                    allow_blank=False,
                    compact=True,
                    id=f"param-{spec.name}",
                )
            else:
                widget = FormInput(
                    value,
                    compact=True,
                    id=f"param-{spec.name}",
                    type={"int": "integer", "float": "number"}.get(spec.kind, "text"),
                )
            widget.tooltip = spec.description or None
            label = Label(spec.name, classes="sim-label")
            label.styles.width = label_width
            rows.append(Horizontal(label, widget, classes="sim-row"))
        fields.mount_all(rows)
        fields.display = True

    def _form_values(self) -> dict[str, str]:
        values = {}
        for spec in self.specs:
            widget = self.query_one(f"#param-{spec.name}")
            value = widget.value if isinstance(widget, Select | Input) else None
            if isinstance(value, str) and value != "":
                values[spec.name] = value
        return values

    # -- results ---------------------------------------------------------------------------
    def _labels(self, run: SimRun) -> tuple[str, str]:
        """Names of the two configurations: their values of the keys the comparison changes."""
        keys = list(run.overrides)
        other = config_label(run.comparison.params, keys) if run.comparison else ""
        return config_label(run.result.params, keys), other

    def _show(self, run: SimRun) -> None:
        self.last = run
        this, other = self._labels(run)
        compared = f": {this} vs {other}" if other else ""
        # The time the learner waited (the child's own run.seconds leaves out its start).
        waited = time.monotonic() - self.started
        self.query_one("#sim-status", Static).update(
            Content.assemble(
                (run.name, "bold"), f"{compared} · seed {run.result.seed} · {waited:.1f} s"
            )
        )
        self._plot()
        table = self.query_one("#sim-metrics", DataTable)
        table.clear(columns=True)
        # Every metric name whole (the table scrolls sideways when the panel is narrow).
        table.add_column("metric", width=max(6, *(len(n) for n in run.result.metrics)))
        # Headed by the changed values alone ("sigmoid", "relu"); the status line names the keys.
        table.add_column(short_label(this, 16), width=max(10, len(short_label(this, 16))))
        if run.comparison is not None:
            table.add_column(short_label(other, 16), width=max(10, len(short_label(other, 16))))
        for name, value in run.result.metrics.items():
            row = [name, format_value(value)]
            if run.comparison is not None:
                twin = run.comparison.metrics.get(name)
                row.append("" if twin is None else format_value(twin))
            table.add_row(*row)
        self.query_one("#sim-claims", Markdown).update(claims_markdown(run, self.link.target))

    def _plot(self) -> None:
        run = self.last
        if run is None:
            return
        names = plotted_names(run.result.series, run.main_series)
        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        legend = self.query_one("#sim-legend", Static)
        if not names:
            plt.title("no series to plot")
            legend.update("")
            plot.refresh()
            return
        name = names[self.series_index % len(names)]
        this, other = self._labels(run)
        lines = [(this, run.result)]
        if run.comparison is not None:
            lines.append((other, run.comparison))
        all_xs: list[float] = []
        all_ys: list[float] = []
        real_x = False
        keys = []
        for (label, result), (marker, glyph, colour) in zip(lines, LINE_STYLES, strict=False):
            values = result.series.get(name, [])
            given_x = x_values(result.series, name)
            real_x = real_x or given_x is not None
            # Log scale drawn as log10 with decade ticks: plotext's own log axis misdraws.
            points = log_points if run.log_scale else linear_points
            xs, ys = points(values, given_x)
            all_xs += xs
            all_ys += ys
            if xs:  # no plotext legend: it covers the top left of the data
                plt.plot(xs, ys, marker=marker, color=colour)
            keys.append(Content.assemble((f"{glyph} ", f"bold rgb{colour}"), label))
        legend.update(Content("   ").join(keys))
        self._axes(plt, all_xs, all_ys, log=run.log_scale, real_x=real_x)
        plt.title(f"{name}{' (log)' if run.log_scale else ''}")
        plot.refresh()

    def _axes(self, plt: Any, xs: list[float], ys: list[float], *, log: bool, real_x: bool) -> None:
        """A y range holding the data with a margin, ticks as many as the height allows (one
        per power of ten on a log axis), the x axis in the experiment's own values."""
        if not ys:
            return
        # The plot's rows: the screen's less the status, picker, tabs, title, x axis, legend and
        # footer (the plot's own size is not laid out yet when a run lands on a hidden tab).
        axes = plot_axes(xs, ys, log=log, real_x=real_x, rows=max(4, self.size.height - 11))
        plt.ylim(*axes.y_range)
        plt.yticks(axes.y_ticks, axes.y_labels)
        plt.xticks(axes.x_ticks, axes.x_labels)

    def action_next_tab(self) -> None:
        tabs = self.query_one(TabbedContent)
        panes = [pane.id for pane in tabs.query(TabPane) if pane.id]
        tabs.active = panes[(panes.index(tabs.active) + 1) % len(panes)]

    def action_toggle_form(self) -> None:
        form = self.query_one("#sim-form")
        form.display = not form.display

    def action_next_series(self) -> None:
        self.series_index += 1
        self._plot()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.running
        return True

    def action_cancel(self) -> None:
        """Stop the run going on: its process is killed, the last results stay."""
        if not self.running:
            return
        self.cancelled.set()
        self.workers.cancel_group(self, "simulation")
        self.query_one("#sim-results").loading = False
        self.refresh_bindings()
        elapsed = time.monotonic() - self.started
        self.query_one("#sim-status", Static).update(
            Content.assemble(
                (f"{self.link.simulation}: cancelled after {elapsed:.1f} s", "bold $warning"),
                " · r runs it again"
                + (" · the results shown are the last run's" if self.last else ""),
            )
        )

    def action_back(self) -> None:
        self.cancelled.set()  # the run's process is killed; its result would be dropped
        self.workers.cancel_group(self, "simulation")
        self.process.close()
        self.dismiss()

    def on_unmount(self) -> None:
        self.cancelled.set()
        self.process.close()
