"""What every format shows of a question, as HTML: prompt, choices, feedback, evidence.

Built once per question and written by each format in its own syntax. Per choice, the
feedback says whether it is right or wrong and why: the simulated claim it makes and whether
that claim held in the cached verify run, with its numbers. The general feedback is the
explanation, the evidence of every key, and the references as links.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from html import escape

from quizengine.export.credit import choice_credits, tolerance
from quizengine.export.engine import Diagnostic, ImageFile, NumericQuestion, Question
from quizengine.export.evidence import Evidence
from quizengine.export.html import block_html, describe_sim, inline_html
from quizengine.export.images import images_as_text


@dataclass(frozen=True)
class ChoiceContent:
    html: str
    correct: bool
    credit: Fraction
    """The exact credit of picking it under our rule (see :mod:`credit`)."""
    feedback_html: str


@dataclass(frozen=True)
class QuestionContent:
    question: Question
    prompt_html: str
    choices: tuple[ChoiceContent, ...]
    answer_feedback_html: str
    """Shown with a numeric question's accepted answer; empty for choice questions."""
    general_feedback_html: str
    evidence: tuple[Evidence, ...]
    images: Mapping[str, ImageFile] = field(default_factory=dict)
    """The image files the texts show, by their ``src`` (read and checked)."""
    image_problems: tuple[Diagnostic, ...] = ()
    """An error for each image that cannot be packaged: the question is then not exported."""

    @property
    def unverified(self) -> int:
        return sum(
            item.verdict is None or item.verdict.verdict == "broken" for item in self.evidence
        )

    @property
    def disagreeing(self) -> int:
        return sum(
            item.verdict is not None and item.verdict.verdict == "disagree"
            for item in self.evidence
        )


def _text(text: str) -> str:
    """Plain text as HTML text (quotes need no escaping outside attributes)."""
    return escape(text, quote=False)


def _numbers(evidence: Evidence) -> str:
    assert evidence.verdict is not None
    return ", ".join(f"{name} {value:.3g}" for name, value in evidence.verdict.evidence.items())


def evidence_html(evidence: Evidence, seed: int) -> str:
    """One key's proof as a sentence (no enclosing element)."""
    link = evidence.link
    where = _text(describe_sim(link)) if link is not None else ""
    verdict = evidence.verdict
    if verdict is None:
        if link is None:
            return f"Not verified: {_text(evidence.missing)}."
        return (
            f"Not verified: {_text(evidence.missing)} of the {evidence.kind} "
            f"“{_text(link.target or '')}” ({where})."
        )
    if verdict.verdict == "broken":
        return f"Not verified: {_text(verdict.simulation_says)}."
    if verdict.label == "answer":
        text = (
            f"Verified in the {where} (seed {seed}): {_text(verdict.statement)}; "
            f"the simulation gives {_text(verdict.simulation_says)}."
        )
    else:
        text = (
            f"Verified in the {where} (seed {seed}): the claim “{_text(verdict.statement)}” "
            f"{_text(verdict.simulation_says)}"
        )
        text += f" ({_text(_numbers(evidence))})." if verdict.evidence else "."
    if verdict.verdict == "disagree":
        text += " <strong>The simulation disagrees with this key.</strong>"
    return text


def _choice_feedback(correct: bool, evidence: Evidence, seed: int) -> str:
    judgement = "Right" if correct else "Wrong"
    return f"<p><strong>{judgement}.</strong> {evidence_html(evidence, seed)}</p>"


def _general_feedback(
    question: Question, evidence: list[Evidence], seed: int, choice_html: list[str]
) -> str:
    parts = [block_html(question.explanation.markdown)]
    items: list[str] = []
    if isinstance(question, NumericQuestion):
        items.append(f"<li>The answer: {evidence_html(evidence[0], seed)}</li>")
    else:
        for number, (choice, proof) in enumerate(
            zip(question.choices, evidence, strict=True), start=1
        ):
            key = "right" if choice.correct else "wrong"
            items.append(
                f"<li>Choice {number} ({choice_html[number - 1]}), keyed {key}: "
                f"{evidence_html(proof, seed)}</li>"
            )
    parts.append("<h4>Evidence from the simulations</h4>\n<ul>\n" + "\n".join(items) + "\n</ul>")
    if question.references:
        links = "\n".join(
            f'<li><a href="{escape(ref.url)}">{_text(ref.title or ref.url)}</a></li>'
            for ref in question.references
        )
        parts.append(f"<h4>References</h4>\n<ul>\n{links}\n</ul>")
    return "\n".join(parts)


def _numeric_prompt_and_feedback(
    question: NumericQuestion, evidence: Evidence, seed: int
) -> tuple[str, str]:
    answer = question.answer
    unit = f" {_text(answer.unit)}" if answer.unit else ""
    prompt_tail = f"\n<p>Answer in {_text(answer.unit)}.</p>" if answer.unit else ""
    feedback = (
        f"<p><strong>Right:</strong> {answer.value:g}{unit}, give or take "
        f"{tolerance(answer):g}. {evidence_html(evidence, seed)}</p>"
    )
    return prompt_tail, feedback


def build_content(question: Question, evidence: list[Evidence], seed: int) -> QuestionContent:
    prompt = block_html(question.prompt)
    choices: list[ChoiceContent] = []
    answer_feedback = ""
    if isinstance(question, NumericQuestion):
        tail, answer_feedback = _numeric_prompt_and_feedback(question, evidence[0], seed)
        prompt += tail
    else:
        for choice, credit, proof in zip(
            question.choices, choice_credits(question), evidence, strict=True
        ):
            choices.append(
                ChoiceContent(
                    html=inline_html(choice.text),
                    correct=choice.correct,
                    credit=credit,
                    feedback_html=_choice_feedback(choice.correct, proof, seed),
                )
            )
    # A choice's image is in the choice itself: quoted here by its alt text, so an LMS that
    # stores files per text (Moodle) does not get every choice image a second time.
    quoted = [images_as_text(c.html) for c in choices]
    general = _general_feedback(question, evidence, seed, quoted)
    return QuestionContent(
        question=question,
        prompt_html=prompt,
        choices=tuple(choices),
        answer_feedback_html=answer_feedback,
        general_feedback_html=general,
        evidence=tuple(evidence),
    )
