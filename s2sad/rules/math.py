"""Rules for the ``math`` module: one row per function, its partial derivatives.

``ans`` is the result, so ``exp``, ``sqrt`` and ``tanh`` reuse it.
"""

from ..ir.kinds import BOOL, FLOAT, INT
from .kindrules import always
from .registry import ZERO, linear, nondiff, scalar, table

table("math")

scalar("math.sin(x)", "math.cos(x)")
scalar("math.cos(x)", "-math.sin(x)")
scalar("math.tan(x)", "1 + ans ** 2")
scalar("math.asin(x)", "1 / math.sqrt(1 - x ** 2)")
scalar("math.acos(x)", "-1 / math.sqrt(1 - x ** 2)")
scalar("math.atan(x)", "1 / (1 + x ** 2)")
scalar("math.atan2(y, x)", "x / (x ** 2 + y ** 2)", "-y / (x ** 2 + y ** 2)")
scalar("math.sinh(x)", "math.cosh(x)")
scalar("math.cosh(x)", "math.sinh(x)")
scalar("math.tanh(x)", "1 - ans ** 2")
scalar("math.asinh(x)", "1 / math.sqrt(x ** 2 + 1)")
scalar("math.acosh(x)", "1 / math.sqrt(x ** 2 - 1)")
scalar("math.atanh(x)", "1 / (1 - x ** 2)")
scalar("math.exp(x)", "ans")
scalar("math.expm1(x)", "ans + 1")
scalar(
    "math.log(x, base=None)",  # log(x, base) == log(x) / log(base)
    "1 / x if base is None else 1 / (x * math.log(base))",
    "-ans / (base * math.log(base))",
)
scalar("math.log1p(x)", "1 / (1 + x)")
scalar("math.log2(x)", "1 / (x * math.log(2))")
scalar("math.log10(x)", "1 / (x * math.log(10))")
scalar("math.sqrt(x)", "0.5 / ans")
scalar("math.pow(x, y)", "power_dx(x, y)", "power_dy(ans, x)")
scalar("math.hypot(x, y)", "x / ans", "y / ans")
scalar("math.erf(x)", "2 / math.sqrt(math.pi) * math.exp(-x ** 2)")
scalar("math.erfc(x)", "-2 / math.sqrt(math.pi) * math.exp(-x ** 2)")
scalar("math.fabs(x)", "math.copysign(1.0, x)")
scalar("math.copysign(x, y)", "math.copysign(1.0, x) * math.copysign(1.0, y)", ZERO)
scalar("math.degrees(x)", "180 / math.pi")
scalar("math.radians(x)", "math.pi / 180")

for name in ("floor", "ceil", "trunc", "factorial", "gcd", "comb", "perm"):
    nondiff(
        f"math.{name}(x)" if name in ("floor", "ceil", "trunc", "factorial") else f"math.{name}(x, y)",
        kind=always(INT),
    )
for name in ("isnan", "isinf", "isfinite"):
    nondiff(f"math.{name}(x)", kind=always(BOOL))
nondiff("math.isclose(a, b, rel_tol=1e-09, abs_tol=0.0)", kind=always(BOOL))
scalar("math.fmod(x, y)", "1", "-math.trunc(x / y)")  # fmod(x, y) == x - y * trunc(x / y)
# sum(seq), correctly rounded: each item gets the cotangent
linear("math.fsum(seq)", seq="spread(g, seq)", kind=always(FLOAT))
