"""Helpers for the rules of NumPy's numeric functions (``s2sad.rules.numeric``)."""

from __future__ import annotations

import math

import numpy as np

__all__ = ["sinc_derivative"]

_TERMS = 30  # of the Maclaurin series, enough for |pi x| < 2 and the orders people take


def sinc_derivative(x, k: int):
    """The ``k``-th derivative of ``np.sinc`` at ``x``, at ``x = 0`` too.

    ``sinc(x) = s(pi x)`` with ``s(u) = sin(u) / u``. Near 0 the quotient rule
    cancels (``(cos(u) - s(u)) / u`` is 0 / 0 at 0), so there the Maclaurin series
    of ``s`` is differentiated term by term; elsewhere, Leibniz's rule on
    ``sin(u) * u ** -1``. The derivative of ``sinc_derivative(x, k)`` is
    ``sinc_derivative(x, k + 1)``, so every order is exact at 0.

    >>> sinc_derivative(np.array([0.0, 0.5]), 1)  # sinc'(1/2) = -4 / pi
    array([ 0.        , -1.27323954])
    >>> bool(np.isclose(sinc_derivative(0.0, 2), -np.pi ** 2 / 3))
    True
    """
    u = np.pi * np.asarray(x, dtype=float)
    near = np.abs(u) < 2.0
    small = np.where(near, u, 0.0)
    series = np.zeros_like(u)
    for n in range((k + 1) // 2, _TERMS):  # the terms u ** (2n) that survive k derivatives
        coef = (-1) ** n * math.perm(2 * n, k) / math.factorial(2 * n + 1)
        series = series + coef * small ** (2 * n - k)
    big = np.where(near, 1.0, u)
    leibniz = np.zeros_like(u)
    for j in range(k + 1):
        leibniz = leibniz + (
            math.comb(k, j)
            * np.sin(big + (k - j) * np.pi / 2)
            * (-1) ** j
            * math.factorial(j)
            / big ** (j + 1)
        )
    out = np.pi**k * np.where(near, series, leibniz)
    if isinstance(x, np.ndarray):
        return out
    return out[()] if isinstance(x, np.generic) else float(out)  # a Python number: a float
