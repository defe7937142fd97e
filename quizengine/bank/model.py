"""The typed form of a question bank: what the parser produces and everything else reads."""

from __future__ import annotations

import datetime as dt
from abc import abstractmethod
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from quizengine.bank.diagnostics import Diagnostic
from quizengine.bank.simlink import SimLink

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
MAX_FILE_BYTES = 1024 * 1024
"""The largest question file read; the parser refuses anything larger (see parser.py)."""
ID_MAX_LENGTH = 80
QuestionType = Literal["single", "multiple", "numeric"]
Difficulty = Literal["easy", "medium", "hard"]


class _Frozen(BaseModel):
    # defer_build: the validators are built on first validation, not at import. The TUI's
    # start-up only reads models (from the parse cache), so it never pays for them (~30 ms).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Choice(_Frozen):
    """One option of a single/multiple question; ``text`` is inline Markdown."""

    text: str
    correct: bool
    line: int = 1
    claim: SimLink | None = None
    """The simulated claim that decides this choice: it must hold iff ``correct``."""


class Reference(_Frozen):
    title: str
    url: str
    line: int = 1


class NumericAnswer(_Frozen):
    """The key of a numeric question: ``value`` within an absolute or relative tolerance."""

    # Finite: ``.nan`` can never be answered and an ``.inf`` tolerance accepts everything.
    value: Annotated[float, Field(allow_inf_nan=False)]
    abs_tol: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    rel_tol: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    unit: str | None = None
    metric: str | None = None
    """A ``sim:NAME?params#metric`` link whose metric must equal ``value`` within tolerance."""

    @model_validator(mode="after")
    def _one_tolerance(self) -> NumericAnswer:
        if self.abs_tol is None and self.rel_tol is None:
            raise ValueError("give a tolerance: abs_tol (absolute) or rel_tol (relative)")
        return self

    def accepts(self, guess: float) -> bool:
        error = abs(guess - self.value)
        return (self.abs_tol is not None and error <= self.abs_tol) or (
            self.rel_tol is not None and error <= self.rel_tol * abs(self.value)
        )


class _FrontmatterBase(_Frozen):
    id: Annotated[str, Field(pattern=ID_PATTERN, max_length=ID_MAX_LENGTH)]
    baseline: str | None = None
    """A ``sim:NAME?params`` link (no target): the scenario's configuration, which the
    choices' claim links to the same simulation change, and comparative claims compare with."""
    tags: list[str] = []
    difficulty: Difficulty = "medium"
    topic: str | None = None
    author: str | None = None
    created: dt.date | None = None

    @field_validator("tags")
    @classmethod
    def _tags_are_slugs(cls, tags: list[str]) -> list[str]:
        for tag in tags:
            if not tag.strip():
                raise ValueError("tags must not be empty strings")
            _refuse_control_characters(tag)
        return tags

    @field_validator("topic")
    @classmethod
    def _topic_is_plain(cls, topic: str | None) -> str | None:
        if topic is not None:
            _refuse_control_characters(topic)
        return topic


def _refuse_control_characters(text: str) -> None:
    # Tags and topics are shown in lists and tables, one line each, wherever statistics are.
    from quizengine.safetext import unsafe_characters

    if "\n" in text or "\t" in text or (found := unsafe_characters(text)):
        what = "a line break or tab" if "\n" in text or "\t" in text else f"{found[0][1]}"
        raise ValueError(f"must not contain control characters (found {what})")


class SingleFrontmatter(_FrontmatterBase):
    type: Literal["single"]


class MultipleFrontmatter(_FrontmatterBase):
    type: Literal["multiple"]


class NumericFrontmatter(_FrontmatterBase):
    type: Literal["numeric"]
    answer: NumericAnswer


Frontmatter = Annotated[
    SingleFrontmatter | MultipleFrontmatter | NumericFrontmatter, Field(discriminator="type")
]


class FrontmatterDocument(BaseModel):
    """Wrapper so a discriminated union can be validated and exported as a JSON Schema."""

    model_config = ConfigDict(defer_build=True)
    frontmatter: Frontmatter


class Explanation(_Frozen):
    markdown: str
    line: int = 1
    links: list[SimLink] = []


class ImageRef(_Frozen):
    """An image the question shows from a file of the bank: ``![alt](plot.png)`` or raw HTML's
    ``<img src="plot.png">`` (remote ``http(s)://`` and ``data:`` images are not recorded)."""

    src: str
    """As the HTML carries it: markdown-it's normalised URL (``my%20plot.png``), or the
    attribute's value in raw HTML."""
    line: int
    col: int
    """Where its ``src`` is written in the file."""


LinkRole = Literal["claim", "metric", "run"]
"""What a link is for: a choice's claim, a numeric answer's metric, or a run the explanation
invites the reader to try (whose target, if any, may be either)."""


@dataclass(frozen=True)
class KeyedLink:
    """One key of a question and the simulation link that must prove it."""

    role: Literal["claim", "metric"]
    label: str
    """``choice 2`` or ``answer``: how messages name the key."""
    text: str
    """The choice's text, or ``numeric answer``."""
    line: int
    expected: bool | float
    """A claim's: whether it must hold (the choice is correct). A metric's: the answer's value."""
    link: SimLink | None
    """None when the key has no link (verify reports it broken)."""

    @property
    def key_text(self) -> str:
        """The key as the file states it: ``correct``, ``wrong`` or the number."""
        if isinstance(self.expected, bool):
            return "correct" if self.expected else "wrong"
        return f"{self.expected:g}"


class _QuestionBase(_Frozen):
    """What every parsed question file has, whatever its type."""

    path: str
    id: str
    title: str
    prompt: str
    """Scenario and question, as Markdown (everything between the title and the key)."""
    baseline: SimLink | None = None
    """The frontmatter's ``baseline`` link, parsed (line of the frontmatter key)."""
    explanation: Explanation
    references: list[Reference] = []
    tags: list[str] = []
    difficulty: Difficulty = "medium"
    topic: str | None = None
    author: str | None = None
    created: dt.date | None = None
    images: list[ImageRef] = []
    """Every image shown from a file, in file order (see :mod:`quizengine.bank.images`)."""
    id_line: int = 1
    """Line of the ``id:`` key, to name both places of a duplicate id."""
    content_hash: str
    """sha256 of the file's text: an edited question gets a new hash."""

    def resolve(self, link: SimLink) -> SimLink:
        """The configuration a choice's claim link runs: the baseline's parameters, changed
        by the link's own, when the link names the baseline's simulation (docs/format.md)."""
        if self.baseline is None or link.simulation != self.baseline.simulation:
            return link
        return link.model_copy(update={"params": {**self.baseline.params, **link.params}})

    @abstractmethod
    def keyed_links(self) -> list[KeyedLink]:
        """Every key with its link, in file order."""

    def roled_links(self) -> list[tuple[LinkRole, SimLink]]:
        """Every simulation link with what it is for: the keys' links, then the explanation's."""
        keyed: list[tuple[LinkRole, SimLink]] = [
            (k.role, k.link) for k in self.keyed_links() if k.link is not None
        ]
        return keyed + [("run", link) for link in self.explanation.links]

    @property
    def sim_links(self) -> list[SimLink]:
        """Every simulation link: choices' claims, the numeric metric's, the explanation's."""
        return [link for _, link in self.roled_links()]


class ChoiceQuestion(_QuestionBase):
    """A single- or multiple-choice question: its key is the choices' ``[x]`` marks."""

    type: Literal["single", "multiple"]
    choices: list[Choice]

    @property
    def correct_indices(self) -> list[int]:
        return [i for i, choice in enumerate(self.choices) if choice.correct]

    def keyed_links(self) -> list[KeyedLink]:
        """Each choice's claim, in file order: it must hold iff the choice is correct."""
        return [
            KeyedLink("claim", f"choice {n}", c.text, c.line, c.correct, c.claim)
            for n, c in enumerate(self.choices, start=1)
        ]


class NumericQuestion(_QuestionBase):
    """A question answered by a number: its key is ``answer``, a value within a tolerance."""

    type: Literal["numeric"]
    answer: NumericAnswer
    metric_link: SimLink | None = None
    """The answer's ``metric`` link, parsed (line of the frontmatter key)."""

    def keyed_links(self) -> list[KeyedLink]:
        """The answer's metric: the simulation's metric must equal the answer's value."""
        line = self.metric_link.line if self.metric_link else self.id_line
        return [
            KeyedLink(
                "metric", "answer", "numeric answer", line, self.answer.value, self.metric_link
            )
        ]


Question = Annotated[ChoiceQuestion | NumericQuestion, Field(discriminator="type")]
"""A parsed question file: a :class:`ChoiceQuestion` or a :class:`NumericQuestion`, told apart
by ``type`` (as its frontmatter is). Narrow it with ``isinstance`` where the key matters."""
QUESTION_CLASSES: dict[QuestionType, type[ChoiceQuestion] | type[NumericQuestion]] = {
    "single": ChoiceQuestion,
    "multiple": ChoiceQuestion,
    "numeric": NumericQuestion,
}
"""The class of each question type (the parse cache rebuilds questions without validating)."""


class Bank(BaseModel):
    """What loading a set of files produced: the valid questions and the findings."""

    model_config = ConfigDict(defer_build=True)
    questions: list[Question] = []
    diagnostics: list[Diagnostic] = []
    files: int = 0
    roots: list[str] = []
    """The files and folders it was loaded from, as shown to the user."""

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    def nothing_loaded(self) -> str:
        """For a bank without a valid question: where it looked and why nothing is there."""
        where = ", ".join(self.roots) or "the paths given"
        if not self.files:
            return f"no question file (*.md) in {where}"
        failed = "the file failed" if self.files == 1 else f"all {self.files} files failed"
        return f"no valid question in {where}: {failed} to load"

    def by_id(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)
