"""Rules for products and ``numpy.linalg``.

Templates pick their form by rank: ``a.ndim`` is known when the rule is used,
so ``g @ b.T if a.ndim == 2 and b.ndim == 2 else ...`` leaves just ``g @ b.T``
in generated code for matrices. Ranks the templates do not spell out go to a
run-time helper, or fail with a message naming the case.
"""

import string

import numpy as np

from .. import ir
from ..ir import Call, Const, Expr
from ..ir.kinds import Kind, broadcast, normalize_axes, promote
from .instantiate import Context, np_call, runtime_call
from .kindrules import Arg, same_as
from .registry import linear, rule, table
from .templates import macro

table("linalg")


def _product(a: dict[str, Arg]) -> Kind:
    x, y = a["a"].kind, a["b"].kind
    cat = promote(x.dtype, y.dtype)
    if x.dims is None or y.dims is None:
        return Kind(np.ndarray, None, cat)
    if x.dims == () or y.dims == ():  # np.dot with a scalar multiplies
        return broadcast(x, y, numpy=True)
    if len(x.dims) == 1 and len(y.dims) == 1:
        return Kind(np.generic, (), cat)
    if len(x.dims) == 1:
        return Kind(np.ndarray, y.dims[:-2] + y.dims[-1:], cat)
    if len(y.dims) == 1:
        return Kind(np.ndarray, x.dims[:-1], cat)
    batch = broadcast(Kind(np.ndarray, x.dims[:-2], cat), Kind(np.ndarray, y.dims[:-2], cat))
    return Kind(np.ndarray, (batch.dims or ()) + (x.dims[-2], y.dims[-1]), cat)


def _dot(a: dict[str, Arg]) -> Kind:
    """``np.dot``: as ``@`` for two dimensions and fewer; beyond, the last axis of ``a`` against
    the second to last of ``b``, every other axis kept."""
    x, y = a["a"].kind, a["b"].kind
    if x.dims is None or y.dims is None or x.dims == () or y.dims == () or max(len(x.dims), len(y.dims)) <= 2:
        return _product(a)
    dims = x.dims[:-1] + (y.dims[:-2] + y.dims[-1:] if len(y.dims) > 1 else ())
    return Kind(np.ndarray, dims, promote(x.dtype, y.dtype))


def _outer(a: dict[str, Arg]) -> Kind:
    return Kind(np.ndarray, ("?", "?"), promote(a["a"].kind.dtype, a["b"].kind.dtype))


def _inner(a: dict[str, Arg]) -> Kind:
    x, y = a["a"].kind, a["b"].kind
    if x.dims is None or y.dims is None:
        return Kind(np.ndarray, None, promote(x.dtype, y.dtype))
    if x.dims == () or y.dims == ():  # np.inner with a scalar multiplies
        return broadcast(x, y, numpy=True)
    dims = x.dims[:-1] + y.dims[:-1]
    return Kind(np.ndarray if dims else np.generic, dims, promote(x.dtype, y.dtype))


def _by_rank(cases: list[tuple[str, str]], otherwise: str) -> str:
    """One template from (condition, template) pairs: ``t1 if c1 else t2 if c2 else ...``."""
    return " else ".join(f"{template} if {condition}" for condition, template in cases) + f" else {otherwise}"


# The cotangents of a @ b, by the ranks of a and b: matrices, vectors, and mixes.
_PRODUCT = {
    "a": [
        ("a.ndim == 2 and b.ndim == 2", "g @ b.T"),
        ("a.ndim == 1 and b.ndim == 1", "g * b"),
        ("a.ndim == 2 and b.ndim == 1", "np.outer(g, b)"),
        ("a.ndim == 1 and b.ndim == 2", "b @ g"),
    ],
    "b": [
        ("a.ndim == 2 and b.ndim == 2", "a.T @ g"),
        ("a.ndim == 1 and b.ndim == 1", "g * a"),
        ("a.ndim == 2 and b.ndim == 1", "a.T @ g"),
        ("a.ndim == 1 and b.ndim == 2", "np.outer(a, g)"),
    ],
}
_STACKS = {  # matmul broadcasts stacks of matrices, and a vector against a stack
    "a": [
        ("a.ndim > 1 and b.ndim > 1", "unbroadcast(g @ np.swapaxes(b, -1, -2), a)"),
        ("a.ndim == 1 and b.ndim > 2", "unbroadcast((b @ g[..., :, None])[..., 0], a)"),
        ("a.ndim > 2 and b.ndim == 1", "unbroadcast(g[..., :, None] * b, a)"),
    ],
    "b": [
        ("a.ndim > 1 and b.ndim > 1", "unbroadcast(np.swapaxes(a, -1, -2) @ g, b)"),
        ("a.ndim == 1 and b.ndim > 2", "unbroadcast(a[:, None] * g[..., None, :], b)"),
        ("a.ndim > 2 and b.ndim == 1", "unbroadcast((g[..., None, :] @ a)[..., 0, :], b)"),
    ],
}
_SCALAR = {  # np.dot with a number multiplies
    "a": [("a.ndim == 0 or b.ndim == 0", "unbroadcast(g * b, a)")],
    "b": [("a.ndim == 0 or b.ndim == 0", "unbroadcast(g * a, b)")],
}


@macro
def product_vjp(ctx: Context, g: Expr, a: Expr, b: Expr, which: Expr, how: Expr) -> Expr:
    """The cotangent of one factor of ``np.dot`` or ``np.inner`` (``how``) of arrays of any rank,
    as the einsum that sums the other factor against ``g``: for ``np.dot`` of ``(2, 3, 4)`` and
    ``(5, 4, 6)``, ``np.einsum('abcd,czd->abz', g, b)`` for ``a``."""
    na, nb = ctx.kind(a).ndim, ctx.kind(b).ndim
    if na is None or nb is None or not na or not nb:
        return runtime_call("fail", Const(f"np.{how.value} of arrays whose ranks are not known"))
    letters = iter(string.ascii_lowercase.replace("z", ""))
    sa = "".join(next(letters) for _ in range(na - 1)) + "z"
    if how.value == "dot" and nb > 1:  # the last axis of a against the second to last of b
        sb = "".join(next(letters) for _ in range(nb - 2)) + "z" + next(letters)
        out = sa[:-1] + sb.replace("z", "")
    else:  # the last axes of both
        sb = "".join(next(letters) for _ in range(nb - 1)) + "z"
        out = sa[:-1] + sb[:-1]
    if which.value == 0:
        return np_call("einsum", Const(f"{out},{sb}->{sa}"), g, b)
    return np_call("einsum", Const(f"{sa},{out}->{sb}"), a, g)


_DOT_ND = {p: f"product_vjp(g, a, b, {i}, 'dot')" for i, p in enumerate("ab")}

for pattern in ("a @ b", "np.matmul(a, b)"):
    linear(
        pattern,
        kind=_product,
        a=_by_rank(_PRODUCT["a"] + _STACKS["a"], "matmul_vjp(g, a, b, 0)"),
        b=_by_rank(_PRODUCT["b"] + _STACKS["b"], "matmul_vjp(g, a, b, 1)"),
    )
linear(
    "np.dot(a, b)",
    kind=lambda a: _dot(a),
    a=_by_rank(_SCALAR["a"] + _PRODUCT["a"], _DOT_ND["a"]),
    b=_by_rank(_SCALAR["b"] + _PRODUCT["b"], _DOT_ND["b"]),
)
linear(
    "np.outer(a, b)",
    a="g @ b if a.ndim == 1 and b.ndim == 1 else np.reshape(g @ np.ravel(b), np.shape(a))",
    b="a @ g if a.ndim == 1 and b.ndim == 1 else np.reshape(np.ravel(a) @ g, np.shape(b))",
    kind=_outer,
)
linear(
    "np.inner(a, b)",
    a="unbroadcast(g * b, a) if a.ndim == 0 or b.ndim == 0 else g * b if a.ndim == 1 and b.ndim == 1 "
    "else np.outer(g, b) if a.ndim == 2 and b.ndim == 1 else g @ b if a.ndim == 1 and b.ndim == 2 "
    "else g @ b if a.ndim == 2 and b.ndim == 2 else product_vjp(g, a, b, 0, 'inner')",
    b="unbroadcast(g * a, b) if a.ndim == 0 or b.ndim == 0 else g * a if a.ndim == 1 and b.ndim == 1 "
    "else g @ a if a.ndim == 2 and b.ndim == 1 else np.outer(g, a) if a.ndim == 1 and b.ndim == 2 "
    "else g.T @ a if a.ndim == 2 and b.ndim == 2 else product_vjp(g, a, b, 1, 'inner')",
    kind=_inner,
)


@macro
def untrace(ctx: Context, g: Expr, a: Expr, offset: Expr, axis1: Expr, axis2: Expr) -> Expr:
    """The cotangent ``g`` of a trace put back on the diagonal it summed: ``g`` with the two
    axes back, times the identity (shifted by ``offset``) along them."""
    nd = ctx.kind(a).ndim
    axes = [normalize_axes(x.value, nd) if isinstance(x, Const) and nd else None for x in (axis1, axis2)]
    if None in axes or axes[0] == axes[1]:
        return runtime_call("fail", Const("np.trace with axes that are not known"))
    (i,), (j,) = axes
    shape = Call(ir.attr_op("shape"), (a,)) if ctx.kind(a).is_array else np_call("shape", a)
    eye = np_call("eye", Call(ir.GETITEM, (shape, Const(i))), Call(ir.GETITEM, (shape, Const(j))), k=offset)
    if i > j:
        eye = Call(ir.attr_op("T"), (eye,))
    others = tuple(k for k in range(nd) if k not in (i, j))
    eye = np_call("expand_dims", eye, Const(others))
    g = np_call("expand_dims", g, Const(tuple(sorted((i, j)))))
    # both broadcast to the shape of a, so that the kinds know the product has it
    return Call(ir.MUL, (np_call("broadcast_to", g, shape), np_call("broadcast_to", eye, shape)))


def _trace(a: dict[str, Arg]) -> Kind:
    k, axes = a["a"].kind, (a["axis1"].const, a["axis2"].const)
    if k.dims is None or not all(isinstance(x, int) for x in axes) or len(k.dims) < 2:
        return Kind(np.ndarray, None, k.dtype)
    gone = {x % len(k.dims) for x in axes}
    dims = tuple(d for n, d in enumerate(k.dims) if n not in gone)
    return Kind(np.ndarray, dims, k.dtype) if dims else Kind(np.generic, (), k.dtype)


linear(
    "np.trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None)",
    a="g * np.eye(a.shape[0], a.shape[1], k=offset) if a.ndim == 2 and axis1 == 0 and axis2 == 1 "
    "else untrace(g, a, offset, axis1, axis2)",
    kind=_trace,
)
rule(
    "np.linalg.inv(a)",
    vjp={
        "a": "-ans.T @ g @ ans.T if a.ndim == 2 else -np.swapaxes(ans, -1, -2) @ g @ np.swapaxes(ans, -1, -2)"
    },
    jvp={"a": "-ans @ a_dot @ ans"},
    kind=same_as("a", dtype="f+"),
)
# with x = solve(a, b): b_bar = solve(a.T, g), a_bar = -b_bar x.T (scipy.linalg.solve too)
SOLVE = {
    "vjp": {
        "a": "-np.outer(np.linalg.solve(a.T, g), ans) if b.ndim == 1 and a.ndim == 2 else "
        "-np.linalg.solve(a.T, g) @ ans.T if a.ndim == 2 else "
        "fail('np.linalg.solve with stacked matrices')",
        "b": "np.linalg.solve(a.T, g) if a.ndim == 2 else fail('np.linalg.solve with stacked matrices')",
    },
    "jvp": {"a": "np.linalg.solve(a, -(a_dot @ ans))", "b": "np.linalg.solve(a, b_dot)"},
}
# NumPy stacks: b is one vector when it has one axis, otherwise a stack of matrices, and the
# stacks of a and b broadcast. With mT the transpose of the last two axes:
_MT = "np.swapaxes({}, -1, -2)"
_B_BAR = f"np.linalg.solve({_MT.format('a')}, {{}})"
_STACKED_SOLVE = {
    "vjp": {
        "a": f"unbroadcast(-({_B_BAR.format('g[..., None]')} * ans[..., None, :]), a) if b.ndim == 1 else "
        f"unbroadcast(-{_B_BAR.format('g')} @ {_MT.format('ans')}, a)",
        "b": f"unbroadcast({_B_BAR.format('g[..., None]')}[..., 0], b) if b.ndim == 1 else "
        f"unbroadcast({_B_BAR.format('g')}, b)",
    },
    "jvp": {
        "a": "np.linalg.solve(a, -(a_dot @ ans[..., None]))[..., 0] if b.ndim == 1 else "
        "np.linalg.solve(a, -(a_dot @ ans))",
        "b": "np.linalg.solve(a, b_dot)",
    },
}
_MATRIX_SOLVE = "a.ndim == 2 and b.ndim <= 2"
if np.lib.NumpyVersion(np.__version__) < "2.0.0":  # NumPy 1 took b of one axis fewer for vectors
    for _mode in _STACKED_SOLVE.values():
        for _p in _mode:
            _mode[_p] = _mode[_p].replace(
                "if b.ndim == 1 else", "if b.ndim == 1 or b.ndim == a.ndim - 1 else"
            )
rule(
    "np.linalg.solve(a, b)",
    **{
        mode: {p: f"({SOLVE[mode][p]}) if {_MATRIX_SOLVE} else ({_STACKED_SOLVE[mode][p]})" for p in "ab"}
        for mode in ("vjp", "jvp")
    },
    kind=lambda a: _solve_kind(a),
)
_INV_T = _MT.format("np.linalg.inv(a)")
rule(
    "np.linalg.det(a)",
    vjp={"a": f"g * ans * np.linalg.inv(a).T if a.ndim == 2 else (g * ans)[..., None, None] * {_INV_T}"},
    jvp={
        "a": "ans * np.trace(np.linalg.solve(a, a_dot)) if a.ndim == 2 else "
        f"ans * np.sum({_INV_T} * a_dot, axis=(-2, -1))"
    },
    kind=lambda a: _stacked_scalar(a["a"].kind),
)
rule(
    "np.linalg.slogdet(a)",  # (sign, log|det a|): the sign is piecewise constant
    vjp={"a": f"g[1] * np.linalg.inv(a).T if a.ndim == 2 else g[1][..., None, None] * {_INV_T}"},
    jvp={
        "a": "(0.0, np.trace(np.linalg.solve(a, a_dot))) if a.ndim == 2 else "
        f"(np.zeros(np.shape(ans[0])), np.sum({_INV_T} * a_dot, axis=(-2, -1)))"
    },
    kind=lambda a: _slogdet_kind(a),
)


def phi(x: str) -> str:
    """The lower triangle of ``x`` with half its diagonal (Murray 2016, for Cholesky factors)."""
    return f"(np.tril({x}) - np.diag(np.diag({x})) / 2)"


def cholesky_templates(factor: str, g: str, a_dot: str) -> tuple[str, str]:
    """The VJP and JVP of the lower Cholesky ``factor`` of the lower triangle of ``a``.

    NumPy reads the lower triangle of ``a`` and nothing else, so the rules see that
    triangle and nothing else: for the symmetric matrix ``A`` it stands for,
    ``A_bar = sym(L^-T phi(L^T g) L^-1)`` (Murray 2016), and ``a_bar = 2 phi(A_bar)``;
    ``L_dot = L phi(L^-1 A_dot L^-T)`` with ``A_dot`` the symmetric matrix of the lower
    triangle of ``a_dot``."""
    s = f"np.linalg.solve({factor}.T, np.linalg.solve({factor}.T, {phi(f'{factor}.T @ {g}')}.T).T)"
    vjp = f"np.tril({s} + ({s}).T) - np.diag(np.diag({s}))"
    sym = f"(np.tril({a_dot}) + np.tril({a_dot}, -1).T)"
    jvp = f"{factor} @ {phi(f'np.linalg.solve({factor}, np.linalg.solve({factor}, {sym}).T)')}"
    return vjp, jvp


def _stacked_cholesky(factor: str, g: str, a_dot: str) -> tuple[str, str]:
    """``cholesky_templates`` for stacks of matrices: the transposes and diagonals of the last
    two axes."""
    t, eye = _MT.format, "np.eye(a.shape[-1])"

    def phi(x: str) -> str:
        return f"(np.tril({x}) - {x} * {eye} / 2)"

    lt = t(factor)
    inner = t(phi(f"{lt} @ {g}"))
    s = f"np.linalg.solve({lt}, {t(f'np.linalg.solve({lt}, {inner})')})"
    vjp = f"np.tril({s} + {t(s)}) - {s} * {eye}"
    sym = f"(np.tril({a_dot}) + {t(f'np.tril({a_dot}, -1)')})"
    once = t(f"np.linalg.solve({factor}, {sym})")
    jvp = f"{factor} @ {phi(f'np.linalg.solve({factor}, {once})')}"
    return vjp, jvp


_LOWER = cholesky_templates("ans", "g", "a_dot")
_UPPER = cholesky_templates("ans.T", "g.T", "a_dot.T")  # the upper triangle read as a.T
_LOWERS = _stacked_cholesky("ans", "g", "a_dot")
_UPPERS = _stacked_cholesky(_MT.format("ans"), _MT.format("g"), _MT.format("a_dot"))
_CHOLESKY = {
    d: f"({_LOWER[i]} if not upper else ({_UPPER[i]}).T) if a.ndim == 2 else "
    f"({_LOWERS[i]} if not upper else {_MT.format(_UPPERS[i])})"
    for i, d in enumerate(("vjp", "jvp"))
}
rule(
    "np.linalg.cholesky(a, upper=False)",
    vjp={"a": _CHOLESKY["vjp"]},
    jvp={"a": _CHOLESKY["jvp"]},
    kind=same_as("a", dtype="f+"),
)


def _stacked_scalar(k: Kind) -> Kind:
    """One number per matrix of a stack."""
    if k.ndim == 2:
        return Kind(np.generic, (), "f")
    return Kind(np.ndarray, k.dims[:-2] if k.dims is not None else None, "f")


def _slogdet_kind(a: dict[str, Arg]) -> Kind:
    part = _stacked_scalar(a["a"].kind)
    return Kind(tuple, None, "o", items=(part, part))


def _solve_kind(a: dict[str, Arg]) -> Kind:
    x, b = a["a"].kind, a["b"].kind
    cat = "f" if b.dtype in "bi" else b.dtype
    if x.dims is None or b.dims is None or len(x.dims) < 2 or not b.dims:
        return Kind(np.ndarray, None, cat)
    if x.ndim == 2 and b.ndim <= 2:
        return same_as("b", dtype="f+")(a)
    if b.ndim == 1:
        return Kind(np.ndarray, x.dims[:-1], cat)
    if b.ndim == x.ndim - 1 and np.lib.NumpyVersion(np.__version__) < "2.0.0":  # stacked vectors
        batch = broadcast(Kind(np.ndarray, x.dims[:-2], cat), Kind(np.ndarray, b.dims[:-1], cat))
        return Kind(np.ndarray, (batch.dims or ()) + b.dims[-1:], cat)
    batch = broadcast(Kind(np.ndarray, x.dims[:-2], cat), Kind(np.ndarray, b.dims[:-2], cat))
    return Kind(np.ndarray, (batch.dims or ()) + b.dims[-2:], cat)
