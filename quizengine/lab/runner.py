"""Simulations run in a child process, so that a long run can be stopped.

A thread cannot be interrupted while numpy computes; a process can. The panel keeps one child
(``python -m quizengine.lab.runner``, started on its first run) and sends it one run at a
time as pickles over its stdin and stdout; cancelling kills the child, and the next run starts
a fresh one. A run found whole in the run cache is read here, at once, without the child.
(``multiprocessing`` cannot start a child under Textual, whose stand-in stderr has no file
descriptor.)
"""

from __future__ import annotations

import os
import pickle
import select
import subprocess
import sys
import threading
from collections.abc import Mapping
from typing import IO

from quizengine.lab.cache import ResultCache
from quizengine.lab.experiments import SimRun, resolve, run_simulation

POLL_SECONDS = 0.05


class RunCancelled(Exception):
    """The learner stopped the run."""


class SimulationFailed(Exception):
    """The run raised in the child (e.g. a bad parameter); the message says why."""


def serve(requests: IO[bytes], replies: IO[bytes]) -> None:
    """The child's loop: a run request in, ``(True, SimRun)`` or ``(False, message)`` out."""
    while True:
        try:
            name, values, overrides, seed = pickle.load(requests)
        except EOFError:
            return
        try:
            run = run_simulation(name, values, overrides, seed, ResultCache())
            reply: tuple[bool, object] = (True, run)
        except Exception as error:  # every failure goes back to the panel as a message
            reply = (False, str(error) or type(error).__name__)
        pickle.dump(reply, replies)
        replies.flush()


def main() -> None:
    replies = sys.stdout.buffer
    # Anything the run prints must not land in the pickles (nor on the TUI's terminal).
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (lives as long as the child)
    serve(sys.stdin.buffer, replies)


def cached_run(
    name: str,
    values: Mapping[str, str],
    overrides: Mapping[str, str],
    seed: int,
    cache: ResultCache,
) -> SimRun | None:
    """The run from the run cache alone, at once; None when a part of it was never made.

    A bad parameter raises here already (``resolve`` checks it), without starting a child.
    """
    keys = [resolve(name, values, seed)]
    if overrides:
        keys.append(resolve(name, {**values, **overrides}, seed))
    if any(cache.get(key) is None for key in keys):
        return None
    return run_simulation(name, values, overrides, seed, cache)


class SimulationProcess:
    """Runs :func:`run_simulation` in a child process; :meth:`run` blocks (call it from a
    thread worker) until the result, or until ``cancelled`` is set, which kills the child."""

    command: tuple[str, ...] = (sys.executable, "-m", "quizengine.lab.runner")

    def __init__(self) -> None:
        self._child: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()  # one run at a time; a cancelled one lets go first

    def _started(self) -> subprocess.Popen[bytes]:
        if self._child is None or self._child.poll() is not None:
            self._child = subprocess.Popen(
                self.command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        return self._child

    def run(
        self,
        name: str,
        values: Mapping[str, str],
        overrides: Mapping[str, str],
        seed: int,
        cancelled: threading.Event,
    ) -> SimRun:
        with self._lock:
            if cancelled.is_set():
                raise RunCancelled
            cached = cached_run(name, values, overrides, seed, ResultCache())
            if cached is not None:  # a panel reopened on a run already made: no child, no wait
                return cached
            child = self._started()
            assert child.stdin is not None and child.stdout is not None
            try:
                pickle.dump((name, dict(values), dict(overrides), seed), child.stdin)
                child.stdin.flush()
            except BrokenPipeError:
                self._stop()
                raise SimulationFailed("the simulation process could not start") from None
            while not select.select([child.stdout], [], [], POLL_SECONDS)[0]:
                if cancelled.is_set():
                    self._stop()
                    raise RunCancelled
            try:
                ok, payload = pickle.load(child.stdout)
            except EOFError:
                code = child.wait()
                self._stop()
                raise SimulationFailed(f"the simulation process ended (exit code {code})") from None
        if not ok:
            raise SimulationFailed(payload)
        assert isinstance(payload, SimRun)
        return payload

    def _stop(self) -> None:
        child, self._child = self._child, None
        if child is not None:
            child.kill()
            child.wait(timeout=5)
            for stream in (child.stdin, child.stdout):
                if stream is not None:
                    stream.close()

    def close(self) -> None:
        """Stop an idle child (the panel closes). A run going on holds the lock: it stops the
        child itself once its ``cancelled`` event is set, so set that first."""
        if self._lock.acquire(blocking=False):
            try:
                self._stop()
            finally:
                self._lock.release()


if __name__ == "__main__":
    main()
