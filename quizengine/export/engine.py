"""The parts of quizengine that export builds on, imported in this one place.

The re-layout (issue 10) moved these modules; only this file had to follow them.
"""

from __future__ import annotations

from quizengine.bank.diagnostics import Diagnostic
from quizengine.bank.images import (
    IMG_SRC,
    ImageFile,
    html_image_sources,
    load_images,
    src_value,
)
from quizengine.bank.model import (
    Bank,
    Choice,
    ChoiceQuestion,
    NumericAnswer,
    NumericQuestion,
    Question,
    Reference,
    SimLink,
)
from quizengine.bank.parser import markdown_parser
from quizengine.bank.simlink import SimLinkError, is_sim_href, parse_sim_href
from quizengine.lab.cache import ResultCache, RunKey
from quizengine.lab.conditions import Sweep
from quizengine.lab.executor import Executor
from quizengine.lab.experiments import ExperimentError, resolve
from quizengine.lab.verify import (
    ItemVerdict,
    KeyPlan,
    available_cores,
    execute_runs,
    judge,
    plan_question,
)

__all__ = [
    "IMG_SRC",
    "Bank",
    "Choice",
    "ChoiceQuestion",
    "Diagnostic",
    "Executor",
    "ExperimentError",
    "ImageFile",
    "ItemVerdict",
    "KeyPlan",
    "NumericAnswer",
    "NumericQuestion",
    "Question",
    "Reference",
    "ResultCache",
    "RunKey",
    "SimLink",
    "SimLinkError",
    "Sweep",
    "available_cores",
    "execute_runs",
    "html_image_sources",
    "is_sim_href",
    "judge",
    "load_images",
    "markdown_parser",
    "parse_sim_href",
    "plan_question",
    "resolve",
    "src_value",
]
