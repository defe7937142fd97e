"""The proof behind each key, read from the cached verify run (no simulation is run here).

``quizengine verify`` caches every simulation run by what determines it (simulation source,
parameters, seed). Export looks those runs up and judges each keyed choice (or numeric answer)
as ``verify --quick`` does (at the link's values and base seed; a comparative claim with its
baseline's run too); a run missing from the cache leaves that key "not verified".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from quizengine.export.engine import (
    Executor,
    ItemVerdict,
    KeyPlan,
    Question,
    ResultCache,
    RunKey,
    SimLink,
    Sweep,
    available_cores,
    execute_runs,
    judge,
    plan_question,
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


QUICK = Sweep.quick()


def needed_runs(questions: Iterable[Question], seed: int) -> list[RunKey]:
    """The distinct runs the questions' keyed links need."""
    keys: dict[RunKey, None] = {}
    for question in questions:
        for plan in plan_question(question, QUICK, seed):
            if plan.problem is None:
                keys.update(dict.fromkeys(_plan_keys(plan)))
    return list(keys)


def _plan_keys(plan: KeyPlan) -> list[RunKey]:
    return [key for _, treated, base in plan.runs() for key in (treated, base) if key]


def run_missing(questions: list[Question], cache: ResultCache, seed: int, jobs: int) -> int:
    """Run (and cache) the simulations the cache lacks, for ``export --verify``; how many ran."""
    missing = [key for key in needed_runs(questions, seed) if cache.get(key) is None]
    execute_runs(missing, cache, Executor(jobs=jobs))
    return len(missing)


def question_evidence(question: Question, cache: ResultCache | None, seed: int) -> list[Evidence]:
    """One Evidence per choice (or one for a numeric answer), in order."""
    evidence: list[Evidence] = []
    plans = plan_question(question, QUICK, seed)
    for keyed, plan in zip(question.keyed_links(), plans, strict=True):
        link, kind = keyed.link, keyed.role
        if link is None:
            evidence.append(Evidence(None, kind, missing="no simulation link"))
            continue
        if plan.problem is not None:
            evidence.append(Evidence(link, kind, missing="its simulation link is broken"))
            continue
        results = {key: cache.get(key) if cache is not None else None for key in _plan_keys(plan)}
        if any(result is None for result in results.values()):
            evidence.append(Evidence(link, kind, missing="no cached run"))
            continue
        verdict = judge(question, [plan], results).items[0]  # type: ignore[arg-type]  (no None left)
        evidence.append(Evidence(link, kind, verdict=verdict))
    return evidence
