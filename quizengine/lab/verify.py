"""Answer-key verification: every keyed choice against the simulated claim it links, robustly.

A ``[x]`` choice must link a claim that holds, a ``[ ]`` choice one that fails, and a numeric
answer must equal its linked metric within tolerance. A claim is either named by the
simulation (``#stable``) or a metric expression (``#weight_grad_ratio>=10*baseline``,
quizengine.bank.claimexpr), comparative ones measured against the question's baseline under the
same condition and seed.

Each key is checked at its link's values for several base seeds and at a deterministic sample
of the conditions the link leaves open (quizengine.lab.conditions). The verdict is ``agree`` when
every check matches the key, ``disagree`` when the link's own values at the base seed do not,
``fragile`` when they do but some other condition flips it, ``broken`` when the link cannot be
judged. Identical runs are shared between questions, cached on disk, and spread over an
executor (quizengine.lab.executor).
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel

from quizengine.bank.claimexpr import MetricClaim, is_expression, parse_expression
from quizengine.bank.model import Bank, Question, SimLink
from quizengine.lab.cache import ResultCache, RunKey
from quizengine.lab.conditions import Condition, Sweep, plan
from quizengine.lab.executor import Executor, run_each
from quizengine.lab.executor import available_cores as available_cores  # the command asks here
from quizengine.lab.experiments import ExperimentError, describe, resolve, run

Verdict = Literal["agree", "disagree", "fragile", "broken"]
VERDICTS: tuple[Verdict, ...] = ("agree", "disagree", "fragile", "broken")


class ConditionCheck(BaseModel):
    """One check of a key: the run's parameters (as a link would write them), its seed,
    whether the claim held there, and the numbers behind that."""

    params: dict[str, str]
    seed: int
    holds: bool
    evidence: dict[str, float] = {}


class ItemVerdict(BaseModel):
    """The verdict on one choice (or on a numeric answer)."""

    label: str
    """``choice 2`` or ``answer``."""
    text: str
    line: int
    key: str
    """What the file says: ``correct``, ``wrong``, or the numeric value."""
    link: str | None
    verdict: Verdict
    simulation_says: str
    """At the link's values and base seed: ``holds``, ``fails``, the metric's value, or why the
    link is broken."""
    statement: str = ""
    evidence: dict[str, float] = {}
    """The numbers at the link's values and base seed."""
    flips: list[str] = []
    """Each condition whose verdict differs from the key, in words with its numbers."""
    conditions: list[ConditionCheck] = []


class QuestionVerdict(BaseModel):
    path: str
    id: str
    title: str
    items: list[ItemVerdict]

    @property
    def verdict(self) -> Verdict:
        verdicts = {item.verdict for item in self.items}
        for worst in ("broken", "disagree", "fragile"):
            if worst in verdicts:
                return worst  # type: ignore[return-value]
        return "agree"


@dataclass
class Report:
    questions: list[QuestionVerdict]
    runs: int = 0
    cached: int = 0
    seconds: float = 0.0
    file_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_errors and all(q.verdict == "agree" for q in self.questions)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(VERDICTS, 0)
        for question in self.questions:
            for item in question.items:
                counts[item.verdict] += 1
        return counts


# --- what to check ----------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyPlan:
    """One key and everything needed to judge it: the run configurations and conditions."""

    label: str
    text: str
    line: int
    key: str
    link: SimLink | None
    """The link as written (None: missing)."""
    params: dict[str, str] = field(default_factory=dict)
    """The link's parameters after the baseline's are filled in."""
    expression: MetricClaim | None = None
    baseline: dict[str, str] | None = None
    """The baseline's parameters, when the claim compares with it."""
    conditions: tuple[Condition, ...] = ()
    problem: str | None = None
    """Why the key cannot be judged (the link is broken)."""

    def runs(self) -> Iterable[tuple[Condition, RunKey, RunKey | None]]:
        assert self.link is not None
        for condition in self.conditions:
            overrides = dict(condition.overrides)
            treated = resolve(self.link.simulation, {**self.params, **overrides}, condition.seed)
            base = None
            if self.baseline is not None:
                base = resolve(self.link.simulation, {**self.baseline, **overrides}, condition.seed)
            yield condition, treated, base


def plan_question(question: Question, sweep: Sweep, seed: int) -> list[KeyPlan]:
    """What to run for every key of the question."""
    plans: list[KeyPlan] = []
    for keyed in question.keyed_links():
        link, label = keyed.link, keyed.label
        base = KeyPlan(label, keyed.text, keyed.line, keyed.key_text, link)
        if link is None:
            missing = "no metric link" if keyed.role == "metric" else "no claim link"
            plans.append(_replace(base, problem=missing))
            continue
        base = _replace(base, line=link.line)
        resolved = question.resolve(link) if keyed.role == "claim" else link
        try:
            experiment = describe(link.simulation)
            resolve(link.simulation, resolved.params, seed)
        except ExperimentError as error:
            plans.append(_replace(base, problem=str(error)))
            continue
        expression = None
        baseline = None
        if keyed.role == "claim" and link.target and is_expression(link.target):
            expression = parse_expression(link.target)
            if expression.metric not in experiment.metrics:
                known = ", ".join(sorted(experiment.metrics))
                plans.append(
                    _replace(
                        base,
                        problem=f"unknown metric {expression.metric!r} of {link.simulation}; "
                        f"known: {known}",
                    )
                )
                continue
            if expression.comparative:
                if question.baseline is None or question.baseline.simulation != link.simulation:
                    plans.append(_replace(base, problem="compares with a baseline it lacks"))
                    continue
                baseline = dict(question.baseline.params)

        configs = [dict(resolved.params)] + ([baseline] if baseline is not None else [])
        valid = functools.partial(_runnable, link.simulation, configs)
        conditions = plan(
            experiment.name,
            experiment.conditions,
            experiment.defaults,
            set(resolved.params),
            sweep,
            seed,
            valid,
        )
        plans.append(
            _replace(
                base,
                params=dict(resolved.params),
                expression=expression,
                baseline=baseline,
                conditions=tuple(conditions),
            )
        )
    return plans


def _runnable(simulation: str, configs: list[dict[str, str]], overrides: dict[str, str]) -> bool:
    """Whether every configuration accepts the overrides (within the run-time limits)."""
    try:
        for params in configs:
            resolve(simulation, {**params, **overrides}, 0)
    except ExperimentError:
        return False
    return True


def _replace(plan: KeyPlan, **changes: Any) -> KeyPlan:
    from dataclasses import replace

    return replace(plan, **changes)


# --- running ----------------------------------------------------------------------------------


def _run_one(key: RunKey) -> dict[str, Any]:
    """Worker: one simulation run as its JSON form (picklable in and out)."""
    return run(key).model_dump(mode="json")


def execute_runs(
    keys: Iterable[RunKey],
    cache: ResultCache | None,
    executor: Executor,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[dict[RunKey, dict[str, Any]], int]:
    """Results of every run (from the cache when possible) and how many came from the cache.
    The executor caps local workers at the cores (quizengine.lab.executor)."""
    results: dict[RunKey, dict[str, Any]] = {}
    pending: list[RunKey] = []
    for key in dict.fromkeys(keys):
        hit = cache.get(key) if cache else None
        if hit is not None:
            results[key] = hit
        else:
            pending.append(key)
    cached, total = len(results), len(results) + len(pending)
    if progress:
        progress(cached, total)
    for key, result in run_each(executor, _run_one, pending):
        results[key] = result
        if cache:
            cache.put(key, result)
        if progress:
            progress(len(results), total)
    return results, cached


# --- judging ----------------------------------------------------------------------------------


def judge(
    question: Question, plans: list[KeyPlan], results: dict[RunKey, dict[str, Any]]
) -> QuestionVerdict:
    """Compare every key of the question with what the simulations say, condition by condition."""
    items = [_judge_key(question, plan_, results) for plan_ in plans]
    return QuestionVerdict(path=question.path, id=question.id, title=question.title, items=items)


def _judge_key(
    question: Question, key_plan: KeyPlan, results: dict[RunKey, dict[str, Any]]
) -> ItemVerdict:
    base = {
        "label": key_plan.label,
        "text": key_plan.text,
        "line": key_plan.line,
        "key": key_plan.key,
        "link": key_plan.link.href if key_plan.link else None,
    }
    if key_plan.problem is not None:
        return ItemVerdict(**base, verdict="broken", simulation_says=key_plan.problem)
    assert key_plan.link is not None
    checks: list[tuple[Condition, bool, dict[str, float], str]] = []
    statement = ""
    for condition, treated, baseline in key_plan.runs():
        result = results[treated]
        base_result = results[baseline] if baseline is not None else None
        outcome = _decide(question, key_plan, result, base_result)
        if isinstance(outcome, str):  # broken: unknown claim or metric
            return ItemVerdict(**base, verdict="broken", simulation_says=outcome)
        holds, evidence, says, words = outcome
        statement = statement or words
        checks.append((condition, holds, evidence, says))
    expected = key_plan.key != "wrong"  # numeric answers: the check is "accepts"
    _, first_holds, first_evidence, first_says = checks[0]
    flips = [
        _flip_text(key_plan, condition, evidence, says)
        for condition, holds, evidence, says in checks
        if holds != expected
    ]
    if first_holds != expected:
        verdict: Verdict = "disagree"
    elif flips:
        verdict = "fragile"
    else:
        verdict = "agree"
    conditions = [
        ConditionCheck(
            params={**key_plan.params, **dict(condition.overrides)},
            seed=condition.seed,
            holds=holds,
            evidence=evidence,
        )
        for condition, holds, evidence, _ in checks
    ]
    return ItemVerdict(
        **base,
        verdict=verdict,
        simulation_says=first_says,
        statement=statement,
        evidence=first_evidence,
        flips=flips,
        conditions=conditions,
    )


def _flip_text(
    key_plan: KeyPlan, condition: Condition, evidence: dict[str, float], says: str
) -> str:
    where = condition.describe()
    expression = key_plan.expression
    if expression is not None:
        value = evidence.get(expression.metric, float("nan"))
        return (
            f"flips at {where}: {expression.metric} {value:.3g}, "
            f"{expression.needs(evidence.get('baseline'))}"
        )
    numbers = ", ".join(f"{name} {value:.3g}" for name, value in evidence.items())
    return f"flips at {where}: {says} ({numbers})"


def _decide(
    question: Question,
    key_plan: KeyPlan,
    result: dict[str, Any],
    baseline: dict[str, Any] | None,
) -> tuple[bool, dict[str, float], str, str] | str:
    """(holds, evidence, what the simulation says, the claim in words), or why it is broken."""
    link = key_plan.link
    assert link is not None
    simulation = link.simulation
    if key_plan.label == "answer":
        answer = question.answer
        assert answer is not None
        value = result["metrics"].get(link.target)
        if value is None:
            known = ", ".join(result["metrics"])
            return f"unknown metric {link.target!r} of {simulation}; known: {known}"
        tolerance = " or ".join(
            part
            for part in (
                f"±{answer.abs_tol:g}" if answer.abs_tol is not None else "",
                f"±{answer.rel_tol:.0%}" if answer.rel_tol is not None else "",
            )
            if part
        )
        return (
            answer.accepts(value),
            {link.target or "value": value, "key": answer.value},
            f"{value:.6g}",
            f"{link.target} must equal {answer.value:g} {tolerance}",
        )
    expression = key_plan.expression
    if expression is not None:
        if expression.metric not in result["metrics"] or (
            baseline is not None and expression.metric not in baseline["metrics"]
        ):
            return (
                f"metric {expression.metric!r} is not reported by {simulation} with these "
                f"parameters; reported: {', '.join(result['metrics'])}"
            )
        value = float(result["metrics"][expression.metric])
        evidence = {expression.metric: value}
        base_value = None
        if baseline is not None:
            base_value = float(baseline["metrics"][expression.metric])
            evidence["baseline"] = base_value
        bound = expression.bound(base_value)
        evidence["bound"] = bound
        holds = expression.holds(value, base_value)
        description = describe(simulation).metrics[expression.metric]
        return holds, evidence, "holds" if holds else "fails", expression.describe(description)
    claim = next((c for c in result["claims"] if c["id"] == link.target), None)
    if claim is None:
        known = ", ".join(c["id"] for c in result["claims"])
        return f"unknown claim {link.target!r} of {simulation}; known: {known}"
    holds = bool(claim["holds"])
    return holds, claim.get("evidence", {}), "holds" if holds else "fails", claim["statement"]


def verify_bank(
    bank: Bank,
    seed: int = 0,
    executor: Executor | None = None,
    cache: ResultCache | None = None,
    progress: Callable[[int, int], None] | None = None,
    sweep: Sweep | None = None,
) -> Report:
    """Verify every question of a loaded bank; file errors are carried into the report."""
    started = time.perf_counter()
    sweep = sweep or Sweep()
    plans = {q.path: plan_question(q, sweep, seed) for q in bank.questions}
    keys = [
        key
        for question_plans in plans.values()
        for key_plan in question_plans
        if key_plan.problem is None
        for _, treated, baseline in key_plan.runs()
        for key in (treated, baseline)
        if key is not None
    ]
    results, cached = execute_runs(keys, cache, executor or Executor(), progress)
    verdicts = [judge(q, plans[q.path], results) for q in bank.questions]
    return Report(
        questions=verdicts,
        runs=len(set(keys)),
        cached=cached,
        seconds=time.perf_counter() - started,
        file_errors=[str(d) for d in bank.errors],
    )


def report_json(report: Report) -> dict[str, Any]:
    """The ``--format json`` document."""
    return {
        "ok": report.ok,
        "counts": report.counts(),
        "runs": report.runs,
        "cached": report.cached,
        "seconds": round(report.seconds, 3),
        "file_errors": report.file_errors,
        "questions": [
            {**json.loads(q.model_dump_json()), "verdict": q.verdict} for q in report.questions
        ],
    }
