"""Rules for NumPy's decompositions: ``eigh``, ``eig``, ``svd``, ``qr`` (``matrix_functions`` has
what is built on them).

The templates are written once for matrices and once for stacks of them (``.T`` or
``np.swapaxes(x, -1, -2)``, ``np.diag(w)`` or ``w[..., :, None] * np.eye(n)``); the rank of
``a`` is known when the rule is used, so generated code has one of the two. They assume
what makes the decomposition differentiable: distinct eigenvalues and singular values.
Where only the values can tell (complex eigenvalues, a wide matrix),
``checked(value, ok, message)`` fails at run time with the message.

``F`` below is the matrix ``1 / (w_j - w_i)`` off the diagonal and 0 on it: ``1 / (D + I) - I``
for ``D = w_j - w_i``, which is 0 on the diagonal.

>>> from s2sad import ir
>>> from s2sad.rules import lookup
>>> print(lookup(ir.call_op(np.linalg.eigvalsh, "np.linalg.eigvalsh")).jvp["a"][:62])
np.sum(np.linalg.eigh(a, UPLO=UPLO)[1] * (((np.tril(a_dot) + n
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from ..ir import Const, Expr
from ..ir.kinds import Kind
from .instantiate import Context, runtime_call
from .kindrules import Arg
from .registry import linear, nondiff, rule, table
from .templates import macro

table("linalg")


class Forms:
    """How a template spells matrix operations, for one matrix or for stacks of them."""

    def __init__(self, stacked: bool):
        self.stacked = stacked

    def T(self, x: str) -> str:
        return f"np.swapaxes({x}, -1, -2)" if self.stacked else f"{x}.T"

    def row(self, v: str) -> str:
        """A vector along the last axis of a matrix (``v[j]`` in entry ``i, j``)."""
        return f"{v}[..., None, :]" if self.stacked else v

    def col(self, v: str) -> str:
        """A vector along the rows (``v[i]`` in entry ``i, j``)."""
        return f"{v}[..., :, None]" if self.stacked else f"{v}[:, None]"

    def diag(self, m: str, n: str) -> str:
        """The diagonal of the ``n`` by ``n`` matrix ``m``."""
        return f"np.sum({m} * np.eye({n}), axis=-1)" if self.stacked else f"np.diag({m})"

    def dmat(self, v: str, n: str) -> str:
        """The diagonal matrix of the vector ``v`` of length ``n``."""
        return f"({v}[..., :, None] * np.eye({n}))" if self.stacked else f"np.diag({v})"

    def F(self, w: str, n: str, squared: bool = False) -> str:
        """``1 / (w_j - w_i)`` off the diagonal, 0 on it (of the squares with ``squared``)."""
        p = "**2" if squared else ""
        return f"(1 / ({self.row(w)}{p} - {self.col(w)}{p} + np.eye({n})) - np.eye({n}))"


def by_rank(build: Callable[[Forms], str], a: str = "a") -> str:
    """The template for matrices when ``a`` is one, for stacks otherwise."""
    return f"({build(Forms(False))} if {a}.ndim == 2 else {build(Forms(True))})"


def guarded(template: str, ok: str, message: str, names: tuple[str, ...] = ("ans",)) -> str:
    """``template`` reading ``names`` through ``checked(name, ok, message)``: the check runs
    before anything is computed from them (a shape that does not fit would fail first)."""
    pattern = r"\b(" + "|".join(names) + r")\b"
    return re.sub(pattern, lambda m: f"checked({m.group(1)}, {ok}, {message})", template)


@macro
def checked(ctx: Context, value: Expr, ok: Expr, message: Expr) -> Expr:
    """``value``, and a run-time check that ``ok`` holds unless it is known to."""
    if isinstance(ok, Const) and ok.value is True:
        return value
    return runtime_call("checked", value, ok, message)


# ------------------------------------------------------------------- kinds
def dims_of(a: dict[str, Arg], param: str = "a") -> tuple | None:
    return a[param].kind.dims


def shortest(m: str, n: str) -> str:
    """The token of ``min(m, n)``."""
    return "1" if "1" in (m, n) else "n" if m == n == "n" else "?"


def array_kind(dims: tuple | None, cat: str = "f") -> Kind:
    if dims == ():
        return Kind(np.generic, (), cat)
    return Kind(np.ndarray, dims, cat)


def _pair(first: Kind, second: Kind) -> Kind:
    return Kind(tuple, None, "o", items=(first, second))


def _spectrum(a: dict[str, Arg]) -> Kind:
    d = dims_of(a)
    return array_kind(d[:-1] if d else None)


def _eigen(a: dict[str, Arg]) -> Kind:
    return _pair(_spectrum(a), array_kind(dims_of(a)))


def _svd_kind(a: dict[str, Arg]) -> Kind:
    d = dims_of(a)
    if not d or len(d) < 2:
        s = u = vh = array_kind(None)
    else:
        k = shortest(d[-2], d[-1])
        s, u, vh = array_kind(d[:-2] + (k,)), array_kind(d[:-1] + (k,)), array_kind(d[:-2] + (k, d[-1]))
        if a["full_matrices"].const is not False:  # U and Vh square
            u, vh = array_kind(d[:-1] + (d[-2],)), array_kind(d[:-2] + (d[-1], d[-1]))
    if a["compute_uv"].const is False:
        return s
    return Kind(tuple, None, "o", items=(u, s, vh))


def _qr_kind(a: dict[str, Arg]) -> Kind:
    d = dims_of(a)
    if not d or len(d) < 2:
        q = r = array_kind(None)
    else:
        k = shortest(d[-2], d[-1])
        q, r = array_kind(d[:-1] + (k,)), array_kind(d[:-2] + (k, d[-1]))
    return r if a["mode"].const == "r" else _pair(q, r)


# ---------------------------------------------------------- symmetric: eigh
def _lower(uplo: str) -> str:
    return f"({uplo} == 'L' or {uplo} == 'l')"


def _fold(f: Forms, s: str, n: str, uplo: str = "UPLO") -> str:
    """A derivative ``s`` in the full symmetric matrix folded onto the triangle NumPy reads."""
    diag = f"np.diag(np.diag({s}))" if not f.stacked else f"{s} * np.eye({n})"
    both = f"{s} + {f.T(s)}"
    return f"(np.tril({both}) - {diag} if {_lower(uplo)} else np.triu({both}) - {diag})"


def _symmetric(f: Forms, t: str, uplo: str = "UPLO") -> str:
    """The symmetric matrix that the triangle NumPy reads of ``t`` stands for."""
    lower = f"np.tril({t}) + {f.T(f'np.tril({t}, -1)')}"
    upper = f"np.triu({t}) + {f.T(f'np.triu({t}, 1)')}"
    return f"({lower} if {_lower(uplo)} else {upper})"


_N = "a.shape[-1]"


def _eigh_vjp(f: Forms) -> str:
    w, v = "ans[0]", "ans[1]"
    s = f"{v} @ ({f.dmat('g[0]', _N)} + {f.F(w, _N)} * ({f.T(v)} @ g[1])) @ {f.T(v)}"
    return _fold(f, f"({s})", _N)


def _eigh_jvp(f: Forms) -> str:
    w, v = "ans[0]", "ans[1]"
    c = f"({f.T(v)} @ {_symmetric(f, 'a_dot')} @ {v})"
    return f"({f.diag(c, _N)}, {v} @ ({f.F(w, _N)} * {c}))"


rule("np.linalg.eigh(a, UPLO='L')", vjp={"a": by_rank(_eigh_vjp)}, jvp={"a": by_rank(_eigh_jvp)}, kind=_eigen)
_EIGH_V = "np.linalg.eigh(a, UPLO=UPLO)[1]"
rule(
    "np.linalg.eigvalsh(a, UPLO='L')",
    vjp={"a": by_rank(lambda f: _fold(f, f"(({_EIGH_V} * {f.row('g')}) @ {f.T(_EIGH_V)})", _N))},
    jvp={"a": f"np.sum({_EIGH_V} * ({by_rank(lambda f: _symmetric(f, 'a_dot'))} @ {_EIGH_V}), axis=-2)"},
    kind=_spectrum,
)

# ------------------------------------------------------------ general: eig
# a = V diag(w) V^-1 with columns of unit length: C = V^-1 a_dot V gives w_dot = diag(C), and
# V_dot = V (F * C) less, in each column, its part along the column itself (the length stays 1).
_REAL = "np.isrealobj(ans[0])"
_COMPLEX = "'{}: the eigenvalues are complex; the rule covers real eigenvalues'"


def _eig_vjp(f: Forms) -> str:
    w, v = "ans[0]", "ans[1]"
    v_bar = f"(g[1] - {v} * {f.row(f'np.sum({v} * g[1], axis=-2)')})"
    c_bar = f"({f.dmat('g[0]', _N)} + {f.F(w, _N)} * ({f.T(v)} @ {v_bar}))"
    return f"np.linalg.solve({f.T(v)}, {c_bar} @ {f.T(v)})"


def _eig_jvp(f: Forms) -> str:
    w, v = "ans[0]", "ans[1]"
    c = f"np.linalg.solve({v}, a_dot @ {v})"
    v_dot = f"({v} @ ({f.F(w, _N)} * {c}))"
    return f"({f.diag(c, _N)}, {v_dot} - {v} * {f.row(f'np.sum({v} * {v_dot}, axis=-2)')})"


def _real(template: str, name: str, values: str = "ans[0]") -> str:
    names = ("ans",) if values != "ans" else ("a",)  # eigvals reads np.linalg.eig(a) again
    return guarded(template, f"np.isrealobj({values})", _COMPLEX.format(name), names)


rule(
    "np.linalg.eig(a)",
    vjp={"a": _real(by_rank(_eig_vjp), "np.linalg.eig")},
    jvp={"a": _real(by_rank(_eig_jvp), "np.linalg.eig")},
    kind=_eigen,
)
_EIG_V = "np.linalg.eig(a)[1]"
rule(
    "np.linalg.eigvals(a)",
    vjp={
        "a": _real(
            by_rank(lambda f: f"np.linalg.solve({f.T(_EIG_V)}, {f.col('g')} * {f.T(_EIG_V)})"),
            "np.linalg.eigvals",
            "ans",
        )
    },
    jvp={
        "a": _real(
            by_rank(lambda f: f.diag(f"np.linalg.solve({_EIG_V}, a_dot @ {_EIG_V})", _N)),
            "np.linalg.eigvals",
            "ans",
        )
    },
    kind=_spectrum,
)
nondiff("np.isrealobj(x)", kind=lambda a: Kind(bool, (), "b"))
nondiff("np.iscomplexobj(x)", kind=lambda a: Kind(bool, (), "b"))


# -------------------------------------------------------------------- SVD
# a = U diag(s) Vh, reduced (k = min(m, n)); F holds 1 / (s_j^2 - s_i^2). The terms with the
# projections I - U U^T and I - V V^T count only for a tall or a wide matrix: for a square one
# they are zero, and so are their derivatives (U U^T is the identity there). With
# full_matrices, the first k columns of U and rows of Vh are the reduced ones; the others
# are not unique: their cotangent must be zero, and their tangent is NaN.
_K = "ans[1].shape[-1]"
_FULL = (
    "'np.linalg.svd with full_matrices=True: the columns of U and rows of Vh past min(m, n) are not "
    "unique and have no derivative; use full_matrices=False'"
)
_HERMITIAN = "fail('np.linalg.svd with hermitian=True')"


def _first(f: Forms, x: str, axis: int, rest: bool = False) -> str:
    """The first ``k`` columns (``axis=-1``) or rows (``axis=-2``) of ``x``, or the others."""
    part = f"{_K}:" if rest else f":{_K}"
    if not f.stacked:
        return f"{x}[:, {part}]" if axis == -1 else f"{x}[{part}]"
    return f"{x}[..., :, {part}]" if axis == -1 else f"{x}[..., {part}, :]"


def _svd_vjp(f: Forms, full: bool = False) -> str:
    u, s, vh, gu, gvh = "ans[0]", "ans[1]", "ans[2]", "g[0]", "g[2]"
    if full:  # the first k columns of U and rows of Vh are the reduced decomposition's
        u, vh, gu, gvh = _first(f, u, -1), _first(f, vh, -2), _first(f, gu, -1), _first(f, gvh, -2)
    ut_gu, vh_gv = f"({f.T(u)} @ {gu})", f"({vh} @ {f.T(gvh)})"
    F = f.F(s, _K, squared=True)
    inner = (
        f"(({F} * ({ut_gu} - {f.T(ut_gu)})) * {f.row(s)} + {f.dmat('g[1]', _K)} "
        f"+ {f.col(s)} * ({F} * ({vh_gv} - {f.T(vh_gv)})))"
    )
    tall = f"({gu} - {u} @ {ut_gu}) / {f.row(s)} @ {vh}"
    wide = f"({u} / {f.row(s)}) @ ({gvh} - ({gvh} @ {f.T(vh)}) @ {vh})"
    return f"{u} @ {inner} @ {vh} + {tall} + {wide}"


def _svd_jvp(f: Forms, full: bool = False) -> str:
    u, s, vh = "ans[0]", "ans[1]", "ans[2]"
    if full:
        u, vh = _first(f, u, -1), _first(f, vh, -2)
    av = f"(a_dot @ {f.T(vh)})"
    ds = f"({f.T(u)} @ {av})"
    F = f.F(s, _K, squared=True)
    dss, sds = f"({ds} * {f.row(s)})", f"({f.col(s)} * {ds})"
    aut = f"({f.T('a_dot')} @ {u})"
    du = f"{u} @ ({F} * ({dss} + {f.T(dss)})) + ({av} - {u} @ ({f.T(u)} @ {av})) / {f.row(s)}"
    dv = f"{f.T(vh)} @ ({F} * ({sds} + {f.T(sds)})) + ({aut} - {f.T(vh)} @ ({vh} @ {aut})) / {f.row(s)}"
    dvh = f.T(f"({dv})")
    if full:  # the other columns of U (rows of Vh) are not unique: NaN, so that a use shows
        du = f"np.concatenate([{du}, np.full(np.shape({_first(f, 'ans[0]', -1, True)}), np.nan)], axis=-1)"
        dvh = f"np.concatenate([{dvh}, np.full(np.shape({_first(f, 'ans[2]', -2, True)}), np.nan)], axis=-2)"
    return f"({du}, {f.diag(ds, _K)}, {dvh})"


_UV = "np.linalg.svd(a, full_matrices=False)"


def _values_vjp(f: Forms) -> str:
    return f"({_UV}[0] * {f.row('g')}) @ {_UV}[2]"


def _values_jvp(f: Forms) -> str:
    return f"np.sum({_UV}[0] * (a_dot @ {f.T(f'{_UV}[2]')}), axis=-2)"


def _svd(direction: str) -> str:
    uv, values = (_svd_vjp, _values_vjp) if direction == "vjp" else (_svd_jvp, _values_jvp)
    reduced, full = by_rank(uv), by_rank(lambda f: uv(f, full=True))
    if direction == "vjp":  # the columns of U past k, and rows of Vh, must have no cotangent
        unused = by_rank(
            lambda f: (
                f"not np.any({_first(f, 'g[0]', -1, True)}) and not np.any({_first(f, 'g[2]', -2, True)})"
            )
        )
        full = guarded(full, unused, _FULL, ("g",))
    uv = f"({full} if full_matrices else {reduced})"
    return f"({uv} if compute_uv else {by_rank(values)}) if not hermitian else {_HERMITIAN}"


rule(
    "np.linalg.svd(a, full_matrices=True, compute_uv=True, hermitian=False)",
    vjp={"a": _svd("vjp")},
    jvp={"a": _svd("jvp")},
    kind=_svd_kind,
)


# --------------------------------------------------------------------- QR
# a = Q R with R square (m >= n). JVP: X = a_dot R^-1, C = Q^T X, Omega = tril(C, -1) less its
# transpose; Q_dot = Q (Omega - C) + X and R_dot = (C - Omega) R. VJP: with
# M = R gR^T - gQ^T Q, a_bar = (gQ + Q copyltu(M)) R^-T, copyltu(M) the lower triangle of M
# mirrored onto the upper.
_TALL = "(mode != 'complete' or a.shape[-2] == a.shape[-1]) and a.shape[-2] >= a.shape[-1]"
_WIDE = "'np.linalg.qr of a wide matrix (more columns than rows), or of a tall one in mode complete'"
_MODES = "mode == 'reduced' or mode == 'complete' or mode == 'r'"


def _qr_vjp(f: Forms, q: str, r: str, gq: str | None, gr: str) -> str:
    m = f"({r} @ {f.T(gr)} - {f.T(gq)} @ {q})" if gq else f"({r} @ {f.T(gr)})"
    b = f"{q} @ (np.tril({m}) + {f.T(f'np.tril({m}, -1)')})"
    b = f"({gq} + {b})" if gq else f"({b})"
    return f.T(f"np.linalg.solve({r}, {f.T(b)})")


def _qr_jvp(f: Forms, q: str, r: str, which: str) -> str:
    a_dot_t = f.T("a_dot")
    x = f.T(f"np.linalg.solve({f.T(r)}, {a_dot_t})")
    c = f"({f.T(q)} @ {x})"
    omega = f"(np.tril({c}, -1) - {f.T(f'np.tril({c}, -1)')})"
    dq, dr = f"{q} @ ({omega} - {c}) + {x}", f"({c} - {omega}) @ {r}"
    return f"({dq}, {dr})" if which == "both" else dr


_Q = "np.linalg.qr(a)[0]"


def _qr(direction: str) -> str:
    if direction == "vjp":
        both = by_rank(lambda f: _qr_vjp(f, "ans[0]", "ans[1]", "g[0]", "g[1]"))
        r_only = by_rank(lambda f: _qr_vjp(f, _Q, "ans", None, "g"))
    else:
        both = by_rank(lambda f: _qr_jvp(f, "ans[0]", "ans[1]", "both"))
        r_only = by_rank(lambda f: _qr_jvp(f, _Q, "ans", "r"))
    template = guarded(f"{r_only} if mode == 'r' else {both}", _TALL, _WIDE)
    return f"{template} if {_MODES} else fail('np.linalg.qr with mode=' + mode)"


rule("np.linalg.qr(a, mode='reduced')", vjp={"a": _qr("vjp")}, jvp={"a": _qr("jvp")}, kind=_qr_kind)


table("runtime")
linear("checked(value, ok, message)", value="checked(g, ok, message)", kind=lambda a: a["value"].kind)
