"""Answer-key verification: every keyed choice against the simulated claim it links.

A ``[x]`` choice must link a claim that holds, a ``[ ]`` choice one that fails, and a numeric
answer must equal its linked metric within tolerance. Identical runs (same simulation, validated
parameters and seed) are shared between questions, cached on disk, and spread over processes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Any, Literal

from pydantic import BaseModel

from quizengine.bank.model import Bank, Question, SimLink
from quizengine.lab.cache import ResultCache, RunKey
from quizengine.lab.experiments import ExperimentError, resolve, run

Status = Literal["ok", "disagrees", "broken"]


class ItemVerdict(BaseModel):
    """The verdict on one choice (or on a numeric answer)."""

    label: str
    """``choice 2`` or ``answer``."""
    text: str
    line: int
    key: str
    """What the file says: ``correct``, ``wrong``, or the numeric value."""
    link: str | None
    status: Status
    simulation_says: str
    """``holds``, ``fails``, the metric's value, or why the link is broken."""
    statement: str = ""
    evidence: dict[str, float] = {}


class QuestionVerdict(BaseModel):
    path: str
    id: str
    title: str
    items: list[ItemVerdict]

    @property
    def status(self) -> Status:
        statuses = {item.status for item in self.items}
        return (
            "broken" if "broken" in statuses else "disagrees" if "disagrees" in statuses else "ok"
        )


@dataclass
class Report:
    questions: list[QuestionVerdict]
    runs: int = 0
    cached: int = 0
    seconds: float = 0.0
    file_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_errors and all(q.status == "ok" for q in self.questions)

    def counts(self) -> dict[str, int]:
        counts = {"ok": 0, "disagrees": 0, "broken": 0}
        for question in self.questions:
            for item in question.items:
                counts[item.status] += 1
        return counts


# --- collecting and running -------------------------------------------------------------------


def collect_runs(questions: Iterable[Question], seed: int) -> dict[RunKey, None]:
    """The distinct runs the questions' links need (invalid links are skipped here)."""
    runs: dict[RunKey, None] = {}
    for question in questions:
        for keyed in question.keyed_links():
            if (link := keyed.link) is None:
                continue
            try:
                runs[resolve(link.simulation, link.params, seed)] = None
            except ExperimentError:
                continue
    return runs


def _run_one(key: RunKey) -> dict[str, Any]:
    """Worker: one simulation run as its JSON form (picklable in and out)."""
    return run(key).model_dump(mode="json")


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def execute_runs(
    keys: Iterable[RunKey],
    cache: ResultCache | None,
    jobs: int,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[dict[RunKey, dict[str, Any]], int]:
    """Results of every run (from the cache when possible) and how many came from the cache.

    At most one worker process per core: each runs one experiment at a time, within the
    parameter limits its experiment declares (validated again in the worker), so the memory in
    use is bounded by the cores times the largest run, whatever ``jobs`` asks for.
    """
    jobs = min(jobs, available_cores())
    results: dict[RunKey, dict[str, Any]] = {}
    pending: list[RunKey] = []
    for key in keys:
        hit = cache.get(key) if cache else None
        if hit is not None:
            results[key] = hit
        else:
            pending.append(key)
    cached, total = len(results), len(results) + len(pending)
    done = cached
    if progress:
        progress(done, total)

    def finish(key: RunKey, result: dict[str, Any]) -> None:
        nonlocal done
        results[key] = result
        if cache:
            cache.put(key, result)
        done += 1
        if progress:
            progress(done, total)

    if jobs > 1 and len(pending) > 1:
        # One BLAS thread per worker: the workers already fill the cores.
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(name, "1")
        with ProcessPoolExecutor(
            max_workers=min(jobs, len(pending)), mp_context=get_context("spawn")
        ) as pool:
            for key, result in zip(pending, pool.map(_run_one, pending), strict=True):
                finish(key, result)
    else:
        for key in pending:
            finish(key, _run_one(key))
    return results, cached


# --- judging ----------------------------------------------------------------------------------


def judge(question: Question, results: dict[RunKey, dict[str, Any]], seed: int) -> QuestionVerdict:
    """Compare every key of the question with what the simulations say."""
    items: list[ItemVerdict] = []
    for keyed in question.keyed_links():
        link = keyed.link
        base = {"label": keyed.label, "text": keyed.text, "line": keyed.line, "key": keyed.key_text}
        if link is None:
            missing = "no metric link" if keyed.role == "metric" else "no claim link"
            items.append(ItemVerdict(**base, link=None, status="broken", simulation_says=missing))
            continue
        base["line"], base["link"] = link.line, link.href
        try:
            result = results[resolve(link.simulation, link.params, seed)]
        except ExperimentError as error:
            items.append(ItemVerdict(**base, status="broken", simulation_says=str(error)))
            continue
        if keyed.role == "metric":
            items.append(_judge_metric(question, link, result, base))
        else:
            items.append(_judge_claim(bool(keyed.expected), link, result, base))
    return QuestionVerdict(path=question.path, id=question.id, title=question.title, items=items)


def _judge_claim(
    correct: bool, link: SimLink, result: dict[str, Any], base: dict[str, Any]
) -> ItemVerdict:
    claim = next((c for c in result["claims"] if c["id"] == link.target), None)
    if claim is None:
        known = ", ".join(c["id"] for c in result["claims"])
        return ItemVerdict(
            **base,
            status="broken",
            simulation_says=f"unknown claim {link.target!r} of {link.simulation}; known: {known}",
        )
    holds = bool(claim["holds"])
    return ItemVerdict(
        **base,
        status="ok" if holds == correct else "disagrees",
        simulation_says="holds" if holds else "fails",
        statement=claim["statement"],
        evidence=claim.get("evidence", {}),
    )


def _judge_metric(
    question: Question, link: SimLink, result: dict[str, Any], base: dict[str, Any]
) -> ItemVerdict:
    assert question.answer is not None
    value = result["metrics"].get(link.target)
    if value is None:
        known = ", ".join(result["metrics"])
        return ItemVerdict(
            **base,
            status="broken",
            simulation_says=f"unknown metric {link.target!r} of {link.simulation}; known: {known}",
        )
    answer = question.answer
    tolerance = " or ".join(
        part
        for part in (
            f"±{answer.abs_tol:g}" if answer.abs_tol is not None else "",
            f"±{answer.rel_tol:.0%}" if answer.rel_tol is not None else "",
        )
        if part
    )
    return ItemVerdict(
        **base,
        status="ok" if answer.accepts(value) else "disagrees",
        simulation_says=f"{value:.6g}",
        statement=f"{link.target} must equal {answer.value:g} {tolerance}",
        evidence={link.target or "value": value, "key": answer.value},
    )


def verify_bank(
    bank: Bank,
    seed: int = 0,
    jobs: int = 1,
    cache: ResultCache | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Verify every question of a loaded bank; file errors are carried into the report."""
    import time

    started = time.perf_counter()
    keys = collect_runs(bank.questions, seed)
    results, cached = execute_runs(keys, cache, jobs, progress)
    verdicts = [judge(question, results, seed) for question in bank.questions]
    return Report(
        questions=verdicts,
        runs=len(keys),
        cached=cached,
        seconds=time.perf_counter() - started,
        file_errors=[str(d) for d in bank.errors],
    )
