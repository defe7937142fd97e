"""Numbers and counts in words, for the terminal and the TUI alike."""

from __future__ import annotations


def plural(count: int, noun: str) -> str:
    """``1 error``, ``2 errors``: regular nouns only."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def format_duration(seconds: float) -> str:
    """``42s``, ``3m 05s``, ``1h 02m``."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def format_score(value: float) -> str:
    """Scores to two decimals at most: ``1``, ``0.5``, ``0.17``."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def percent(value: float) -> str:
    """A fraction as a whole percentage: ``0.5`` -> ``50%``."""
    return f"{value:.0%}"


def percent_of(part: float, whole: float) -> str:
    """``part`` as a whole percentage of ``whole``; a dash when there is no whole."""
    return f"{round(100 * part / whole)}%" if whole else "–"


UNTAGGED = "(untagged)"
NO_TOPIC = "(no topic)"
"""Row names for questions without a tag or a topic (summary and statistics tables)."""
