"""Rules built on NumPy's decompositions: ``pinv``, ``matrix_power``, ``lstsq``, and the fields
of NumPy's named results (``np.linalg.eigh(a).eigenvalues``).

They share the forms of ``decompositions`` (one matrix, or stacks of them) and its run-time
check ``checked``, and assume full rank where the derivative needs it.

>>> import numpy as np
>>> from s2sad import ir
>>> from s2sad.rules import lookup
>>> tangent = lookup(ir.call_op(np.linalg.matrix_power, "np.linalg.matrix_power")).jvp["a"]
>>> "np.linalg.matrix_power(np.vstack([np.hstack([a, a_dot])" in tangent
True
"""

from __future__ import annotations

from collections.abc import Callable

from ..ir.kinds import Kind
from .decompositions import Forms, array_kind, by_rank, dims_of, guarded, shortest
from .kindrules import Arg
from .registry import rule, table

table("linalg")


def _transposed(a: dict[str, Arg]) -> Kind:
    d = dims_of(a)
    return array_kind(d[:-2] + (d[-1], d[-2]) if d and len(d) >= 2 else None)


def _lstsq_kind(a: dict[str, Arg]) -> Kind:
    da, db = dims_of(a, "a"), dims_of(a, "b")
    if da is None or db is None or len(da) != 2:
        return Kind(
            tuple, None, "o", items=(array_kind(None), array_kind(None), Kind(int, (), "i"), array_kind(None))
        )
    x = array_kind((da[-1],) + db[1:])
    residuals = array_kind(("1",) if len(db) == 1 else db[1:])  # or none, when a is square
    return Kind(tuple, None, "o", items=(x, residuals, Kind(int, (), "i"), array_kind((shortest(*da),))))


# -------------------------------------------------------------------- pinv
# P = pinv(a) of constant rank: P_dot = -P a_dot P + P P^T a_dot^T (I - a P) + (I - P a) a_dot^T P^T P,
# and the VJP is its transpose. For an invertible matrix only the first term is not zero.
def _pinv_vjp(f: Forms) -> str:
    p, gt = "ans", f.T("g")
    return (
        f"-{f.T(p)} @ g @ {f.T(p)} + ({gt} - a @ ({p} @ {gt})) @ {p} @ {f.T(p)} "
        f"+ {f.T(p)} @ {p} @ ({gt} - ({gt} @ {p}) @ a)"
    )


def _pinv_jvp(f: Forms) -> str:
    p, dt = "ans", f.T("a_dot")
    return (
        f"-{p} @ a_dot @ {p} + {p} @ {f.T(p)} @ ({dt} - {dt} @ a @ {p}) "
        f"+ ({dt} - {p} @ a @ {dt}) @ {f.T(p)} @ {p}"
    )


_PINV_HERMITIAN = "fail('np.linalg.pinv with hermitian=True')"
rule(
    "np.linalg.pinv(a, rcond=None, hermitian=False, rtol=None)",
    vjp={"a": f"{by_rank(_pinv_vjp)} if not hermitian else {_PINV_HERMITIAN}"},
    jvp={"a": f"{by_rank(_pinv_jvp)} if not hermitian else {_PINV_HERMITIAN}"},
    kind=_transposed,
)


# The derivative of a power in direction e is the top right block of the power of the block
# matrix [[a, e], [0, a]] (as for any function of a matrix; a negative power too), and its
# transpose is the derivative at a.T in direction g: so the rule is a power again.
def _block_power(f: Forms, a: str, e: str) -> str:
    if f.stacked:
        top = f"np.concatenate([{a}, {e}], axis=-1)"
        bottom = f"np.concatenate([np.zeros_like({a}), {a}], axis=-1)"
        block = f"np.concatenate([{top}, {bottom}], axis=-2)"
        return f"np.linalg.matrix_power({block}, n)[..., :{a}.shape[-1], {a}.shape[-1]:]"
    block = f"np.vstack([np.hstack([{a}, {e}]), np.hstack([np.zeros_like({a}), {a}])])"
    return f"np.linalg.matrix_power({block}, n)[:{a}.shape[0], {a}.shape[0]:]"


rule(
    "np.linalg.matrix_power(a, n)",
    vjp={"a": by_rank(lambda f: _block_power(f, f.T("a"), "g"))},
    jvp={"a": by_rank(lambda f: _block_power(f, "a", "a_dot"))},
    kind=lambda a: array_kind(dims_of(a)),
)

# x = (a^T a)^-1 a^T b for a of full column rank, r = b - a x: x_dot = (a^T a)^-1 (a_dot^T r -
# a^T a_dot x + a^T b_dot); with y = (a^T a)^-1 g, a_bar = r y^T - a y x^T and b_bar = a y.
# The residuals sum(r ** 2, axis=0) (none when a is square) have r_dot = b_dot - a_dot x,
# since a^T r = 0. The singular values of a (the last result) have no rule: their cotangent
# must be zero, and their tangent is NaN, so that a use shows.
_X, _R = "ans[0]", "(b - a @ ans[0])"
_Y = "np.linalg.solve(a.T @ a, g[0])"
_G1 = "(np.sum(g[1]) if b.ndim == 1 else np.concatenate([g[1], np.zeros(b.shape[1] - g[1].shape[0])]))"
_UNUSED = "not np.any(g[3])"
_LSTSQ_ONLY = "'np.linalg.lstsq: the rule covers x and the residuals, not the singular values, of a matrix'"


def _outer(u: str, v: str) -> str:
    return f"(np.outer({u}, {v}) if b.ndim == 1 else {u} @ {v}.T)"


def _residuals(t: str) -> str:
    return f"np.reshape(2 * np.sum({_R} * ({t}), axis=0), (-1,))[: ans[1].shape[0]]"


_RANK = "ans[2] == a.shape[1]"
_RANK_ONLY = "'np.linalg.lstsq: the rule covers a matrix a of full column rank'"


def _lstsq_vjp(template: str) -> str:
    template = guarded(guarded(template, _UNUSED, _LSTSQ_ONLY, ("g",)), _RANK, _RANK_ONLY)
    return f"{template} if a.ndim == 2 else fail({_LSTSQ_ONLY})"


def _lstsq(x_dot: str, r_dot: str) -> str:
    nan = "np.full(np.shape(ans[3]), np.nan)"
    template = guarded(f"({x_dot}, {_residuals(r_dot)}, 0, {nan})", _RANK, _RANK_ONLY)
    return f"{template} if a.ndim == 2 else fail({_LSTSQ_ONLY})"


rule(
    "np.linalg.lstsq(a, b, rcond=None)",
    vjp={
        "a": _lstsq_vjp(f"{_outer(_R, _Y)} - {_outer(f'a @ {_Y}', _X)} - 2 * {_outer(f'{_R} * {_G1}', _X)}"),
        "b": _lstsq_vjp(f"a @ {_Y} + 2 * {_R} * {_G1}"),
    },
    jvp={
        "a": _lstsq(f"np.linalg.solve(a.T @ a, a_dot.T @ {_R} - a.T @ (a_dot @ {_X}))", f"-(a_dot @ {_X})"),
        "b": _lstsq("np.linalg.solve(a.T @ a, a.T @ b_dot)", "b_dot"),
    },
    kind=_lstsq_kind,
)

# ------------------------------------------- the fields of NumPy's named results
# np.linalg.eigh(a).eigenvalues is np.linalg.eigh(a)[0]: the cotangent of the result is g in
# that field and zero in the others. Only NumPy's results (tuples) have these fields.
_FIELDS = {
    "eigenvalues": (0, 2),
    "eigenvectors": (1, 2),
    "U": (0, 3),
    "S": (1, 3),
    "Vh": (2, 3),
    "Q": (0, 2),
    "R": (1, 2),
    "sign": (0, 2),
    "logabsdet": (1, 2),
}


def _field(i: int) -> Callable[[dict[str, Arg]], Kind]:
    def kind(a: dict[str, Arg]) -> Kind:
        items = a["x"].kind.items
        return items[i] if items is not None and len(items) > i else Kind()

    return kind


for _name, (_i, _n) in _FIELDS.items():
    _parts = ", ".join("g" if j == _i else f"zero_like(x[{j}])" for j in range(_n))
    _other = f"fail('.{_name} of a value that is not one of numpy.linalg\\'s results')"
    rule(
        f"x.{_name}",
        vjp={"x": f"({_parts}) if is_sequence(x) else {_other}"},
        jvp={"x": f"x_dot[{_i}] if is_sequence(x) else {_other}"},
        kind=_field(_i),
    )
