"""Check that a question's ``sim:`` links name real simulations, parameters, claims and metrics.

Kept apart from the parser because it imports the simulation registry (and, through the
experiments, numpy): the TUI parses questions at start-up without paying for that.
"""

from __future__ import annotations

from collections.abc import Iterable

from quizengine.bank.diagnostics import Diagnostic
from quizengine.bank.model import Question, SimLink


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
    for link in question.sim_links if links is None else links:
        try:
            experiment = registry.get(link.simulation)
            registry.parse_params(experiment, link.params)
        except registry.SimulationError as error:
            report(link, str(error))
            continue
        if link.target is None:
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
                f"unknown {what} {link.target!r} of {experiment.name}; "
                f"known: {', '.join(sorted(known)) or 'none'}",
            )
    return problems
