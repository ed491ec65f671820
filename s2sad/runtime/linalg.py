"""Helpers for the rules of ``numpy.linalg`` and ``scipy.linalg``: a check that only the
run-time values can make, and banded matrices (``solve_banded``'s storage) to dense and back."""

from __future__ import annotations

import numpy as np

from .core import fail

__all__ = ["checked", "band", "unband"]


def checked(value, ok, message: str):
    """``value`` when ``ok``; otherwise the error ``message`` (a case the rule does not cover,
    such as complex eigenvalues, which only the values tell).

    >>> checked(2.0, True, "never raised")
    2.0
    """
    if not ok:
        fail(message)
    return value


def unband(l_and_u, ab):
    """The square matrix whose band ``ab`` holds, in ``scipy.linalg.solve_banded``'s storage:
    ``a[i, j] = ab[u + i - j, j]`` (the corners of ``ab`` lie outside the matrix). Linear in
    ``ab``; its transpose is ``band``.

    >>> unband((1, 0), np.array([[1.0, 2.0], [3.0, 4.0]])).tolist()
    [[1.0, 0.0], [3.0, 2.0]]
    """
    lower, upper = l_and_u
    n = np.shape(ab)[-1]
    out = np.zeros((n, n), dtype=np.result_type(ab, float))
    for d in range(-upper, lower + 1):  # the diagonal a[j + d, j]
        j = np.arange(max(0, -d), min(n, n - d))
        out[j + d, j] = ab[upper + d, j]
    return out


def band(l_and_u, a):
    """The band of the square matrix ``a`` in ``solve_banded``'s storage (zeros in the corners):
    the transpose of ``unband``.

    >>> band((1, 0), np.array([[1.0, 5.0], [3.0, 2.0]])).tolist()
    [[1.0, 2.0], [3.0, 0.0]]
    """
    lower, upper = l_and_u
    n = np.shape(a)[-1]
    out = np.zeros((lower + upper + 1, n), dtype=np.result_type(a, float))
    for d in range(-upper, lower + 1):
        j = np.arange(max(0, -d), min(n, n - d))
        out[upper + d, j] = a[j + d, j]
    return out
