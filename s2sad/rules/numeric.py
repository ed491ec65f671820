"""Rules for NumPy's numeric functions: units, ``sinc``, ``cumprod``, polynomials,
convolution, interpolation, the parts of a (real) number, and the NaN-ignoring reductions.

Where the obvious formula divides by the input (``cumprod``: ``ans / x``) or is
``0 / 0`` at a point (``sinc`` at 0), the template is written so that it is not:
``cumprod``'s derivative multiplies the other factors, ``sinc``'s is a helper
exact at 0 to every order. The ``nan`` reductions give NaN entries no
derivative, as NumPy gives them no weight.

>>> import numpy as np
>>> from s2sad import ir
>>> from s2sad.rules.registry import lookup
>>> lookup(ir.call_op(np.sinc, "np.sinc")).vjp["x"]
'unbroadcast(g * (sinc_derivative(x, 1)), x)'
>>> lookup(ir.call_op(np.nansum, "np.nansum")).vjp["a"]
'np.where(np.isnan(a), 0.0, unreduce(g, a, axis, keepdims))'
"""

from __future__ import annotations

import numpy as np

from ..ir import Const, Expr
from ..ir.kinds import Kind
from .instantiate import Context, np_call
from .kindrules import Arg, elementwise, reduced, same_as
from .numpy import extremum
from .registry import linear, nondiff, rule, scalar, table
from .templates import macro


@macro
def is_real(ctx: Context, x: Expr) -> Expr:
    """Whether ``x`` holds real numbers (known from its kind, else ``np.isrealobj(x)``)."""
    dtype = ctx.kind(x).dtype
    if dtype in ("b", "i", "f"):
        return Const(True)
    if dtype == "c":
        return Const(False)
    return np_call("isrealobj", x)


@macro
def rank(ctx: Context, x: Expr) -> Expr:
    """``np.ndim(x)``, written out where the kind knows it (a list's is left to run time)."""
    k = ctx.kind(x)
    if k.ndim is not None:
        return Const(k.ndim)
    if _numbers(k) is not None:
        return Const(1)
    return np_call("ndim", x)


@macro
def as_array(ctx: Context, x: Expr) -> Expr:
    """``x``, or ``np.array(x)`` for a list or tuple (which NumPy's functions take as arrays)."""
    return np_call("array", x) if ctx.kind(x).type in (list, tuple) else x


table("numpy")

# ------------------------------------------------------------------ elementwise
scalar("np.radians(x)", "np.pi / 180")
scalar("np.degrees(x)", "180 / np.pi")
scalar("np.sinc(x)", "sinc_derivative(x, 1)")  # sin(pi x) / (pi x), and 1 at 0
# replaced entries (NaN, infinities) take the value given for them: no derivative in x
scalar(
    "np.nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None)",
    "np.isfinite(x)",
    None,
    "np.isnan(x)",
    "x == np.inf",
    "x == -np.inf",
    kind=elementwise("x"),
)
nondiff("np.isrealobj(x)", kind=lambda a: Kind(bool, (), "b"))
nondiff("np.iscomplexobj(x)", kind=lambda a: Kind(bool, (), "b"))


# ------------------------------------------------------------------ cumprod
def _others(x: str, n: str) -> str:
    """``D[..., j, k]``: the product of ``x[..., i]`` for ``i <= k`` but ``i != j`` (0 for k < j),
    the derivative of ``cumprod(x)[k]`` in ``x[j]``, made without dividing by ``x``: row ``j``
    is the running product of ``x`` with a 1 in place ``j``. It takes ``n * n`` numbers."""
    return f"np.triu(np.cumprod(np.where(np.eye({n}, dtype=bool), 1.0, {x}), axis=-1))"


_VECTOR = "rank(a) == 1 and (axis is None or axis == 0 or axis == -1)"
_FLAT = _others("np.ravel(a)", "np.size(a)")
_LAST = _others("np.expand_dims(np.swapaxes(a, axis, -1), -2)", "np.shape(a)[axis]")
rule(
    "np.cumprod(a, axis=None, dtype=None, out=None)",
    vjp={
        "a": f"{_others('a', 'len(a)')} @ g if {_VECTOR} else "
        f"np.reshape({_FLAT} @ g, np.shape(a)) if axis is None else "
        f"np.swapaxes(np.sum(np.expand_dims(np.swapaxes(g, axis, -1), -2) * {_LAST}, axis=-1), axis, -1)"
    },
    jvp={
        "a": f"a_dot @ {_others('a', 'len(a)')} if {_VECTOR} else "
        f"np.ravel(a_dot) @ {_FLAT} if axis is None else "
        f"np.swapaxes(np.sum(np.expand_dims(np.swapaxes(a_dot, axis, -1), -1) * {_LAST}, axis=-2), axis, -1)"
    },
    kind=lambda a: _cumprod_kind(a),
)


def _numbers(k: Kind) -> Kind | None:
    """The kind of ``np.array(xs)`` for a list (or tuple) of numbers ``xs``."""
    if k.type in (list, tuple) and k.items and all(i.dims == () and i.is_numeric for i in k.items):
        return Kind(np.ndarray, ("1" if len(k.items) == 1 else "n",), "f")
    return None


def _cumprod_kind(a: dict[str, Arg]) -> Kind:
    """Shaped like ``a`` along an axis, or 1-D (flattened); a list of numbers makes a vector."""
    k = a["a"].kind
    if _numbers(k) is not None:
        return _numbers(k)
    if a["axis"].const is not None or k.ndim == 1:
        return same_as("a")(a)
    return Kind(np.ndarray, ("?",), k.dtype)


# ------------------------------------------------------------------ polynomials, convolution
# p holds the coefficients, highest power first: p[:-1] * [n - 1, ..., 1] is the derivative's
_DERIVATIVE = "np.polyval((np.array(p) if is_sequence(p) else p)[:-1] * np.arange(len(p) - 1, 0, -1), x)"
_POWERS = "np.arange(len(p) - 1, -1, -1)"
_X = "(np.array(x) if is_sequence(x) else x)"
rule(
    "np.polyval(p, x)",
    vjp={
        "p": f"g * x ** {_POWERS} if rank(x) == 0 else "  # g times x ** k, summed over x
        f"g @ np.expand_dims({_X}, -1) ** {_POWERS} if rank(x) == 1 else "
        f"np.ravel(g) @ np.reshape(x, (-1, 1)) ** {_POWERS}",
        "x": f"g * {_DERIVATIVE} if is_sequence(x) else unbroadcast(g * {_DERIVATIVE}, x)",
    },
    jvp={"p": "np.polyval(p_dot, x)", "x": f"x_dot * {_DERIVATIVE}"},
    kind=lambda a: _numbers(a["x"].kind) or elementwise("x", dtype="f")(a),
)


def _correlated(g: str, other: str, n: str, m: str) -> str:
    """The cotangent of the operand of length ``n`` of ``np.convolve`` with one of length ``m``:
    the full convolution of ``g`` with the other operand reversed, at the offset of ``mode``."""
    start = (
        f"({m} - 1 if mode == 'full' else {m} - 1 - (min({n}, {m}) - 1) // 2 if mode == 'same' "
        f"else {m} - min({n}, {m}))"
    )
    return f"np.convolve({g}, {other}[::-1])[{start}:{start} + {n}]"


_NUMBER = "rank(a) == 0 or rank(v) == 0"  # with a number, np.convolve multiplies
_MODES = "(mode == 'full' or mode == 'same' or mode == 'valid') and rank(a) == 1 and rank(v) == 1"
_CONVOLVE_ONLY = "fail('np.convolve: the rule covers 1-D arrays and modes full, same, valid')"
linear(
    "np.convolve(a, v, mode='full')",
    a=f"unbroadcast(g * v, a) if {_NUMBER} else {_correlated('g', 'v', 'len(a)', 'len(v)')} if {_MODES} "
    f"else {_CONVOLVE_ONLY}",
    v=f"unbroadcast(g * a, v) if {_NUMBER} else {_correlated('g', 'a', 'len(v)', 'len(a)')} if {_MODES} "
    f"else {_CONVOLVE_ONLY}",
    kind=lambda a: Kind(np.ndarray, ("?",), "f"),
)

# ------------------------------------------------------------------ interpolation
# x lies between xp[lo] and xp[lo + 1], a fraction t of the way (t is clipped to [0, 1]
# outside, where the end values fp[0], fp[-1] are used, or left and right if given).
# Lists are read as arrays: as_array(x) is x for an array, np.array(x) for a list.
_X, _XP, _FP = "as_array(x)", "as_array(xp)", "as_array(fp)"
_LO = "np.clip(np.searchsorted(xp, x, side='right') - 1, 0, len(xp) - 2)"
_STEP = f"({_XP}[{_LO} + 1] - {_XP}[{_LO}])"
_T = f"np.clip(({_X} - {_XP}[{_LO}]) / {_STEP}, 0.0, 1.0)"
_W = (  # the cotangent of the values read from fp: outside, left and right are read instead
    f"np.ravel(g) if left is None and right is None else np.ravel(g * ({_X} >= {_XP}[0])) "
    f"if right is None else np.ravel(g * ({_X} <= {_XP}[-1])) if left is None "
    f"else np.ravel(g * ({_X} >= {_XP}[0]) * ({_X} <= {_XP}[-1]))"
)
_FP_BAR = (
    f"np.bincount(np.ravel({_LO}), ({_W}) * np.ravel(1 - {_T}), minlength=len(fp))"
    f" + np.bincount(np.ravel({_LO}) + 1, ({_W}) * np.ravel({_T}), minlength=len(fp))"
)
_INSIDE = f"({_X} > {_XP}[0]) & ({_X} < {_XP}[-1])"
_SLOPE = f"np.where({_INSIDE}, ({_FP}[{_LO} + 1] - {_FP}[{_LO}]) / {_STEP}, 0.0)"
_PERIODIC = "fail('np.interp with period: not supported')"
rule(
    "np.interp(x, xp, fp, left=None, right=None, period=None)",  # xp is constant: no rule for it
    vjp={
        "x": f"(g * {_SLOPE} if is_sequence(x) else unbroadcast(g * {_SLOPE}, x)) if period is None "
        f"else {_PERIODIC}",
        "fp": f"{_FP_BAR} if period is None else {_PERIODIC}",
        "left": f"unbroadcast(g * ({_X} < {_XP}[0]), left)",
        "right": f"unbroadcast(g * ({_X} > {_XP}[-1]), right)",
    },
    jvp={
        "x": f"x_dot * {_SLOPE} if period is None else {_PERIODIC}",
        "fp": "np.interp(x, xp, fp_dot, left=None if left is None else 0.0, right=None if right is None "
        f"else 0.0) if period is None else {_PERIODIC}",
        "left": f"left_dot * ({_X} < {_XP}[0])",
        "right": f"right_dot * ({_X} > {_XP}[-1])",
    },
    kind=lambda a: _numbers(a["x"].kind) or elementwise("x", dtype="f")(a),
)
nondiff("np.searchsorted(a, v, side='left', sorter=None)", kind=elementwise("v", dtype="i"))
rule(  # linear in the weights; x holds indices
    "np.bincount(x, weights=None, minlength=0)",
    vjp={"weights": "g[x]"},
    jvp={"weights": "np.bincount(x, weights_dot, minlength=minlength)"},
    kind=lambda a: Kind(np.ndarray, ("?",), "i" if a["weights"].const is None else "f"),
)

# ------------------------------------------------------------------ NaN-ignoring reductions
# NaN entries get no derivative: NumPy leaves them out of the sum, mean, product, ...
_NAN = "np.isnan(a)"
_KEPT = "np.sum(~np.isnan(a), axis=axis, keepdims=True)"  # how many entries each result reads
_COUNT = "np.sum(~np.isnan(a), axis=axis, keepdims=keepdims)"
_TANGENT = "np.where(np.isnan(a), 0.0, a_dot)"
rule(
    "np.nansum(a, axis=None, dtype=None, out=None, keepdims=False)",
    vjp={"a": f"np.where({_NAN}, 0.0, unreduce(g, a, axis, keepdims))"},
    jvp={"a": f"np.sum({_TANGENT}, axis=axis, keepdims=keepdims)"},
    kind=reduced(),
)
rule(
    "np.nanmean(a, axis=None, dtype=None, out=None, keepdims=False)",
    vjp={"a": f"np.where({_NAN}, 0.0, expand(g, a, axis, keepdims) / {_KEPT})"},
    jvp={"a": f"np.sum({_TANGENT}, axis=axis, keepdims=keepdims) / {_COUNT}"},
    kind=reduced(dtype="f+"),
)
_ONES = "np.where(np.isnan(a), 1.0, a)"
rule(
    "np.nanprod(a, axis=None, dtype=None, out=None, keepdims=False)",
    vjp={"a": f"np.where({_NAN}, 0.0, expand(g, a, axis, keepdims) * prod_others({_ONES}, axis))"},
    jvp={"a": f"np.sum({_TANGENT} * prod_others({_ONES}, axis), axis=axis, keepdims=keepdims)"},
    kind=reduced(),
)
for name in ("nanmax", "nanmin"):  # as max and min: NaN equals nothing, ties share
    extremum(name, _TANGENT)
# a - mean, 0 (not NaN) at NaN entries: a cotangent of 0 there must not meet a NaN
_CENTERED = "np.where(np.isnan(a), 0.0, a - np.nanmean(a, axis=axis, keepdims=True))"
rule(
    "np.nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False)",
    vjp={"a": f"expand(g, a, axis, keepdims) * (2 * {_CENTERED} / ({_KEPT} - ddof))"},
    jvp={"a": f"2 * np.sum(a_dot * {_CENTERED}, axis=axis, keepdims=keepdims) / ({_COUNT} - ddof)"},
    kind=reduced(dtype="f+"),
)
rule(
    "np.nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False)",
    vjp={"a": f"expand(over(g, ans), a, axis, keepdims) * ({_CENTERED} / ({_KEPT} - ddof))"},
    jvp={"a": f"over(np.sum(a_dot * {_CENTERED}, axis=axis, keepdims=keepdims) / ({_COUNT} - ddof), ans)"},
    kind=reduced(dtype="f+"),
)

# ------------------------------------------------------------------ run-time helpers
table("runtime")
scalar("sinc_derivative(x, k)", "sinc_derivative(x, k + 1)", None, kind=same_as("x", "f"))
