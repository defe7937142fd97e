"""Check that a question's ``sim:`` links name real simulations, parameters, claims and metrics.

Kept apart from the parser because it imports the simulations (through lab/experiments, and so
numpy): the TUI parses questions at start-up without paying for that.
"""

from __future__ import annotations

from collections.abc import Collection

from quizengine.bank.diagnostics import Diagnostic
from quizengine.bank.model import LinkRole, Question, SimLink


def link_problems(
    question: Question, roles: Collection[LinkRole] = ("claim", "metric", "run")
) -> list[Diagnostic]:
    """Every broken ``sim:`` link of the question (of those with one of ``roles``), as errors
    at the link's position."""
    from quizengine.lab.experiments import ExperimentError, describe, resolve

    problems: list[Diagnostic] = []

    def report(link: SimLink, message: str) -> None:
        problems.append(
            Diagnostic(path=question.path, line=link.line, col=link.col, message=message)
        )

    for role, link in question.roled_links():
        if role not in roles:
            continue
        try:
            experiment = describe(link.simulation)
            resolve(link.simulation, link.params, seed=0)
        except ExperimentError as error:
            report(link, str(error))
            continue
        if link.target is None:
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
                f"unknown {what} {link.target!r} of {experiment.name}; "
                f"known: {', '.join(sorted(known)) or 'none'}",
            )
    return problems
