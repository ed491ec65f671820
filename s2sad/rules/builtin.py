"""Rules for Python's operators and builtins.

Each row is the call it differentiates; ``scalar`` rows give the partial
derivative in each argument, ``ans`` being the result. Python numbers get
``math`` where NumPy values get ``np`` (the ``python=`` column). Operators on
arrays broadcast; the VJP sums the cotangent back to each operand's shape.
"""

from ..ir import JOIN, REPEAT
from ..ir.kinds import BOOL, FLOAT, INT, Kind, broadcast, element_kind
from ..lower.expressions import max_of, min_of
from .kindrules import Arg, always, reduced
from .registry import ZERO, linear, nondiff, rule, scalar, table
from .runtime import zeros_kind

table("operator")


def _arith(*params: str, dtype: str | None = None, python: type | None = None):
    return lambda a: broadcast(*(a[p].kind for p in params), dtype=dtype, python=python)


def _sequences(a: dict[str, Arg]) -> bool:
    """Whether ``x + y`` joins two lists (or tuples), not numbers or arrays."""
    kx, ky = a["x"].kind, a["y"].kind
    return kx.type in (list, tuple) and kx.type is ky.type


def joined(x: Kind, y: Kind) -> Kind:
    """The kind of ``x + y`` for two lists or two tuples."""
    if x.items is not None and y.items is not None:
        items = x.items + y.items
        return Kind(x.type, None, "o", items=items, elem=_common(items))
    parts = [k for k in (x.elem, y.elem) if k is not None]
    elem = parts[0].join(parts[1]) if len(parts) == 2 else None
    return Kind(x.type, None, "o", elem=elem)


def _common(items: tuple[Kind, ...]) -> Kind | None:
    if not items:
        return None
    out = items[0]
    for k in items[1:]:
        out = out.join(k)
    return out


def repeated(xs: Kind, n: Arg) -> Kind:
    """The kind of ``xs * n``: ``xs``'s items ``n`` times."""
    if xs.items is not None and isinstance(n.const, int):
        items = xs.items * max(n.const, 0)
        return Kind(xs.type, None, "o", items=items, elem=_common(items) or xs.elem)
    return Kind(xs.type, None, "o", elem=xs.elem if xs.items is None else _common(xs.items))


def _plus(a: dict[str, Arg]) -> Kind:
    return joined(a["x"].kind, a["y"].kind) if _sequences(a) else broadcast(a["x"].kind, a["y"].kind)


def _times(a: dict[str, Arg]) -> Kind:
    kx, ky = a["x"].kind, a["y"].kind
    if kx.type in (list, tuple) and ky.dtype in "bi" and not ky.is_array:
        return repeated(kx, a["y"])
    if ky.type in (list, tuple) and kx.dtype in "bi" and not kx.is_array:
        return repeated(ky, a["x"])
    return broadcast(kx, ky)


scalar("x + y", "1", "1", kind=_plus)
scalar("x - y", "1", "-1")
scalar("x * y", "y", "x", kind=_times)
# The same operators on lists and tuples join and repeat them (``analysis.sequences`` gives
# those calls these ops). The adjoint of a sequence is a list: cut back, or the copies' added.
rule(
    "xs + ys",
    vjp={"xs": "g[:length(xs)]", "ys": "g[length(xs):]"},
    jvp={"xs": "list(xs_dot) + zeros_of(ys)", "ys": "zeros_of(xs) + list(ys_dot)"},  # forward joins them
    kind=lambda a: joined(a["xs"].kind, a["ys"].kind),
    key=JOIN,
)
rule(
    "xs * n",
    vjp={"xs": "fold_repeats(g, length(xs))"},
    jvp={"xs": "xs_dot * n"},
    kind=lambda a: repeated(a["xs"].kind, a["n"]),
    key=REPEAT,  # n * xs is written xs * n
)
scalar("x / y", "1 / y", "-ans / y", kind=_arith("x", "y", dtype="f+", python=float))
scalar("x ** y", "power_dx(x, y)", "power_dy(ans, x)")  # y * x ** (y - 1), ans * log(x), safe at 0
scalar("x % y", "1", "-(x // y)")  # x % y == x - y * (x // y)
scalar("-x", "-1")
scalar("+x", "1")
for pattern in ("x // y", "x & y", "x | y", "x ^ y", "x << y", "x >> y", "~x"):
    nondiff(pattern, kind=_arith(*(p for p in "xy" if p in pattern)))
for pattern in ("x < y", "x <= y", "x > y", "x >= y", "x == y", "x != y"):
    nondiff(pattern, kind=_arith("x", "y", dtype="b", python=bool))
for pattern in ("x is y", "x is not y", "x in y", "x not in y", "not x"):
    nondiff(pattern, kind=always(BOOL))

table("builtin")

scalar("max(a, b)", "a >= b", "a < b")  # a tie goes to the first, as Python's max picks it
scalar("min(a, b)", "a <= b", "a > b")


def _item(a: dict[str, Arg]) -> Kind:
    return element_kind(a["iterable"].kind)


# max(xs) of one list (lowering gives it an op of its own, printed as written): the first
# item equal to the result gets it all, as Python's max picks it (list.index finds it)
for name, one in (("max", max_of), ("min", min_of)):
    rule(
        f"{name}(iterable)",
        vjp={"iterable": "at_index(g, iterable, list(iterable).index(ans))"},
        jvp={"iterable": "iterable_dot[list(iterable).index(ans)]"},
        kind=_item,
        key=one,
    )
scalar("pow(x, y)", "power_dx(x, y)", "power_dy(ans, x)")
linear("float(x)", x="g", kind=always(FLOAT))


def _sum_kind(a: dict[str, Arg]) -> Kind:
    x = a["a"].kind
    if x.type in (list, tuple):
        parts = x.items if x.items is not None else (x.elem,) if x.elem else ()
        total = a["start"].kind
        for p in parts:
            total = broadcast(total, p)
        return total
    return broadcast(reduced("a")({**a, "axis": Arg(INT, 0)}), a["start"].kind)


rule(
    "sum(a, start=0)",
    vjp={
        "a": "spread(g, a) if is_sequence(a) else unreduce(g, a, 0, False)",
        "start": "unbroadcast(g, start)",
    },
    jvp={"a": "sum(a_dot)", "start": "start_dot"},
    kind=_sum_kind,
)
for pattern in ("int(x)", "round(x)", "len(x)", "bool(x)"):
    nondiff(pattern, kind=always(BOOL if pattern.startswith("bool") else INT))
nondiff("isinstance(x, t)", kind=always(BOOL))


def _copied(container: type):
    """The kind of ``list(x)`` or ``dict(x)``: ``x``'s items in a new container."""

    def kind(a: dict[str, Arg]) -> Kind:
        k = a["x"].kind
        if container is list and k.type in (list, tuple):
            return Kind(list, None, "o", items=k.items, elem=k.elem)
        if container is list and k.is_array and k.dims:
            return Kind(list, None, "o", elem=Kind(k.type, k.dims[1:], k.dtype))
        if container is tuple and k.type in (list, tuple) and k.items is not None:
            return Kind(tuple, None, "o", items=k.items)
        if container is dict and k.type is dict:
            return k
        pair = k.elem if container is dict and k.type in (list, tuple) else None
        if (
            pair is not None
            and pair.type in (tuple, list)
            and pair.items is not None
            and len(pair.items) == 2
        ):
            return Kind(dict, None, "o", elem=pair.items[1])  # dict(pairs): the pairs' values
        return Kind(container, None, "o")

    return kind


def _pairs_kind(k: Kind) -> Kind:
    """The kind of a cotangent of ``dict(pairs)``'s ``pairs``: a dict for a dict, else a list
    of ``[0.0, value]`` lists."""
    if k.type is dict:
        return k

    def pair(p: Kind | None) -> Kind | None:
        if p is None or p.items is None or len(p.items) != 2:
            return None
        return Kind(list, None, "o", items=(FLOAT, zeros_kind(p.items[1])), elem=None)

    items = tuple(pair(p) for p in k.items) if k.items is not None else None
    if items is not None and None in items:
        items = None
    elem = pair(k.elem) if items is None else (items[0] if len(set(items)) == 1 else None)
    return Kind(list, None, "o", items=items, elem=elem)


def _reordered(k: Kind) -> Kind:
    """The kind of ``sorted(xs)``: a list of ``xs``'s items, in an order kinds do not know."""
    parts = list(k.items or ()) + ([k.elem] if k.elem is not None else [])
    elem = _common(tuple(parts)) if parts else None
    return Kind(list, None, "o", elem=elem)


# the adjoint of a tuple or list is a list, of a dict a dict: copied, so that it changes alone
linear("list(x)", x="list(g) if is_sequence(x) else np.array(g)", kind=_copied(list))
# dict(x) of a dict copies it; of (key, value) pairs, the value of each key's last pair counts
rule("dict(x)", vjp={"x": "unpaired(g, x)"}, jvp={"x": "paired(x_dot, x)"}, kind=_copied(dict))
linear(
    "unpaired(value, pairs)",
    value="paired(g, pairs)",
    pairs=ZERO,
    kind=lambda a: _pairs_kind(a["pairs"].kind),
)
linear(
    "paired(value, pairs)",
    value="unpaired(g, pairs)",
    pairs=ZERO,
    kind=lambda a: _copied(dict)({"x": a["value"]}),
)
linear("tuple(x)", x="list(g) if is_sequence(x) else np.array(g)", kind=_copied(tuple))
rule(
    "sorted(iterable)",
    vjp={"iterable": "unsorted_items(g, iterable)"},
    jvp={"iterable": "sorted_items(iterable_dot, iterable)"},
    kind=lambda a: _reordered(a["iterable"].kind),
)
nondiff("range(start, stop=None, step=None)", kind=always(Kind(range, None, "o")))
