"""Helpers that generated code calls when kinds do not settle a question.

When the kinds of the values are known, rule templates expand to plain NumPy
(``np.sum(g, axis=0)``). These helpers are the fallback for what only the
run-time shapes tell, and for the few derivatives that need a loop's worth of
NumPy. Each is plain NumPy with derivative rules of its own, so derivative
code that calls them can be differentiated again.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "unbroadcast",
    "unreduce",
    "expand_reduced",
    "reduced_size",
    "prod_others",
    "matmul_vjp",
    "gradient_like",
    "zero_like",
    "fail",
]


def unbroadcast(value, shape: tuple[int, ...]):
    """Sum ``value`` down to ``shape``: the adjoint of broadcasting to its shape.

    >>> unbroadcast(np.ones((2, 3)), (3,))
    array([2., 2., 2.])
    """
    vshape = np.shape(value)
    if vshape == tuple(shape):
        return value
    lead = len(vshape) - len(shape)
    if lead < 0:
        return np.broadcast_to(value, shape)
    if lead:
        value = np.sum(value, axis=tuple(range(lead)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and np.shape(value)[i] != 1)
    if axes:
        value = np.sum(value, axis=axes, keepdims=True)
    return value


def unreduce(value, shape: tuple[int, ...], axis=None, keepdims: bool = False):
    """Broadcast a reduced ``value`` back over the axes the reduction removed.

    >>> unreduce(np.array([1.0, 2.0]), (2, 3), axis=1)
    array([[1., 1., 1.],
           [2., 2., 2.]])
    """
    if not keepdims and axis is not None:
        value = np.expand_dims(value, axis)
    return np.broadcast_to(value, shape)


def expand_reduced(value, axis=None, keepdims: bool = False):
    """A reduced value with its reduced axes back as length one."""
    if keepdims or axis is None:
        return value
    return np.expand_dims(value, axis)


def reduced_size(shape: tuple[int, ...], axis=None) -> int:
    """How many elements a reduction over ``axis`` combines into each result."""
    if axis is None:
        return int(np.prod(shape, dtype=int))
    axes = axis if isinstance(axis, tuple) else (axis,)
    return int(np.prod([shape[a] for a in axes], dtype=int))


def prod_others(x, axis=None):
    """For each element, the product of the other elements reduced with it.

    The derivative of ``np.prod``, correct when ``x`` has zeros (``ans / x``
    is not).

    >>> prod_others(np.array([2.0, 0.0, 3.0]))
    array([0., 6., 0.])
    """
    x = np.asarray(x)
    if axis is None:
        return prod_others(x.reshape(-1), 0).reshape(x.shape)
    axes = axis if isinstance(axis, tuple) else (axis,)
    if len(axes) > 1:
        axes = tuple(a % x.ndim for a in axes)
        moved = np.moveaxis(x, axes, tuple(range(-len(axes), 0)))
        flat = moved.reshape(moved.shape[: -len(axes)] + (-1,))
        out = prod_others(flat, -1).reshape(moved.shape)
        return np.moveaxis(out, tuple(range(-len(axes), 0)), axes)
    (a,) = axes
    ones = np.ones_like(np.take(x, [0], axis=a))
    before = np.cumprod(np.concatenate([ones, np.delete(x, -1, axis=a)], axis=a), axis=a)
    after = np.flip(
        np.cumprod(np.concatenate([ones, np.delete(np.flip(x, axis=a), -1, axis=a)], axis=a), axis=a),
        axis=a,
    )
    return before * after


def matmul_vjp(ct, a, b, which: int):
    """The cotangent of operand ``which`` of ``a @ b``, any ranks (stacks included)."""
    a2 = a[np.newaxis, :] if np.ndim(a) == 1 else a
    b2 = b[:, np.newaxis] if np.ndim(b) == 1 else b
    g2 = ct
    if np.ndim(a) == 1:
        g2 = np.expand_dims(g2, -2)
    if np.ndim(b) == 1:
        g2 = np.expand_dims(g2, -1)
    if which == 0:
        return np.reshape(unbroadcast(g2 @ np.swapaxes(b2, -1, -2), np.shape(a2)), np.shape(a))
    return np.reshape(unbroadcast(np.swapaxes(a2, -1, -2) @ g2, np.shape(b2)), np.shape(b))


def gradient_like(value, like):
    """``value`` as a gradient of ``like``: a float for a number, a fresh float array for an array."""
    if isinstance(like, np.ndarray):
        return np.array(np.broadcast_to(value, like.shape), dtype=np.result_type(value, float))
    if isinstance(like, (int, float)):
        return float(value)
    return value


def zero_like(x):
    """A zero adjoint for ``x``: 0.0 for a number, zeros of its shape for an array."""
    if isinstance(x, np.ndarray):
        return np.zeros(x.shape)
    return 0.0


def fail(message: str):
    """Raise the error a rule met at run time (a case it does not cover)."""
    from .errors import MissingRuleError

    raise MissingRuleError(message)
