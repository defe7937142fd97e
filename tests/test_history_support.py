"""Helpers shared by the test_history_* files (no tests here): questions and a settable clock."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from quizengine.bank.model import Choice, Explanation, NumericAnswer, Question

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def make_question(
    qid: str,
    kind: str = "single",
    *,
    tags: tuple[str, ...] = (),
    topic: str | None = None,
    version: str = "1",
) -> Question:
    """A small valid question; a different ``version`` gives a different content hash."""
    choices = []
    answer = None
    if kind == "numeric":
        answer = NumericAnswer(value=2.0, abs_tol=0.1)
    else:
        correct = {0} if kind == "single" else {0, 2}
        choices = [Choice(text=f"option {i}", correct=i in correct) for i in range(4)]
    return Question(
        path=f"quizzes/{qid}.md",
        id=qid,
        type=kind,
        title=f"Question {qid}",
        prompt="What happens?",
        choices=choices,
        answer=answer,
        explanation=Explanation(markdown="Because."),
        tags=list(tags),
        topic=topic,
        content_hash=hashlib.sha256(f"{qid} v{version}".encode()).hexdigest(),
    )


class Clock:
    """A clock the test moves by hand: ``clock.advance(minutes=5)``."""

    def __init__(self, start: dt.datetime = T0) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


BANK_FILES = {
    "sigmoid-slope.md": """---
id: sigmoid-slope
type: single
tags: [activations]
topic: vanishing gradients
---
# The sigmoid's slope

What is the largest value the derivative of the logistic sigmoid takes?

- [ ] 1
- [x] 0.25
- [ ] 0.5

## Answer

It peaks at 0, where it is 0.25.
""",
    "remedies.md": """---
id: remedies
type: multiple
tags: [activations, initialization]
topic: vanishing gradients
---
# Remedies

Which changes help a deep sigmoid network train?

- [x] ReLU activations
- [x] He initialization
- [ ] More layers

## Answer

More layers make it worse.
""",
    "chain-bound.md": """---
id: chain-bound
type: numeric
tags: [initialization]
topic: bounds
answer: {value: 0.0625, abs_tol: 0.001}
---
# Two sigmoids

What bounds the product of two sigmoid derivatives?

## Answer

0.25 squared.
""",
}


def write_bank(folder: Path) -> Path:
    """A three-question bank (single, multiple, numeric) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in BANK_FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
