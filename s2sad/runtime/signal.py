"""Helpers for the rules of ``scipy.signal``'s convolutions: which part of a full convolution
is a cotangent, and that part cut out (or padded with zeros where it runs past the ends).

With ``z`` the convolution of ``in1`` (shape ``n``) and ``in2`` (shape ``m``) in a mode, an
axis of ``z`` is the part of the full convolution (length ``n + m - 1``) from ``s``: ``0``
for ``full``, ``(m - 1) // 2`` for ``same``, ``min(n, m) - 1`` for ``valid``. The cotangent
of ``in1`` is then the full convolution of ``g`` with ``in2`` flipped, from ``m - 1 - s``
on, ``n`` long; of ``in2`` the same with the operands' roles swapped. In mode ``same`` a
longer ``in2`` reaches past the ends of that convolution: its elements there get zeros.
None of this needs SciPy.
"""

from __future__ import annotations

import numpy as np

__all__ = ["convolution_cuts", "cut_ends"]


def convolution_cuts(shape1, shape2, mode: str, which: int) -> np.ndarray:
    """How much to cut off each end of each axis of the full convolution of ``g`` with the
    other operand flipped, to leave the cotangent of operand ``which`` (0 for ``in1``); a
    negative width is that many zeros added instead. An integer array of shape ``(ndim, 2)``.

    >>> convolution_cuts((4,), (3,), "full", 0).tolist()  # g (6,) with in2 (3,): 8 long
    [[2, 2]]
    >>> convolution_cuts((2,), (5,), "same", 1).tolist()  # g (2,) with in1 (2,): 3 long
    [[-1, -1]]
    """
    widths = []
    for n, m in zip(shape1, shape2):
        length = {"full": n + m - 1, "same": n, "valid": abs(n - m) + 1}[mode]
        start = {"full": 0, "same": (m - 1) // 2, "valid": min(n, m) - 1}[mode]
        own, other = (n, m) if which == 0 else (m, n)
        before = other - 1 - start
        widths.append((before, length + other - 1 - before - own))
    return np.array(widths, dtype=int).reshape(len(widths), 2)


def cut_ends(value, widths):
    """``value`` with ``widths[k]`` elements cut off the two ends of axis ``k`` (zeros added
    where a width is negative). Linear in ``value``: its transpose is ``cut_ends(g, -widths)``.

    >>> cut_ends(np.arange(5.0), np.array([[1, -2]]))
    array([1., 2., 3., 4., 0., 0.])
    """
    widths = np.asarray(widths, dtype=int).reshape(np.ndim(value), 2)
    if widths.size == 0:  # 0-d arrays: SciPy's convolution of two multiplies them
        return np.asarray(value)
    padded = np.pad(value, np.maximum(-widths, 0))
    shape = np.shape(padded)
    keep = tuple(slice(max(b, 0), n - max(e, 0)) for (b, e), n in zip(widths.tolist(), shape))
    return padded[keep]
