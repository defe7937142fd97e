"""The learner's history: answers in SQLite (store), FSRS review (schedule), statistics (stats)."""

from quizengine.history.paths import DB_ENV, default_db_path, resolve_db_path
from quizengine.history.store import (
    AnswerRecord,
    HistoryError,
    HistoryStore,
    Session,
    move_aside,
)

__all__ = [
    "DB_ENV",
    "AnswerRecord",
    "HistoryError",
    "HistoryStore",
    "Session",
    "default_db_path",
    "move_aside",
    "resolve_db_path",
]
