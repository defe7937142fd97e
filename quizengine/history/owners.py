"""Which running instance holds a sitting open: a name for each open store, and whether the
process behind a name still runs."""

from __future__ import annotations

import os
import secrets
import socket


def instance_owner() -> str:
    """A name for one open store: this host, this process and a token (one process may open
    the history twice)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def owner_is_running(owner: str) -> bool:
    """Whether the process named in ``owner`` still runs on this host.

    An owner on another host counts as gone: hosts sharing a history file cannot see each
    other's processes, and a session nobody can ever resume would be worse than one resumed
    twice. So does any owner on Windows, where signal 0 would terminate the process.
    """
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if os.name == "nt" or host != socket.gethostname() or not pid.isdigit() or int(pid) <= 0:
        return False
    try:
        os.kill(int(pid), 0)  # signal 0: only asks whether the process exists
    except PermissionError:
        return True  # it exists, run by another user
    except OSError:
        return False
    return True
