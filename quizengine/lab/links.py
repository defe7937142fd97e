"""Check that a question's ``sim:`` links name real simulations, parameters, claims and metrics.

Kept apart from the parser because it imports the simulations (through lab/experiments, and so
numpy): the TUI parses questions at start-up without paying for that.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable

from quizengine.bank.claimexpr import is_expression, parse_expression
from quizengine.bank.diagnostics import Diagnostic
from quizengine.bank.model import LinkRole, Question, SimLink


def did_you_mean(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def link_problems(
    question: Question, roles: Collection[LinkRole] = ("claim", "metric", "run")
) -> list[Diagnostic]:
    """Every broken ``sim:`` link of the question (of those with one of ``roles``), as errors
    at the link's position. A claim link is checked as it runs, with the baseline's parameters
    filled in; the baseline itself is checked with the claims."""
    from quizengine.lab.experiments import ExperimentError, describe, resolve

    problems: list[Diagnostic] = []

    def report(link: SimLink, message: str) -> None:
        problems.append(
            Diagnostic(path=question.path, line=link.line, col=link.col, message=message)
        )

    chosen = [(role, link) for role, link in question.roled_links() if role in roles]
    if question.baseline is not None and "claim" in roles:
        chosen.append(("run", question.baseline))  # a configuration; the parser saw no target
    for role, link in chosen:
        try:
            experiment = describe(link.simulation)
            resolved = question.resolve(link) if role == "claim" else link
            resolve(link.simulation, resolved.params, seed=0)
        except ExperimentError as error:
            report(link, str(error))
            continue
        if link.target is None:
            continue
        if role == "claim" and is_expression(link.target):
            metric = parse_expression(link.target).metric  # the parser checked the syntax
            if metric not in experiment.metrics:
                report(
                    link,
                    f"unknown metric {metric!r} of {experiment.name}"
                    f"{did_you_mean(metric, experiment.metrics)}; "
                    f"known: {', '.join(sorted(experiment.metrics)) or 'none'}",
                )
            continue
        if role == "claim":
            known, what = experiment.claims, "claim"
        elif role == "metric":
            known, what = experiment.metrics, "metric"
        else:  # a run link in the explanation may point at either
            known, what = {**experiment.claims, **experiment.metrics}, "claim or metric"
        if link.target not in known:
            report(
                link,
                f"unknown {what} {link.target!r} of {experiment.name}"
                f"{did_you_mean(link.target, known)}; known: {', '.join(sorted(known)) or 'none'}",
            )
    return problems
