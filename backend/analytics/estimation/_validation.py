"""Shared input checks for the estimation modules."""

from __future__ import annotations

import operator
from typing import SupportsIndex


def non_negative_int(value: SupportsIndex, message: str) -> int:
    """``value`` as a plain int, or ValueError(message) if it is not a non-negative integer.

    numpy integers are accepted and converted; bool is refused because True as a count is
    always a caller bug.
    """
    if isinstance(value, bool):
        raise ValueError(message)
    try:
        count = operator.index(value)
    except TypeError:
        raise ValueError(message) from None
    if count < 0:
        raise ValueError(message)
    return count
