"""Reading a file that anyone could have put there: regular files only, bounded, never blocking.

``Path.read_bytes`` follows a symlink to /dev/zero and reads until memory runs out, reads a
6 GiB sparse file whole before any size check, and blocks forever on a FIFO. Here the file is
opened without blocking, checked with ``fstat`` (the file opened, not a name that may have
changed since), and at most ``limit + 1`` bytes are read: enough to tell it is too large.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class NotReadable(Exception):
    """Why a file was not read, in words (``not a regular file (a FIFO)``, ``too large ...``)."""


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at ``path``, if it holds at most ``limit`` of them."""
    with _open_regular(path) as (fd, info):
        if info.st_size > limit:
            raise NotReadable(f"file is too large ({info.st_size:,} bytes; the limit is {limit:,})")
        # May return limit + 1 bytes (the file grew since fstat): the caller refuses it then.
        return _read(fd, limit + 1)


def read_start(path: Path, size: int) -> bytes:
    """The first ``size`` bytes (fewer if it is shorter) of the regular file at ``path``."""
    with _open_regular(path) as (fd, _):
        return _read(fd, size)


@contextmanager
def _open_regular(path: Path) -> Iterator[tuple[int, os.stat_result]]:
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        raise NotReadable(f"cannot read file: {error.strerror or error}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotReadable(f"not a regular file ({_kind(info.st_mode)}); cannot read it")
        yield fd, info
    except OSError as error:
        raise NotReadable(f"cannot read file: {error.strerror or error}") from None
    finally:
        os.close(fd)


def _read(fd: int, most: int) -> bytes:
    chunks, size = [], 0
    while size < most and (chunk := os.read(fd, most - size)):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _kind(mode: int) -> str:
    kinds = {
        stat.S_ISDIR: "a directory",
        stat.S_ISFIFO: "a FIFO",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
        stat.S_ISSOCK: "a socket",
    }
    return next((name for test, name in kinds.items() if test(mode)), "not a plain file")
