"""Numbers written for other programs: positional decimals that round-trip exactly."""

from __future__ import annotations

from decimal import Decimal


def decimal(value: float) -> str:
    """``value`` as a plain decimal (``0.00001``, never ``1e-05``) that parses back to the same
    float: GIFT's grammar has no exponents, and neither form needs one."""
    text = format(Decimal(repr(float(value))), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
