"""Cases for NumPy's decompositions and the products beyond two dimensions (``decompositions.py``,
``linalg.py``), added to ``rule_cases.CASES``.

The matrices are well conditioned: a fixed matrix plus a small random one, with distinct
eigenvalues and singular values, so that central differences see the same branch of each
decomposition. Eigenvectors and singular vectors are defined up to sign; the cases use them
as LAPACK returns them (the sign does not flip under the small steps of the differences)
and through expressions that do not depend on the sign (``u @ vh``, ``v ** 2``).
"""

from __future__ import annotations

import numpy as np

from s2sad import MissingRuleError

from .rule_cases import A, I, S, V, add, case  # noqa: F401

SPD = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]])
SYM = V(SPD)
SYMS = V(np.stack([SPD, SPD[::-1, ::-1] + np.diag([0.5, 0.0, -0.5])]))
SMALL = A((3, 3), -0.3, 0.3)
SMALLS = A((2, 3, 3), -0.3, 0.3)
REAL = np.array([[1.0, 0.3, 0.2], [0.1, 2.0, 0.3], [0.2, 0.1, 3.5]])  # distinct real eigenvalues
GENERAL = V(REAL)
GENERALS = V(np.stack([REAL, REAL.T + np.diag([1.0, 0.0, -0.5])]))
TALL = np.array([[3.0, 0.5, 0.2], [0.1, 2.0, 0.3], [0.4, 0.2, 1.0], [0.3, 0.1, 0.2]])
TALLS = V(np.stack([TALL, TALL[::-1] * 1.5]))
SQUARE = V(np.array([[3.0, 0.5, 0.2], [0.1, 2.0, 0.3], [0.4, 0.2, 1.0]]))
SMALL43 = A((4, 3), -0.3, 0.3)
SMALL243 = A((2, 4, 3), -0.3, 0.3)
ROTATION = V(np.array([[0.0, -1.0], [1.0, 0.0]]))  # eigenvalues +-i

# ------------------------------------------------------------------ eigh
EIGH = "np.linalg.eigh(a, UPLO='L')"
add(
    EIGH,
    [
        case("np.linalg.eigh(m + x)[0]", m=SYM, x=SMALL),  # reads the lower triangle only
        case("np.linalg.eigh(m + x)[1] ** 2", m=SYM, x=SMALL),
        case("np.linalg.eigh(m + x)[1]", m=SYM, x=SMALL),
        case("np.linalg.eigh(m + x, UPLO='U')[1] ** 2", m=SYM, x=SMALL),
        case("np.linalg.eigh(m + x, 'U')[0] * np.linalg.eigh(m + x, 'U')[1]", m=SYM, x=SMALL),
        case("np.linalg.eigh(m + x + x.T)[1] * np.linalg.eigh(m + x + x.T)[0]", m=SYM, x=SMALL),
        case("np.linalg.eigh(m + x)[0]", m=SYMS, x=SMALLS),
        case("np.linalg.eigh(m + x)[1] ** 2", m=SYMS, x=SMALLS),
    ],
)
add(
    "np.linalg.eigvalsh(a, UPLO='L')",
    [
        case("np.linalg.eigvalsh(m + x)", m=SYM, x=SMALL),
        case("np.linalg.eigvalsh(m + x, UPLO='U')", m=SYM, x=SMALL),
        case("np.linalg.eigvalsh(m + x)", m=SYMS, x=SMALLS),
    ],
)
# -------------------------------------------------------------------- eig
add(
    "np.linalg.eig(a)",
    [
        case("np.linalg.eig(m + x)[0]", m=GENERAL, x=SMALL),
        case("np.linalg.eig(m + x)[1]", m=GENERAL, x=SMALL),
        case("np.linalg.eig(m + x)[1] * np.linalg.eig(m + x)[0]", m=GENERAL, x=SMALL),
        case("np.linalg.eig(m + x)[1] ** 2", m=GENERALS, x=SMALLS),
        case("np.linalg.eig(m + x)[0]", m=GENERALS, x=SMALLS),
        case("np.abs(np.linalg.eig(m + x)[0])", m=ROTATION, x=A((2, 2), -0.1, 0.1), error=MissingRuleError),
    ],
)
add(
    "np.linalg.eigvals(a)",
    [
        case("np.linalg.eigvals(m + x)", m=GENERAL, x=SMALL),
        case("np.linalg.eigvals(m + x)", m=GENERALS, x=SMALLS),
        case("np.abs(np.linalg.eigvals(m + x))", m=ROTATION, x=A((2, 2), -0.1, 0.1), error=MissingRuleError),
    ],
)
add("np.isrealobj(x)", [case("x * np.isrealobj(x)", x=A((3,)))])
add("np.iscomplexobj(x)", [case("x * (1 - np.iscomplexobj(x))", x=A((3,)))])
add(
    "checked(value, ok, message)",
    [
        case("checked(x * x, True, 'never')", x=A((3,))),
        case("checked(x * x, x.shape[0] == 3, 'never')", x=A((3,))),
        case("checked(x, x.shape[0] == 2, 'a message')", x=A((3,)), error=MissingRuleError),
    ],
)

# -------------------------------------------------------------------- SVD
SVD = "np.linalg.svd(a, full_matrices=True, compute_uv=True, hermitian=False)"
_UV = "np.linalg.svd(m + x, full_matrices=False)"
add(
    SVD,
    [
        case("np.linalg.svd(m + x, compute_uv=False)", m=V(TALL), x=SMALL43),
        case("np.linalg.svd((m + x).T, compute_uv=False)", m=V(TALL), x=SMALL43),
        case("np.linalg.svd(m + x, compute_uv=False)", m=TALLS, x=SMALL243),
        case(f"{_UV}[1]", m=V(TALL), x=SMALL43),
        case(f"{_UV}[0]", m=V(TALL), x=SMALL43),
        case(f"{_UV}[2]", m=V(TALL), x=SMALL43),
        case(f"{_UV}[0] @ {_UV}[2]", m=V(TALL), x=SMALL43),
        case(f"{_UV}[0] ** 2 * {_UV}[1]", m=V(TALL), x=SMALL43),
        case("np.linalg.svd((m + x).T, full_matrices=False)[0] ** 2", m=V(TALL), x=SMALL43),
        case("np.linalg.svd((m + x).T, full_matrices=False)[2] ** 2", m=V(TALL), x=SMALL43),
        case("np.linalg.svd(m + x)[0] * np.linalg.svd(m + x)[2]", m=SQUARE, x=SMALL),
        case(f"{_UV}[2] ** 2", m=TALLS, x=SMALL243),
        case(f"{_UV}[0] @ {_UV}[2]", m=TALLS, x=SMALL243),
        # full_matrices=True of a tall or wide matrix: the first min(m, n) columns of U (rows of Vh)
        case("np.linalg.svd(m + x)[1]", m=V(TALL), x=SMALL43),
        case("np.linalg.svd(m + x)[0][:, :3] ** 2", m=V(TALL), x=SMALL43),
        case("np.linalg.svd((m + x).T)[2][:3] ** 2", m=V(TALL), x=SMALL43),
        case("np.linalg.svd(m + x)[0][..., :3] ** 2", m=TALLS, x=SMALL243),
        case("np.linalg.svd(m + x + x.T, hermitian=True)[1]", m=SQUARE, x=SMALL, error=MissingRuleError),
    ],
)
# --------------------------------------------------------------------- QR
add(
    "np.linalg.qr(a, mode='reduced')",
    [
        case("np.linalg.qr(m + x)[0]", m=V(TALL), x=SMALL43),
        case("np.linalg.qr(m + x)[1]", m=V(TALL), x=SMALL43),
        case("np.linalg.qr(m + x)[0] @ np.linalg.qr(m + x)[1] ** 2", m=V(TALL), x=SMALL43),
        case("np.linalg.qr(m + x)[0] * np.linalg.qr(m + x)[1]", m=SQUARE, x=SMALL),
        case("np.linalg.qr(m + x, mode='r')", m=V(TALL), x=SMALL43),
        case("np.linalg.qr(m + x, 'complete')[0]", m=SQUARE, x=SMALL),
        case("np.linalg.qr(m + x)[0]", m=TALLS, x=SMALL243),
        case("np.linalg.qr(m + x)[1]", m=TALLS, x=SMALL243),
        case("np.linalg.qr((m + x).T)[1]", m=V(TALL), x=SMALL43, error=MissingRuleError),
        case("np.linalg.qr(m + x, 'complete')[0]", m=V(TALL), x=SMALL43, error=MissingRuleError),
        case("np.linalg.qr(m + x, 'raw')[0]", m=V(TALL), x=SMALL43, error=MissingRuleError),
    ],
)
# ------------------------------------------------------ built on the others
add(
    "np.linalg.pinv(a, rcond=None, hermitian=False, rtol=None)",
    [
        case("np.linalg.pinv(m + x)", m=SQUARE, x=SMALL),
        case("np.linalg.pinv(m + x)", m=V(TALL), x=SMALL43),
        case("np.linalg.pinv((m + x).T)", m=V(TALL), x=SMALL43),
        case("np.linalg.pinv(m + x, rcond=1e-10)", m=TALLS, x=SMALL243),
        case("np.linalg.pinv(m + x, hermitian=True)", m=SYM, x=SMALL, error=MissingRuleError),
    ],
)
add(
    "np.linalg.matrix_power(a, n)",
    [
        case("np.linalg.matrix_power(x, 3)", x=A((3, 3), -1.0, 1.0)),
        case("np.linalg.matrix_power(x, 1)", x=A((2, 2))),
        case("np.linalg.matrix_power(x, 0) * x", x=A((2, 2))),
        case("np.linalg.matrix_power(m + x, -1)", m=SQUARE, x=SMALL),
        case("np.linalg.matrix_power(m + x, -2)", m=SQUARE, x=SMALL),
        case("np.linalg.matrix_power(x, n)", x=A((3, 3), -1.0, 1.0), n=I(4)),
        case("np.linalg.matrix_power(x, 2)", x=A((2, 3, 3), -1.0, 1.0)),
    ],
)
add(
    "np.linalg.lstsq(a, b, rcond=None)",
    [
        case("np.linalg.lstsq(m + x, y, rcond=None)[0]", m=V(TALL), x=SMALL43, y=A((4,))),
        case("np.linalg.lstsq(m + x, y, rcond=None)[0]", m=V(TALL), x=SMALL43, y=A((4, 2))),
        case("np.linalg.lstsq(m + x, y)[1]", m=V(TALL), x=SMALL43, y=A((4,))),
        case(
            "np.linalg.lstsq(m + x, y)[1] * np.linalg.lstsq(m + x, y)[0][0]",
            m=V(TALL),
            x=SMALL43,
            y=A((4, 2)),
        ),
        case("np.linalg.lstsq(m + x, y)[0]", m=SQUARE, x=SMALL, y=A((3,))),
        # the last column zero: rank 2, not full column rank
        case(
            "np.linalg.lstsq(x * c, y)[0]",
            x=A((4, 3)),
            c=V(np.array([1, 1, 0])),
            y=A((4,)),
            error=MissingRuleError,
        ),
    ],
)

# ----------------------------------------------------- products beyond 2-D
add(
    "np.dot(a, b)",
    [
        case("np.dot(x, y)", x=A((2, 3, 4)), y=A((4,))),
        case("np.dot(x, y)", x=A((2, 3, 4)), y=A((5, 4, 2))),
        case("np.dot(x, y)", x=A((4,)), y=A((2, 4, 3))),
        case("np.dot(x, y)", x=A((3, 4)), y=A((2, 4, 5))),
        case("np.dot(x, y)", x=A((2, 3, 4)), y=A((4, 2))),
        case("x.dot(y)", x=A((2, 2, 3)), y=A((3, 2))),
    ],
)
add(
    "np.inner(a, b)",
    [
        case("np.inner(x, y)", x=A((2, 3, 4)), y=A((4,))),
        case("np.inner(x, y)", x=A((2, 4)), y=A((3, 2, 4))),
        case("np.inner(x, y)", x=A((2, 3, 4)), y=A((5, 4))),
        case("np.inner(x, y)", x=S(), y=A((3,))),
        case("np.inner(x, y)", x=A((2, 3)), y=S()),
    ],
)
add(
    "np.trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None)",
    [
        case("np.trace(x)", x=A((3, 3, 2))),
        case("np.trace(x, axis1=1, axis2=2)", x=A((2, 3, 3))),
        case("np.trace(x, 1, 2, 0)", x=A((3, 2, 4))),
        case("np.trace(x, -1, axis1=-1, axis2=-2)", x=A((2, 3, 4))),
        case("x.trace(axis1=1, axis2=3)", x=A((2, 3, 2, 3))),
        case("np.trace(x, 0, 1, 0)", x=A((3, 4))),
    ],
)
STACKED_SHAPES = [
    ((2, 1, 3, 4), (3, 4, 2)),
    ((4,), (2, 4, 3)),
    ((2, 3, 4), (4,)),
    ((2, 3, 4), (2, 4, 1)),
]
add("a @ b", [case("x @ y", x=A(sx), y=A(sy)) for sx, sy in STACKED_SHAPES])
add("np.matmul(a, b)", [case("np.matmul(x, y)", x=A(sx), y=A(sy)) for sx, sy in STACKED_SHAPES])

# ------------------------------------------------ solve and det of stacks
WELL = np.array([[3.0, 0.5, 0.2], [0.1, 2.5, 0.3], [0.4, 0.2, 2.0]])
WELLS = V(np.stack([WELL, WELL.T + np.eye(3)]))
add(
    "np.linalg.solve(a, b)",
    [
        case("np.linalg.solve(m + x, y)", m=WELLS, x=SMALLS, y=A((3,))),
        case("np.linalg.solve(m + x, y)", m=WELLS, x=SMALLS, y=A((2, 3, 2))),
        case("np.linalg.solve(m + x, y)", m=WELLS, x=SMALLS, y=A((3, 2))),
        case("np.linalg.solve(m + x, y)", m=V(WELL), x=SMALL, y=A((2, 3, 2))),
        case(
            "np.linalg.solve(m + x, y)",
            m=V(WELLS.value[None]),
            x=A((1, 2, 3, 3), -0.3, 0.3),
            y=A((4, 1, 3, 1)),
        ),
    ],
)
add(
    "np.linalg.det(a)",
    [case("np.linalg.det(x)", x=A((2, 3, 3))), case("np.linalg.det(m + x)", m=WELLS, x=SMALLS)],
)
add(
    "np.linalg.slogdet(a)",
    [
        case("np.linalg.slogdet(m + x)[1]", m=WELLS, x=SMALLS),
        case("np.linalg.slogdet(x)[0] * np.linalg.slogdet(x)[1]", x=A((2, 2, 2))),
    ],
)

# -------------------------------------------------------------------- norm
NORM = "np.linalg.norm(x, ord=None, axis=None, keepdims=False)"
add(
    NORM,
    [
        case("np.linalg.norm(x, np.inf)", x=A((4,))),
        case("np.linalg.norm(x, -np.inf)", x=A((4,))),
        case("np.linalg.norm(x, 0) * x", x=A((3,))),
        case("np.linalg.norm(x, 3)", x=A((4,))),
        case("np.linalg.norm(x, 0.5)", x=A((3,), 0.5, 2.0)),
        case("np.linalg.norm(x, -1)", x=A((3,), 0.5, 2.0)),
        case("np.linalg.norm(x, 1, axis=0)", x=A((3, 2))),
        case("np.linalg.norm(x, np.inf, axis=-1, keepdims=True)", x=A((2, 3))),
        case("np.linalg.norm(x, 3, axis=1)", x=A((2, 3, 2))),
        case("np.linalg.norm(x, 2, axis=1)", x=A((2, 3))),
        case("np.linalg.norm(x, 'nuc')", x=A((3, 2))),
        case("np.linalg.norm(m + x, 2)", m=V(TALL), x=SMALL43),
        case("np.linalg.norm(m + x, -2)", m=V(TALL), x=SMALL43),
        case("np.linalg.norm(x, 1)", x=A((3, 3))),
        case("np.linalg.norm(x, -1)", x=A((3, 3))),
        case("np.linalg.norm(x, np.inf)", x=A((3, 4))),
        case("np.linalg.norm(x, -np.inf)", x=A((3, 4))),
        case("np.linalg.norm(x, 'fro', axis=(0, 2))", x=A((2, 3, 2))),
        case("np.linalg.norm(x, 1, axis=(2, 1))", x=A((2, 3, 3))),
        case("np.linalg.norm(x, np.inf, axis=(0, 1), keepdims=True)", x=A((3, 2))),
        case("np.linalg.norm(x, 'nuc', axis=(1, 2))", x=A((2, 3, 2))),
        case("np.linalg.norm(m + x, 2, axis=(-1, -2), keepdims=True)", m=TALLS, x=SMALL243),
        # nuclear and spectral norms over other axes: moved to the end, the rule there
        case("np.linalg.norm(x, 'nuc', axis=(0, 2))", x=A((2, 3, 2))),
        case("np.linalg.norm(x, 'nuc', axis=(1, 0), keepdims=True)", x=A((4, 3, 2))),
        case("np.linalg.norm(np.moveaxis(m + x, 0, -1), -2, axis=(0, 1))", m=TALLS, x=SMALL243),
    ],
)
add(NORM, [case("np.linalg.norm(x, -np.inf, axis=0)", x=A((3, 2)))])  # -np.inf reaches the rule as a name

# ---------------------------------------------- the fields of NumPy's named results
add("x.eigenvalues", [case("np.linalg.eigh(m + x).eigenvalues", m=SYM, x=SMALL)])
add(
    "x.eigenvectors",
    [
        case("np.linalg.eigh(m + x).eigenvectors ** 2", m=SYM, x=SMALL),
        case("np.linalg.eig(m + x).eigenvectors * np.linalg.eig(m + x).eigenvalues", m=GENERAL, x=SMALL),
    ],
)
add("x.U", [case("np.linalg.svd(m + x, full_matrices=False).U ** 2", m=V(TALL), x=SMALL43)])
add("x.S", [case("np.linalg.svd(m + x).S", m=V(TALL), x=SMALL43)])
add("x.Vh", [case("np.linalg.svd(m + x).Vh ** 2", m=SQUARE, x=SMALL)])
add("x.Q", [case("np.linalg.qr(m + x).Q", m=V(TALL), x=SMALL43)])
add("x.R", [case("np.linalg.qr(m + x).R", m=V(TALL), x=SMALL43)])
add("x.sign", [case("np.linalg.slogdet(x).sign * x", x=A((2, 2)))])
add("x.logabsdet", [case("np.linalg.slogdet(m + x).logabsdet", m=WELLS, x=SMALLS)])
if hasattr(np.linalg, "vector_norm"):  # NumPy 2
    add(
        "np.linalg.vector_norm(x, axis=None, keepdims=False, ord=2)",
        [
            case("np.linalg.vector_norm(x)", x=A((2, 3))),
            case("np.linalg.vector_norm(x, ord=1, axis=(0, 2))", x=A((2, 3, 2))),
            case("np.linalg.vector_norm(x, axis=-1, keepdims=True, ord=np.inf)", x=A((2, 3))),
            case("np.linalg.vector_norm(x, ord=3)", x=A((4,))),
        ],
    )
    add(
        "np.linalg.matrix_norm(x, keepdims=False, ord='fro')",
        [
            case("np.linalg.matrix_norm(x)", x=A((3, 2))),
            case("np.linalg.matrix_norm(x, ord='nuc')", x=A((2, 3, 2))),
            case("np.linalg.matrix_norm(m + x, ord=2, keepdims=True)", m=TALLS, x=SMALL243),
            case("np.linalg.matrix_norm(x, ord=-np.inf)", x=A((2, 3, 3))),
            case("np.linalg.matrix_norm(x, ord=1)", x=A((3, 3))),
        ],
    )

# -------------------------------------------------- stacks for inv and cholesky
SPDS = V(np.stack([SPD, SPD[::-1, ::-1] + np.eye(3)]))
add("np.linalg.inv(a)", [case("np.linalg.inv(m + x)", m=WELLS, x=SMALLS)])
add(
    "np.linalg.cholesky(a, upper=False)",
    [
        case("np.linalg.cholesky(m + x)", m=SPDS, x=SMALLS),  # reads the lower triangles only
        case("np.linalg.cholesky(x @ np.swapaxes(x, -1, -2) + m)", m=SPDS, x=SMALLS),
    ]
    + ([case("np.linalg.cholesky(m + x, upper=True)", m=SPDS, x=SMALLS)] if np.__version__ >= "2" else []),
)
