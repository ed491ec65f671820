"""Rules for ``scipy.special``: loaded when the user's code has imported it (SciPy is optional).

Generated code names these functions ``scipy.special.expit`` whatever the
import style, and the templates use SciPy too: the derivative of ``gammaln``
is ``digamma``, whose derivative is ``polygamma(1, x)``, and so on, so every
rule can be differentiated again.

>>> from s2sad import ir
>>> from s2sad.rules import lookup
>>> lookup(ir.call_op(scipy.special.gammaln, "scipy.special.gammaln")).jvp["x"]
'x_dot * (scipy.special.digamma(x))'
"""

import numpy as np
import scipy.special  # noqa: F401  (in sys.modules, templates can name it)

from ..ir.kinds import Kind, broadcast
from .kindrules import Arg, reduced, same_as
from .registry import ZERO, rule, scalar, table

table("scipy.special")


def _elementwise(*params: str):
    """NumPy values (a 0-d result is a NumPy float), of the arguments' broadcast shape."""
    return lambda a: broadcast(*(a[p].kind for p in params), numpy=True, dtype="f+")


_SQRT_PI = "np.sqrt(np.pi)"
_SQRT_2PI = "np.sqrt(2 * np.pi)"

scalar("scipy.special.expit(x)", "ans * (1 - ans)", kind=_elementwise("x"))
scalar("scipy.special.logit(x)", "1 / (x * (1 - x))", kind=_elementwise("x"))
scalar("scipy.special.gammaln(x)", "scipy.special.digamma(x)", kind=_elementwise("x"))
scalar("scipy.special.gamma(x)", "ans * scipy.special.digamma(x)", kind=_elementwise("x"))
scalar("scipy.special.digamma(x)", "scipy.special.polygamma(1, x)", kind=_elementwise("x"))
scalar(
    "scipy.special.polygamma(n, x)", None, "scipy.special.polygamma(n + 1, x)", kind=_elementwise("n", "x")
)
scalar(
    "scipy.special.betaln(a, b)",
    "scipy.special.digamma(a) - scipy.special.digamma(a + b)",
    "scipy.special.digamma(b) - scipy.special.digamma(a + b)",
    kind=_elementwise("a", "b"),
)
scalar(
    "scipy.special.beta(a, b)",
    "ans * (scipy.special.digamma(a) - scipy.special.digamma(a + b))",
    "ans * (scipy.special.digamma(b) - scipy.special.digamma(a + b))",
    kind=_elementwise("a", "b"),
)
scalar("scipy.special.erf(x)", f"2 / {_SQRT_PI} * np.exp(-(x**2))", kind=_elementwise("x"))
scalar("scipy.special.erfc(x)", f"-2 / {_SQRT_PI} * np.exp(-(x**2))", kind=_elementwise("x"))
scalar("scipy.special.erfinv(x)", f"{_SQRT_PI} / 2 * np.exp(ans**2)", kind=_elementwise("x"))
scalar("scipy.special.erfcinv(x)", f"-{_SQRT_PI} / 2 * np.exp(ans**2)", kind=_elementwise("x"))
scalar("scipy.special.ndtr(x)", f"np.exp(-(x**2) / 2) / {_SQRT_2PI}", kind=_elementwise("x"))
scalar("scipy.special.ndtri(x)", f"{_SQRT_2PI} * np.exp(ans**2 / 2)", kind=_elementwise("x"))
# the density over the probability, as one exponential: no 0 / 0 far in the lower tail
scalar("scipy.special.log_ndtr(x)", f"np.exp(-(x**2) / 2 - ans) / {_SQRT_2PI}", kind=_elementwise("x"))
scalar("scipy.special.xlogy(x, y)", "np.log(y)", "x / y", kind=_elementwise("x", "y"))
scalar("scipy.special.xlog1py(x, y)", "np.log1p(y)", "x / (1 + y)", kind=_elementwise("x", "y"))
scalar("scipy.special.i0(x)", "scipy.special.i1(x)", kind=_elementwise("x"))
# i1' = i0 - i1 / x, written so that it holds at 0 too (where it is 1/2)
scalar("scipy.special.i1(x)", "(scipy.special.i0(x) + scipy.special.iv(2, x)) / 2", kind=_elementwise("x"))
scalar(
    "scipy.special.iv(v, z)",
    None,
    "(scipy.special.iv(v - 1, z) + scipy.special.iv(v + 1, z)) / 2",
    kind=_elementwise("v", "z"),
)
# ive(v, z) = iv(v, z) exp(-|z|)
scalar(
    "scipy.special.ive(v, z)",
    None,
    "(scipy.special.ive(v - 1, z) + scipy.special.ive(v + 1, z)) / 2 - np.sign(z) * ans",
    kind=_elementwise("v", "z"),
)
# Bessel functions of the first and second kind: J0' = -J1, J1' = (J0 - J2) / 2, and so on
# (jn is jv, for whole orders)
scalar("scipy.special.j0(x)", "-scipy.special.j1(x)", kind=_elementwise("x"))
scalar("scipy.special.j1(x)", "(scipy.special.j0(x) - scipy.special.jv(2, x)) / 2", kind=_elementwise("x"))
scalar("scipy.special.y0(x)", "-scipy.special.y1(x)", kind=_elementwise("x"))
scalar("scipy.special.y1(x)", "(scipy.special.y0(x) - scipy.special.yn(2, x)) / 2", kind=_elementwise("x"))
for _bessel in ("jv", "yv", "yn"):
    scalar(
        f"scipy.special.{_bessel}(v, z)",
        None,
        f"(scipy.special.{_bessel}(v - 1, z) - scipy.special.{_bessel}(v + 1, z)) / 2",
        kind=_elementwise("v", "z"),
    )
scalar("scipy.special.rgamma(x)", "-ans * scipy.special.digamma(x)", kind=_elementwise("x"))
scalar("scipy.special.gammasgn(x)", ZERO, kind=_elementwise("x"))  # -1 or 1, piecewise constant
# log of the multivariate gamma function: the sum of log Gamma(a - j / 2) for j < d, and a constant
scalar(
    "scipy.special.multigammaln(a, d)",
    "np.sum(scipy.special.digamma(np.expand_dims(a, -1) - np.arange(d) / 2), axis=-1)",
    None,
    kind=_elementwise("a"),
)
# the regularised incomplete gamma and beta functions, in x (in a and b they have no closed form)
_GAMMA_DENSITY = "np.exp((a - 1) * np.log(x) - x - scipy.special.gammaln(a))"
scalar("scipy.special.gammainc(a, x)", None, _GAMMA_DENSITY, kind=_elementwise("a", "x"))
scalar("scipy.special.gammaincc(a, x)", None, f"-{_GAMMA_DENSITY}", kind=_elementwise("a", "x"))
scalar(
    "scipy.special.betainc(a, b, x)",
    None,
    None,
    "np.exp((a - 1) * np.log(x) + (b - 1) * np.log1p(-x) - scipy.special.betaln(a, b))",
    kind=_elementwise("a", "b", "x"),
)

# ------------------------------------------------------------------ reductions
_SIGN = "fail('scipy.special.logsumexp with return_sign=True: use return_sign=False')"
_WEIGHTS = "np.exp(a - expand(ans, a, axis, keepdims))"  # softmax(a) over the reduced axes
rule(
    "scipy.special.logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False)",
    vjp={
        "a": f"{_SIGN} if return_sign else expand(g, a, axis, keepdims) * {_WEIGHTS} if b is None "
        f"else unbroadcast(expand(g, a, axis, keepdims) * b * {_WEIGHTS}, a)",
        "b": f"{_SIGN} if return_sign else unbroadcast(expand(g, a, axis, keepdims) * {_WEIGHTS}, b)",
    },
    jvp={
        "a": f"{_SIGN} if return_sign else np.sum(a_dot * {_WEIGHTS}, axis=axis, keepdims=keepdims) "
        f"if b is None else np.sum(a_dot * b * {_WEIGHTS}, axis=axis, keepdims=keepdims)",
        "b": f"{_SIGN} if return_sign else np.sum(b_dot * {_WEIGHTS}, axis=axis, keepdims=keepdims)",
    },
    kind=lambda a: _logsumexp_kind(a),
)
rule(
    "scipy.special.softmax(x, axis=None)",
    vjp={"x": "ans * (g - np.sum(g * ans, axis=axis, keepdims=True))"},
    jvp={"x": "ans * (x_dot - np.sum(x_dot * ans, axis=axis, keepdims=True))"},
    kind=same_as("x", dtype="f+"),
)
rule(
    "scipy.special.log_softmax(x, axis=None)",
    vjp={"x": "g - np.exp(ans) * np.sum(g, axis=axis, keepdims=True)"},
    jvp={"x": "x_dot - np.sum(np.exp(ans) * x_dot, axis=axis, keepdims=True)"},
    kind=same_as("x", dtype="f+"),
)


def _logsumexp_kind(a: dict[str, Arg]) -> Kind:
    k = reduced("a", dtype="f+")(a)
    if k.dims == () and k.type is not np.ndarray:
        return Kind(np.generic, (), k.dtype)
    return k
