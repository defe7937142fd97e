"""Where the history lives: ``--db PATH``, else ``$QUIZENGINE_DB``, else the user data dir."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

DB_ENV = "QUIZENGINE_DB"
DB_FILENAME = "history.sqlite3"


def default_db_path() -> Path:
    """The per-user default, e.g. ``~/.local/share/quizengine/history.sqlite3`` on Linux."""
    import platformdirs  # only needed when neither --db nor the variable is given

    return Path(platformdirs.user_data_dir("quizengine", appauthor=False)) / DB_FILENAME


def resolve_db_path(
    cli_value: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None
) -> Path:
    """The database to use: the command line wins over the environment, then the default."""
    env = os.environ if environ is None else environ
    if cli_value:
        return Path(cli_value).expanduser()
    if value := env.get(DB_ENV):
        return Path(value).expanduser()
    return default_db_path()
