"""Time to the first question on screen, in a real terminal, against bare Textual apps.

Each run spawns a fresh ``python -c`` process on an 80x24 pseudo-terminal and reads what it
writes, as a terminal would. When the home screen's text appears the harness presses Enter, as
a learner would; the clock stops when the second screen's text appears. Interpreter start-up,
imports, Textual's real driver and rendering all count, and nothing waits on a test pilot's
idle detection (which sleeps in 20 ms steps and would hide the difference).

- **bare**: an App showing one Static; Enter pushes a screen with another Static.
- **bare + Markdown**: the same, with the second screen showing a prompt in Textual's Markdown
  widget, as the issue asks of the question screen.
- **bare + Markdown + models**: the same, importing ``quizengine.bank.model`` first: pydantic and
  the question models, which every question on screen is. This is the floor for any app built
  from the required parts; what quizengine adds above it is its own.
- **quizengine**: ``quizengine take --db NEW`` through ``quizengine.cli.main``, the bundled
  bank from the parse cache a warm-up run filled; Enter in the browser starts the quiz and the
  clock stops at "Question 1 of". As context, the same with an empty parse cache: the first
  start after an install or an edit.

Prints the median of each, the ratios to bare and to the floor, and whether numpy was imported
before the first question (checked once in a headless run; it must not be).

Bytecode: the children run with a bytecode cache of their own (``PYTHONPYCACHEPREFIX``, filled
by the warm-up run), as an installed quizengine runs: pip compiles it, as it compiled Textual.

    PYTHONPATH=. python benchmarks/bench_startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_SECONDS = 20.0
# Escape sequences (CSI, OSC, DCS and two-byte ones): removed before looking for text.
ESCAPES = re.compile(
    rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[P^_][^\x1b]*\x1b\\|.)"
)

BARE = """
import sys
from textual.app import App
from textual.screen import Screen
from textual.widgets import Static

if sys.argv[1] == "models":
    import quizengine.bank.model

class Second(Screen):
    def compose(self):
        if sys.argv[1] == "static":
            yield Static("question 1 of 1")
        else:
            from textual.widgets import Markdown
            yield Markdown("Which *changes* help? question 1 of 1")

class Bare(App):
    def compose(self):
        yield Static("home screen")

    def on_key(self, event):
        if event.key == "enter":
            self.push_screen(Second())

Bare().run()
"""
BARE_MARKERS = (b"home screen", b"question 1 of 1")

QUIZENGINE = "import sys; from quizengine.cli import main; sys.exit(main())"
QUIZENGINE_MARKERS = (b"questions shown", b"Question 1 of")

NUMPY_CHECK = """
import sys
from quizengine.cli import build_parser
from quizengine.commands.take import build_app
from quizengine.tui.screens.question import QuestionScreen

app = build_app(build_parser("take").parse_args(["take", "--db", sys.argv[1]]))

async def ready(pilot):
    await pilot.press("enter")
    while not isinstance(app.screen, QuestionScreen) or not app.screen.is_mounted:
        await pilot.pause()
    print("numpy" in sys.modules)
    app.exit()

app.run(headless=True, auto_pilot=ready)
app.store.close()
"""


def time_to_screens(
    argv: list[str], markers: tuple[bytes, bytes], env: dict[str, str]
) -> tuple[float, float]:
    """Seconds from spawning ``argv`` on a pseudo-terminal to each marker on its screen,
    pressing Enter as soon as the first is there."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    started = time.perf_counter()
    child = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT, start_new_session=True
    )
    os.close(slave)
    output = b""
    waiting_for = 0
    home = 0.0
    try:
        while time.perf_counter() - started < TIMEOUT_SECONDS:
            if not select.select([master], [], [], 0.5)[0]:
                continue
            try:
                output += os.read(master, 1 << 16)
            except OSError:  # the child closed the terminal: it exited
                break
            if markers[waiting_for] not in ESCAPES.sub(b"", output):
                continue
            if waiting_for == 1:
                return home, time.perf_counter() - started
            home = time.perf_counter() - started
            os.write(master, b"\r")
            waiting_for, output = 1, b""
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        os.close(master)
    screen = ESCAPES.sub(b"", output).decode(errors="replace")
    raise SystemExit(f"{markers[waiting_for]!r} never appeared on screen; it showed:\n{screen}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="runs of each (default: 9)")
    runs = parser.parse_args().runs
    python = sys.executable
    kinds = ("static", "markdown", "models", "warm", "cold")
    times: dict[str, list[tuple[float, float]]] = {kind: [] for kind in kinds}
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        env["QUIZENGINE_CACHE"] = str(Path(tmp) / "cache")  # not the user's parse cache

        def quizengine(name: str, environment: dict[str, str]) -> tuple[float, float]:
            # A new history each time: a quiz left open would make the next start offer to resume.
            argv = [python, "-c", QUIZENGINE, "take", "--db", str(Path(tmp) / f"{name}.sqlite3")]
            return time_to_screens(argv, QUIZENGINE_MARKERS, environment)

        # Warm the file cache, the bytecode cache and quizengine's parse cache.
        for kind in ("static", "models"):
            time_to_screens([python, "-c", BARE, kind], BARE_MARKERS, env)
        quizengine("warm-up", env)
        for run in range(runs):  # interleaved, so background load hits all alike
            for kind in ("static", "markdown", "models"):
                argv = [python, "-c", BARE, kind]
                times[kind].append(time_to_screens(argv, BARE_MARKERS, env))
            times["warm"].append(quizengine(f"warm-{run}", env))
            # The first start after an install or an edit: the bank is parsed, not cached.
            fresh = {**env, "QUIZENGINE_CACHE": str(Path(tmp) / f"cache-{run}")}
            times["cold"].append(quizengine(f"cold-{run}", fresh))
        check = [python, "-c", NUMPY_CHECK, str(Path(tmp) / "numpy-check.sqlite3")]
        numpy = subprocess.run(check, capture_output=True, text=True, env=env, check=True)
    home = {kind: statistics.median(h for h, _ in times[kind]) for kind in kinds}
    second = {kind: statistics.median(s for _, s in times[kind]) for kind in kinds}
    bare, floor = second["static"], second["models"]
    rows = (
        ("static", "bare Textual app", ""),
        ("markdown", "  + the prompt in Textual's Markdown widget", ""),
        ("models", "  + pydantic and the question models", "the floor"),
        ("warm", "quizengine take", f"{second['warm'] / floor:.2f}x the floor"),
        ("cold", "  the same, no parse cache yet", f"{second['cold'] / floor:.2f}x the floor"),
    )
    print(f"medians of {runs} runs in an 80x24 terminal, from spawning the process")
    print(f"{'':<44} {'home':>7} {'2nd screen':>11} {'ratio':>11}")
    for kind, label, note in rows:
        ratio = f"{second[kind] / bare:.2f}x bare"
        print(
            f"{label:<44} {home[kind] * 1000:4.0f} ms {second[kind] * 1000:8.0f} ms"
            f" {ratio:>11}  {note}"
        )
    print("(home: the browser for quizengine; 2nd screen: its first question)")
    print("numpy imported before the first question:", numpy.stdout.strip() == "True")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
