"""Test cases for the SciPy rules and the NumPy factorisations, added to ``rule_cases.CASES``.

SciPy's tables load when the user's code has imported the module; here they are
loaded up front, so that ``test_every_rule_has_cases`` sees every SciPy rule.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
import scipy.special
import scipy.stats  # noqa: F401

from s2sad import MissingRuleError
from s2sad.rules import load_tables

from .rule_cases import WELL_CONDITIONED, A, I, S, V, add, any_, big, binary, case, pos, unary, unit

for _module in ("scipy.special", "scipy.linalg", "scipy.stats"):
    load_tables(_module)

SPD = V(np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.5]]))
SMALL = A((3, 3), -0.3, 0.3)


def sp(name: str) -> str:
    return f"scipy.special.{name}"


# ------------------------------------------------------------- scipy.special
add(f"{sp('expit')}(x)", unary(f"{sp('expit')}(x)"))
add(f"{sp('logit')}(x)", unary(f"{sp('logit')}(x)", lambda *s: A(s, 0.1, 0.9) if s else S(0.1, 0.9)))
add(f"{sp('gammaln')}(x)", unary(f"{sp('gammaln')}(x)", pos))
add(f"{sp('gamma')}(x)", unary(f"{sp('gamma')}(x)", pos))
add(f"{sp('digamma')}(x)", unary(f"{sp('digamma')}(x)", pos))
add(
    f"{sp('polygamma')}(n, x)",
    [case(f"{sp('polygamma')}(n, x)", n=I(1), x=pos(3)), case(f"{sp('polygamma')}(2, x)", x=pos())],
)
add(f"{sp('betaln')}(a, b)", binary(f"{sp('betaln')}(x, y)", pos, pos)[:3])
add(f"{sp('beta')}(a, b)", binary(f"{sp('beta')}(x, y)", pos, pos)[:3])
add(f"{sp('erf')}(x)", unary(f"{sp('erf')}(x)"))
add(f"{sp('erfc')}(x)", unary(f"{sp('erfc')}(x)"))
add(f"{sp('erfinv')}(x)", unary(f"{sp('erfinv')}(x)", unit))
add(f"{sp('erfcinv')}(x)", unary(f"{sp('erfcinv')}(x)", lambda *s: A(s, 0.2, 1.8) if s else S(0.2, 1.8)))
add(f"{sp('ndtr')}(x)", unary(f"{sp('ndtr')}(x)"))
add(f"{sp('ndtri')}(x)", unary(f"{sp('ndtri')}(x)", lambda *s: A(s, 0.1, 0.9) if s else S(0.1, 0.9)))
add(f"{sp('log_ndtr')}(x)", unary(f"{sp('log_ndtr')}(x)") + [case(f"{sp('log_ndtr')}(x)", x=S(-30.0, -20.0))])
add(f"{sp('xlogy')}(x, y)", binary(f"{sp('xlogy')}(x, y)", any_, pos)[:3])
add(f"{sp('xlog1py')}(x, y)", binary(f"{sp('xlog1py')}(x, y)", any_, pos)[:3])
add(f"{sp('i0')}(x)", unary(f"{sp('i0')}(x)"))
add(f"{sp('i1')}(x)", unary(f"{sp('i1')}(x)") + [case(f"{sp('i1')}(x) * y", x=S(0.0, 0.0), y=S())])
add(
    "scipy.special.iv(v, z)",
    [case("scipy.special.iv(2, x)", x=A((3,))), case("scipy.special.iv(v, x)", v=I(3), x=S())],
)
add(
    "scipy.special.ive(v, z)",
    [case("scipy.special.ive(2, x)", x=A((3,))), case("scipy.special.ive(v, x)", v=I(1), x=S(0.5, 2.0))],
)
add(f"{sp('j0')}(x)", unary(f"{sp('j0')}(x)"))
add(f"{sp('j1')}(x)", unary(f"{sp('j1')}(x)"))
add(f"{sp('y0')}(x)", unary(f"{sp('y0')}(x)", pos))
add(f"{sp('y1')}(x)", unary(f"{sp('y1')}(x)", pos))
for _bessel in ("jv", "yv", "yn"):
    add(
        f"scipy.special.{_bessel}(v, z)",
        [
            case(f"scipy.special.{_bessel}(2, x)", x=pos(3)),
            case(f"scipy.special.{_bessel}(v, x)", v=I(1), x=pos()),
        ],
    )
add(f"{sp('rgamma')}(x)", unary(f"{sp('rgamma')}(x)", pos))
add(f"{sp('gammasgn')}(x)", [case(f"{sp('gammasgn')}(x) * x", x=pos(2, 3))])
add(
    "scipy.special.multigammaln(a, d)",
    [
        case("scipy.special.multigammaln(x, 2)", x=S(2.0, 3.0)),
        case("scipy.special.multigammaln(x, 3)", x=A((2, 3), 2.0, 3.0)),
    ],
)
for _name in ("gammainc", "gammaincc"):
    add(
        f"scipy.special.{_name}(a, x)",
        [
            case(f"scipy.special.{_name}(2.5, x)", x=pos(3)),
            case(f"scipy.special.{_name}(y, x)", x=pos(), y=I(2)),
            case(f"scipy.special.{_name}(x, 1.5)", x=pos(), error=MissingRuleError),  # not in a
        ],
    )
add(
    "scipy.special.betainc(a, b, x)",
    [
        case("scipy.special.betainc(2.0, 3.0, x)", x=A((3,), 0.1, 0.9)),
        case("scipy.special.betainc(x, 3.0, 0.5)", x=pos(), error=MissingRuleError),  # not in a
    ],
)
LSE = "scipy.special.logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False)"
add(
    LSE,
    [
        case("scipy.special.logsumexp(x)", x=A((4,))),
        case("scipy.special.logsumexp(x)", x=A((2, 3))),
        case("scipy.special.logsumexp(x, axis=1)", x=A((2, 3))),
        case("scipy.special.logsumexp(x, axis=0, keepdims=True)", x=A((2, 3))),
        case("scipy.special.logsumexp(x, b=y)", x=A((3,)), y=pos(3)),
        case("scipy.special.logsumexp(x, axis=-1, b=y)", x=A((2, 3)), y=pos(3)),
        case("scipy.special.logsumexp(x, return_sign=True)[0]", x=A((3,)), error=MissingRuleError),
    ],
)
add(
    "scipy.special.softmax(x, axis=None)",
    [
        case("scipy.special.softmax(x)", x=A((4,))),
        case("scipy.special.softmax(x, axis=1)", x=A((2, 3))),
        case("scipy.special.softmax(x)", x=A((2, 3))),
    ],
)
add(
    "scipy.special.log_softmax(x, axis=None)",
    [
        case("scipy.special.log_softmax(x)", x=A((4,))),
        case("scipy.special.log_softmax(x, axis=0)", x=A((2, 3))),
        case("scipy.special.log_softmax(x)", x=A((2, 3))),
    ],
)

# ------------------------------------------------------- NumPy factorisations
add(
    "np.linalg.slogdet(a)",
    [
        case("np.linalg.slogdet(m + x)[1]", m=WELL_CONDITIONED, x=SMALL),
        case("np.linalg.slogdet(x)[1] * np.linalg.slogdet(x)[0]", x=A((3, 3))),
    ],
)
add(
    "np.linalg.cholesky(a, upper=False)",
    [
        case("np.linalg.cholesky(m + x)", m=SPD, x=SMALL),  # reads the lower triangle only
        case("np.linalg.cholesky(x @ x.T + m)", m=SPD, x=SMALL),
    ]
    + ([case("np.linalg.cholesky(m + x, upper=True)", m=SPD, x=SMALL)] if np.__version__ >= "2" else []),
)

# --------------------------------------------------------------- scipy.linalg
add(
    "scipy.linalg.cholesky(a, lower=False, overwrite_a=False, check_finite=True)",
    [
        case("scipy.linalg.cholesky(m + x)", m=SPD, x=SMALL),  # reads the upper triangle only
        case("scipy.linalg.cholesky(m + x, lower=True)", m=SPD, x=SMALL),
        case("scipy.linalg.cholesky(x @ x.T + m)", m=SPD, x=SMALL),
    ],
)
add(
    "scipy.linalg.cho_factor(a, lower=False, overwrite_a=False, check_finite=True)",
    [
        case("np.triu(scipy.linalg.cho_factor(m + x)[0])", m=SPD, x=SMALL),
        case("np.tril(scipy.linalg.cho_factor(m + x, lower=True)[0])", m=SPD, x=SMALL),
    ],
)
CHO_SOLVE = "scipy.linalg.cho_solve(c_and_lower, b, overwrite_b=False, check_finite=True)"
add(
    CHO_SOLVE,
    [
        case("scipy.linalg.cho_solve(scipy.linalg.cho_factor(m + x), y)", m=SPD, x=SMALL, y=A((3,))),
        case(
            "scipy.linalg.cho_solve(scipy.linalg.cho_factor(m + x, lower=True), y)",
            m=SPD,
            x=SMALL,
            y=A((3, 2)),
        ),
        case("scipy.linalg.cho_solve((scipy.linalg.cholesky(m + x), False), y)", m=SPD, x=SMALL, y=A((3,))),
    ],
)
TRIANGULAR = (
    "scipy.linalg.solve_triangular(a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False, "
    "check_finite=True)"
)
add(
    TRIANGULAR,
    [
        case("scipy.linalg.solve_triangular(m + x, y)", m=WELL_CONDITIONED, x=SMALL, y=A((3,))),
        case("scipy.linalg.solve_triangular(m + x, y, lower=True)", m=WELL_CONDITIONED, x=SMALL, y=A((3, 2))),
        case("scipy.linalg.solve_triangular(m + x, y, trans='T')", m=WELL_CONDITIONED, x=SMALL, y=A((3,))),
        case(
            "scipy.linalg.solve_triangular(m + x, y, trans=1, lower=True)",
            m=WELL_CONDITIONED,
            x=SMALL,
            y=A((3, 2)),
        ),
        case("scipy.linalg.solve_triangular(x, y, lower=True, unit_diagonal=True)", x=SMALL, y=A((3,))),
        case(
            "scipy.linalg.solve_triangular(m + x, y, trans='N', unit_diagonal=True)",
            m=WELL_CONDITIONED,
            x=SMALL,
            y=A((3,)),
        ),
    ],
)
add(
    "scipy.linalg.solve(a, b, lower=False, overwrite_a=False, overwrite_b=False, check_finite=True, "
    "assume_a=None, transposed=False)",
    [
        case("scipy.linalg.solve(m + x, y)", m=WELL_CONDITIONED, x=SMALL, y=A((3,))),
        case("scipy.linalg.solve(m + x, y)", m=WELL_CONDITIONED, x=SMALL, y=A((3, 2))),
        case("scipy.linalg.solve(m + x, y, assume_a='pos')", m=SPD, x=SMALL, y=A((3,))),  # the upper triangle
        case("scipy.linalg.solve(m + x, y, lower=True, assume_a='sym')", m=SPD, x=SMALL, y=A((3, 2))),
        case("scipy.linalg.solve(x @ x.T + m, y, assume_a='pos')", m=SPD, x=SMALL, y=A((3,))),
        case(
            "scipy.linalg.solve(m + x, y, transposed=True)", m=SPD, x=SMALL, y=A((3,)), error=MissingRuleError
        ),
    ],
)
add(
    "scipy.linalg.inv(a, overwrite_a=False, check_finite=True)",
    [case("scipy.linalg.inv(m + x)", m=WELL_CONDITIONED, x=SMALL)],
)
add("scipy.linalg.det(a, overwrite_a=False, check_finite=True)", [case("scipy.linalg.det(x)", x=A((3, 3)))])
add(
    "scipy.linalg.expm(A)",
    [case("scipy.linalg.expm(x)", x=A((3, 3), -1.0, 1.0)), case("scipy.linalg.expm(x)", x=A((2, 2)))],
)

# ---------------------------------------------------------------- scipy.stats
LOC_SCALE = {  # distribution: its shape parameters, and where x lies
    "norm": ((), any_),
    "t": (("df",), any_),
    "gamma": (("a",), pos),
    "chi2": (("df",), pos),
    "beta": (("a", "b"), lambda *s: A(s, 0.1, 0.8) if s else S(0.1, 0.8)),
}
for _name, (_shapes, _domain) in LOC_SCALE.items():
    _shape_args = {p: big() for p in _shapes}
    _signature = ", ".join(("x", *_shapes, "loc=0", "scale=1"))
    _all = ", ".join(("x", *_shapes, "loc", "scale"))
    for _method in ("logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"):
        _pattern = f"scipy.stats.{_name}.{_method}({_signature})"
        _call = f"scipy.stats.{_name}.{_method}"
        _cases = [
            case(
                f"{_call}(x, {', '.join(_shapes) + ', ' if _shapes else ''}loc, scale)",
                x=_domain(3),
                **_shape_args,
                loc=S(-0.05, 0.05),
                scale=S(0.9, 1.1),
            )
            if _method in ("logpdf", "pdf")
            else case(
                f"{_call}(x, {', '.join(_shapes) + ', ' if _shapes else ''}loc=loc, scale=scale)",
                x=_domain(3),
                **{p: I(3) for p in _shapes},
                loc=S(-0.05, 0.05),
                scale=S(0.9, 1.1),
            ),
            case(f"{_call}(x{''.join(', ' + p for p in _shapes)})", x=_domain(), **_shape_args)
            if _method in ("logpdf", "pdf")
            else case(
                f"{_call}(x{''.join(', ' + p for p in _shapes)})", x=_domain(), **{p: I(3) for p in _shapes}
            ),
        ]
        add(_pattern, _cases)
add("scipy.stats.norm.logcdf(x, loc=0, scale=1)", [case("scipy.stats.norm.logcdf(x)", x=S(-30.0, -20.0))])
for _name, (_shapes, _domain) in LOC_SCALE.items():
    _signature = ", ".join(("q", *_shapes, "loc=0", "scale=1"))
    _call = f"scipy.stats.{_name}.ppf"
    _shape_values = "".join(", 3" for _ in _shapes)
    add(
        f"{_call}({_signature})",
        [
            case(f"{_call}(q{_shape_values}, loc, scale)", q=A((3,), 0.1, 0.9), loc=S(), scale=pos()),
            case(f"{_call}(q{_shape_values}, scale=scale)", q=S(0.1, 0.9), scale=pos()),
        ],
    )
# no closed form for the derivative of t's distribution function in df: an error
add(
    "scipy.stats.t.cdf(x, df, loc=0, scale=1)",
    [case("scipy.stats.t.cdf(x, df)", x=S(), df=big(), error=MissingRuleError)],
)
for _method in ("logpmf", "pmf", "cdf", "logcdf"):
    add(
        f"scipy.stats.poisson.{_method}(k, mu, loc=0)",
        [
            case(f"scipy.stats.poisson.{_method}(k, mu)", k=V(np.array([0, 1, 3, 6])), mu=pos()),
            case(f"scipy.stats.poisson.{_method}(k, mu)", k=I(2), mu=pos(3)),
            case(f"scipy.stats.poisson.{_method}(k, mu, 1)", k=V(np.array([1, 2, 4])), mu=pos(3)),
        ],
    )
MVN_SPD = V(np.array([[2.0, 0.3, 0.1], [0.3, 1.5, 0.2], [0.1, 0.2, 1.2]]))
for _method in ("logpdf", "pdf"):
    _call = f"scipy.stats.multivariate_normal.{_method}"
    add(
        f"{_call}(x, mean=None, cov=1, allow_singular=False)",
        [
            case(f"{_call}(x, mean=m, cov=c + s)", x=A((3,)), m=A((3,)), c=MVN_SPD, s=SMALL),
            case(f"{_call}(x, m, c + s)", x=A((4, 3)), m=A((3,)), c=MVN_SPD, s=SMALL),
            case(f"{_call}(x, cov=c + s @ s.T)", x=A((2, 3)), c=MVN_SPD, s=SMALL),
            case(f"{_call}(x, m, c + s, allow_singular=True)", x=A((3,)), m=A((3,)), c=MVN_SPD, s=SMALL),
            # a singular cov of rank 2, and points where its density is: the rank stays 2
            case(
                f"{_call}(m + b @ z, m, b @ b.T, allow_singular=True)",
                m=A((3,)),
                b=A((3, 2), 0.5, 1.5),
                z=A((2,), -0.5, 0.5),
            ),
            case(
                f"{_call}(m + (b @ z).T, mean=m, cov=b @ b.T, allow_singular=True)",
                m=A((3,)),
                b=A((3, 2), 0.5, 1.5),
                z=A((2, 4), -0.5, 0.5),
            ),
            case(f"{_call}(x, m, c)", x=A((3,)), m=A((3,)), c=A((3,), 1.0, 2.0), error=MissingRuleError),
        ],
    )
add(
    "scipy.stats.multivariate_normal.entropy(mean=None, cov=1)",
    [
        case("scipy.stats.multivariate_normal.entropy(m, c + s)", m=A((3,)), c=MVN_SPD, s=SMALL),
        case("scipy.stats.multivariate_normal.entropy(cov=c + s @ s.T)", c=MVN_SPD, s=SMALL),
        case("scipy.stats.multivariate_normal.entropy(cov=b @ b.T)", b=A((3, 2), 0.5, 1.5)),  # singular
        case(
            "scipy.stats.multivariate_normal.entropy(m, c)",
            m=A((3,)),
            c=A((3,), 1.0, 2.0),
            error=MissingRuleError,
        ),
    ],
)
for _method in ("logpdf", "pdf"):
    _call = f"scipy.stats.dirichlet.{_method}"
    add(
        f"{_call}(x, alpha)",
        [
            case(f"{_call}(x / np.sum(x), a)", x=A((4,), 0.2, 1.0), a=A((4,), 0.5, 3.0)),
            case(f"{_call}(x / np.sum(x, 0), a)", x=A((3, 5), 0.2, 1.0), a=A((3,), 1.2, 3.0)),
            case(f"{_call}(x, a * a)", x=V(np.array([0.1, 0.2, 0.3, 0.4])), a=A((4,), 1.0, 1.5)),
            case(f"{_call}(x / np.sum(x), [1.5, 2.0, 0.5])", x=A((3,), 0.2, 1.0)),
            # one component fewer than alpha: SciPy adds 1 - sum(x), the rules ask for them all
            case(
                f"{_call}(x / (2 * np.sum(x)), a)",
                x=A((3,), 0.2, 1.0),
                a=A((4,), 1.2, 3.0),
                error=MissingRuleError,
            ),
        ],
    )

PIVOTED = V(np.array([[0.5, 3.0, 0.2], [2.5, 0.3, 0.1], [0.4, 0.2, 2.0]]))  # rows swap
add(
    "scipy.linalg.lu_factor(a, overwrite_a=False, check_finite=True)",
    [
        case("scipy.linalg.lu_factor(m + x)[0]", m=PIVOTED, x=SMALL),
        case("scipy.linalg.lu_factor(m + x)[0]", m=WELL_CONDITIONED, x=SMALL),
    ],
)
LU_SOLVE = "scipy.linalg.lu_solve(lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True)"
add(
    LU_SOLVE,
    [
        case("scipy.linalg.lu_solve(scipy.linalg.lu_factor(m + x), y)", m=PIVOTED, x=SMALL, y=A((3,))),
        case(
            "scipy.linalg.lu_solve(scipy.linalg.lu_factor(m + x), y, trans=1)", m=PIVOTED, x=SMALL, y=A((3,))
        ),
        case("scipy.linalg.lu_solve(scipy.linalg.lu_factor(m + x), y)", m=PIVOTED, x=SMALL, y=A((3, 2))),
        case("scipy.linalg.lu_solve(scipy.linalg.lu_factor(m + x), y, 1)", m=PIVOTED, x=SMALL, y=A((3, 2))),
        case("scipy.linalg.lu_solve(scipy.linalg.lu_factor(m), y, trans=1)", m=PIVOTED, y=A((3,))),
    ],
)

# ---------------------------------------------- Sylvester, square roots, banded solves
SYLVESTER_B = V(np.array([[2.0, -0.4, 0.1], [0.3, 1.5, 0.2], [0.0, 0.1, 2.5]]))
add(
    "scipy.linalg.solve_sylvester(a, b, q)",
    [
        case(
            "scipy.linalg.solve_sylvester(m + x, n + y, q)",
            m=WELL_CONDITIONED,
            n=SYLVESTER_B,
            x=SMALL,
            y=SMALL,
            q=A((3, 3)),
        ),
        case(
            "scipy.linalg.solve_sylvester(m + x, n, q)",
            m=WELL_CONDITIONED,
            n=V(np.array([[1.0, 0.2], [0.0, 2.0]])),
            x=SMALL,
            q=A((3, 2)),
        ),
        case(
            "scipy.linalg.solve_sylvester(m, n + y, q * q)",
            m=WELL_CONDITIONED,
            n=SYLVESTER_B,
            y=SMALL,
            q=A((3, 3)),
        ),
    ],
)
NEGATIVE = V(np.diag([-1.0, 2.0, 3.0]))  # no real square root
add(
    "scipy.linalg.sqrtm(A, disp=True, blocksize=64)",
    [
        case("scipy.linalg.sqrtm(m + x)", m=WELL_CONDITIONED, x=SMALL),  # not symmetric
        case("scipy.linalg.sqrtm(m + x + x.T)", m=SPD, x=SMALL),
        case("scipy.linalg.sqrtm(x @ x.T + m)", m=SPD, x=SMALL),
        case(
            "np.real(scipy.linalg.sqrtm(m + x))", m=NEGATIVE, x=A((3, 3), -0.1, 0.1), error=MissingRuleError
        ),
    ],
)
TRIDIAGONAL = V(np.array([[0.0, 0.5, -0.3, 0.2], [3.0, 2.5, 2.0, 3.5], [0.4, -0.2, 0.1, 0.0]]))
UPPER2 = V(np.array([[0.0, 0.0, 0.3, 0.1, -0.2], [0.0, 0.4, -0.2, 0.3, 0.1], [3.0, 2.0, 2.5, 3.5, 2.2]]))
BANDED = "scipy.linalg.solve_banded(l_and_u, ab, b, overwrite_ab=False, overwrite_b=False, check_finite=True)"
add(
    BANDED,
    [
        case("scipy.linalg.solve_banded((1, 1), m + x, y)", m=TRIDIAGONAL, x=A((3, 4), -0.3, 0.3), y=A((4,))),
        case(
            "scipy.linalg.solve_banded((1, 1), m + x, y)", m=TRIDIAGONAL, x=A((3, 4), -0.3, 0.3), y=A((4, 2))
        ),
        case("scipy.linalg.solve_banded((0, 2), m + x, y)", m=UPPER2, x=A((3, 5), -0.3, 0.3), y=A((5,))),
        case("scipy.linalg.solve_banded((1, 1), m, y * y)", m=TRIDIAGONAL, y=A((4, 3))),
    ],
)
add(
    "band(l_and_u, a)",
    [case("band((1, 0), x)", x=A((3, 3))), case("band((0, 2), x * x)", x=A((4, 4)))],
)
add(
    "unband(l_and_u, ab)",
    [case("unband((1, 1), x)", x=A((3, 4))), case("unband((2, 0), x * x)", x=A((3, 3)))],
)
