"""The parts of quizengine that export builds on, imported in this one place.

The re-layout (issue 10) moves these modules; only this file has to follow them.
"""

from __future__ import annotations

from quizengine.bank.load import load_bank
from quizengine.bank.model import Bank, Choice, NumericAnswer, Question, Reference, SimLink
from quizengine.bank.parser import markdown_parser
from quizengine.bank.simlink import SimLinkError, is_sim_href, parse_sim_href
from quizengine.lab.cache import ResultCache, RunKey
from quizengine.lab.experiments import resolve as run_key
from quizengine.lab.verify import ItemVerdict, execute_runs, judge

__all__ = [
    "Bank",
    "Choice",
    "ItemVerdict",
    "NumericAnswer",
    "Question",
    "Reference",
    "ResultCache",
    "RunKey",
    "SimLink",
    "SimLinkError",
    "execute_runs",
    "is_sim_href",
    "judge",
    "load_bank",
    "markdown_parser",
    "parse_sim_href",
    "run_key",
]
