"""What the quiz screens ask of the app, as Textual messages.

They live apart from the screens so that the app can handle them without importing every
screen at start-up: the question, feedback and summary screens (and the Markdown widget they
bring) load when the first quiz starts, after the browser is on screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from quizengine.bank.model import Question, SimLink
    from quizengine.practice.scoring import Response


class Submitted(Message):
    """The learner submitted ``response`` to question ``index`` (the one on screen)."""

    def __init__(self, response: Response, index: int) -> None:
        super().__init__()
        self.response = response
        self.index = index


class Navigate(Message):
    """Go to question ``index`` of the quiz (``len(items)`` means the summary)."""

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index


class OpenSimulation(Message):
    """Open the simulation panel on ``link`` (others of the question can be picked there)."""

    def __init__(self, link: SimLink, question: Question) -> None:
        super().__init__()
        self.link = link
        self.question = question


class RetryWrong(Message):
    """Start a new quiz on the questions not answered fully right."""


class BackToBank(Message):
    """Leave the quiz for the bank browser: ``paused`` keeps it to resume from there."""

    def __init__(self, *, paused: bool = False) -> None:
        super().__init__()
        self.paused = paused


class ShowFeedback(Message):
    """From the summary: show question ``index``'s feedback and explanation again."""

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index


class Rate(Message):
    """The learner overrules the review rating of question ``index``'s answer (1 Again .. 4
    Easy, or None for the one its score gives)."""

    def __init__(self, index: int, rating: int | None) -> None:
        super().__init__()
        self.index = index
        self.rating = rating
