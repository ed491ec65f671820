"""Helpers for the rules of ``np.fft`` (``s2sad.rules.spectral``).

A transform with ``n=`` (or ``s=``) crops or pads its input with zeros first; the
derivative undoes that on the way back, cropping or padding the cotangent to the
input's lengths (``resize``). ``irfft`` reads a half spectrum: the entries between
the first and the Nyquist one stand for two of the full spectrum each
(``rfft_weights``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["fft_axes", "fft_sizes", "resize", "rfft_weights"]


def fft_axes(ndim: int, s, axes) -> tuple[int, ...]:
    """The axes an ``np.fft.fftn``-style call transforms, as NumPy picks them.

    >>> fft_axes(3, None, None), fft_axes(3, (4, 4), None), fft_axes(3, None, (0, -1))
    ((0, 1, 2), (1, 2), (0, -1))
    """
    if axes is not None:
        return tuple(axes)
    if s is not None:
        return tuple(range(ndim - len(s), ndim))
    return tuple(range(ndim))


def fft_sizes(shape: tuple[int, ...], s, axes) -> tuple[int, ...]:
    """The lengths of the transforms along ``axes``: ``s``, else the input's.

    >>> fft_sizes((3, 5), None, (0, 1)), fft_sizes((3, 5), (4, 8), (0, 1))
    ((3, 5), (4, 8))
    """
    return tuple(s) if s is not None else tuple(shape[a] for a in axes)


def resize(x, like, axes) -> np.ndarray:
    """``x`` cropped, or padded with zeros, along ``axes`` to the lengths ``like`` has there.

    >>> resize(np.array([1.0, 2.0, 3.0]), np.zeros(2), (0,)), resize(np.array([1.0]), np.zeros(3), (-1,))
    (array([1., 2.]), array([1., 0., 0.]))
    """
    x, shape = np.asarray(x), np.shape(like)
    for axis in axes:
        have, want = x.shape[axis], shape[axis]
        if have > want:
            x = np.take(x, np.arange(want), axis=axis)
        elif have < want:
            widths = [(0, 0)] * x.ndim
            widths[axis] = (0, want - have)
            x = np.pad(x, widths)
    return x


def rfft_weights(ans, axis: int) -> np.ndarray:
    """How many entries of the full spectrum each entry of a half spectrum stands for, along
    ``axis``, for the real signal ``ans`` that ``irfft`` made of it: 1 for the first entry
    (and the Nyquist one, for an even length), 2 for the others.

    >>> rfft_weights(np.zeros(4), -1), rfft_weights(np.zeros((5, 1)), 0).ravel()
    (array([1., 2., 1.]), array([1., 2., 2.]))
    """
    n = np.shape(ans)[axis]
    w = np.full(n // 2 + 1, 2.0)
    w[0] = 1.0
    if n % 2 == 0:
        w[-1] = 1.0
    shape = [1] * np.ndim(ans)
    shape[axis] = w.size
    return w.reshape(shape)
