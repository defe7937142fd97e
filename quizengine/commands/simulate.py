"""``quizengine simulate``: run one experiment and show its metrics, claims and main series."""

from __future__ import annotations

import argparse
import math
import shutil
from typing import TYPE_CHECKING

from quizengine.commands.common import EXIT_OK, UsageError

if TYPE_CHECKING:
    from quizengine.lab.experiments import Description, Result

PLOT_HEIGHT = 16
MAX_PLOT_WIDTH = 100
MAX_SEED = 2**63 - 1


def register(subparsers: argparse._SubParsersAction) -> None:
    # Own --help: "simulate NAME --help" describes that experiment's parameters, which
    # argparse's built-in help cannot know without importing every experiment.
    parser = subparsers.add_parser(
        "simulate",
        add_help=False,
        help="run one simulation: metrics, claims and a plot",
        description="Run a simulation and print its metrics, the claims it decides and a plot "
        "of its main series. 'simulate NAME --help' lists NAME's parameters.",
    )
    parser.add_argument("name", nargs="?", metavar="NAME", help="the simulation to run")
    parser.add_argument("--list", action="store_true", help="list the simulations and exit")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="set a parameter (repeatable), e.g. --set depth=20",
    )
    parser.add_argument("--seed", type=int, default=0, help="base seed (default 0)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("-h", "--help", action="store_true", help="show this help (or NAME's)")
    parser.set_defaults(func=run, print_help=parser.print_help)


def run(args: argparse.Namespace) -> int:
    from quizengine.lab import experiments

    if args.list:
        for name, summary in experiments.catalogue():
            print(f"{name:<24} {summary}")
        return EXIT_OK
    if args.name is None:
        if args.help:
            args.print_help()
            return EXIT_OK
        raise UsageError(f"name a simulation ({', '.join(experiments.names())}) or use --list")
    try:
        experiment = experiments.describe(args.name)
    except experiments.ExperimentError as error:
        raise UsageError(str(error)) from None
    if args.help:
        print(describe(experiment))
        return EXIT_OK
    if not 0 <= args.seed <= MAX_SEED:
        raise UsageError(f"--seed must be between 0 and 2**63-1 (got {args.seed})")
    raw = parse_settings(args.set)
    try:
        key = experiments.resolve(args.name, raw, args.seed)
    except experiments.ExperimentError as error:
        raise UsageError(str(error)) from None
    result = experiments.run(key)
    if args.format == "json":
        print(result.model_dump_json(indent=2))  # inf/NaN become null: strict JSON
    else:
        width = min(shutil.get_terminal_size((MAX_PLOT_WIDTH, 24)).columns, MAX_PLOT_WIDTH)
        print(render_text(experiment, result, width))
    return EXIT_OK


def parse_settings(settings: list[str]) -> dict[str, str]:
    """``["depth=20", "init=he"]`` -> ``{"depth": "20", "init": "he"}``; values stay strings
    for the experiment's parameter model to validate."""
    raw: dict[str, str] = {}
    for setting in settings:
        key, sep, value = setting.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"--set expects KEY=VALUE (got {setting!r})")
        if key in raw:
            raise UsageError(f"parameter {key!r} is set twice")
        raw[key] = value.strip()
    return raw


def describe(experiment: Description) -> str:
    """The help of one experiment: parameters with types, defaults and limits; claims; metrics."""
    lines = [f"{experiment.name}: {experiment.summary}", "", "parameters (--set KEY=VALUE):"]
    name_width = max(len(spec.name) for spec in experiment.params)
    for spec in experiment.params:
        lines.append(f"  {spec.name:<{name_width}}  {spec.type_text}, default {spec.default_text}")
        detail = "; ".join(part for part in (spec.description, spec.limits) if part)
        if detail:
            lines.append(f"  {'':<{name_width}}  {detail}")
    if experiment.params_doc:  # the limits on products of parameters, which fields cannot show
        lines += ["", experiment.params_doc]
    for title, entries in (("claims", experiment.claims), ("metrics", experiment.metrics)):
        if entries:
            lines += ["", f"{title}:"]
            width = max(len(key) for key in entries)
            lines += [f"  {key:<{width}}  {text}" for key, text in entries.items()]
    return "\n".join(lines)


def format_number(value: float) -> str:
    """Integers as integers; otherwise the shortest exact form if short (0.99999999 must
    not print as 1), else 4 significant digits."""
    if math.isnan(value) or math.isinf(value):
        return str(value)
    if value == int(value) and abs(value) < 1e6:
        return str(int(value))
    exact = repr(value)
    return exact if len(exact) <= 10 else f"{value:.4g}"


def render_text(experiment: Description, result: Result, width: int) -> str:
    """Metrics table, claims with verdicts, notes and a plot of the main series."""
    params = " ".join(
        f"{key}={str(value).lower() if isinstance(value, bool) else value}"
        for key, value in result.params.items()
    )
    lines = [f"{result.simulation} (seed {result.seed})", params, "", "metrics:"]
    name_width = max((len(name) for name in result.metrics), default=0)
    values = {name: format_number(value) for name, value in result.metrics.items()}
    value_width = max((len(v) for v in values.values()), default=0)
    for name, value in values.items():
        about = experiment.metrics.get(name, "")
        lines.append(f"  {name:<{name_width}}  {value:>{value_width}}  {about}".rstrip())
    lines += ["", "claims:"]
    for claim in result.claims:
        verdict = "HOLDS" if claim.holds else "fails"
        lines.append(f"  [{verdict}] {claim.id}: {claim.statement}")
        evidence = ", ".join(f"{k}={format_number(v)}" for k, v in claim.evidence.items())
        if evidence:
            lines.append(f"          {evidence}")
    if result.notes:
        lines += ["", "notes:", *(f"  {note}" for note in result.notes)]
    plot = render_plot(experiment, result, width)
    if plot:
        lines += ["", plot]
    return "\n".join(lines)


def render_plot(experiment: Description, result: Result, width: int) -> str:
    """The main series as a braille line plot; log10 of the values on a log-scale series
    (non-finite and non-positive points are left out), against ``series["x"]`` if present.

    The axes are the TUI panel's (:mod:`quizengine.lab.axes`): a y range with a margin, a tick
    per decade when the height allows, round x ticks at the x values, whole ones at positions.
    """
    from quizengine.lab.axes import linear_points, log_points, plot_axes, x_values

    names = [name for name in experiment.main_series if name in result.series]
    if not names:
        return ""
    import plotext as plt  # only when there is something to draw

    plt.clear_figure()
    plt.plot_size(width, PLOT_HEIGHT)
    plt.theme("clear")
    points = log_points if experiment.log_scale else linear_points
    ys_drawn: list[float] = []
    xs_drawn: list[float] = []
    real_x = False
    for name in names:
        given_x = x_values(result.series, name)
        real_x = real_x or given_x is not None
        xs, ys = points(result.series[name], given_x)
        if ys:
            plt.plot(xs, ys, marker="braille", label=name)
            ys_drawn += ys
            xs_drawn += xs
    if not ys_drawn:
        return f"(nothing to plot: no finite{' positive' if experiment.log_scale else ''} values)"
    # The plot's rows: the height less the title, the x labels and the frame.
    axes = plot_axes(
        xs_drawn, ys_drawn, log=experiment.log_scale, real_x=real_x, rows=PLOT_HEIGHT - 4
    )
    plt.ylim(*axes.y_range)
    if experiment.log_scale:  # decades labelled 1e-19, not log10 numbers without saying so
        plt.yticks(axes.y_ticks, axes.y_labels)
    plt.xticks(axes.x_ticks, axes.x_labels)
    if not real_x:
        plt.xlabel("hidden layer (1 = next to the input), step or time step")
    plt.title(", ".join(names) + (" (log scale)" if experiment.log_scale else ""))
    return plt.uncolorize(plt.build()).rstrip()
