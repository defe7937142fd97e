"""Time to the first question on screen, against a bare Textual app started the same way.

Each run is a fresh ``python`` process, headless, driven by Textual's auto-pilot:

- **bare**: an App showing one Static; Enter pushes a second screen with one Static.
- **quizengine**: ``quizengine take --db NEW`` as ``quizengine.cli.main`` builds it (the
  bundled bank loaded from the parse cache a warm-up run filled, a new history created); Enter
  in the browser starts the quiz and the clock stops once the first question screen is mounted
  and painted. As context, the same with an empty parse cache: the first start after an
  install or an edit.

The time is from just before spawning the process to the child's "ready" line, so interpreter
start-up and imports count. Prints the median of each, the ratio (target: at most 1.3), and
whether numpy was imported before the first question (it must not be).

Bytecode: the children run with a bytecode cache of their own (``PYTHONPYCACHEPREFIX``, filled
by a warm-up run of each), as an installed quizengine runs: pip compiles it, as it compiled
Textual. Without one (``PYTHONDONTWRITEBYTECODE=1`` in a checkout) every start compiles
quizengine's modules from source while Textual's come precompiled; ``--no-bytecode-cache``
measures that case.

    PYTHONPATH=. python benchmarks/bench_startup.py [--runs N] [--no-bytecode-cache]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE = """
import sys, time
from textual.app import App
from textual.screen import Screen
from textual.widgets import Static

class Second(Screen):
    def compose(self):
        yield Static("question 1 of 1")

class Bare(App):
    def compose(self):
        yield Static("bank")
    def on_key(self, event):
        if event.key == "enter":
            self.push_screen(Second())

async def ready(pilot):
    await pilot.press("enter")
    while not isinstance(pilot.app.screen, Second) or not pilot.app.screen.is_mounted:
        await pilot.pause()
    await pilot.pause()  # painted
    print("ready", time.time(), "numpy" in sys.modules, flush=True)
    pilot.app.exit()

Bare().run(headless=True, auto_pilot=ready)
"""

# The same bare app whose second screen renders a Markdown prompt, as the question screen does:
# Textual's Markdown widget alone imports markdown-it and pygments. Context, not the target.
BARE_MARKDOWN = BARE.replace(
    'yield Static("question 1 of 1")',
    'from textual.widgets import Markdown; yield Markdown("Which *changes* help?")',
)

QUIZENGINE = """
import sys, time
from quizengine.cli import build_parser
from quizengine.commands.take import build_app

app = build_app(build_parser("take").parse_args(["take", "--db", sys.argv[1]]))

async def ready(pilot):
    from quizengine.tui.question import QuestionScreen
    await pilot.press("enter")
    while not isinstance(app.screen, QuestionScreen) or not app.screen.is_mounted:
        await pilot.pause()
    await pilot.pause()  # painted
    print("ready", time.time(), "numpy" in sys.modules, flush=True)
    app.exit()

app.run(headless=True, auto_pilot=ready)
app.store.close()
"""


def child_env(pycache: Path | None) -> dict[str, str]:
    """The children's environment; with ``pycache``, bytecode is cached there."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def time_to_ready(code: str, *args: str, env: dict[str, str]) -> tuple[float, bool]:
    """Seconds from spawning ``python -c code`` to its ready line, and whether numpy was loaded."""
    started = time.time()
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    for line in done.stdout.splitlines():
        if line.startswith("ready "):
            _, stamp, numpy = line.split()
            return float(stamp) - started, numpy == "True"
    raise SystemExit(f"the child did not get ready:\n{done.stdout}\n{done.stderr}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each (default: 7)")
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="run the children with this environment's bytecode setting (see above)",
    )
    options = parser.parse_args()
    runs = options.runs
    bare: list[float] = []
    bare_markdown: list[float] = []
    ours: list[float] = []
    cold: list[float] = []
    numpy_loaded = False
    with tempfile.TemporaryDirectory() as tmp:
        env = child_env(None if options.no_bytecode_cache else Path(tmp) / "pycache")
        env["QUIZENGINE_CACHE"] = str(Path(tmp) / "cache")  # not the user's parse cache
        # Warm the file cache, the bytecode cache and quizengine's parse cache.
        time_to_ready(BARE, env=env)
        time_to_ready(BARE_MARKDOWN, env=env)
        # A new history each time: a quiz left open would make the next start offer to resume.
        time_to_ready(QUIZENGINE, str(Path(tmp) / "warm-up.sqlite3"), env=env)
        for run in range(runs):  # interleaved, so background load hits both alike
            bare.append(time_to_ready(BARE, env=env)[0])
            bare_markdown.append(time_to_ready(BARE_MARKDOWN, env=env)[0])
            seconds, numpy = time_to_ready(QUIZENGINE, str(Path(tmp) / f"{run}.sqlite3"), env=env)
            ours.append(seconds)
            numpy_loaded |= numpy
            # The first start after an install or an edit: the bank is parsed, not cached.
            fresh = {**env, "QUIZENGINE_CACHE": str(Path(tmp) / f"cache-{run}")}
            cold.append(
                time_to_ready(QUIZENGINE, str(Path(tmp) / f"cold-{run}.sqlite3"), env=fresh)[0]
            )
    c = statistics.median(cold)
    b, m, q = (statistics.median(times) for times in (bare, bare_markdown, ours))
    print(f"bare Textual app, second screen:     median {b * 1000:6.0f} ms  (runs: {runs})")
    print(f"  the same with a Markdown prompt:   median {m * 1000:6.0f} ms  ({m / b:.2f}x bare)")
    print(f"quizengine take, first question:     median {q * 1000:6.0f} ms")
    print(f"  the same with no parse cache yet:  median {c * 1000:6.0f} ms  ({c / b:.2f}x bare)")
    print(f"ratio: {q / b:.2f}x bare (target <= 1.3x); {q / m:.2f}x bare with Markdown")
    print(f"numpy imported before the first question: {'yes (bad)' if numpy_loaded else 'no'}")
    compiled = "PYTHONDONTWRITEBYTECODE" not in env
    bytecode = "cached, as installed" if compiled else "compiled from source at every start"
    print(f"quizengine's bytecode: {bytecode}; load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
