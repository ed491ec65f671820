"""Rules for NumPy's elementwise functions, reductions and constructors.

Elementwise rows give partial derivatives; broadcasting is undone by the VJP
(``unbroadcast``). Reductions spread the cotangent back over the reduced axes
(``unreduce``); ``count(a, axis)`` is the number of elements combined, and
``expand`` puts reduced axes back with length one so a reduced value
broadcasts against ``a``.
"""

import numpy as np

from ..ir import Name
from ..ir.kinds import BOOL, INT, Kind, broadcast
from .kindrules import Arg, always, elementwise, reduced, same_as, shape_kind, with_dtype
from .registry import ZERO, linear, nondiff, rule, scalar, table

table("numpy")

# ------------------------------------------------------------------ elementwise
scalar("np.sin(x)", "np.cos(x)")
scalar("np.cos(x)", "-np.sin(x)")
scalar("np.tan(x)", "1 + ans ** 2")
scalar("np.arcsin(x)", "1 / np.sqrt(1 - x ** 2)")
scalar("np.arccos(x)", "-1 / np.sqrt(1 - x ** 2)")
scalar("np.arctan(x)", "1 / (1 + x ** 2)")
scalar("np.arctan2(y, x)", "x / (x ** 2 + y ** 2)", "-y / (x ** 2 + y ** 2)")
scalar("np.sinh(x)", "np.cosh(x)")
scalar("np.cosh(x)", "np.sinh(x)")
scalar("np.tanh(x)", "1 - ans ** 2")
scalar("np.arcsinh(x)", "1 / np.sqrt(x ** 2 + 1)")
scalar("np.arccosh(x)", "1 / np.sqrt(x ** 2 - 1)")
scalar("np.arctanh(x)", "1 / (1 - x ** 2)")
scalar("np.exp(x)", "ans")
scalar("np.expm1(x)", "ans + 1")
scalar("np.exp2(x)", "ans * np.log(2)")
scalar("np.log(x)", "1 / x")
scalar("np.log1p(x)", "1 / (1 + x)")
scalar("np.log2(x)", "1 / (x * np.log(2))")
scalar("np.log10(x)", "1 / (x * np.log(10))")
scalar("np.sqrt(x)", "0.5 / ans")
scalar("np.cbrt(x)", "1 / (3 * ans ** 2)")
scalar("np.square(x)", "2 * x", kind=elementwise("x"))
scalar("np.reciprocal(x)", "-ans ** 2")
scalar("np.power(x, y)", "power_dx(x, y)", "power_dy(ans, x)", kind=elementwise("x", "y"))
scalar("np.hypot(x, y)", "x / ans", "y / ans")
scalar("np.logaddexp(x, y)", "np.exp(x - ans)", "np.exp(y - ans)")
scalar("np.logaddexp2(x, y)", "2 ** (x - ans)", "2 ** (y - ans)")
scalar("np.negative(x)", "-1", kind=elementwise("x"))
scalar("np.positive(x)", "1", kind=elementwise("x"))
scalar("np.fabs(x)", "np.sign(x)")
scalar("np.maximum(a, b)", "a >= b", "a < b", kind=elementwise("a", "b"))  # a tie goes to a
scalar("np.minimum(a, b)", "a <= b", "a > b", kind=elementwise("a", "b"))
scalar("np.fmax(a, b)", "a >= b", "a < b", kind=elementwise("a", "b"))
scalar("np.fmin(a, b)", "a <= b", "a > b", kind=elementwise("a", "b"))
scalar("np.deg2rad(x)", "np.pi / 180")
scalar("np.rad2deg(x)", "180 / np.pi")
scalar("np.add(x, y)", "1", "1", kind=elementwise("x", "y"))
scalar("np.subtract(x, y)", "1", "-1", kind=elementwise("x", "y"))
scalar("np.multiply(x, y)", "y", "x", kind=elementwise("x", "y"))
scalar("np.divide(x, y)", "1 / y", "-ans / y")
scalar(
    "np.clip(a, a_min, a_max)",
    "ans == a",
    "a < a_min",
    "a > a_max",
    kind=lambda a: broadcast(
        *(a[p].kind for p in ("a", "a_min", "a_max") if a[p].const is not None), numpy=True
    ),
)
rule(
    "np.where(condition, x, y)",
    vjp={
        "x": "unbroadcast(np.where(condition, g, 0.0), x)",
        "y": "unbroadcast(np.where(condition, 0.0, g), y)",
    },
    jvp={"x": "np.where(condition, x_dot, 0.0)", "y": "np.where(condition, 0.0, y_dot)"},
    kind=lambda a: broadcast(
        a["condition"].kind,
        a["x"].kind,
        a["y"].kind,
        numpy=True,
        dtype=broadcast(a["x"].kind, a["y"].kind).dtype,
    ),
    elementwise=True,
)

for name in ("sign", "floor", "ceil", "rint", "trunc"):
    nondiff(f"np.{name}(x)", kind=elementwise("x"))
nondiff("np.round(a, decimals=0)", kind=elementwise("a"))
for name in ("isnan", "isinf", "isfinite", "signbit", "logical_not"):
    nondiff(f"np.{name}(x)", kind=elementwise("x", dtype="b"))
for name in (
    "equal",
    "not_equal",
    "less",
    "less_equal",
    "greater",
    "greater_equal",
    "logical_and",
    "logical_or",
    "logical_xor",
    "isclose",
):
    nondiff(f"np.{name}(x, y)", kind=elementwise("x", "y", dtype="b"))
for name in ("floor_divide",):
    nondiff(f"np.{name}(x, y)", kind=elementwise("x", "y"))
scalar("np.remainder(x, y)", "1", "-np.floor_divide(x, y)", kind=elementwise("x", "y"))

# ------------------------------------------------------------------- reductions
linear(
    "np.sum(a, axis=None, dtype=None, out=None, keepdims=False)",
    a="unreduce(g, a, axis, keepdims)",
    kind=reduced(),
)
linear(
    "np.mean(a, axis=None, dtype=None, out=None, keepdims=False)",
    a="unreduce(g / count(a, axis), a, axis, keepdims)",
    kind=reduced(dtype="f+"),
)
rule(
    "np.prod(a, axis=None, dtype=None, out=None, keepdims=False)",
    vjp={"a": "expand(g, a, axis, keepdims) * prod_others(a, axis)"},
    jvp={"a": "np.sum(a_dot * prod_others(a, axis), axis=axis, keepdims=keepdims)"},
    kind=reduced(),
)


def extremum(name: str, tangent: str = "a_dot") -> None:
    """The rule of ``np.<name>``, a max or a min over axes: the entries equal to the result
    share its cotangent equally (``tangent``: the tangent of ``a`` as the rule reads it)."""
    tied = "(a == expand(ans, a, axis, keepdims))"
    rule(
        f"np.{name}(a, axis=None, out=None, keepdims=False)",
        vjp={"a": f"expand(g, a, axis, keepdims) * {tied} / np.sum({tied}, axis=axis, keepdims=True)"},
        jvp={
            "a": f"np.sum({tangent} * {tied}, axis=axis, keepdims=keepdims)"
            f" / np.sum({tied}, axis=axis, keepdims=keepdims)"
        },
        kind=reduced(),
    )


for name in ("max", "amax", "min", "amin"):
    extremum(name)
rule(
    "np.var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False)",
    vjp={
        "a": "expand(g, a, axis, keepdims) * (2 * (a - np.mean(a, axis=axis, keepdims=True))"
        " / (count(a, axis) - ddof))"
    },
    jvp={
        "a": "2 * np.sum(a_dot * (a - np.mean(a, axis=axis, keepdims=True)), axis=axis,"
        " keepdims=keepdims) / (count(a, axis) - ddof)"
    },
    kind=reduced(dtype="f+"),
)
rule(
    "np.std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False)",
    vjp={
        "a": "expand(over(g, ans), a, axis, keepdims) * ((a - np.mean(a, axis=axis, keepdims=True))"
        " / (count(a, axis) - ddof))"
    },
    jvp={
        "a": "over(np.sum(a_dot * (a - np.mean(a, axis=axis, keepdims=True)), axis=axis,"
        " keepdims=keepdims) / (count(a, axis) - ddof), ans)"
    },
    kind=reduced(dtype="f+"),
)
for name in ("argmax", "argmin"):
    nondiff(f"np.{name}(a, axis=None, out=None, keepdims=False)", kind=reduced(dtype="i"))
for name in ("any", "all"):
    nondiff(f"np.{name}(a, axis=None, out=None, keepdims=False)", kind=reduced(dtype="b"))
nondiff("np.count_nonzero(a, axis=None, keepdims=False)", kind=reduced(dtype="i"))

# ---------------------------------------------------------------- constructors
for name in ("zeros", "ones", "empty"):
    nondiff(f"np.{name}(shape, dtype=None)", kind=with_dtype(shape_kind("shape")))
for name in ("zeros_like", "ones_like", "empty_like"):
    nondiff(f"np.{name}(a, dtype=None)", kind=with_dtype(same_as("a")))
rule(
    "np.full(shape, fill_value, dtype=None)",
    vjp={"fill_value": "unbroadcast(g, fill_value)"},
    jvp={"fill_value": "np.full(shape, fill_value_dot)"},
    kind=with_dtype(shape_kind("shape")),
)
rule(
    "np.full_like(a, fill_value, dtype=None)",  # only the shape of a matters
    vjp={"a": ZERO, "fill_value": "unbroadcast(g, fill_value)"},
    jvp={"a": ZERO, "fill_value": "np.full(np.shape(a), fill_value_dot)"},
    kind=with_dtype(same_as("a", dtype="f+")),
)


def _length(arg: Arg) -> tuple[str, str | None]:
    """An axis of length ``arg``: its dim, and a shape token for a length held by a name."""
    if isinstance(arg.const, int) and not isinstance(arg.const, bool):
        return ("1" if arg.const == 1 else "n"), None
    return "?", arg.expr.id if isinstance(arg.expr, Name) else None


def _eye(a: dict[str, Arg]) -> Kind:
    n, token_n = _length(a["N"])
    m, token_m = (n, token_n) if a["M"].const is None else _length(a["M"])
    token = f"({token_n}, {token_m})" if token_n and token_m else None
    return Kind(np.ndarray, (n, m), "f", shape=token)


def _arange(a: dict[str, Arg]) -> Kind:
    dtype = "f" if any(a[p].kind.dtype == "f" for p in ("start", "stop", "step")) else "i"
    if a["stop"].const is None and a["step"].const is None:  # np.arange(n): n long
        n, token = _length(a["start"])
        return Kind(np.ndarray, (n,), dtype, shape=f"({token},)" if token else None)
    consts = [a[p].const for p in ("start", "stop", "step")]
    if all(isinstance(c, int) or c is None for c in consts):
        n = len(range(*[c for c in consts if c is not None]))
        return Kind(np.ndarray, ("1" if n == 1 else "n",), dtype)
    return Kind(np.ndarray, ("?",), dtype)


def _linspace(a: dict[str, Arg]) -> Kind:
    n, token = _length(a["num"])
    return Kind(np.ndarray, (n,), "f", shape=f"({token},)" if token else None)


nondiff("np.eye(N, M=None, k=0, dtype=None)", kind=_eye)


def _identity(a: dict[str, Arg]) -> Kind:
    n, token = _length(a["n"])
    return Kind(np.ndarray, (n, n), "f", shape=f"({token}, {token})" if token else None)


nondiff("np.identity(n, dtype=None)", kind=_identity)
rule(
    "np.linspace(start, stop, num=50, endpoint=True)",
    vjp={
        "start": "np.sum(g * (1 - np.linspace(0.0, 1.0, num, endpoint=endpoint)))",
        "stop": "np.sum(g * np.linspace(0.0, 1.0, num, endpoint=endpoint))",
    },
    jvp={
        "start": "start_dot * (1 - np.linspace(0.0, 1.0, num, endpoint=endpoint))",
        "stop": "stop_dot * np.linspace(0.0, 1.0, num, endpoint=endpoint)",
    },
    kind=_linspace,
)
rule(
    "np.arange(start, stop=None, step=None, dtype=None)",  # stop only sets the length
    vjp={"start": "np.sum(g)", "stop": ZERO, "step": "np.sum(g * np.arange(np.size(ans)))"},
    jvp={
        "start": "np.full(np.shape(ans), start_dot)",
        "stop": ZERO,
        "step": "step_dot * np.arange(np.size(ans))",
    },
    kind=_arange,
)
nondiff("np.shape(a)", kind=lambda a: Kind(tuple, a["a"].kind.dims, "o", shape=a["a"].kind.shape))
nondiff("np.ndim(a)", kind=always(INT))
nondiff("np.size(a, axis=None)", kind=always(INT))
nondiff("np.isscalar(element)", kind=always(BOOL))
