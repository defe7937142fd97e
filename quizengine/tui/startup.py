"""Start-up without the garbage collector walking what start-up builds.

Importing Textual, pydantic and the app's modules and loading the bank create hundreds of
thousands of objects that live as long as the process. CPython's cyclic collector traverses
them again and again while they are created (one full collection alone took 12 ms): ~25 ms of
the time to the first question, three times a bare Textual app's. :func:`long_lived` pauses
the collector while they are built, then freezes them (``gc.freeze``) so that later collections
skip them. The cost: a reference cycle that became garbage during start-up is never freed,
a few kilobytes once per process.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def long_lived() -> Iterator[None]:
    """Build the start-up objects with the collector paused, then exempt them from it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
