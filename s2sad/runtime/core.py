"""The helpers for broadcasting, reductions, products, sequences and in-place writes."""

from __future__ import annotations

import numpy as np

from ..errors import UNBOUND, MissingRuleError  # UNBOUND: a variable before its first assignment

__all__ = [
    "UNBOUND",
    "first_extreme",
    "broadcast_like",
    "unbroadcast",
    "unreduce",
    "expand_reduced",
    "reduced_size",
    "prod_others",
    "prod_others_jvp",
    "matmul_vjp",
    "gradient_like",
    "zero_like",
    "zeros_of",
    "add_leaves",
    "fold_repeats",
    "take_sorted",
    "unsort",
    "sorted_items",
    "unsorted_items",
    "spread",
    "as_lists",
    "at_index",
    "unspread",
    "unstack",
    "unrepeat",
    "untile",
    "undiag",
    "last_written",
    "written_back",
    "saved_item",
    "restore_item",
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
    return np.sum(value, axis=axes, keepdims=True) if axes else value


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
    if not isinstance(x, np.ndarray):  # a number: the product of no others
        return 1.0
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


def prod_others_jvp(x, t, axis=None):
    """The derivative of ``prod_others(x, axis)`` along ``t``: for each element, the sum
    over the others ``j`` of ``t[j]`` times the product of all but it and ``j``.

    The products before and after each element carry their tangents (the product
    rule, step by step), so zeros in ``x`` need no care. The second derivative of a
    product is symmetric in the two elements, so this is also the VJP, with ``t = g``.

    >>> prod_others_jvp(np.array([2.0, 0.0, 3.0]), np.array([1.0, 1.0, 1.0]))
    array([3., 5., 2.])
    """
    if not isinstance(x, np.ndarray):
        return 0.0
    t = np.broadcast_to(t, x.shape)
    if axis is None:
        return prod_others_jvp(x.reshape(-1), t.reshape(-1), 0).reshape(x.shape)
    axes = tuple(a % x.ndim for a in (axis if isinstance(axis, tuple) else (axis,)))
    front = tuple(range(len(axes)))
    xs, ts = np.moveaxis(x, axes, front), np.moveaxis(t, axes, front)
    shape = xs.shape
    xs, ts = xs.reshape((-1,) + shape[len(axes) :]), ts.reshape((-1,) + shape[len(axes) :])
    before, before_dot = np.empty(xs.shape), np.empty(xs.shape)
    p, p_dot = np.ones(xs.shape[1:]), np.zeros(xs.shape[1:])
    for k in range(len(xs)):
        before[k], before_dot[k] = p, p_dot
        p, p_dot = p * xs[k], p_dot * xs[k] + p * ts[k]
    out = np.empty(xs.shape)
    p, p_dot = np.ones(xs.shape[1:]), np.zeros(xs.shape[1:])
    for k in reversed(range(len(xs))):
        out[k] = before_dot[k] * p + before[k] * p_dot
        p, p_dot = p * xs[k], p_dot * xs[k] + p * ts[k]
    return np.moveaxis(out.reshape(shape), front, axes)


def matmul_vjp(ct, a, b, which: int):
    """The cotangent of operand ``which`` of ``a @ b``, any ranks (stacks included)."""
    a2 = a[np.newaxis, :] if np.ndim(a) == 1 else a
    b2 = b[:, np.newaxis] if np.ndim(b) == 1 else b
    g2 = ct
    if np.ndim(b) == 1:  # the last axis first: a 1-D @ 1-D product has a number for ct
        g2 = np.expand_dims(g2, -1)
    if np.ndim(a) == 1:
        g2 = np.expand_dims(g2, -2)
    if which == 0:
        return np.reshape(unbroadcast(g2 @ np.swapaxes(b2, -1, -2), np.shape(a2)), np.shape(a))
    return np.reshape(unbroadcast(np.swapaxes(a2, -1, -2) @ g2, np.shape(b2)), np.shape(b))


def gradient_like(value, like):
    """``value`` as a gradient of ``like``: a float for a number, a fresh float array for an
    array, the same structure for a tuple, list or dict (their adjoints are lists and dicts)."""
    if isinstance(like, np.ndarray):
        return np.array(np.broadcast_to(value, like.shape), dtype=np.result_type(value, float))
    if isinstance(like, (int, float)) and not isinstance(like, bool):
        return float(value)
    if isinstance(like, dict):
        return {k: gradient_like(value[k], v) for k, v in like.items()}
    if isinstance(like, (tuple, list)):
        return type(like)(gradient_like(g, x) for g, x in zip(value, like))
    return value


def broadcast_like(value, like):
    """A tangent spread to ``like``'s shape (a number stays a number when ``like`` is one)."""
    if np.ndim(like) == 0 and not isinstance(like, np.ndarray):
        return value
    return np.broadcast_to(value, np.shape(like))


def zeros_of(x):
    """Zero adjoints for each number and array in ``x``, in lists (or dicts) like it, to add into."""
    if isinstance(x, dict):
        return {k: zeros_of(v) for k, v in x.items()}
    if isinstance(x, (tuple, list)):
        return [zeros_of(v) for v in x]
    return zero_like(x)


def add_leaves(a, b):
    """``a + b`` for adjoints, leaf by leaf: ``+`` would join two lists (a sequence's adjoint)."""
    if isinstance(a, dict):
        return {k: add_leaves(a[k], b[k]) for k in a}
    if isinstance(a, (tuple, list)):
        return [add_leaves(x, y) for x, y in zip(a, b, strict=True)]
    return a + b


def fold_repeats(value, size):
    """The adjoint of ``xs * n`` (``size`` items repeated): the copies' adjoints added, item by item."""
    total = list(value[:size])
    for start in range(size, len(value), size):
        total = add_leaves(total, value[start : start + size])
    return total


def _sort_order(a, axis):
    return np.argsort(a, axis=axis, kind="stable")


def take_sorted(value, a, axis=-1):
    """``value`` in the order that sorts ``a`` along ``axis``: the tangent of ``np.sort(a, axis)``."""
    if axis is None:
        return np.ravel(value)[_sort_order(a, None)]
    return np.take_along_axis(np.asarray(value, dtype=float), _sort_order(a, axis), axis=axis)


def unsort(value, a, axis=-1):
    """The adjoint of ``np.sort(a, axis)``: each entry of ``value`` back where its item of ``a`` was."""
    if axis is None:
        out = np.zeros(np.size(a))
        out[_sort_order(a, None)] = np.ravel(value)
        return out.reshape(np.shape(a))
    out = np.zeros(np.shape(a))
    np.put_along_axis(out, _sort_order(a, axis), np.asarray(value, dtype=float), axis=axis)
    return out


def _item_order(key):
    return sorted(range(len(key)), key=key.__getitem__)  # the order sorted(key) puts them in


def sorted_items(values, key):
    """``values`` in the order ``sorted(key)`` puts ``key``'s items: its tangent."""
    return [values[i] for i in _item_order(key)]


def unsorted_items(values, key):
    """The adjoint of ``sorted(key)``: each of ``values`` back where its item of ``key`` was."""
    out = list(values)
    for j, i in enumerate(_item_order(key)):
        out[i] = values[j]
    return out


def spread(value, xs):
    """The cotangent of each element of a list that was summed: ``value``, summed down to its shape."""
    return [unbroadcast(value, np.shape(x)) for x in xs]


def at_index(value, xs, index: int):
    """``value`` at ``index``, zeros elsewhere, like ``xs`` (a list or an array): ``xs[index]``'s adjoint."""
    out = zeros_of(xs)  # np.zeros(xs.shape) for an array
    out[index] = value
    return out


def as_lists(value, depth: int):
    """``value``'s rows in lists, ``depth`` levels down: the adjoint of a list of lists made an array."""
    return [as_lists(row, depth - 1) for row in value] if depth else value


def unspread(cotangents, value):
    """The adjoint of ``spread``: the cotangents added up, each broadcast to ``value``'s shape."""
    total = np.zeros(np.shape(value))
    for c in cotangents:
        total = total + np.broadcast_to(c, np.shape(value))
    return total if np.ndim(value) else float(total)


def zero_like(x):
    """A zero adjoint for ``x``: 0.0 for a number, zeros of its shape for an array, and for a
    container the list (or dict) of its items' zeros."""
    if isinstance(x, np.ndarray):
        return np.zeros(x.shape)
    if isinstance(x, (tuple, list, dict)):
        return zeros_of(x)
    return 0.0


def unstack(value, axis=0):
    """The adjoint of ``np.stack(arrays, axis)``: the slices of ``value`` along ``axis``."""
    return list(np.moveaxis(value, axis, 0))


def unrepeat(value, a, repeats, axis=None):
    """The adjoint of ``np.repeat(a, repeats, axis)``: each group of copies summed."""
    shape = np.shape(a)
    if axis is None:
        owners = np.repeat(np.arange(int(np.prod(shape))), repeats)
        total = np.zeros(int(np.prod(shape)))
        np.add.at(total, owners, value)
        return np.reshape(total, shape) if shape else float(total[0])
    owners = np.repeat(np.arange(shape[axis]), repeats)
    total = np.zeros(shape)
    np.add.at(np.moveaxis(total, axis, 0), owners, np.moveaxis(value, axis, 0))
    return total


def untile(value, a, reps):
    """The adjoint of ``np.tile(a, reps)``: the copies summed."""
    shape = np.shape(a)
    reps = (reps,) if np.ndim(reps) == 0 else tuple(reps)
    ndim = max(len(shape), len(reps))
    shape = (1,) * (ndim - len(shape)) + shape
    reps = (1,) * (ndim - len(reps)) + reps
    split = [d for r, n in zip(reps, shape) for d in (r, n)]
    total = np.reshape(value, split).sum(axis=tuple(range(0, 2 * ndim, 2)))
    total = np.reshape(total, np.shape(a))
    return total if np.ndim(a) else float(total)


def undiag(value, v, k=0):
    """The adjoint of ``np.diag(v, k)`` for a matrix ``v``: the diagonal back in a zero matrix."""
    out = np.zeros(np.shape(v))
    rows = np.arange(len(value)) + max(-k, 0)
    out[rows, rows + k] = value
    return out


def _written_last(shape: tuple[int, ...], index, value) -> np.ndarray:
    """For each slot of an array of ``shape``, the position in ``value`` (counted in C
    order) of the element ``y[index] = value`` leaves there, and -1 where it writes
    nothing. An index that names a slot twice writes it twice, and the last write stays;
    which is last depends on the layouts of the index and the value, so the write is
    repeated with tags laid out like the value.

    >>> _written_last((3,), np.array([0, 0, 2]), np.ones(3))
    array([ 1, -1,  2])
    """
    value = np.asarray(value)
    flipped = tuple(i for i, s in enumerate(value.strides) if s < 0)
    tags = np.empty_like(np.flip(value, flipped) if flipped else value, dtype=np.intp)
    tags = np.flip(tags, flipped) if flipped else tags  # the same order of axes and directions
    tags[...] = np.arange(value.size).reshape(value.shape)
    slots = np.full(shape, -1, dtype=np.intp)
    slots[index] = tags
    return slots


def last_written(slots, index, value=None):
    """The adjoint of what ``y[index] = value`` writes, from the adjoint ``slots`` of ``y``
    after it: each slot's adjoint goes to the element written there last, not to every
    element that names it (a slot the index names twice keeps only its second write).
    Without ``value``, to the positions of ``y[index]`` (what ``y[index] += v`` writes).

    >>> last_written(np.array([1.0, 2.0, 3.0]), np.array([0, 0, 2]))
    array([0., 1., 3.])
    >>> last_written(np.array([1.0, 2.0, 3.0]), np.array([0, 0, 2]), 0.5)  # y[index] = 0.5
    4.0
    """
    source = slots[index] if value is None else value
    last = _written_last(np.shape(slots), index, source)
    out = np.zeros(np.size(source), dtype=np.result_type(slots, float))
    kept = last >= 0
    np.add.at(out, last[kept], np.asarray(slots)[kept])
    if np.ndim(source) == 0 and not isinstance(source, np.ndarray):
        return out[0].item()  # a number written to every slot the index names
    return out.reshape(np.shape(source))


def written_back(writes, slots, index, value=None):
    """The transpose of ``last_written(slots, index, value)``: zeros like ``slots``, and in
    each slot that ``y[index] = value`` writes, the element of ``writes`` written there last.

    >>> written_back(np.array([5.0, 6.0, 7.0]), np.zeros(3), np.array([0, 0, 2]))
    array([6., 0., 7.])
    """
    source = slots[index] if value is None else value
    last = _written_last(np.shape(slots), index, source)
    out = np.zeros(np.shape(slots), dtype=np.result_type(writes, float))
    kept = last >= 0
    out[kept] = np.ravel(writes)[last[kept]]
    return out


class _Missing:
    """What ``saved_item`` keeps for a key a dict did not have."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()


def saved_item(d, key):
    """``d[key]``, or ``MISSING`` where ``d`` has no such key: what ``d[key] = v`` overwrites.

    >>> saved_item({"a": 1.0}, "a"), saved_item({}, "a")
    (1.0, MISSING)
    """
    old = d.get(key, MISSING)
    return old.copy() if isinstance(old, np.ndarray) else old  # `d[key] += v` changes an array


def restore_item(d, key, old) -> None:
    """Put back what ``saved_item`` kept: the old item, or no item at all.

    >>> d = {"a": 2.0}
    >>> restore_item(d, "a", MISSING)
    >>> d
    {}
    """
    if old is MISSING:
        d.pop(key, None)
    else:
        d[key] = old


def fail(message: str):
    """Raise the error a rule met at run time (a case it does not cover)."""
    raise MissingRuleError(message)


def first_extreme(keys, largest=True):
    """The position of the first largest (smallest) of ``keys``, the item Python's ``max``
    (``min``) picks: ``max(xs, key=k)`` is ``xs[first_extreme([k(x) for x in xs])]``.

    >>> first_extreme([1.0, 3.0, 3.0]), first_extreme([2, 1, 1], largest=False)
    (1, 1)
    """
    pick = max if largest else min
    return pick(range(len(keys)), key=keys.__getitem__)
