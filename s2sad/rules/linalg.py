"""Rules for products and ``numpy.linalg``.

Templates pick their form by rank: ``a.ndim`` is known when the rule is used,
so ``g @ b.T if a.ndim == 2 and b.ndim == 2 else ...`` leaves just ``g @ b.T``
in generated code for matrices. Ranks the templates do not spell out go to a
run-time helper, or fail with a message naming the case.
"""

import numpy as np

from ..ir.kinds import Kind, broadcast, promote
from .kindrules import Arg, reduced, same_as
from .registry import linear, rule, table

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


def _outer(a: dict[str, Arg]) -> Kind:
    return Kind(np.ndarray, ("?", "?"), promote(a["a"].kind.dtype, a["b"].kind.dtype))


def _inner(a: dict[str, Arg]) -> Kind:
    x, y = a["a"].kind, a["b"].kind
    if x.dims is None or y.dims is None:
        return Kind(np.ndarray, None, promote(x.dtype, y.dtype))
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
_STACKS = {  # matmul broadcasts stacks of matrices
    "a": [("a.ndim > 1 and b.ndim > 1", "unbroadcast(g @ np.swapaxes(b, -1, -2), a)")],
    "b": [("a.ndim > 1 and b.ndim > 1", "unbroadcast(np.swapaxes(a, -1, -2) @ g, b)")],
}
_SCALAR = {  # np.dot with a number multiplies
    "a": [("a.ndim == 0 or b.ndim == 0", "unbroadcast(g * b, a)")],
    "b": [("a.ndim == 0 or b.ndim == 0", "unbroadcast(g * a, b)")],
}
_DOT_ND = "fail('np.dot of arrays with more than two dimensions: use np.matmul or np.einsum')"

for pattern in ("a @ b", "np.matmul(a, b)"):
    linear(
        pattern,
        kind=_product,
        a=_by_rank(_PRODUCT["a"] + _STACKS["a"], "matmul_vjp(g, a, b, 0)"),
        b=_by_rank(_PRODUCT["b"] + _STACKS["b"], "matmul_vjp(g, a, b, 1)"),
    )
linear(
    "np.dot(a, b)",
    kind=_product,
    a=_by_rank(_SCALAR["a"] + _PRODUCT["a"], _DOT_ND),
    b=_by_rank(_SCALAR["b"] + _PRODUCT["b"], _DOT_ND),
)
linear(
    "np.outer(a, b)",
    a="g @ b if a.ndim == 1 and b.ndim == 1 else np.reshape(g @ np.ravel(b), np.shape(a))",
    b="a @ g if a.ndim == 1 and b.ndim == 1 else np.reshape(np.ravel(a) @ g, np.shape(b))",
    kind=_outer,
)
_INNER_ND = "fail('np.inner of arrays with more than two dimensions')"
linear(
    "np.inner(a, b)",
    a="g * b if a.ndim == 1 and b.ndim == 1 else np.outer(g, b) if a.ndim == 2 and b.ndim == 1 "
    f"else g @ b if a.ndim == 1 and b.ndim == 2 else g @ b if a.ndim == 2 else {_INNER_ND}",
    b="g * a if a.ndim == 1 and b.ndim == 1 else g @ a if a.ndim == 2 and b.ndim == 1 "
    f"else np.outer(g, a) if a.ndim == 1 and b.ndim == 2 else g.T @ a if a.ndim == 2 else {_INNER_ND}",
    kind=_inner,
)
linear(
    "np.trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None)",
    a="g * np.eye(a.shape[0], a.shape[1], k=offset) if a.ndim == 2 and axis1 == 0 and axis2 == 1 "
    "else fail('np.trace of an array with more than two dimensions')",
    kind=lambda a: Kind(np.generic, (), a["a"].kind.dtype),
)
_NORM_2 = "ord is None or ord == 'fro' or ord == 2 and x.ndim == 1"
rule(
    "np.linalg.norm(x, ord=None, axis=None, keepdims=False)",
    vjp={
        "x": f"x * expand(g / ans, x, axis, keepdims) if {_NORM_2} else np.sign(x) * g "
        "if ord == 1 and x.ndim == 1 else fail('np.linalg.norm with this ord')"
    },
    jvp={
        "x": f"np.sum(x * x_dot, axis=axis, keepdims=keepdims) / ans if {_NORM_2} else "
        "np.sum(np.sign(x) * x_dot) if ord == 1 and x.ndim == 1 else "
        "fail('np.linalg.norm with this ord')"
    },
    kind=lambda a: _norm_kind(a),
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
rule("np.linalg.solve(a, b)", vjp=SOLVE["vjp"], jvp=SOLVE["jvp"], kind=same_as("b", dtype="f+"))
rule(
    "np.linalg.det(a)",
    vjp={"a": "g * ans * np.linalg.inv(a).T if a.ndim == 2 else fail('np.linalg.det of stacked matrices')"},
    jvp={
        "a": "ans * np.trace(np.linalg.solve(a, a_dot)) if a.ndim == 2 else "
        "fail('np.linalg.det of stacked matrices')"
    },
    kind=lambda a: Kind(np.generic, (), "f") if a["a"].kind.ndim == 2 else Kind(np.ndarray, None, "f"),
)


_STACKED = "fail('{} of stacked matrices')"
rule(
    "np.linalg.slogdet(a)",  # (sign, log|det a|): the sign is piecewise constant
    vjp={"a": "g[1] * np.linalg.inv(a).T if a.ndim == 2 else " + _STACKED.format("np.linalg.slogdet")},
    jvp={
        "a": "(0.0, np.trace(np.linalg.solve(a, a_dot))) if a.ndim == 2 else "
        + _STACKED.format("np.linalg.slogdet")
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


_LOWER = cholesky_templates("ans", "g", "a_dot")
_UPPER = cholesky_templates("ans.T", "g.T", "a_dot.T")  # the upper triangle read as a.T
_CHOLESKY = {
    "vjp": f"{_LOWER[0]} if not upper else ({_UPPER[0]}).T",
    "jvp": f"{_LOWER[1]} if not upper else ({_UPPER[1]}).T",
}
rule(
    "np.linalg.cholesky(a, upper=False)",
    vjp={"a": f"{_CHOLESKY['vjp']} if a.ndim == 2 else " + _STACKED.format("np.linalg.cholesky")},
    jvp={"a": f"{_CHOLESKY['jvp']} if a.ndim == 2 else " + _STACKED.format("np.linalg.cholesky")},
    kind=same_as("a", dtype="f+"),
)


def _slogdet_kind(a: dict[str, Arg]) -> Kind:
    k = a["a"].kind
    part = Kind(np.generic, (), "f") if k.ndim == 2 else Kind(np.ndarray, None, "f")
    return Kind(tuple, None, "o", items=(part, part))


def _norm_kind(a: dict[str, Arg]) -> Kind:
    return reduced("x", dtype="f+")(a)
