"""The simulation panel: run a question's experiment, read its metrics, claims and main plot.

The run happens in a thread worker (numpy releases the GIL, so the UI stays responsive); the
form on the left changes the parameters and the comparison, and ``r`` runs again.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import ClassVar

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
from quizengine.lab.axes import decade_ticks, index_ticks, log_points
from quizengine.lab.cache import ResultCache
from quizengine.lab.experiments import (
    ParamSpec,
    SimRun,
    config_label,
    default_comparison,
    describe,
    format_overrides,
    format_value,
    parse_overrides,
    run_simulation,
)
from quizengine.tui.widgets.controls import KeyBar, KeyedInput

COMPARE = "compare"


class FormInput(KeyedInput):
    """A parameter box: Enter runs, and ? stays the help key."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "screen.run", "Run", show=False)]


def link_label(link: SimLink, width: int = 26) -> str:
    """One line for the link picker: what the link decides (or "run"), then its parameters."""
    params = " ".join(f"{k}={v}" for k, v in link.params.items())
    text = f"{link.target or 'run'}: {params or link.simulation}"
    return text if len(text) <= width else text[: width - 1] + "…"


def short_label(label: str, width: int = 10) -> str:
    """``activation=relu init=he`` → ``relu he``, cut to ``width``."""
    text = " ".join(part.partition("=")[2] or part for part in label.split())
    return text if len(text) <= width else text[: width - 1] + "…"


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
experiment decides; **t** switches between them. Change a field and press **Enter** or **r** to run
again; **v** plots the next series; **Esc** goes back.
"""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "run", "Run"),
        Binding("t", "next_tab", "Tab"),
        Binding("v", "next_series", "Series"),
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

    def compose(self) -> ComposeResult:
        yield Static(id="sim-status")
        with Horizontal(id="sim-main"):
            with VerticalScroll(id="sim-form"):
                if len(self.links) > 1:
                    yield Select(
                        [(link_label(k), i) for i, k in enumerate(self.links)],
                        value=0,
                        allow_blank=False,
                        compact=True,
                        id="sim-link",
                    )
                yield Horizontal(id="sim-fields")
                with Horizontal(classes="sim-row"):
                    yield Label("compare", classes="sim-label")
                    yield FormInput(id="sim-compare", compact=True, placeholder="key=value")
                yield Button("Run (r)", id="sim-run", compact=True, variant="primary")
            with TabbedContent(id="sim-results"):
                with TabPane("Plot", id="tab-plot"):
                    yield PlotextPlot(id="sim-plot")
                with TabPane("Metrics", id="tab-metrics"):
                    yield DataTable(id="sim-metrics", cursor_type="row", zebra_stripes=True)
                with TabPane("Claims", id="tab-claims"), VerticalScroll():
                    yield Markdown(id="sim-claims", open_links=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#sim-fields").display = False
        self.set_interval(0.2, self._tick)
        self._start(dict(self.link.params), None)

    # -- running ---------------------------------------------------------------------------
    def _start(self, values: dict[str, str], overrides: dict[str, str] | None) -> None:
        self.started = time.monotonic()
        self.query_one("#sim-results").loading = True
        self._tick()
        self.simulate(self.link.simulation, values, overrides)

    def _tick(self) -> None:
        if self.query_one("#sim-results").loading:
            elapsed = time.monotonic() - self.started
            self.query_one("#sim-status", Static).update(
                f"Running {self.link.simulation}… {elapsed:.1f} s"
            )

    @work(thread=True, exclusive=True, group="simulation", exit_on_error=False)
    def simulate(
        self, name: str, values: dict[str, str], overrides: dict[str, str] | None
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
        return run_simulation(name, values, overrides, self.seed, ResultCache())

    def _set_compare(self, overrides: dict[str, str]) -> None:
        self.query_one("#sim-compare", FormInput).value = format_overrides(overrides)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "simulation":
            return
        if event.state == WorkerState.SUCCESS:
            self.query_one("#sim-results").loading = False
            run = event.worker.result
            assert isinstance(run, SimRun)
            self._show(run)
        elif event.state == WorkerState.ERROR:
            self.query_one("#sim-results").loading = False
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
            rows.append(
                Horizontal(Label(spec.name, classes="sim-label"), widget, classes="sim-row")
            )
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
        self.query_one("#sim-status", Static).update(
            Content.assemble(
                (run.name, "bold"), f"{compared} · seed {run.result.seed} · {run.seconds:.1f} s"
            )
        )
        self._plot()
        table = self.query_one("#sim-metrics", DataTable)
        table.clear(columns=True)
        table.add_column("metric", width=18)
        # Headed by the changed values alone ("sigmoid", "relu"); the status line names the keys.
        table.add_column(short_label(this), width=10)
        if run.comparison is not None:
            table.add_column(short_label(other), width=10)
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
        names = list(run.main_series) + [s for s in run.result.series if s not in run.main_series]
        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        if not names:
            plt.title("no series to plot")
            plot.refresh()
            return
        name = names[self.series_index % len(names)]
        this, other = self._labels(run)
        lines = [(this, run.result.series.get(name, []))]
        if run.comparison is not None:
            lines.append((other, run.comparison.series.get(name, [])))
        all_ys: list[float] = []
        longest = 0
        for label, values in lines:
            if run.log_scale:  # plotted as log10 with decade ticks: plotext's log axis misdraws
                xs, ys = log_points(values)
            else:
                xs, ys = list(range(1, len(values) + 1)), list(values)
            all_ys += ys
            longest = max(longest, len(values))
            if xs:
                plt.plot(xs, ys, label=label, marker="braille")
        if run.log_scale and all_ys:
            plt.yticks(*decade_ticks(all_ys))
        plt.xticks(index_ticks(longest))
        plt.title(f"{name}{' (log)' if run.log_scale else ''}")
        plot.refresh()

    def action_next_tab(self) -> None:
        tabs = self.query_one(TabbedContent)
        panes = [pane.id for pane in tabs.query(TabPane) if pane.id]
        tabs.active = panes[(panes.index(tabs.active) + 1) % len(panes)]

    def action_next_series(self) -> None:
        self.series_index += 1
        self._plot()

    def action_back(self) -> None:
        self.workers.cancel_group(self, "simulation")  # a thread cannot be stopped; drop its result
        self.dismiss()
