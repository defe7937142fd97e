"""Helpers for the ``quizengine serve`` tests: a real server process and a browser tab whose
terminal screen is rebuilt from the websocket's frames.

textual-serve's page draws the terminal on a canvas, so the DOM holds no text. The app's
output reaches the page as binary websocket frames of terminal escape sequences; feeding
them to pyte, a terminal emulator, gives the screen the learner sees, as text. The page's
size is read from the websocket address and its ``resize`` messages.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pyte

if TYPE_CHECKING:
    from playwright.sync_api import Page, WebSocket

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium")
NO_CHROMIUM = "no system chromium (apt-get install chromium; .ci/run installs it)"
# .ci/run sets this after installing Chromium: there a missing browser fails, never skips.
BROWSER_REQUIRED = os.environ.get("QUIZENGINE_BROWSER_TESTS") == "required"
# Generous: two cores shared with the rest of the suite; a passing run takes a second or two.
SCREEN_TIMEOUT_SECONDS = 30.0


@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]


@contextmanager
def serving(
    args: Sequence[str], env: dict[str, str] | None = None, *, as_background_job: bool = False
) -> Iterator[Server]:
    """``quizengine serve --port 0 ARGS`` through the real entry point, stopped with Ctrl+C's
    signal afterwards; fails if it does not stop cleanly. ``as_background_job``: started as a
    shell starts ``cmd &``, with SIGINT ignored until the program installs a handler."""

    def ignore_sigint() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    process = subprocess.Popen(
        [sys.executable, "-m", "quizengine", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
        preexec_fn=ignore_sigint if as_background_job else None,
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        if " at http" not in line:
            process.wait(timeout=10)
            raise AssertionError(f"serve did not start: {line}{process.stderr.read()}")
        yield Server(url=line.split(" at ")[1].split()[0], process=process)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise AssertionError("serve did not stop within 15 s of Ctrl+C") from None


class Terminal:
    """A browser tab on the served app, with the screen read from the websocket."""

    def __init__(self, page: Page, url: str) -> None:
        self.page = page
        self.screen = pyte.Screen(80, 24)
        self.stream = pyte.ByteStream(self.screen)
        self.opened_urls: list[str] = []
        self.typed: list[str] = []  # what the page sent the app's standard input
        page.on("websocket", self._watch)
        page.goto(url)

    def _watch(self, websocket: WebSocket) -> None:
        query = parse_qs(urlsplit(websocket.url).query)
        self.screen.resize(int(query["height"][0]), int(query["width"][0]))
        websocket.on("framereceived", self._received)
        websocket.on("framesent", self._sent)

    def _received(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes):
            self.stream.feed(payload)
        elif (message := json.loads(payload))[0] == "open_url":
            self.opened_urls.append(message[1]["url"])

    def _sent(self, payload: str | bytes) -> None:
        message = json.loads(payload)
        if message[0] == "stdin":
            self.typed.append(message[1])
        elif message[0] == "resize":
            self.screen.resize(message[1]["height"], message[1]["width"])

    @property
    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def wait_for(self, text: str, poll_ms: float = 25) -> None:
        """Until ``text`` is on the screen (looking every ``poll_ms``); the screen in the
        failure otherwise."""
        deadline = time.monotonic() + SCREEN_TIMEOUT_SECONDS
        while text not in self.text:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{text!r} never appeared; typed {self.typed}; the screen:\n{self.text}"
                )
            self.page.wait_for_timeout(poll_ms)  # lets Playwright deliver the frames

    def press(self, *keys: str) -> None:
        self.page.locator(".xterm-helper-textarea").focus()
        for key in keys:
            self.page.keyboard.press(key)

    def click_text(self, text: str) -> None:
        """Click the middle of ``text``'s first cell on the canvas, as a learner would."""
        row = next(i for i, line in enumerate(self.screen.display) if text in line)
        column = self.screen.display[row].index(text)
        box = self.page.locator(".xterm-screen").bounding_box()
        assert box is not None
        cell_width = box["width"] / self.screen.columns
        cell_height = box["height"] / self.screen.lines
        self.page.mouse.click(
            box["x"] + (column + 0.5) * cell_width, box["y"] + (row + 0.5) * cell_height
        )


def processes_running(text: str) -> list[int]:
    """Process ids whose command line mentions ``text`` (Linux's /proc; elsewhere none)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text.encode() in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
        except OSError:  # it ended while we looked
            continue
    return found
