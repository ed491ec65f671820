"""The adjoints of joining arrays: the cotangent cut back into the pieces that were joined.

The pieces are the items of a list or tuple, or the rows of an array (``np.vstack(x)`` of
an array joins its rows); the cotangents come back in the same form, a list, or an array
shaped like the one whose rows were joined.
"""

import numpy as np

__all__ = ["unconcatenate", "unhstack", "unvstack", "uncolumn_stack"]


def _as_given(pieces: list, arrays) -> list | np.ndarray:
    """The cotangents of ``arrays``' items: a list, or an array for the rows of an array."""
    return np.stack(pieces) if isinstance(arrays, np.ndarray) else pieces


def unconcatenate(value, arrays, axis=0):
    """The adjoint of ``np.concatenate(arrays, axis)``: ``value`` cut back into their pieces.

    >>> [p.tolist() for p in unconcatenate(np.arange(5.0), [np.ones(2), np.ones(3)])]
    [[0.0, 1.0], [2.0, 3.0, 4.0]]
    """
    sizes = [np.shape(a)[axis] for a in arrays]
    return _as_given(np.split(value, np.cumsum(sizes)[:-1], axis=axis), arrays)


def _cut(value, arrays, pieces: list, axis: int) -> list | np.ndarray:
    shapes = [np.shape(a) for a in arrays]
    parts = np.split(value, np.cumsum([np.shape(p)[axis] for p in pieces])[:-1], axis=axis)
    return _as_given([np.reshape(p, s) for p, s in zip(parts, shapes)], arrays)


def unhstack(value, arrays):
    """The adjoint of ``np.hstack(arrays)`` (1-D pieces join along axis 0, others along axis 1)."""
    pieces = [np.atleast_1d(a) for a in arrays]
    return _cut(value, arrays, pieces, 0 if pieces[0].ndim == 1 else 1)


def unvstack(value, arrays):
    """The adjoint of ``np.vstack(arrays)`` (1-D pieces become rows)."""
    return _cut(value, arrays, [np.atleast_2d(a) for a in arrays], 0)


def uncolumn_stack(value, arrays):
    """The adjoint of ``np.column_stack(arrays)``: 1-D pieces were columns, 2-D ones blocks.

    >>> shapes = [np.ones(2), np.ones((2, 2))]
    >>> [p.tolist() for p in uncolumn_stack(np.arange(6.0).reshape(2, 3), shapes)]
    [[0.0, 3.0], [[1.0, 2.0], [4.0, 5.0]]]
    """
    return _cut(value, arrays, [np.reshape(a, (-1, 1)) if np.ndim(a) == 1 else a for a in arrays], 1)
