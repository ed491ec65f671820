"""``np.einsum`` in full: any number of operands, implicit output, ``...``, repeated
letters, and the sublist form.

The rule is variadic (``*operands``, see ``registry``): item ``i`` of the call is
a parameter of its own, so each operand gets its cotangent, and only the active
ones do. The cotangent of an operand is an einsum of the cotangent with the
other operands, written with the operand's own letters; its tangent is the call
with the operand's tangent in its place::

    c = np.einsum('ij,jk->ik', a, b)     a_bar = np.einsum('ik,jk->ij', g, b)
                                         c_dot = np.einsum('ij,jk->ik', a_dot, b)

The subscripts are read when the rule is used, so generated code spells them out,
and an einsum that is a product or a transpose is written as one (``g * b``,
``g.T``):

- a letter of the operand found nowhere else was summed in it alone: it comes
  back by broadcasting (``'ij->i'`` gives ``np.broadcast_to(np.expand_dims(g,
  1), a.shape)``, by ``unreduce``; where another axis must be summed back too,
  an ``np.ones`` of its length joins the einsum);
- a letter repeated in the operand (a trace ``'ii->'``, a diagonal ``'ii->i'``)
  takes a fresh letter tied to it by an identity, ``np.einsum('i,iI->iI', g,
  np.eye(a.shape[1]))``, which writes ``g`` on the diagonal and zeros elsewhere;
- axes the operand broadcast (length one where others are longer, fewer ``...``
  axes) are summed back by ``unbroadcast``;
- ``...`` stays in the subscripts where it leads every operand; elsewhere the
  operands' ranks replace it by letters.

What the rule cannot read (subscripts that are not a constant) fails with a
message naming the case.

>>> from s2sad.ir import Name
>>> from s2sad.ir.kinds import kind_of
>>> from s2sad.rules.instantiate import instantiate
>>> from s2sad.rules.templates import parse_template
>>> def vjp(subscripts, which, g, **operands):
...     kinds = {name: kind_of(value) for name, value in {**operands, "g": g}.items()}
...     items = Call(ir.TUPLE, (Const(subscripts), *(Name(n) for n in operands)))
...     template = parse_template(f"einsum_vjp(g, operands, {which}, False)", ("operands",))
...     return instantiate(template, {"operands": items, "g": Name("g")}, kinds.get)
>>> vjp("ij,jk", 1, np.ones((2, 4)), a=np.ones((2, 3)), b=np.ones((3, 4)))
np.einsum('ik,jk->ij', g, b)
>>> vjp("ii", 1, 1.0, a=np.ones((3, 3)))
g * np.eye(a.shape[1])
>>> vjp("...ij,...jk", 2, np.ones((5, 2, 4)), a=np.ones((5, 2, 3)), b=np.ones((3, 4)))
np.sum(np.einsum('...ik,...ij->...jk', g, a), axis=0)
"""

from __future__ import annotations

import string
from dataclasses import dataclass

import numpy as np

from .. import ir
from ..ir import Call, Const, Expr, attr_op
from ..ir.kinds import Kind, promote
from .instantiate import Context, np_call, runtime_call
from .kindrules import Arg
from .macros import unbroadcast, unreduce
from .registry import rule, table
from .templates import macro

table("einsum")

LETTERS = string.ascii_letters
DOTS = "."  # one character for "..." in the subscripts this module works with


@dataclass(frozen=True)
class Spec:
    """Subscripts read: one string per operand and the output, ``.`` standing for ``...``;
    ``operands`` are the positions of the operands among the call's arguments."""

    inputs: tuple[str, ...]
    output: str
    operands: tuple[int, ...]

    def text(self, inputs: tuple[str, ...] | None = None, output: str | None = None) -> str:
        ins = ",".join(self.inputs if inputs is None else inputs)
        return f"{ins}->{self.output if output is None else output}".replace(DOTS, "...")

    def fresh(self) -> list[str]:
        used = set("".join(self.inputs) + self.output)
        return [c for c in LETTERS if c not in used]


def _implicit(inputs: tuple[str, ...], order=sorted) -> str:
    """NumPy's output without ``->``: the letters used once, sorted; ``...`` first."""
    letters = "".join(inputs).replace(DOTS, "")
    once = order(c for c in set(letters) if letters.count(c) == 1)
    return (DOTS if any(DOTS in s for s in inputs) else "") + "".join(once)


def _subscripts(text: str) -> str | None:
    """``'...ij'`` as ``'.ij'``; ``None`` for what is not letters and one ``...``."""
    s = text.replace("...", DOTS)
    if s.count(DOTS) > 1 or not all(c in LETTERS or c == DOTS for c in s):
        return None
    return s


def _sublist(e: Expr) -> list | None:
    """The values of a list or tuple display of constants (``[0, 1]``, ``[..., 1]``)."""
    if isinstance(e, Const) and isinstance(e.value, (list, tuple)):
        return list(e.value)
    if isinstance(e, Call) and e.op.form in ("list", "tuple"):
        values = [a.value if isinstance(a, (Const, ir.Ref)) else None for a in e.args]
        return values if all(v is not None for v in values) else None
    return None


def _sublist_letters(values: list) -> str | None:
    """``[0, 1]`` as ``'ab'``; ``Ellipsis`` as ``...``."""
    out = ""
    for v in values:
        if v is Ellipsis:
            out += DOTS
        elif isinstance(v, (int, np.integer)) and not isinstance(v, bool) and 0 <= v < len(LETTERS):
            out += LETTERS[int(v)]
        else:
            return None
    return out if out.count(DOTS) <= 1 else None


def parse(items: tuple[Expr, ...]) -> Spec | str:
    """The subscripts of ``np.einsum(*items)``, or why the rule cannot read them."""
    if not items:
        return "np.einsum without operands"
    first = items[0]
    if isinstance(first, Const) and isinstance(first.value, str):
        ins, arrow, out = first.value.replace(" ", "").partition("->")
        inputs = tuple(_subscripts(s) for s in ins.split(","))
        output = _subscripts(out) if arrow else ""
        if None in inputs or output is None or len(inputs) != len(items) - 1:
            return f"np.einsum with subscripts {first.value!r} and {len(items) - 1} operands"
        return Spec(inputs, output if arrow else _implicit(inputs), tuple(range(1, len(items))))
    if isinstance(first, Const) or _sublist(items[1] if len(items) > 1 else first) is None:
        return "np.einsum with subscripts that are not a constant string or constant sublists"
    pairs = len(items) // 2
    lists = [_sublist(items[2 * j + 1]) for j in range(pairs)]
    out_list = _sublist(items[-1]) if len(items) % 2 else None
    if any(v is None for v in lists) or len(items) % 2 and out_list is None:
        return "np.einsum with sublists that are not constant"
    inputs = tuple(_sublist_letters(v) for v in lists)
    output = _sublist_letters(out_list) if out_list is not None else _implicit(inputs, _by_number)
    if None in inputs or output is None:
        return "np.einsum with sublists of other than integers below 52 and Ellipsis"
    return Spec(inputs, output, tuple(2 * j for j in range(pairs)))


def _by_number(letters) -> list[str]:
    return sorted(letters, key=LETTERS.index)  # sublists sort by their integers


def resolved(spec: Spec, ranks: list[int | None]) -> Spec | str:
    """``spec`` with ``...`` kept where it leads every operand and the output, and
    replaced by letters (from the ranks) where it does not."""
    if all(DOTS not in s or s.startswith(DOTS) for s in (*spec.inputs, spec.output)):
        return spec
    return expanded(spec, ranks)


def expanded(spec: Spec, ranks: list[int | None]) -> Spec | str:
    """``spec`` with ``...`` replaced by letters, one per axis it stands for, right-aligned
    as NumPy broadcasts them."""
    if any(r is None for s, r in zip(spec.inputs, ranks) if DOTS in s):
        return "np.einsum with '...' after a letter, on an operand whose rank is not known"
    counts = [r - (len(s) - 1) for s, r in zip(spec.inputs, ranks) if DOTS in s]
    if not counts:
        return spec
    if min(counts) < 0:
        return "np.einsum with more letters than the operand has axes"
    if len(spec.fresh()) < max(counts):
        return "np.einsum with more axes than letters to name them"
    letters = "".join(spec.fresh()[: max(counts)])
    inputs = tuple(
        s.replace(DOTS, letters[len(letters) - (r - len(s) + 1) :]) if DOTS in s else s
        for s, r in zip(spec.inputs, ranks)
    )
    return Spec(inputs, spec.output.replace(DOTS, letters), spec.operands)


# ------------------------------------------------------------------------ kinds


def _merge(old: str | None, d: str) -> str:
    return d if old is None else "n" if "n" in (d, old) else "1" if d == old == "1" else "?"


def _category(k: Kind) -> str:
    """The dtype category of an operand; a list of numbers (``[a, b]``) has its items'."""
    if not (k.is_container and k.items):
        return k.dtype
    cat = _category(k.items[0])
    for item in k.items[1:]:
        cat = promote(cat, _category(item))
    return cat


def einsum_kind(a: dict[str, Arg]) -> Kind:
    items = a["operands"].expr.args
    spec = parse(items)
    kinds = [a[f"operands_{p}"].kind for p in spec.operands] if isinstance(spec, Spec) else []
    cats = [_category(k) for k in kinds] or ["f"]
    cat = cats[0]
    for c in cats[1:]:
        cat = promote(cat, c)
    if not isinstance(spec, Spec):
        return Kind(np.ndarray, None, cat)
    spec = expanded(spec, [k.ndim for k in kinds])
    if not isinstance(spec, Spec) or DOTS in spec.output:
        return Kind(np.ndarray, None, cat)
    dims: dict[str, str] = {}
    for letters, k in zip(spec.inputs, kinds):
        known = k.dims is not None and len(k.dims) == len(letters) and DOTS not in letters
        for i, c in enumerate(letters):
            dims[c] = _merge(dims.get(c), k.dims[i] if known else "?")
    if not spec.output:
        return Kind(np.generic, (), cat)
    return Kind(np.ndarray, tuple(dims.get(c, "?") for c in spec.output), cat)


# ----------------------------------------------------------------------- macros


def _axis_length(ctx: Context, x: Expr, axis: int) -> Expr:
    shape = Call(attr_op("shape"), (x,)) if ctx.kind(x).is_array else np_call("shape", x)
    return Call(ir.GETITEM, (shape, Const(axis)))


def _fail(message: str) -> Expr:
    return runtime_call("fail", Const(message))


@macro
def einsum_vjp(ctx: Context, g: Expr, operands: Expr, which: Expr, optimize: Expr) -> Expr:
    """The cotangent of argument ``which`` of ``np.einsum(*operands)``, given ``g``; ``optimize``
    as the call had it (it picks the order of the products, not what they are)."""
    items = operands.args
    spec = parse(items)
    if isinstance(spec, str):
        return _fail(spec)
    if which.value not in spec.operands:
        return _fail("np.einsum with a differentiated value as its subscripts")
    arrays = [np_call("asarray", e) if ctx.kind(e).is_container else e for e in items]  # [a, b] too
    spec = resolved(spec, [ctx.kind(arrays[p]).ndim for p in spec.operands])
    if isinstance(spec, str):
        return _fail(spec)
    k = spec.operands.index(which.value)
    like, mine = arrays[which.value], spec.inputs[k]
    others = [(s, arrays[p]) for j, (s, p) in enumerate(zip(spec.inputs, spec.operands)) if j != k]
    elsewhere = set(spec.output + "".join(s for s, _ in others))
    free = spec.fresh()
    if len(free) < len(mine) - len(set(mine)):
        return _fail("np.einsum with more repeated letters than letters to spare")
    out, extra, lonely = "", [], []
    for pos, c in enumerate(mine):
        axis = pos if DOTS not in mine[:pos] else pos - len(mine)
        if c == DOTS:
            out += c
        elif c in out:  # a repeated letter: a fresh one (i: I), tied to it by an identity
            f = c.upper() if c.upper() in free else free[0]
            free.remove(f)
            out += f
            extra.append((c + f, np_call("eye", _axis_length(ctx, like, axis))))
        else:
            out += c
            if c not in elsewhere and mine.count(c) == 1:
                lonely.append((c, axis))
    inputs = [(spec.output, g), *others, *extra]
    if DOTS not in out and any(DOTS in s for s, _ in inputs):
        out = DOTS + out  # the operand broadcast along `...`: unbroadcast sums it back
    if lonely and DOTS not in out:  # the letters summed in the operand alone come back by broadcasting
        axes = tuple(a for _, a in lonely)
        lone = {c for c, _ in lonely}
        if not _sums_back(ctx, mine, like, [c for c in mine if c not in lone], inputs):
            reduced = _einsum(ctx, spec, inputs, "".join(c for c in out if c not in lone), optimize)
            axis = None if len(axes) == len(mine) else axes[0] if len(axes) == 1 else axes
            return unreduce(ctx, reduced, like, Const(axis), Const(False))
    inputs += [(c, np_call("ones", _axis_length(ctx, like, axis))) for c, axis in lonely]
    result = unbroadcast(ctx, _einsum(ctx, spec, inputs, out, optimize), like)
    if _shorter(ctx, mine, like, spec.output, others):
        result = np_call("broadcast_to", result, Call(attr_op("shape"), (like,)))
    return result


def _sums_back(ctx: Context, mine: str, like: Expr, letters: list[str], inputs: list) -> bool:
    """Whether one of ``letters`` may be longer in the einsum of ``inputs`` than in the
    operand, which broadcast it (or the kinds do not tell)."""
    dims, seen = _letter_dims(mine, ctx.kind(like)), _dims_in(ctx, inputs)
    return any(dims.get(c, "?") != "n" and seen.get(c, "?") != "1" for c in letters)


def _shorter(ctx: Context, mine: str, like: Expr, output: str, others: list) -> bool:
    """Whether the einsum may give an axis of the operand length one where the operand is
    longer: a letter summed against others that have it of length one only (NumPy
    broadcasts it, as ``'l,l'`` of lengths 2 and 1 does)."""
    dims, seen = _letter_dims(mine, ctx.kind(like)), _dims_in(ctx, others)
    shared = [c for c in set(mine) if c != DOTS and c not in output and c in seen and mine.count(c) == 1]
    return any(dims.get(c, "?") != "1" and seen[c] != "n" for c in shared)


def _dims_in(ctx: Context, inputs: list[tuple[str, Expr]]) -> dict[str, str]:
    """The dims of each letter across ``inputs``, as NumPy broadcasts them."""
    seen: dict[str, str] = {}
    for s, e in inputs:
        for c, d in _letter_dims(s, ctx.kind(e)).items():
            seen[c] = _merge(seen.get(c), d)
    return seen


def _letter_dims(letters: str, k: Kind) -> dict[str, str]:
    """The dims of an operand's letters, by its kind (``?`` where it does not say)."""
    if k.dims is None:
        return {c: "?" for c in letters if c != DOTS}
    head, _, tail = letters.partition(DOTS)
    if len(head) + len(tail) > len(k.dims):
        return {c: "?" for c in letters if c != DOTS}
    out: dict[str, str] = {}
    for c, d in [*zip(head, k.dims), *zip(tail[::-1], k.dims[::-1])]:
        out[c] = _merge(out.get(c), d)
    return out


def _einsum(ctx: Context, spec: Spec, inputs: list[tuple[str, Expr]], out: str, optimize: Expr) -> Expr:
    """``np.einsum`` of ``inputs`` to ``out``, or what it reduces to where that reads better:
    ``g``, ``g.T``, ``g * b`` (numbers and arrays only: einsum takes lists too, ``*`` repeats
    them)."""
    text = Const(spec.text(tuple(s for s, _ in inputs), out))
    if not all(_numeric(ctx, e) for _, e in inputs):
        return _call(text, *(e for _, e in inputs), optimize=optimize)
    numbers = [e for s, e in inputs if s == ""]
    arrays = [(s, e) for s, e in inputs if s != ""]
    if numbers and (arrays or not out):  # numbers multiply: g * np.einsum('ij,j->i', b, c)
        factors = numbers + ([_einsum(ctx, spec, arrays, out, optimize)] if arrays else [])
        return _product(factors)
    subs = {s for s, _ in inputs}
    if subs == {out} and len(set(out)) == len(out):  # the same letters everywhere: elementwise
        return _product([e for _, e in inputs])
    if len(inputs) == 1 and DOTS not in out and len(set(out)) == len(out) == len(inputs[0][0]):
        e, axes = inputs[0][1], tuple(inputs[0][0].find(c) for c in out)
        if sorted(axes) == list(range(len(out))):  # a transpose
            return Call(attr_op("T"), (e,)) if axes == (1, 0) else np_call("transpose", e, Const(axes))
    return _call(text, *(e for _, e in inputs), optimize=optimize)


def _product(factors: list[Expr]) -> Expr:
    out = factors[0]
    for f in factors[1:]:
        out = Call(ir.MUL, (out, f))
    return out


def _call(*args: Expr, optimize: Expr) -> Expr:
    if isinstance(optimize, Const) and optimize.value is False:
        return np_call("einsum", *args)
    return np_call("einsum", *args, optimize=optimize)


def _numeric(ctx: Context, e: Expr) -> bool:
    return not ctx.kind(e).is_container  # einsum takes lists too; `*` does not multiply them


@macro
def einsum_jvp(ctx: Context, operands: Expr, which: Expr, tangent: Expr, optimize: Expr) -> Expr:
    """The tangent of ``np.einsum(*operands)`` from the tangent of argument ``which``: the
    same call with the tangent in its place (einsum is linear in each operand, whatever
    its subscripts say, so they need not be read)."""
    items = list(operands.args)
    items[which.value] = tangent
    return _call(*items, optimize=optimize)


rule(
    "np.einsum(*operands, out=None, optimize=False)",
    vjp={"operands": "einsum_vjp(g, operands, {i}, optimize)"},
    jvp={"operands": "einsum_jvp(operands, {i}, operands_{i}_dot, optimize)"},
    kind=einsum_kind,
)
