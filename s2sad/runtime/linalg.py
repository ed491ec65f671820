"""Helpers for the rules of ``numpy.linalg``: a check that only the run-time values can make."""

from __future__ import annotations

from .core import fail

__all__ = ["checked"]


def checked(value, ok, message: str):
    """``value`` when ``ok``; otherwise the error ``message`` (a case the rule does not cover,
    such as complex eigenvalues, which only the values tell).

    >>> checked(2.0, True, "never raised")
    2.0
    """
    if not ok:
        fail(message)
    return value
