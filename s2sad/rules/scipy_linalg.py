"""Rules for ``scipy.linalg``: loaded when the user's code has imported it (SciPy is optional).

A factorisation reads one triangle of its matrix and writes one: the rules see
that triangle and nothing else. ``cho_factor`` returns ``(c, lower)`` with
``c``'s other triangle left as it was (SciPy calls it garbage): its
derivatives neither use nor give anything there. The derivative of ``expm``
in direction ``E`` is the top right block of ``expm([[A, E], [0, A]])``.

>>> from s2sad import ir
>>> from s2sad.rules import lookup
>>> lookup(ir.call_op(scipy.linalg.cho_solve, "scipy.linalg.cho_solve")).vjp["b"]
'scipy.linalg.cho_solve(c_and_lower, g)'
"""

import numpy as np
import scipy.linalg  # noqa: F401  (in sys.modules, templates can name it)

from ..ir.kinds import Kind
from .decompositions import guarded
from .kindrules import Arg, same_as
from .linalg import SOLVE, cholesky_templates
from .registry import ZERO, linear, rule, table

table("scipy.linalg")

_MATRIX = "a.ndim == 2"


def _one_of(name: str, *values: object) -> str:
    """``name`` equal to one of ``values``: ``==`` and ``or`` fold when ``name`` is a constant."""
    return "(" + " or ".join(f"{name} == {v!r}" for v in values) + ")"


def _matrices(template: str, name: str) -> str:
    return f"{template} if {_MATRIX} else fail('{name} of stacked matrices')"


def _outer(u: str, v: str, b: str = "b") -> str:
    """``u v^T`` for the solution of a solve with right-hand side ``b`` (a vector or columns)."""
    return f"(np.outer({u}, {v}) if {b}.ndim == 1 else {u} @ {v}.T)"


# ------------------------------------------------------------------- Cholesky
_LOWER = cholesky_templates("ans", "g", "a_dot")
_UPPER = cholesky_templates("ans.T", "g.T", "a_dot.T")  # the upper triangle read as a.T
rule(
    "scipy.linalg.cholesky(a, lower=False, overwrite_a=False, check_finite=True)",
    vjp={"a": _matrices(f"{_LOWER[0]} if lower else ({_UPPER[0]}).T", "scipy.linalg.cholesky")},
    jvp={"a": _matrices(f"{_LOWER[1]} if lower else ({_UPPER[1]}).T", "scipy.linalg.cholesky")},
    kind=same_as("a", dtype="f+"),
)
# (c, lower): the factor in one triangle of c
_C_LOWER = cholesky_templates("np.tril(ans[0])", "np.tril(g[0])", "a_dot")
_C_UPPER = cholesky_templates("np.triu(ans[0]).T", "np.triu(g[0]).T", "a_dot.T")
rule(
    "scipy.linalg.cho_factor(a, lower=False, overwrite_a=False, check_finite=True)",
    vjp={"a": _matrices(f"{_C_LOWER[0]} if lower else ({_C_UPPER[0]}).T", "scipy.linalg.cho_factor")},
    jvp={
        "a": _matrices(
            f"({_C_LOWER[1]}, 0.0) if lower else (({_C_UPPER[1]}).T, 0.0)", "scipy.linalg.cho_factor"
        )
    },
    kind=lambda a: Kind(tuple, None, "o", items=(same_as("a", dtype="f+")(a), Kind(bool, (), "b"))),
)
# x = A^-1 b with A = L L^T, L = tril(c) (or U^T U, U = triu(c), and L = U^T): b_bar = A^-1 g,
# A_bar = -b_bar x^T, and L_bar = tril((A_bar + A_bar^T) L), which is U_bar^T. `lower` is known
# when the code runs: np.where picks, so that the parts both cases share are computed once.
_C, _LOW, _C_DOT = "c_and_lower[0]", "c_and_lower[1]", "c_and_lower_dot[0]"
_L = f"np.where({_LOW}, np.tril({_C}), np.triu({_C}).T)"
_L_DOT = f"np.where({_LOW}, np.tril({_C_DOT}), np.triu({_C_DOT}).T)"
_A_BAR = "(-" + _outer("scipy.linalg.cho_solve(c_and_lower, g)", "ans") + ")"
_L_BAR = f"np.tril(({_A_BAR} + {_A_BAR}.T) @ {_L})"
rule(
    "scipy.linalg.cho_solve(c_and_lower, b, overwrite_b=False, check_finite=True)",
    vjp={
        "c_and_lower": f"(np.where({_LOW}, {_L_BAR}, {_L_BAR}.T), 0.0)",
        "b": "scipy.linalg.cho_solve(c_and_lower, g)",
    },
    jvp={
        "c_and_lower": f"-scipy.linalg.cho_solve(c_and_lower, ({_L_DOT} @ {_L}.T + {_L} @ {_L_DOT}.T) @ ans)",
        "b": "scipy.linalg.cho_solve(c_and_lower, b_dot)",
    },
    kind=same_as("b", dtype="f+"),
)

# --------------------------------------------------------- triangular solves
# T x = b, or T^T x = b with trans; T the lower or upper triangle of a, with ones on the
# diagonal when unit_diagonal
_T = _one_of("trans", 1, "T", 2, "C")
_OPTIONS = "lower=lower, unit_diagonal=unit_diagonal"
_B_BAR = f"scipy.linalg.solve_triangular(a, g, trans=0 if {_T} else 1, {_OPTIONS})"


def _triangle(m: str) -> str:
    """The part of ``m`` that ``solve_triangular`` reads of its matrix."""
    return f"(np.tril({m}, -1 if unit_diagonal else 0) if lower else np.triu({m}, 1 if unit_diagonal else 0))"


rule(
    "scipy.linalg.solve_triangular(a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False, "
    "check_finite=True)",
    vjp={
        "a": _matrices(
            f"-{_triangle(_outer('ans', _B_BAR))} if {_T} else -{_triangle(_outer(_B_BAR, 'ans'))}",
            "scipy.linalg.solve_triangular",
        ),
        "b": _B_BAR,
    },
    jvp={
        "a": f"-scipy.linalg.solve_triangular(a, ({_triangle('a_dot')}.T if {_T} else {_triangle('a_dot')}) "
        f"@ ans, trans=trans, {_OPTIONS})",
        "b": f"scipy.linalg.solve_triangular(a, b_dot, trans=trans, {_OPTIONS})",
    },
    kind=same_as("b", dtype="f+"),
)


# ------------------------------------------------------------------------ LU
# a = P L U, with L unit lower and U upper in the triangles of lu. P is known only through
# a or lu_solve: P^T = L U a^-1. Then with X = L^-1 P^T a_dot U^-1 = U a^-1 a_dot U^-1,
# L_dot = L tril(X, -1) and U_dot = triu(X) U; the VJP is the transpose of that map.
def _factors(lu: str) -> tuple[str, str]:
    return f"(np.tril({lu}, -1) + np.eye({lu}.shape[0]))", f"np.triu({lu})"


_FL, _FU = _factors("ans[0]")
_X = f"scipy.linalg.solve_triangular(ans[0], ({_FU} @ np.linalg.solve(a, a_dot)).T, trans='T').T"
_M = f"(np.tril({_FL}.T @ np.tril(g[0], -1), -1) + np.triu(np.triu(g[0]) @ {_FU}.T))"
rule(
    "scipy.linalg.lu_factor(a, overwrite_a=False, check_finite=True)",
    vjp={
        "a": _matrices(
            f"np.linalg.solve(a.T, {_FU}.T @ scipy.linalg.solve_triangular(ans[0], {_M}.T).T)",
            "scipy.linalg.lu_factor",
        )
    },
    jvp={
        "a": _matrices(f"({_FL} @ np.tril({_X}, -1) + np.triu({_X}) @ {_FU}, 0.0)", "scipy.linalg.lu_factor")
    },
    kind=lambda a: Kind(tuple, None, "o", items=(same_as("a", dtype="f+")(a), Kind(np.ndarray, ("?",), "i"))),
)
_LU_T = _one_of("trans", 1, 2)
_SL, _SU = _factors("lu_and_piv[0]")
_PT = f"{_SL} @ {_SU} @ scipy.linalg.lu_solve(lu_and_piv, {{}})"  # P^T times what is in {}
_LU_B_BAR = f"scipy.linalg.lu_solve(lu_and_piv, g, trans=0 if {_LU_T} else 1)"
_LU_A_BAR = f"-({_outer('ans', _LU_B_BAR)} if {_LU_T} else {_outer(_LU_B_BAR, 'ans')})"
_Q = _PT.format(_LU_A_BAR)  # P^T a_bar: then L_bar = Q U^T and U_bar = L^T Q
_DL, _DU = "np.tril(lu_and_piv_dot[0], -1)", "np.triu(lu_and_piv_dot[0])"
_DA_P = f"({_DL} @ {_SU} + {_SL} @ {_DU})"  # P^T a_dot
rule(
    "scipy.linalg.lu_solve(lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True)",
    vjp={
        "lu_and_piv": f"(np.tril(({_Q}) @ {_SU}.T, -1) + np.triu({_SL}.T @ ({_Q})), 0.0)",
        "b": _LU_B_BAR,
    },
    jvp={
        "lu_and_piv": f"-scipy.linalg.lu_solve(lu_and_piv, {_DA_P}.T @ ({_PT.format('ans')}), trans=trans) "
        f"if {_LU_T} else -scipy.linalg.solve_triangular(lu_and_piv[0], scipy.linalg.solve_triangular("
        f"lu_and_piv[0], {_DL} @ ({_SU} @ ans), lower=True, unit_diagonal=True) + {_DU} @ ans)",
        "b": "scipy.linalg.lu_solve(lu_and_piv, b_dot, trans=trans)",
    },
    kind=same_as("b", dtype="f+"),
)

# ------------------------------------------------------- as in numpy.linalg
_GENERAL = f"(assume_a is None or {_one_of('assume_a', 'gen', 'general')}) and not transposed"
# a symmetric (or positive definite) matrix is read from one triangle, the upper unless lower
_SYMMETRIC = _one_of("assume_a", "sym", "symmetric", "her", "hermitian", "pos", "positive definite")
_OTHER = "fail('scipy.linalg.solve with this assume_a or transposed')"


def _folded(m: str) -> str:
    """A full matrix of derivatives, folded onto the triangle of ``a`` that is read."""
    return f"(np.tril({m} + {m}.T) if lower else np.triu({m} + {m}.T)) - np.diag(np.diag({m}))"


_SYM_B_BAR = "scipy.linalg.solve(a, g, lower=lower, assume_a=assume_a)"
_SYM_A_DOT = "(np.tril(a_dot) + np.tril(a_dot, -1).T if lower else np.triu(a_dot) + np.triu(a_dot, 1).T)"
_SOLVE = {
    "vjp": {
        "a": _folded(f"(-{_outer(_SYM_B_BAR, 'ans')})"),
        "b": _SYM_B_BAR,
    },
    "jvp": {
        "a": f"-scipy.linalg.solve(a, {_SYM_A_DOT} @ ans, lower=lower, assume_a=assume_a)",
        "b": "scipy.linalg.solve(a, b_dot, lower=lower, assume_a=assume_a)",
    },
}
rule(
    "scipy.linalg.solve(a, b, lower=False, overwrite_a=False, overwrite_b=False, check_finite=True, "
    "assume_a=None, transposed=False)",
    **{
        mode: {
            p: f"({SOLVE[mode][p]}) if {_GENERAL} else ({_SOLVE[mode][p]}) if {_SYMMETRIC} else {_OTHER}"
            for p in ("a", "b")
        }
        for mode in ("vjp", "jvp")
    },
    kind=same_as("b", dtype="f+"),
)
rule(
    "scipy.linalg.inv(a, overwrite_a=False, check_finite=True)",
    vjp={"a": _matrices("-ans.T @ g @ ans.T", "scipy.linalg.inv")},
    jvp={"a": "-ans @ a_dot @ ans"},
    kind=same_as("a", dtype="f+"),
)
rule(
    "scipy.linalg.det(a, overwrite_a=False, check_finite=True)",
    vjp={"a": _matrices("g * ans * np.linalg.inv(a).T", "scipy.linalg.det")},
    jvp={"a": _matrices("ans * np.trace(np.linalg.solve(a, a_dot))", "scipy.linalg.det")},
    kind=lambda a: Kind(np.generic, (), "f"),
)


# ------------------------------------------------------------ the exponential
def _frechet(a: str, e: str) -> str:
    """The derivative of expm at ``a`` in direction ``e``: a block of a matrix twice the size."""
    block = f"np.vstack([np.hstack([{a}, {e}]), np.hstack([np.zeros_like(A), {a}])])"
    n = "A.shape[0]"
    stacked = "fail('scipy.linalg.expm of stacked matrices')"
    return f"scipy.linalg.expm({block})[:{n}, {n}:] if A.ndim == 2 else {stacked}"


rule(
    "scipy.linalg.expm(A)",
    vjp={"A": _frechet("A.T", "g")},
    jvp={"A": _frechet("A", "A_dot")},
    kind=lambda a: _expm_kind(a),
)


def _expm_kind(a: dict[str, Arg]) -> Kind:
    return same_as("A", dtype="f+")(a)


# ---------------------------------------------------------- Sylvester equations
# X solves A X + X B = Q. Then A X_dot + X_dot B = Q_dot - A_dot X - X B_dot, and with
# Y = solve_sylvester(A^T, B^T, G) (the transposed equation): Q_bar = Y, A_bar = -Y X^T,
# B_bar = -X^T Y.
_Y = "scipy.linalg.solve_sylvester(a.T, b.T, g)"
rule(
    "scipy.linalg.solve_sylvester(a, b, q)",
    vjp={"a": f"-{_Y} @ ans.T", "b": f"-ans.T @ {_Y}", "q": _Y},
    jvp={
        "a": "-scipy.linalg.solve_sylvester(a, b, a_dot @ ans)",
        "b": "-scipy.linalg.solve_sylvester(a, b, ans @ b_dot)",
        "q": "scipy.linalg.solve_sylvester(a, b, q_dot)",
    },
    kind=same_as("q", dtype="f+"),
)

# S = sqrtm(A): S S_dot + S_dot S = A_dot, a Sylvester equation, and its transpose for the VJP.
# A real matrix with eigenvalues on the negative real axis has no real square root: SciPy
# returns a complex one, and the rule refuses it.
_COMPLEX = (
    "'scipy.linalg.sqrtm of a matrix with no real square root (a negative eigenvalue): "
    "the rule covers real square roots'"
)
_DISP = "fail('scipy.linalg.sqrtm with disp=False')"
rule(
    "scipy.linalg.sqrtm(A, disp=True, blocksize=64)",
    vjp={
        "A": guarded(
            f"scipy.linalg.solve_sylvester(ans.T, ans.T, g) if disp else {_DISP}",
            "np.isrealobj(ans)",
            _COMPLEX,
        )
    },
    jvp={
        "A": guarded(
            f"scipy.linalg.solve_sylvester(ans, ans, A_dot) if disp else {_DISP}",
            "np.isrealobj(ans)",
            _COMPLEX,
        )
    },
    kind=same_as("A", dtype="f+"),
)

# --------------------------------------------------------------- banded solves
# x = A^-1 b with A held in ab as solve_banded stores it (a[i, j] = ab[u + i - j, j]): as for
# solve, b_bar = A^-T g (A^T is banded with l and u swapped) and A_bar = -b_bar x^T, of which
# ab holds the band.
_LU, _UL = "l_and_u", "l_and_u[::-1]"
_BANDED_B_BAR = f"scipy.linalg.solve_banded({_UL}, rt.band({_UL}, rt.unband({_LU}, ab).T), g)"
rule(
    "scipy.linalg.solve_banded(l_and_u, ab, b, overwrite_ab=False, overwrite_b=False, check_finite=True)",
    vjp={
        "l_and_u": ZERO,
        "ab": f"-rt.band({_LU}, {_outer(_BANDED_B_BAR, 'ans')})",
        "b": _BANDED_B_BAR,
    },
    jvp={
        "l_and_u": ZERO,
        "ab": f"-scipy.linalg.solve_banded({_LU}, ab, rt.unband({_LU}, ab_dot) @ ans)",
        "b": f"scipy.linalg.solve_banded({_LU}, ab, b_dot)",
    },
    kind=same_as("b", dtype="f+"),
)

# the helpers of runtime.linalg, for derivatives of derivatives
table("runtime")
linear(
    "band(l_and_u, a)",
    l_and_u=ZERO,
    a="rt.unband(l_and_u, g)",
    kind=lambda a: Kind(np.ndarray, ("?", "?"), "f"),
)
linear(
    "unband(l_and_u, ab)",
    l_and_u=ZERO,
    ab="rt.band(l_and_u, g)",
    kind=lambda a: Kind(np.ndarray, ("?", "?"), "f"),
)
