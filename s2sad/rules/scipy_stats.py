"""Rules for ``scipy.stats``: loaded when the user's code has imported it (SciPy is optional).

Users call the methods of distribution objects, ``norm.logpdf(x, mu, sigma)``
or ``norm.logpdf(x, loc=mu, scale=sigma)``: a bound method is a function
here, looked up by value (it is a new object, equal to the last, each time it
is read). For a location-scale family, with ``z = (x - loc) / scale`` and the
density ``f``, the distribution function moves with ``x`` as ``f``, with
``loc`` as ``-f`` and with ``scale`` as ``-f z``; where SciPy's answer has no
closed-form derivative (``t.cdf`` in ``df``) the rule says so when it is needed.

>>> from s2sad import ir
>>> from s2sad.rules import lookup
>>> lookup(ir.call_op(scipy.stats.norm.logpdf, "scipy.stats.norm.logpdf")).jvp["x"]
'x_dot * (-(x - loc) / scale ** 2)'
"""

import re

import numpy as np
import scipy.stats  # noqa: F401  (in sys.modules, templates can name it)

from ..ir.kinds import Kind, broadcast
from . import scipy_special  # noqa: F401  (the templates' special functions have rules)
from .kindrules import Arg
from .linalg import phi
from .registry import ZERO, rule, scalar, table

table("scipy.stats")

_Z = "((x - loc) / scale)"


def _elementwise(*params: str):
    return lambda a: broadcast(*(a[p].kind for p in params), numpy=True, dtype="f+")


def _location_scale(name: str, shapes: tuple[str, ...], logpdf: dict[str, str]) -> None:
    """logpdf, pdf, cdf, logcdf, sf, logsf and ppf of ``scipy.stats.<name>``, from the partials
    of logpdf."""
    params = ("x", *shapes, "loc", "scale")
    signature = ", ".join(("x", *shapes, "loc=0", "scale=1"))
    path = f"scipy.stats.{name}"
    call = f"({', '.join(params)})"
    kind = _elementwise(*params)
    scalar(f"{path}.logpdf({signature})", *(logpdf[p] for p in params), kind=kind)
    scalar(f"{path}.pdf({signature})", *(f"ans * ({logpdf[p]})" for p in params), kind=kind)
    cdf = {"x": f"{path}.pdf{call}", "loc": f"-{path}.pdf{call}", "scale": f"-{path}.pdf{call} * {_Z}"}
    scalar(f"{path}.cdf({signature})", *(cdf.get(p) for p in params), kind=kind)
    over_cdf = {  # the partials of the cdf over the cdf, with no 0 / 0 far in the lower tail
        "x": f"np.exp({path}.logpdf{call} - ans)",
        "loc": f"-np.exp({path}.logpdf{call} - ans)",
        "scale": f"-np.exp({path}.logpdf{call} - ans) * {_Z}",
    }
    scalar(f"{path}.logcdf({signature})", *(over_cdf.get(p) for p in params), kind=kind)
    pdf, density = f"{path}.pdf{call}", f"np.exp({path}.logpdf{call} - ans)"
    sf = {"x": f"-{pdf}", "loc": pdf, "scale": f"{pdf} * {_Z}"}  # 1 - cdf
    scalar(f"{path}.sf({signature})", *(sf.get(p) for p in params), kind=kind)
    over_sf = {"x": f"-{density}", "loc": density, "scale": f"{density} * {_Z}"}
    scalar(f"{path}.logsf({signature})", *(over_sf.get(p) for p in params), kind=kind)
    # x = ppf(q) solves cdf(x) = q: dx/dq = 1 / pdf(x), and x = loc + scale * z
    at_ans = f"(ans, {', '.join((*shapes, 'loc', 'scale'))})"
    ppf = {"q": f"1 / {path}.pdf{at_ans}", "loc": "1", "scale": "(ans - loc) / scale"}
    q_params = ("q", *shapes, "loc", "scale")
    q_signature = ", ".join(("q", *shapes, "loc=0", "scale=1"))
    scalar(f"{path}.ppf({q_signature})", *(ppf.get(p) for p in q_params), kind=_elementwise(*q_params))


def _from_z(dz: str, **shapes: str) -> dict[str, str]:
    """The partials of ``log f(z) - log(scale)`` from ``dz``, the derivative of ``log f`` in ``z``."""
    return {
        "x": f"({dz}) / scale",
        "loc": f"-({dz}) / scale",
        "scale": f"-(1 + ({dz}) * {_Z}) / scale",
        **shapes,
    }


_location_scale(
    "norm",
    (),
    {"x": "-(x - loc) / scale ** 2", "loc": "(x - loc) / scale ** 2", "scale": f"({_Z} ** 2 - 1) / scale"},
)
_location_scale(
    "t",
    ("df",),
    _from_z(
        f"-(df + 1) * {_Z} / (df + {_Z} ** 2)",
        df=f"(scipy.special.digamma((df + 1) / 2) - scipy.special.digamma(df / 2) - 1 / df "
        f"- np.log1p({_Z} ** 2 / df) + (df + 1) * {_Z} ** 2 / (df * (df + {_Z} ** 2))) / 2",
    ),
)
_location_scale(
    "gamma",
    ("a",),
    _from_z(f"(a - 1) / {_Z} - 1", a=f"np.log({_Z}) - scipy.special.digamma(a)"),
)
_location_scale(
    "beta",
    ("a", "b"),
    _from_z(
        f"(a - 1) / {_Z} - (b - 1) / (1 - {_Z})",
        a=f"np.log({_Z}) - scipy.special.digamma(a) + scipy.special.digamma(a + b)",
        b=f"np.log1p(-{_Z}) - scipy.special.digamma(b) + scipy.special.digamma(a + b)",
    ),
)
_location_scale(
    "chi2",
    ("df",),
    _from_z(
        f"(df / 2 - 1) / {_Z} - 1 / 2",
        df=f"(np.log({_Z}) - np.log(2) - scipy.special.digamma(df / 2)) / 2",
    ),
)

# ------------------------------------------------------------------- Poisson
# in mu only: k counts and loc shifts them, whole numbers both
_POISSON = "scipy.stats.poisson.{}(k, mu, loc=0)"
_kind = _elementwise("k", "mu", "loc")
scalar(_POISSON.format("logpmf"), None, "(k - loc) / mu - 1", None, kind=_kind)
scalar(_POISSON.format("pmf"), None, "ans * ((k - loc) / mu - 1)", None, kind=_kind)
# d/dmu P(X <= k) = -P(X = floor(k))
scalar(_POISSON.format("cdf"), None, "-scipy.stats.poisson.pmf(np.floor(k), mu, loc)", None, kind=_kind)
scalar(
    _POISSON.format("logcdf"),
    None,
    "-np.exp(scipy.stats.poisson.logpmf(np.floor(k), mu, loc) - ans)",
    None,
    kind=_kind,
)

# -------------------------------------------------------- multivariate normal
# With r = x - mean (a vector, or one per row) and s = cov^-1 r: d/dx = -s, d/dmean = s,
# d/dcov = (s s^T - cov^-1) / 2, for each row. SciPy reads the lower triangle of cov, as
# np.linalg.cholesky does: the derivative goes there (2 phi of the symmetric one). With
# allow_singular=True the density is that of the subspace cov spans, with the pseudo-inverse
# and pseudo-determinant, at SciPy's cutoff for the rank: the same formulas, at fixed rank,
# with pinv(cov) for cov^-1 (where r lies in that subspace, as it must for a density).
_R = "(x if mean is None else x - mean)"
_COV = "(np.tril(cov) + np.tril(cov, -1).T)"  # the matrix SciPy reads
_COV_DOT = "(np.tril(cov_dot) + np.tril(cov_dot, -1).T)"
_PINV = f"np.linalg.pinv({_COV}, rcond=1e6 * np.finfo(float).eps)"  # SciPy's cutoff


def _mvn_templates(solve, inverse: str) -> dict[str, dict[str, str]]:
    """The rule's templates, with ``solve(m)`` for cov^-1 m and ``inverse`` for cov^-1."""
    s = solve(f"{_R}.T")
    cov_g = f"(np.outer({s}, {s}) * g if x.ndim == 1 else ({s} * g) @ {s}.T) - np.sum(g) * {inverse}"
    return {
        "vjp": {
            "x": f"-({s} * g).T",
            "mean": f"unbroadcast({s} * g if x.ndim == 1 else {s} @ g, mean)",
            "cov": phi(cov_g),  # 2 phi of the symmetric derivative, cov_g / 2
        },
        "jvp": {
            "x": f"-np.sum(x_dot.T * {s}, axis=0)",
            "mean": f"mean_dot @ {s}",
            "cov": f"(np.sum({s} * ({_COV_DOT} @ {s}), axis=0) - np.trace({solve(_COV_DOT)})) / 2",
        },
    }


_REGULAR = _mvn_templates(lambda m: f"np.linalg.solve({_COV}, {m})", f"np.linalg.inv({_COV})")
_SINGULAR = _mvn_templates(lambda m: f"({_PINV} @ {m})", _PINV)
_NOT_A_MATRIX = "fail('scipy.stats.multivariate_normal with a cov that is not a matrix')"


def _matrix_cov(mode: str, param: str, edit=lambda t: t) -> str:
    regular, singular = edit(_REGULAR[mode][param]), edit(_SINGULAR[mode][param])
    return f"({singular} if allow_singular else {regular}) if cov.ndim == 2 else {_NOT_A_MATRIX}"


def _mvn_kind(a: dict[str, Arg]) -> Kind:
    x = a["x"].kind
    if x.ndim == 1:
        return Kind(np.generic, (), "f")
    if x.ndim == 2:
        return Kind(np.ndarray, (x.dims[0],), "f")
    return Kind(np.ndarray, None, "f")


def _pdf_vjp(t: str) -> str:
    return re.sub(r"\bg\b", "(g * ans)", t)


_MVN_SIGNATURE = "(x, mean=None, cov=1, allow_singular=False)"
_MVN_PARAMS = ("x", "mean", "cov")
rule(
    f"scipy.stats.multivariate_normal.logpdf{_MVN_SIGNATURE}",
    vjp={p: _matrix_cov("vjp", p) for p in _MVN_PARAMS},
    jvp={p: _matrix_cov("jvp", p) for p in _MVN_PARAMS},
    kind=_mvn_kind,
)
rule(
    f"scipy.stats.multivariate_normal.pdf{_MVN_SIGNATURE}",
    vjp={p: _matrix_cov("vjp", p, _pdf_vjp) for p in _MVN_PARAMS},
    jvp={p: _matrix_cov("jvp", p, lambda t: f"ans * ({t})") for p in _MVN_PARAMS},
    kind=_mvn_kind,
)
# (rank (log(2 pi) + 1) + log pdet(cov)) / 2, with SciPy's rank: d/dcov = pinv(cov) / 2 (the
# inverse, for a regular cov), and the mean does not count
_ENTROPY_COV = f"{_PINV} if cov.ndim == 2 else {_NOT_A_MATRIX}"
rule(
    "scipy.stats.multivariate_normal.entropy(mean=None, cov=1)",
    vjp={"mean": ZERO, "cov": phi(f"g * ({_ENTROPY_COV})")},
    jvp={"mean": ZERO, "cov": f"np.trace(({_ENTROPY_COV}) @ {_COV_DOT}) / 2"},
    kind=lambda a: Kind(np.generic, (), "f"),
)

# ------------------------------------------------------------------ Dirichlet
# log Gamma(sum alpha) - sum log Gamma(alpha) + sum (alpha - 1) log x, the components of x
# along its first axis (x a vector, or one column per point). SciPy also takes x with one
# component fewer than alpha (the last is 1 - the sum): the rules ask for all of them.
_ALPHA = "as_array(alpha)"
_BY_ALPHA = f"scipy.special.digamma(np.sum({_ALPHA})) - scipy.special.digamma({_ALPHA})"
_FEWER = "fail('scipy.stats.dirichlet with one component of x fewer than alpha: pass x with all of them')"


def _all_of_x(template: str) -> str:
    return f"{template} if len(x) == len(alpha) else {_FEWER}"


def _dirichlet(g: str) -> dict[str, str]:
    return {
        "x": _all_of_x(f"(({_ALPHA} - 1) / x.T).T * {g}"),
        "alpha": _all_of_x(f"({_BY_ALPHA}) * np.sum({g}) + np.dot(np.log(x), {g})"),
    }


def _dirichlet_jvp(scale: str) -> dict[str, str]:
    return {
        "x": _all_of_x(f"{scale}(({_ALPHA} - 1) @ (x_dot / x))"),
        "alpha": _all_of_x(f"{scale}(np.sum(alpha_dot * ({_BY_ALPHA})) + alpha_dot @ np.log(x))"),
    }


def _dirichlet_kind(a: dict[str, Arg]) -> Kind:
    x = a["x"].kind
    if x.ndim == 1:
        return Kind(np.generic, (), "f")
    if x.ndim == 2:
        return Kind(np.ndarray, (x.dims[1],), "f")
    return Kind(np.ndarray, None, "f")


rule(
    "scipy.stats.dirichlet.logpdf(x, alpha)",
    vjp=_dirichlet("g"),
    jvp=_dirichlet_jvp(""),
    kind=_dirichlet_kind,
)
rule(
    "scipy.stats.dirichlet.pdf(x, alpha)",
    vjp=_dirichlet("(g * ans)"),
    jvp=_dirichlet_jvp("ans * "),
    kind=_dirichlet_kind,
)
