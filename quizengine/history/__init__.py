"""The learner's history: answers in SQLite (store, over records and schema), FSRS review
(schedule), statistics (stats), where the file lives (paths)."""

from quizengine.history.paths import DB_ENV, default_db_path, move_aside, resolve_db_path
from quizengine.history.records import AnswerRecord, HistoryError, Session
from quizengine.history.store import HistoryStore

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
