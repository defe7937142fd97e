"""The typed form of a question bank: what the parser produces and everything else reads."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from quizengine.bank.diagnostics import Diagnostic

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
QuestionType = Literal["single", "multiple", "numeric"]
Difficulty = Literal["easy", "medium", "hard"]


class _Frozen(BaseModel):
    # defer_build: the validators are built on first validation, not at import. The TUI's
    # start-up only reads models (from the parse cache), so it never pays for them (~30 ms).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class SimLink(_Frozen):
    """A link to a simulation: ``sim:NAME?key=value&...#target``.

    ``target`` is a claim id (on a choice) or a metric name (on a numeric answer);
    a link without a target, in an explanation, just invites the reader to run it.
    """

    simulation: str
    params: dict[str, str] = {}
    target: str | None = None
    text: str = ""
    line: int = 1
    col: int = 1

    @property
    def href(self) -> str:
        from quizengine.bank.simlink import format_sim_href  # simlink imports this module

        return format_sim_href(self.simulation, self.params, self.target)


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

    value: float
    abs_tol: Annotated[float, Field(ge=0)] | None = None
    rel_tol: Annotated[float, Field(ge=0)] | None = None
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
    id: Annotated[str, Field(pattern=ID_PATTERN, max_length=80)]
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
        return tags


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


class Question(_Frozen):
    """A parsed question file."""

    path: str
    id: str
    type: QuestionType
    title: str
    prompt: str
    """Scenario and question, as Markdown (everything between the title and the choices)."""
    choices: list[Choice] = []
    answer: NumericAnswer | None = None
    metric_link: SimLink | None = None
    """The numeric answer's ``metric`` link, parsed (line of the frontmatter key)."""
    explanation: Explanation
    references: list[Reference] = []
    tags: list[str] = []
    difficulty: Difficulty = "medium"
    topic: str | None = None
    author: str | None = None
    created: dt.date | None = None
    id_line: int = 1
    """Line of the ``id:`` key, to name both places of a duplicate id."""
    content_hash: str
    """sha256 of the file's text: an edited question gets a new hash."""

    @property
    def correct_indices(self) -> list[int]:
        return [i for i, choice in enumerate(self.choices) if choice.correct]

    @property
    def sim_links(self) -> list[SimLink]:
        """Every simulation link: choices' claims, the numeric metric's, the explanation's."""
        links = [c.claim for c in self.choices if c.claim is not None]
        if self.metric_link is not None:
            links.append(self.metric_link)
        return links + list(self.explanation.links)


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
