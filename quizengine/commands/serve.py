"""``quizengine serve [PATH ...] [--host H] [--port N]``: the quiz TUI in a web browser.

textual-serve runs a web server whose page draws a terminal; each browser tab that connects
gets a new app process, started with a shell command. That command is ``quizengine take``
with this server's bank paths, tags and *absolute* history path, so every tab sees the same
bank and writes to the same history, whose per-process session ownership and SQLite locking
already keep several windows apart. Everything a user can get wrong (the bank, the history,
the address) is checked here, before the server starts, so that it fails as one line instead
of as a page whose sessions end at once.
"""

from __future__ import annotations

import argparse
import errno
import ipaddress
import os
import shlex
import socket
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from quizengine.commands.common import EXIT_OK, UsageError, add_bank_arguments, add_db_arguments
from quizengine.safetext import shown

if TYPE_CHECKING:
    from quizengine.bank.model import Bank

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve the quiz to web browsers",
        description="Serve the quiz TUI to web browsers with textual-serve: open the printed "
        "address, and each tab gets its own quiz, written to the same history. Binds to this "
        "machine only (127.0.0.1) unless --host says otherwise; there is no login, so put it "
        "behind a reverse proxy with authentication before exposing it (docs/web.md).",
    )
    add_bank_arguments(parser)
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default: {DEFAULT_HOST}, this machine only; "
        "0.0.0.0: every interface)",
    )
    parser.add_argument(
        "--port",
        type=port_number,
        default=DEFAULT_PORT,
        metavar="N",
        help=f"port to listen on (default: {DEFAULT_PORT}; 0: any free port)",
    )
    parser.add_argument(
        "--shuffle", action="store_true", help="shuffle each tab's questions and choices"
    )
    add_db_arguments(parser)
    parser.set_defaults(func=run)


def port_number(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is not between 0 and 65535")
    return port


# -- pure parts ------------------------------------------------------------------------------
def app_command(
    python: str,
    paths: Sequence[Path],
    tags: Sequence[str],
    db: Path,
    *,
    shuffle: bool = False,
    windows: bool = os.name == "nt",
) -> str:
    """The shell command textual-serve runs for each tab: ``take`` on this server's bank and
    history. Paths are absolute: the command must not depend on where a shell starts."""
    argv = [python, "-m", "quizengine", "take", "--db", str(db.resolve())]
    for tag in tags:
        argv += ["--tag", tag]
    if shuffle:
        argv.append("--shuffle")
    if paths:
        argv += ["--", *(str(path.resolve()) for path in paths)]
    return subprocess.list2cmdline(argv) if windows else shlex.join(argv)


def is_loopback(address: str) -> bool:
    """Whether a bound address is reachable from this machine only."""
    try:
        return ipaddress.ip_address(address.partition("%")[0]).is_loopback
    except ValueError:
        return False


def browser_url(address: str, port: int) -> str:
    """The address to open in a browser for a server bound to ``address``."""
    if address in ("0.0.0.0", "::"):
        host = socket.gethostname()  # every interface: this machine's name reaches one of them
    elif ":" in address:
        host = f"[{address}]"
    else:
        host = address
    return f"http://{host}:{port}/"


def no_valid_question(bank: Bank, paths: Sequence[Path]) -> str:
    where = ", ".join(map(str, paths)) or "the bundled bank"
    if bank.errors:
        return (
            f"no valid question in {where}: {len(bank.errors)} error(s) above; "
            "fix them ('quizengine check' lists them) and serve again"
        )
    return f"no question in {where}: nothing to serve"


# -- I/O shell -------------------------------------------------------------------------------
def listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``; a UsageError saying why not, in words."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (socket.gaierror, UnicodeError) as error:
        reason = error.strerror if isinstance(error, socket.gaierror) else str(error)
        raise UsageError(f"bad host {host!r}: {reason}") from None
    sock = socket.socket(family, kind, proto)
    try:
        if os.name != "nt":  # restart at once after a stop; Windows' flag would share the port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as error:
        sock.close()
        raise UsageError(bind_failure(host, port, error)) from None
    return sock


def bind_failure(host: str, port: int, error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is in use by another program; choose another with --port"
    if error.errno == errno.EADDRNOTAVAIL:
        return f"bad host {host!r}: not an address of this machine"
    if error.errno == errno.EACCES:
        return f"not allowed to listen on port {port} (ports below 1024 need privileges)"
    return f"cannot listen on {host} port {port}: {error.strerror or error}"


def check_bank(args: argparse.Namespace) -> None:
    from quizengine.commands.common import load_selected_bank

    bank = load_selected_bank(args)
    if not bank.questions:
        for diagnostic in bank.errors:
            print(diagnostic, file=sys.stderr)
        raise UsageError(no_valid_question(bank, args.paths))


def check_history(args: argparse.Namespace) -> Path:
    """The history's path, opened once here so that a bad one is refused before serving."""
    from quizengine.commands.common import open_history
    from quizengine.history.paths import resolve_db_path

    store = open_history(args)
    assert store is not None
    store.close()
    return resolve_db_path(args.db)


def run(args: argparse.Namespace) -> int:
    check_bank(args)
    db = check_history(args)
    sock = listen(args.host, args.port)
    address, port = sock.getsockname()[:2]
    loopback = is_loopback(address)
    command = app_command(sys.executable, args.paths, args.tag, db, shuffle=args.shuffle)
    url = browser_url(address, port)

    def announce() -> None:
        print(f"quizengine: serving the quiz at {url} (Ctrl+C to stop)", flush=True)
        print(shown(f"quizengine: answers go to {db.resolve()}"), flush=True)
        if not loopback:
            print(
                f"quizengine: warning: listening on {address}, not only on this machine, and "
                "there is no login: anyone who can reach this port can take quizzes and write "
                "to the history. Put it behind a reverse proxy with authentication "
                "(docs/web.md).",
                file=sys.stderr,
                flush=True,
            )

    from quizengine.tui.web import QuizServer  # aiohttp and textual-serve: only to serve

    QuizServer(command, sock, loopback=loopback, on_ready=announce).serve()
    return EXIT_OK
