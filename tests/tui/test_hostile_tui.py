"""The TUI on the hostile corpus (tests/hostile_corpus.py): it starts, lists the good questions
and the broken files, and shows no control character."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from hostile_corpus import cases, write_corpus
from tui_support import Clock

from quizengine.bank.load import load_bank
from quizengine.tui.app import QuizApp
from quizengine.tui.screens.browser import QuestionTable

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and symlinks are POSIX")
async def test_the_tui_starts_on_the_hostile_corpus(tmp_path: Path) -> None:
    write_corpus(tmp_path)
    bank = load_bank([tmp_path])
    app = QuizApp(bank, clock=Clock())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(QuestionTable)
        assert table.row_count == len([c for c in cases() if c.error is None])
        assert CONTROL.search(app.export_screenshot()) is None
        await pilot.press("enter")  # the first question, whichever it is
        await pilot.pause()
        assert CONTROL.search(app.export_screenshot()) is None
