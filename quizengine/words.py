"""Small helpers for messages in English."""

from __future__ import annotations


def plural(count: int, noun: str) -> str:
    """``1 error``, ``2 errors``: regular nouns only."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


UNTAGGED = "(untagged)"
NO_TOPIC = "(no topic)"
"""Row names for questions without a tag or a topic (summary and statistics tables)."""
