"""Where the history lives: ``--db PATH``, else ``$QUIZENGINE_DB``, else the user data dir; and
moving an old history aside (``--reset-db``)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path

from quizengine.history.records import utc_now

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


def move_aside(path: Path, now: dt.datetime | None = None) -> Path | None:
    """Rename ``path`` (with its -wal/-shm files) to ``NAME.DATE.bak``; never deletes anything.

    Returns the new name of the database file, or None if there was nothing to move.
    """
    if not path.exists():
        return None
    stamp = (now or utc_now()).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.{stamp}.bak")
    counter = 1
    while target.exists():  # two resets within a second must not clobber the first
        counter += 1
        target = path.with_name(f"{path.name}.{stamp}-{counter}.bak")
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.rename(target.with_name(target.name + suffix))
    path.rename(target)
    return target
