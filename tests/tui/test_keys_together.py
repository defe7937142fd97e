"""Keys that arrive together: a browser (``quizengine serve``) or a fast typist sends "2" and
Enter in one burst, before the radio set has heard of the button "2" pressed."""

from __future__ import annotations

from textual import events
from tui_support import BANK_DIR

from quizengine.bank.load import load_bank
from quizengine.tui.app import QuizApp
from quizengine.tui.screens.feedback import FeedbackScreen
from quizengine.tui.screens.question import QuestionScreen


async def test_a_pick_and_enter_in_one_burst_submit_that_pick() -> None:
    app = QuizApp(load_bank([BANK_DIR / "1-sigmoid-slope.md"]))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, QuestionScreen)
        # Posted back to back, with no pause for the messages in between to be handled.
        app.post_message(events.Key("2", "2"))
        app.post_message(events.Key("enter", "\r"))
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, FeedbackScreen), [n.message for n in app._notifications]
        assert app.quiz is not None
        assert app.quiz.attempts[0].response == frozenset({1})
