"""``quizengine serve`` without a browser: its errors, its warning, the command each tab runs,
and the checks on the page's addresses and on who may open a session."""

from __future__ import annotations

import asyncio
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import aiohttp
import pytest
from serve_support import ROOT, serving

from quizengine.cli import main
from quizengine.commands.serve import app_command, browser_url, is_loopback
from quizengine.tui.web import HOST_HEADER, public_url, websocket_refusal, websocket_url

SLOPE = ROOT / "tests" / "data" / "tui_bank" / "1-sigmoid-slope.md"


def serve(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``quizengine serve ARGS`` through the entry point, for the runs that must fail before
    serving: the exit status, stdout and stderr."""
    status = main(["serve", *args])
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_error(done: tuple[int, str, str], *words: str) -> None:
    status, out, err = done
    assert status == 2, err
    assert "Traceback" not in err and out == ""
    last = err.strip().splitlines()[-1]
    assert last.startswith("quizengine: error: "), last
    for word in words:
        assert word in last, last


# -- errors, before anything is served -----------------------------------------------------
def test_a_port_in_use_is_one_line_naming_it(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = serve(capsys, str(SLOPE), "--port", str(port))
    assert_one_line_error(done, f"port {port} on 127.0.0.1 is in use", "--port")


def test_a_host_that_does_not_resolve_is_a_bad_host(capsys: pytest.CaptureFixture[str]) -> None:
    done = serve(capsys, str(SLOPE), "--host", "no-such-host.invalid", "--port", "0")
    assert_one_line_error(done, "bad host 'no-such-host.invalid'")


def test_an_address_of_another_machine_is_a_bad_host(capsys: pytest.CaptureFixture[str]) -> None:
    done = serve(capsys, str(SLOPE), "--host", "192.0.2.1", "--port", "0")  # TEST-NET-1: never ours
    assert_one_line_error(done, "bad host '192.0.2.1'", "not an address of this machine")


def test_a_port_out_of_range_is_a_usage_error() -> None:
    done = subprocess.run(  # argparse exits: its own process
        [sys.executable, "-m", "quizengine", "serve", "--port", "70000"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "port 70000 is not between 0 and 65535" in done.stderr.splitlines()[-1]


def test_a_bank_without_a_valid_question_lists_the_errors_and_serves_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "broken.md").write_text("---\nid: broken\n---\n# No choices\n", encoding="utf-8")
    done = serve(capsys, str(tmp_path), "--port", "0")
    assert_one_line_error(done, "no valid question in", "quizengine check")
    assert "broken.md:" in done[2]  # the file's own error, path:line:col first


def test_a_missing_path_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    done = serve(capsys, str(tmp_path / "nowhere"))
    assert_one_line_error(done, "no such file or directory")


# -- listening beyond this machine ---------------------------------------------------------
def test_listening_on_every_interface_warns_that_there_is_no_login(tmp_path: Path) -> None:
    with serving([str(SLOPE), "--host", "0.0.0.0", "--db", str(tmp_path / "h.sqlite3")]) as server:
        assert server.process.stderr is not None
        warning = server.process.stderr.readline()
    assert "warning: listening on 0.0.0.0" in warning
    assert "no login" in warning and "docs/web.md" in warning


def test_ctrl_c_stops_it_the_moment_it_announces_its_address(tmp_path: Path) -> None:
    """The address is printed once Ctrl+C is handled. Before, it came while the server was
    still loading: a signal sent on reading it was lost by a shell's background job (SIGINT
    ignored until a handler is installed), and the server ran on."""
    for _ in range(3):
        with serving([str(SLOPE), "--db", str(tmp_path / "h.sqlite3")], as_background_job=True):
            pass


def test_the_loopback_default_says_nothing_of_logins(tmp_path: Path) -> None:
    with serving([str(SLOPE), "--db", str(tmp_path / "h.sqlite3")]) as server:
        assert server.url.startswith("http://127.0.0.1:")
    assert server.process.stderr is not None
    assert "warning" not in server.process.stderr.read()


# -- the page and the sessions, over HTTP ----------------------------------------------------
def test_the_page_points_its_websocket_at_the_address_the_browser_used(tmp_path: Path) -> None:
    with serving([str(SLOPE), "--db", str(tmp_path / "h.sqlite3")]) as server:
        port = server.url.rsplit(":", 1)[1].strip("/")
        direct = urllib.request.urlopen(server.url, timeout=30).read().decode()
        proxied_request = urllib.request.Request(
            server.url,
            headers={
                "Host": "quiz.example.org",
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": "203.0.113.9",
            },
        )
        proxied = urllib.request.urlopen(proxied_request, timeout=30).read().decode()
    assert f'data-session-websocket-url="ws://127.0.0.1:{port}/ws"' in direct
    assert 'data-session-websocket-url="wss://quiz.example.org/ws"' in proxied
    assert "https://quiz.example.org/static/js/textual.js" in proxied


def test_a_page_from_another_site_cannot_open_a_session(tmp_path: Path) -> None:
    async def handshake(url: str, headers: dict[str, str]) -> int:
        async with aiohttp.ClientSession() as client:
            try:
                async with client.ws_connect(url, headers=headers) as websocket:
                    await websocket.close()
                    return 101
            except aiohttp.WSServerHandshakeError as error:
                return error.status

    with serving([str(SLOPE), "--db", str(tmp_path / "h.sqlite3")]) as server:
        ws = server.url.replace("http://", "ws://") + "ws"
        foreign = asyncio.run(handshake(ws, {"Origin": "http://evil.example"}))
        own = asyncio.run(handshake(ws, {"Origin": server.url.rstrip("/")}))
    assert foreign == 403
    assert own == 101
    assert server.process.stderr is not None
    assert "refused a quiz session: origin 'http://evil.example'" in server.process.stderr.read()


def test_a_malformed_message_closes_that_session_with_one_line(tmp_path: Path) -> None:
    async def send_garbage(url: str) -> None:
        async with aiohttp.ClientSession() as client, client.ws_connect(url) as websocket:
            await websocket.send_str("this is not JSON")
            async for _ in websocket:  # until the server closes it
                pass

    with serving([str(SLOPE), "--db", str(tmp_path / "h.sqlite3")]) as server:
        ws = server.url.replace("http://", "ws://") + "ws"
        asyncio.run(asyncio.wait_for(send_garbage(ws), timeout=30))
        bad_host = urllib.request.Request(server.url, headers={"Host": 'x"><script>'})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(bad_host, timeout=30)
    assert refused.value.code == 400
    assert server.process.stderr is not None
    log = server.process.stderr.read()
    assert "closed a quiz session that sent a malformed message" in log
    assert "Traceback" not in log


def test_a_tab_whose_app_cannot_start_is_told_the_session_ended(tmp_path: Path) -> None:
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "q.md").write_bytes(SLOPE.read_bytes())

    async def session_length(url: str) -> float:
        async with aiohttp.ClientSession() as client, client.ws_connect(url) as websocket:
            started = time.monotonic()
            async for _ in websocket:  # until the server closes it
                pass
            return time.monotonic() - started

    with serving([str(bank), "--db", str(tmp_path / "h.sqlite3")]) as server:
        shutil.rmtree(bank)  # after the checks at start-up: each tab's app now fails
        ws = server.url.replace("http://", "ws://") + "ws"
        seconds = asyncio.run(asyncio.wait_for(session_length(ws), timeout=30))
    assert seconds < 30
    assert server.process.stdout is not None
    assert "no such file or directory" in server.process.stdout.read()  # the app's error


# -- the pure parts ------------------------------------------------------------------------
def test_each_tab_runs_take_on_the_same_bank_and_history_by_absolute_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    command = app_command(
        "/usr/bin/python3",
        [Path("my bank"), Path("q.md")],
        ["a tag"],
        Path("h.sqlite3"),
        shuffle=True,
        windows=False,
    )
    assert shlex.split(command) == [
        "/usr/bin/python3",
        "-m",
        "quizengine",
        "take",
        "--db",
        str(tmp_path / "h.sqlite3"),
        "--tag",
        "a tag",
        "--shuffle",
        "--",
        str(tmp_path / "my bank"),
        str(tmp_path / "q.md"),
    ]
    bundled = app_command("py", [], [], tmp_path / "h", windows=True)
    assert bundled == f"py -m quizengine take --db {tmp_path / 'h'}"


def test_loopback_addresses_and_the_address_to_open() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("127.3.2.1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    assert browser_url("127.0.0.1", 8000) == "http://127.0.0.1:8000/"
    assert browser_url("::1", 8000) == "http://[::1]:8000/"
    assert browser_url("0.0.0.0", 80) == f"http://{socket.gethostname()}:80/"


def test_the_public_address_follows_a_proxys_scheme() -> None:
    assert public_url({}, "localhost:8000", "http") == "http://localhost:8000"
    forwarded = {"X-Forwarded-Proto": "https, http"}
    assert public_url(forwarded, "quiz.example.org", "http") == "https://quiz.example.org"
    assert public_url({"X-Forwarded-Proto": "gopher"}, "h", "http") == "http://h"
    assert websocket_url("https://quiz.example.org", "/ws") == "wss://quiz.example.org/ws"
    assert websocket_url("http://127.0.0.1:8000", "/ws") == "ws://127.0.0.1:8000/ws"


@pytest.mark.parametrize(
    ("headers", "loopback", "refused"),
    [
        ({"Host": "127.0.0.1:8000", "Origin": "http://127.0.0.1:8000"}, True, None),
        ({"Host": "localhost:8000", "Origin": "http://LOCALHOST:8000"}, True, None),
        ({"Host": "[::1]:8000", "Origin": "http://[::1]:8000"}, True, None),
        ({"Host": "127.0.0.1:8000"}, True, None),  # not a browser: no Origin to check
        ({"Host": "127.0.0.1:8000", "Origin": "http://evil.example"}, True, "origin"),
        ({"Host": "127.0.0.1:8000", "Origin": "http://127.0.0.1:9999"}, True, "origin"),
        # DNS rebinding: a foreign name re-pointed at 127.0.0.1, its page's own origin.
        ({"Host": "evil.example:8000", "Origin": "http://evil.example:8000"}, True, "host"),
        # The same name through a reverse proxy on this machine is its public name.
        (
            {
                "Host": "quiz.example.org",
                "Origin": "https://quiz.example.org",
                "X-Forwarded-For": "x",
            },
            True,
            None,
        ),
        ({"Host": "quiz.example.org", "Origin": "https://quiz.example.org"}, False, None),
        ({"Host": "quiz.example.org", "Origin": "https://other.example.org"}, False, "origin"),
    ],
)
def test_who_may_open_a_session(headers: dict[str, str], loopback: bool, refused: str | None):
    refusal = websocket_refusal(headers, loopback=loopback)
    if refused is None:
        assert refusal is None
    else:
        assert refusal is not None and refusal.startswith(refused)


@pytest.mark.parametrize(
    ("host", "plausible"),
    [
        ("127.0.0.1:8000", True),
        ("localhost", True),
        ("[::1]:8000", True),
        ("quiz.example.org", True),
        ('x"><script>', False),
        ("a b", False),
        ("", False),
    ],
)
def test_which_host_headers_go_into_the_page(host: str, plausible: bool) -> None:
    assert bool(HOST_HEADER.fullmatch(host)) is plausible
