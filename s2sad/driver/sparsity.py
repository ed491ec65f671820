"""The nonzeros a Hessian can have, and the seed directions that recover it from few sweeps.

``hessian_pattern(f, args, where)`` runs ``f`` once with the array argument ``args[where]``
replaced by an array of ``Tracer`` objects: each entry records which inputs it depends
on at all and which pairs of inputs can meet in its second derivative. NumPy applies
ufuncs, sums and products with constants to object arrays entry by entry, so slicing,
elementwise arithmetic, ``np.sum`` and ``@`` with constant arrays are followed exactly.
The pattern is structural (a superset of the nonzeros at every point), never a sample:
anything the tracer does not understand (a comparison, so a branch on a value; a
conversion to ``float``; a function without an object-array loop) raises, and the
Hessian takes the dense path.

>>> import numpy as np
>>> def f(x):
...     return np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
>>> pattern = hessian_pattern(f, (np.zeros(5),), 0)
>>> pattern.astype(int)
array([[1, 1, 0, 0, 0],
       [1, 1, 1, 0, 0],
       [0, 1, 1, 1, 0],
       [0, 0, 1, 1, 1],
       [0, 0, 0, 1, 1]])
>>> colours(pattern)
array([0, 1, 2, 0, 1])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

LIMIT = 1 << 20  # pairs kept per entry before the analysis gives up (a dense Hessian)


class NotStructural(Exception):
    """An operation whose dependence the tracer cannot follow: the Hessian is taken densely."""


def _pairs(a: frozenset, b: frozenset) -> frozenset:
    if len(a) * len(b) > LIMIT:
        raise NotStructural("too many pairs")
    return frozenset((i, j) for i in a for j in b) | frozenset((j, i) for i in a for j in b)


def _binary(op: Callable) -> Callable:
    """``op`` on a tracer and a number or tracer; an array is left to NumPy, entry by entry."""

    def method(self: Tracer, other: Any) -> Any:
        if isinstance(other, np.ndarray):
            return NotImplemented
        return op(self, other)

    method.__name__ = op.__name__
    return method


class Tracer:
    """One scalar of the traced program: ``linear``, the inputs it depends on; ``pairs``,
    the pairs ``(i, j)`` whose second derivative in it may not vanish."""

    __slots__ = ("linear", "pairs")
    __array_priority__ = 100

    def __init__(self, linear: frozenset = frozenset(), pairs: frozenset = frozenset()):
        self.linear, self.pairs = linear, pairs

    # affine operations: dependences add up, nothing new is second order
    @_binary
    def __add__(self, other: Any) -> Tracer:
        o = _lift(other)
        return Tracer(self.linear | o.linear, self.pairs | o.pairs)

    __radd__ = __add__
    __sub__ = __add__
    __rsub__ = __add__

    def __neg__(self) -> Tracer:
        return self

    __pos__ = __neg__

    @_binary
    def __mul__(self, other: Any) -> Tracer:
        o = _lift(other)
        return Tracer(self.linear | o.linear, self.pairs | o.pairs | _pairs(self.linear, o.linear))

    __rmul__ = __mul__

    @_binary
    def __truediv__(self, other: Any) -> Tracer:
        o = _lift(other)
        return _nonlinear(self, o) if o.linear else self

    @_binary
    def __rtruediv__(self, other: Any) -> Tracer:
        return _nonlinear(_lift(other), self)

    @_binary
    def __pow__(self, other: Any) -> Tracer:
        o = _lift(other)
        if not o.linear and _number(other) and other == 1:
            return self
        return _nonlinear(self, o)

    @_binary
    def __rpow__(self, other: Any) -> Tracer:
        return _nonlinear(_lift(other), self)

    def __bool__(self) -> bool:
        raise NotStructural("a branch on a traced value")

    def __float__(self) -> float:
        raise NotStructural("a traced value made a float")

    def __index__(self) -> int:
        raise NotStructural("a traced value used as an index")

    def __eq__(self, other: Any) -> bool:  # type: ignore[override]
        raise NotStructural("a comparison of traced values")

    __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __eq__
    __hash__ = None  # type: ignore[assignment]

    def conjugate(self) -> Tracer:
        return self

    def _unary(self) -> Tracer:
        return _nonlinear(self)

    # the methods NumPy's object loops call for its unary ufuncs
    exp = expm1 = log = log1p = log2 = log10 = sqrt = cbrt = square = _unary
    sin = cos = tan = arcsin = arccos = arctan = sinh = cosh = tanh = _unary
    arcsinh = arccosh = arctanh = reciprocal = _unary

    def __abs__(self) -> Tracer:
        return _nonlinear(self)

    def absolute(self) -> Tracer:
        return _nonlinear(self)


def _number(x: Any) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)


def _lift(x: Any) -> Tracer:
    if isinstance(x, Tracer):
        return x
    if _number(x) or isinstance(x, (bool, np.bool_)):
        return Tracer()
    raise NotStructural(f"an operation with a {type(x).__name__}")


def _nonlinear(*parts: Tracer) -> Tracer:
    """A smooth function of ``parts``: every pair of its inputs can meet."""
    linear = frozenset().union(*(p.linear for p in parts))
    pairs = frozenset().union(*(p.pairs for p in parts))
    return Tracer(linear, pairs | _pairs(linear, linear))


def hessian_pattern(
    f: Callable, args: Sequence[Any], where: int, kwargs: dict | None = None
) -> np.ndarray | None:
    """The possible nonzeros of the Hessian of ``f`` in ``args[where]`` (an array), as a
    boolean ``n x n`` array with ``n`` its size; None where the tracer cannot follow ``f``."""
    x = np.asarray(args[where])
    n = x.size
    traced = np.empty(n, dtype=object)
    for i in range(n):
        traced[i] = Tracer(frozenset((i,)))
    traced = traced.reshape(x.shape)
    inputs = list(args)
    inputs[where] = traced
    try:
        with np.errstate(all="ignore"):
            out = f(*inputs, **(kwargs or {}))
        if isinstance(out, np.ndarray) and out.dtype == object and out.shape == ():
            out = out[()]
        if _number(out):
            return np.zeros((n, n), dtype=bool)
        if not isinstance(out, Tracer):
            return None
    except Exception:  # any operation the tracer does not follow: the dense Hessian
        return None
    pattern = np.zeros((n, n), dtype=bool)
    if out.pairs:
        rows, cols = zip(*out.pairs)
        pattern[list(rows), list(cols)] = True
    return pattern


def colours(pattern: np.ndarray) -> np.ndarray:
    """A greedy distance-2 colouring of the columns: two columns share a colour only if no
    row has a nonzero in both, so each entry of a column is read straight off the Hessian
    times the sum of the unit directions of its colour."""
    n = pattern.shape[1]
    colour = np.full(n, -1)
    rows_of = [np.flatnonzero(pattern[:, j]) for j in range(n)]
    for j in range(n):
        taken = set()
        for i in rows_of[j]:
            taken.update(colour[np.flatnonzero(pattern[i])].tolist())
        c = 0
        while c in taken:
            c += 1
        colour[j] = c
    return colour


def seeds(colour: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """One seed direction per colour: the sum of the unit directions of its columns."""
    k = int(colour.max()) + 1 if colour.size else 0
    s = np.zeros((k, colour.size))
    s[colour, np.arange(colour.size)] = 1.0
    s.flags.writeable = False
    return s.reshape((k, *shape))


def star_colours(pattern: np.ndarray) -> np.ndarray:
    """A greedy star colouring of the columns (Gebremedhin, Manne and Pothen 2005): columns
    that meet in a nonzero get different colours, and every path of four columns through
    nonzeros uses three colours at least. Symmetry is what it uses: an entry whose own
    column shares its colour with another column of its row is read from its mirror
    image, so one dense row and column (an arrow) cost two colours, not all of them.
    Columns are coloured the most connected first."""
    n = pattern.shape[1]
    near = pattern & ~np.eye(n, dtype=bool)
    neighbours = [np.flatnonzero(near[v]).tolist() for v in range(n)]
    colour = [-1] * n
    for v in sorted(range(n), key=lambda v: -len(neighbours[v])):
        taken = {colour[w] for w in neighbours[v]}
        for w in neighbours[v]:
            for x in neighbours[w]:
                if x == v or colour[x] == -1:
                    continue
                if colour[w] == -1:  # v and x meet in w, not yet coloured: unlike
                    taken.add(colour[x])
                elif any(colour[y] == colour[w] for y in neighbours[x] if y != w):
                    taken.add(colour[x])  # v - w - x - y would be a path of two colours
        c = 0
        while c in taken:
            c += 1
        colour[v] = c
    return np.array(colour, dtype=int)


@dataclass
class Recovery:
    """Where each nonzero ``(rows[k], cols[k])`` of the Hessian is read in the compressed
    columns (the Hessian times the seeds): in row ``read[k]`` of colour ``found[k]``."""

    colour: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    read: np.ndarray
    found: np.ndarray
    method: str

    @property
    def count(self) -> int:
        return int(self.colour.max(initial=-1)) + 1


def recovery(pattern: np.ndarray) -> Recovery | None:
    """The cheaper of the star and the distance-2 colouring, with where each nonzero is
    read: straight off its row where its column is the only one of its colour there, else
    off its mirror image's row (the Hessian is symmetric). A colouring that leaves an
    entry unreadable either way is not used."""
    rows, cols = np.nonzero(pattern)
    best = None
    for method, colour in (("star", star_colours(pattern)), ("distance-2", colours(pattern))):
        k = int(colour.max(initial=-1)) + 1
        if best is not None and k >= best.count:
            continue
        onehot = np.zeros((colour.size, k), dtype=int)
        onehot[np.arange(colour.size), colour] = 1
        per_colour = pattern.astype(int) @ onehot  # nonzeros of each colour in each row
        direct = per_colour[rows, colour[cols]] == 1
        mirror = per_colour[cols, colour[rows]] == 1
        if not (direct | mirror).all():
            continue
        read = np.where(direct, rows, cols)
        found = np.where(direct, colour[cols], colour[rows])
        best = Recovery(colour, rows, cols, read, found, method)
    return best
