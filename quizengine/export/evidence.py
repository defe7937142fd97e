"""The proof behind each key, read from the cached verify run (no simulation is run here).

``quizengine verify`` caches every simulation run by what determines it (simulation source,
parameters, seed). Export looks those runs up and judges each keyed choice (or numeric answer)
exactly as ``verify`` does; a run missing from the cache leaves that key "not verified".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from quizengine.export.engine import (
    ExperimentError,
    ItemVerdict,
    Question,
    ResultCache,
    RunKey,
    SimLink,
    available_cores,
    execute_runs,
    judge,
    resolve,
)

__all__ = ["Evidence", "available_cores", "needed_runs", "question_evidence", "run_missing"]


@dataclass(frozen=True)
class Evidence:
    """What is known about one key: a verdict from a cached run, or why there is none."""

    link: SimLink | None
    kind: Literal["claim", "metric"] = "claim"
    """What the link's target names: a choice's claim or a numeric answer's metric."""
    verdict: ItemVerdict | None = None
    missing: str = ""
    """Why there is no verdict (no link, no cached run, a broken link)."""


def _key(link: SimLink, seed: int) -> RunKey | None:
    try:
        return resolve(link.simulation, link.params, seed)
    except ExperimentError:
        return None


def needed_runs(questions: Iterable[Question], seed: int) -> list[RunKey]:
    """The distinct runs the questions' keyed links need."""
    keys: dict[RunKey, None] = {}
    for question in questions:
        for keyed in question.keyed_links():
            if keyed.link is not None and (key := _key(keyed.link, seed)) is not None:
                keys[key] = None
    return list(keys)


def run_missing(questions: list[Question], cache: ResultCache, seed: int, jobs: int) -> int:
    """Run (and cache) the simulations the cache lacks, for ``export --verify``; how many ran."""
    missing = [key for key in needed_runs(questions, seed) if cache.get(key) is None]
    execute_runs(missing, cache, jobs)
    return len(missing)


def question_evidence(question: Question, cache: ResultCache | None, seed: int) -> list[Evidence]:
    """One Evidence per choice (or one for a numeric answer), in order."""
    evidence: list[Evidence] = []
    for index, keyed in enumerate(question.keyed_links()):
        link, kind = keyed.link, keyed.role
        if link is None:
            evidence.append(Evidence(None, kind, missing="no simulation link"))
            continue
        key = _key(link, seed)
        if key is None:
            evidence.append(Evidence(link, kind, missing="its simulation link is broken"))
            continue
        result = cache.get(key) if cache is not None else None
        if result is None:
            evidence.append(Evidence(link, kind, missing="no cached run"))
            continue
        # Judge this key alone, as verify would: a copy of the question keeping only it.
        alone = (
            question.model_copy(update={"choices": [question.choices[index]]})
            if question.type != "numeric"
            else question
        )
        evidence.append(Evidence(link, kind, verdict=judge(alone, {key: result}, seed).items[0]))
    return evidence
