"""Check that a question's ``sim:`` links name real simulations, parameters, claims and metrics.

Kept apart from the parser because it imports the simulation registry (and, through the
experiments, numpy): the TUI parses questions at start-up without paying for that.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from quizengine.bank.claimexpr import is_expression, parse_expression
from quizengine.bank.diagnostics import Diagnostic
from quizengine.bank.model import Question, SimLink


def did_you_mean(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def link_problems(question: Question, links: Iterable[SimLink] | None = None) -> list[Diagnostic]:
    """Every broken ``sim:`` link of the question (or of ``links``, some of its links), as
    errors at the link's position."""
    from simulations import registry

    problems: list[Diagnostic] = []

    def report(link: SimLink, message: str) -> None:
        problems.append(
            Diagnostic(path=question.path, line=link.line, col=link.col, message=message)
        )

    claim_links = {id(c.claim) for c in question.choices if c.claim is not None}
    chosen = question.sim_links if links is None else list(links)
    if links is None and question.baseline is not None:
        chosen.append(question.baseline)
    for link in chosen:
        try:
            experiment = registry.get(link.simulation)
            resolved = question.resolve(link) if id(link) in claim_links else link
            registry.parse_params(experiment, resolved.params)
        except registry.SimulationError as error:
            report(link, str(error))
            continue
        if link.target is None:
            continue
        if id(link) in claim_links and is_expression(link.target):
            metric = parse_expression(link.target).metric  # the parser checked the syntax
            if metric not in experiment.metrics:
                report(
                    link,
                    f"unknown metric {metric!r} of {experiment.name}"
                    f"{did_you_mean(metric, experiment.metrics)}; "
                    f"known: {', '.join(sorted(experiment.metrics)) or 'none'}",
                )
            continue
        if id(link) in claim_links:
            known, what = experiment.claims, "claim"
        elif link is question.metric_link:
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
