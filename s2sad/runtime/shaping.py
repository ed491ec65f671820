"""The helpers for NumPy's shape and indexing functions: the adjoints that only run-time
shapes can write (``np.take``, ``np.pad`` by a computed width, ``np.tensordot`` by
computed axes, ...).

Each is linear in its first argument, and its transpose is the NumPy function it
undoes, so the rules of ``s2sad.rules.shaping`` can differentiate it again.
"""

from __future__ import annotations

import numpy as np

from ..errors import MissingRuleError

__all__ = [
    "undiff",
    "ungradient",
    "unpad",
    "unpad_copies",
    "rolled_to",
    "undiagonal",
    "kron_vjp",
    "tensordot_vjp",
    "untake",
    "untake_along_axis",
    "take_like",
    "untake_like",
    "unselect",
    "select_default",
]


def undiff(value, n=1, axis=-1):
    """The adjoint of ``np.diff(a, n, axis)``: each difference taken back, ``n`` times.

    >>> undiff(np.array([1.0, 2.0]))
    array([-1., -1.,  2.])
    """
    for _ in range(n):
        value = -np.diff(value, axis=axis, prepend=0.0, append=0.0)
    return value


def ungradient(value, axis=0, edge_order=1):
    """The adjoint of ``np.gradient(f, axis=axis, edge_order=edge_order)`` with unit spacing:
    the central differences inside, the one-sided ones at the ends, transposed.

    >>> ungradient(np.array([1.0, 1.0, 1.0]))
    array([-1.5,  0. ,  1.5])
    """
    if not isinstance(axis, (int, np.integer)):
        raise MissingRuleError("np.gradient: the rule covers one axis at a time (axis=k)")
    g = np.moveaxis(np.asarray(value, dtype=float), axis, 0)
    out = np.zeros(g.shape)
    out[2:] += g[1:-1] / 2  # (f[i+1] - f[i-1]) / 2 inside
    out[:-2] -= g[1:-1] / 2
    if edge_order == 1:  # f[1] - f[0] and f[-1] - f[-2] at the ends
        out[0] -= g[0]
        out[1] += g[0]
        out[-1] += g[-1]
        out[-2] -= g[-1]
    else:  # (-3 f[0] + 4 f[1] - f[2]) / 2 and (3 f[-1] - 4 f[-2] + f[-3]) / 2
        out[0] -= 1.5 * g[0]
        out[1] += 2 * g[0]
        out[2] -= 0.5 * g[0]
        out[-1] += 1.5 * g[-1]
        out[-2] -= 2 * g[-1]
        out[-3] += 0.5 * g[-1]
    return np.moveaxis(out, 0, axis)


def pad_slices(pad_width, ndim: int) -> tuple[slice, ...]:
    """The slices that cut the padding of ``np.pad(a, pad_width)`` off an array of ``ndim`` axes.

    >>> pad_slices(1, 2)
    (slice(1, -1, None), slice(1, -1, None))
    >>> pad_slices(((0, 2),), 1)
    (slice(None, -2, None),)
    """
    widths = np.broadcast_to(np.asarray(pad_width, dtype=int), (ndim, 2))
    return tuple(slice(int(b) or None, -int(a) or None) for b, a in widths)


def unpad(value, pad_width):
    """The adjoint of ``np.pad(a, pad_width)`` (constant mode): the padding cut off.

    >>> unpad(np.arange(5.0), (1, 2))
    array([1., 2.])
    """
    return value[pad_slices(pad_width, np.ndim(value))]


def unpad_copies(value, a, pad_width, mode):
    """The adjoint of ``np.pad(a, pad_width, mode)`` for the modes that pad with copies of
    ``a``'s elements (``edge``, ``reflect``, ``symmetric``, ``wrap``): each element gets the
    cotangents of its copies. Padding the positions of the elements says where each came from.

    >>> unpad_copies(np.ones(5), np.zeros(3), 1, "edge")
    array([2., 1., 2.])
    """
    came_from = np.pad(np.arange(np.size(a)).reshape(np.shape(a)), pad_width, mode=mode)
    out = np.zeros(np.size(a))
    np.add.at(out, np.ravel(came_from), np.ravel(value))
    return out.reshape(np.shape(a))


def rolled_to(axis: int, start: int, ndim: int) -> int:
    """Where ``np.rollaxis(a, axis, start)`` puts axis ``axis`` of an array of ``ndim`` axes.

    >>> rolled_to(2, 0, 3), rolled_to(0, 3, 3)
    (0, 2)
    """
    axis = axis % ndim
    start = start + ndim if start < 0 else start
    return start - 1 if axis < start else start


def undiagonal(value, a, offset=0, axis1=0, axis2=1):
    """The adjoint of ``np.diagonal(a, offset, axis1, axis2)``: the diagonal back in zeros.

    >>> undiagonal(np.array([1.0, 2.0]), np.ones((2, 3)), 1)
    array([[0., 1., 0.],
           [0., 0., 2.]])
    """
    out = np.zeros(np.shape(a))
    view = np.moveaxis(out, (axis1, axis2), (-2, -1))  # the diagonal is the last axis of value
    rows = np.arange(np.shape(value)[-1]) + max(-offset, 0)
    view[..., rows, rows + offset] = value
    return out


def _kron_parts(ct, a, b):
    ndim = max(np.ndim(a), np.ndim(b))
    sa = (1,) * (ndim - np.ndim(a)) + np.shape(a)
    sb = (1,) * (ndim - np.ndim(b)) + np.shape(b)
    parts = np.reshape(ct, [n for pair in zip(sa, sb) for n in pair])  # (a0, b0, a1, b1, ...)
    return parts, ndim, sa, sb


def kron_vjp(ct, a, b, which: int):
    """The cotangent of operand ``which`` of ``np.kron(a, b)``, any ranks.

    >>> kron_vjp(np.ones(6), np.ones(2), np.array([1.0, 2.0, 3.0]), 0)
    array([6., 6.])
    """
    parts, ndim, sa, sb = _kron_parts(ct, a, b)
    evens, odds = tuple(range(0, 2 * ndim, 2)), tuple(range(1, 2 * ndim, 2))
    if which == 0:
        out, like = np.tensordot(parts, np.reshape(b, sb), axes=(odds, tuple(range(ndim)))), a
    else:
        out, like = np.tensordot(parts, np.reshape(a, sa), axes=(evens, tuple(range(ndim)))), b
    return np.reshape(out, np.shape(like)) if isinstance(like, np.ndarray) else float(out.reshape(()))


def tensordot_plan(na: int, nb: int, axes, which: int) -> tuple[tuple, tuple, tuple | None]:
    """How the cotangent of operand ``which`` of ``np.tensordot(a, b, axes)`` is made, for
    ``a`` and ``b`` of ``na`` and ``nb`` axes: ``np.tensordot(g, b, axes=(first, second))``
    (``np.tensordot(a, g, ...)`` for ``b``), then a transpose by ``perm`` (``None``: none).

    >>> tensordot_plan(2, 2, 1, 0)
    ((1,), (1,), None)
    >>> tensordot_plan(2, 2, ((0,), (1,)), 1)
    ((1,), (0,), (1, 0))
    """
    if isinstance(axes, (int, np.integer)):
        ia, ib = list(range(na - axes, na)), list(range(axes))
    else:
        ia, ib = ([axes[k]] if np.ndim(axes[k]) == 0 else list(axes[k]) for k in (0, 1))
    ia, ib = [int(i) % na for i in ia], [int(j) % nb for j in ib]
    free_a = [i for i in range(na) if i not in ia]
    free_b = [j for j in range(nb) if j not in ib]
    if which == 0:  # g's axes of b with b's free axes; left: a's free axes, then b's summed ones
        first, second = tuple(range(len(free_a), len(free_a) + len(free_b))), tuple(free_b)
        came_from = free_a + [ia[ib.index(j)] for j in sorted(ib)]
    else:  # a's free axes with g's first axes; left: a's summed axes, then b's free ones
        first, second = tuple(free_a), tuple(range(len(free_a)))
        came_from = [ib[ia.index(i)] for i in sorted(ia)] + free_b
    perm = tuple(int(p) for p in np.argsort(came_from))
    return first, second, None if perm == tuple(range(len(perm))) else perm


def tensordot_vjp(ct, a, b, axes, which: int):
    """The cotangent of operand ``which`` of ``np.tensordot(a, b, axes)``.

    >>> tensordot_vjp(np.ones((2, 2)), np.ones((2, 3)), np.ones((3, 2)), 1, 0)
    array([[2., 2., 2.],
           [2., 2., 2.]])
    """
    first, second, perm = tensordot_plan(np.ndim(a), np.ndim(b), axes, which)
    out = (
        np.tensordot(ct, b, axes=(first, second)) if which == 0 else np.tensordot(a, ct, axes=(first, second))
    )
    return out if perm is None else np.transpose(out, perm)


def _effective(indices, n: int, mode: str):
    if mode == "wrap":
        return np.mod(indices, n)
    if mode == "clip":
        return np.clip(indices, 0, n - 1)
    return indices


def untake(value, a, indices, axis=None, mode="raise"):
    """The adjoint of ``np.take(a, indices, axis, mode=mode)``: each element's cotangent added
    back where it was taken from (an index taken twice gets both).

    >>> untake(np.array([1.0, 2.0, 3.0]), np.zeros(2), [0, 1, 0])
    array([4., 2.])
    """
    shape = np.shape(a)
    if axis is None:
        out = np.zeros(int(np.prod(shape, dtype=int)))
        np.add.at(out, _effective(indices, out.size, mode), value)
        return np.reshape(out, shape)
    axis = axis % len(shape)
    out = np.zeros(shape)
    k = np.ndim(indices)
    moved = np.moveaxis(np.asarray(value, dtype=float), tuple(range(axis, axis + k)), tuple(range(k)))
    np.add.at(np.moveaxis(out, axis, 0), _effective(indices, shape[axis], mode), moved)
    return out


def untake_along_axis(value, arr, indices, axis):
    """The adjoint of ``np.take_along_axis(arr, indices, axis)`` (indices that repeat add up).

    >>> untake_along_axis(np.array([1.0, 2.0]), np.zeros(3), np.array([2, 2]), 0)
    array([0., 0., 3.])
    """
    shape = np.shape(arr)
    if axis is None:
        out = np.zeros(int(np.prod(shape, dtype=int)))
        np.add.at(out, indices, value)
        return np.reshape(out, shape)
    ndim = len(shape)
    axis = axis % ndim
    full = np.broadcast_shapes(shape[:axis] + (1,) + shape[axis + 1 :], np.shape(indices))
    index = []
    for d in range(ndim):
        if d == axis:
            index.append(np.broadcast_to(indices, full))
        else:
            along = np.arange(full[d]) if shape[d] != 1 else np.zeros(full[d], dtype=int)
            index.append(np.broadcast_to(along.reshape((-1,) + (1,) * (ndim - 1 - d)), full))
    out = np.zeros(shape)
    np.add.at(out, tuple(index), np.broadcast_to(value, full))
    return out


def _arranged(a, arranged, axis):
    """The permutation that takes ``a`` to ``arranged`` (a reordering of it, such as
    ``np.partition`` makes) along ``axis``: each item of ``arranged`` is matched with the
    item of ``a`` of the same rank."""
    by_rank = np.argsort(a, axis=axis, kind="stable")
    ranks = np.argsort(np.argsort(arranged, axis=axis, kind="stable"), axis=axis, kind="stable")
    return np.take_along_axis(by_rank, ranks, axis=axis)


def take_like(value, a, arranged, axis=-1):
    """``value`` reordered as ``a`` was into ``arranged``: the tangent of ``np.partition``.

    >>> take_like(np.array([10.0, 20.0, 30.0]), np.array([3.0, 1.0, 2.0]), np.array([1.0, 2.0, 3.0]))
    array([20., 30., 10.])
    """
    if axis is None:
        return np.ravel(value)[_arranged(np.ravel(a), arranged, 0)]
    order = _arranged(a, arranged, axis)
    return np.take_along_axis(np.asarray(value, dtype=float), order, axis=axis)


def untake_like(value, a, arranged, axis=-1):
    """The adjoint of ``take_like``: each entry of ``value`` back where its item of ``a`` was."""
    if axis is None:
        out = np.zeros(np.size(a))
        out[_arranged(np.ravel(a), arranged, 0)] = np.ravel(value)
        return out.reshape(np.shape(a))
    out = np.zeros(np.shape(a))
    np.put_along_axis(out, _arranged(a, arranged, axis), np.asarray(value, dtype=float), axis=axis)
    return out


def _first_true(condlist):
    """For each condition, where it is the first that holds (np.select picks its choice there)."""
    taken = False
    out = []
    for cond in condlist:
        out.append(np.logical_and(cond, np.logical_not(taken)))
        taken = np.logical_or(taken, cond)
    return out, taken


def _summed_to(value, shape):
    value = np.asarray(value, dtype=float)
    lead = value.ndim - len(shape)
    if lead > 0:
        value = np.sum(value, axis=tuple(range(lead)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and value.shape[i] != 1)
    value = np.sum(value, axis=axes, keepdims=True) if axes else value
    return value if shape else float(value)


def unselect(value, condlist, choicelist):
    """The adjoint of ``np.select(condlist, choicelist)`` in the choices: each choice's
    cotangent where its condition is the first that holds, zero elsewhere.

    >>> unselect(np.array([1.0, 2.0]), [np.array([True, False])], [np.zeros(2)])
    [array([1., 0.])]
    """
    firsts, _ = _first_true(condlist)
    return [_summed_to(np.where(m, value, 0.0), np.shape(c)) for m, c in zip(firsts, choicelist)]


def select_default(value, condlist, shape=None):
    """``value`` where no condition holds and zero elsewhere (the part of ``np.select`` that
    is its default), broadcast to ``shape`` if given.

    >>> select_default(np.array([1.0, 2.0]), [np.array([True, False])])
    array([0., 2.])
    """
    _, taken = _first_true(condlist)
    out = np.where(taken, 0.0, value)
    return out if shape is None else np.broadcast_to(out, shape).copy()
