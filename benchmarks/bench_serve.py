"""Time to the first question on screen in a web browser (``quizengine serve``), next to the
same in a terminal (``quizengine take``), measured in the same run.

- **terminal**: ``bench_startup``'s harness: ``quizengine take`` spawned on an 80x24
  pseudo-terminal, Enter pressed when the bank browser shows, the clock stopped when
  "Question 1 of" does.
- **browser**: ``quizengine serve`` on a loopback port (started beforehand: a learner opens
  the page of a running server), headless system Chromium driven by Playwright. The clock
  starts when the page is asked for; it covers the page and its script, the websocket, the
  app process textual-serve starts for the tab (interpreter, imports, the bank from the parse
  cache), and its frames; the screen is read from the websocket frames with pyte, as the
  browser tests do. Enter when the bank browser shows; stopped at "Question 1 of". Each run
  is a new browser profile (nothing cached: a first visit) and a new history (nothing to
  resume), as each terminal run is. Requests to other sites (the page's web font) are
  answered empty at once: this machine is offline.

Both use the bundled bank, from a parse cache a warm-up run filled, and an own bytecode cache.
Prints the medians, the browser's ratio to the terminal, and the server's own start-up.

    PYTHONPATH=. python benchmarks/bench_serve.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Route

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT / "tests")]

from bench_startup import QUIZENGINE, QUIZENGINE_MARKERS, time_to_screens  # noqa: E402
from serve_support import CHROMIUM, Terminal, serving  # noqa: E402

# About 80x24 cells in Chromium's default monospace font at textual-serve's 16 px.
VIEWPORT = {"width": 724, "height": 444}
POLL_MS = 5
HOME, QUESTION = (marker.decode() for marker in QUIZENGINE_MARKERS)


def time_in_browser(
    browser: Browser, env: dict[str, str], db: Path
) -> tuple[float, float, float, float]:
    """Seconds for the server to listen, then from asking for the page to its websocket
    opening (the page's part), to the bank browser, and to the first question on it."""
    started = time.perf_counter()
    with serving(["--db", str(db)], env=env) as server:
        listening = time.perf_counter() - started
        context = browser.new_context(viewport=VIEWPORT)
        local = server.url.rstrip("/").removeprefix("http://")

        def offline(route: Route) -> None:
            if local in route.request.url:
                route.continue_()
            else:
                route.fulfill(status=200, body="")

        context.route("**/*", offline)
        page = context.new_page()
        connected: list[float] = []
        page.on("websocket", lambda _: connected.append(time.perf_counter()))
        asked = time.perf_counter()
        tab = Terminal(page, server.url)
        tab.wait_for(HOME, poll_ms=POLL_MS)
        home = time.perf_counter() - asked
        tab.press("Enter")
        tab.wait_for(QUESTION, poll_ms=POLL_MS)
        question = time.perf_counter() - asked
        context.close()
    return listening, connected[0] - asked, home, question


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each (default: 7)")
    runs = parser.parse_args().runs
    if CHROMIUM is None:
        raise SystemExit("no system chromium: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    terminal: list[tuple[float, float]] = []
    browser_times: list[tuple[float, float, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        env["QUIZENGINE_CACHE"] = str(Path(tmp) / "cache")  # not the user's parse cache
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])

        def take(name: str) -> tuple[float, float]:
            db = str(Path(tmp) / f"{name}.sqlite3")
            argv = [sys.executable, "-c", QUIZENGINE, "take", "--db", db]
            return time_to_screens(argv, QUIZENGINE_MARKERS, env)

        # Warm the file cache, the bytecode cache, the parse cache (the tab's app is a `take`
        # in the same environment) and the browser.
        time_in_browser(browser, env, Path(tmp) / "warm-up-serve.sqlite3")
        for run in range(runs):  # interleaved, so background load hits both alike
            terminal.append(take(f"take-{run}"))
            browser_times.append(time_in_browser(browser, env, Path(tmp) / f"serve-{run}.sqlite3"))
        browser.close()
    term_home = statistics.median(h for h, _ in terminal)
    term_question = statistics.median(q for _, q in terminal)
    listening, page, web_home, web_question = (
        statistics.median(column) for column in zip(*browser_times, strict=True)
    )
    print(f"medians of {runs} runs; the bundled bank, from the parse cache")
    print(f"{'':<52} {'home':>7} {'1st question':>13}")
    print(
        f"{'terminal: quizengine take, from spawning it':<52} {term_home * 1000:4.0f} ms"
        f" {term_question * 1000:10.0f} ms"
    )
    print(
        f"{'browser: quizengine serve, from asking for the page':<52} {web_home * 1000:4.0f} ms"
        f" {web_question * 1000:10.0f} ms   {web_question / term_question:.2f}x the terminal"
    )
    print(
        f"(the browser's part: its websocket opened {page * 1000:.0f} ms after asking for the"
        " page; the rest is the tab's app process starting and drawing)"
    )
    print(f"(the server itself: listening {listening * 1000:.0f} ms after it was started)")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
