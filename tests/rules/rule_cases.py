"""Test cases for every derivative rule, keyed by the rule's pattern.

A case is an expression over named arguments and how to draw each argument:
a Python float ``S(lo, hi)``, an array ``A(shape, lo, hi)``, an int ``I(n)``,
or a fixed value ``V(value)``. ``test_rules`` differentiates every case in
reverse mode with respect to its float arguments and compares with central
differences. A rule in the tables without an entry here fails
``test_every_rule_has_cases``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from s2sad import MissingRuleError


@dataclass(frozen=True)
class S:
    """A Python float drawn from [lo, hi]."""

    lo: float = -2.0
    hi: float = 2.0

    def draw(self, rng):
        return float(rng.uniform(self.lo, self.hi))


@dataclass(frozen=True)
class A:
    """A float array of ``shape`` drawn from [lo, hi]."""

    shape: tuple
    lo: float = -2.0
    hi: float = 2.0

    def draw(self, rng):
        return rng.uniform(self.lo, self.hi, size=self.shape)


@dataclass(frozen=True)
class I:
    """A Python int (not differentiated)."""

    value: int

    def draw(self, rng):
        return self.value


@dataclass(frozen=True)
class V:
    """A fixed value (not differentiated unless it is a float)."""

    value: object

    def draw(self, rng):
        return self.value


@dataclass(frozen=True)
class Case:
    expr: str
    args: dict = field(default_factory=dict)
    tol: float = 1e-5
    error: type | None = None  # the error differentiating it must raise
    twice: bool = True  # whether the second derivative exists there (test_second_order)

    @property
    def params(self) -> list[str]:
        return list(self.args)


def case(expr: str, tol: float = 1e-5, error: type | None = None, twice: bool = True, **args) -> Case:
    return Case(expr, args, tol, error, twice)


def pos(*shape):
    return A(shape, 0.5, 2.0) if shape else S(0.5, 2.0)


def unit(*shape):
    return A(shape, -0.9, 0.9) if shape else S(-0.9, 0.9)


def big(*shape):
    return A(shape, 1.2, 3.0) if shape else S(1.2, 3.0)


def any_(*shape):
    return A(shape) if shape else S()


def unary(pattern: str, domain=any_, scalar: bool = True) -> list[Case]:
    """A float, a vector and a matrix."""
    out = [case(pattern, x=domain(3)), case(pattern, x=domain(2, 3))]
    if scalar:
        out.insert(0, case(pattern, x=domain()))
    return out


def binary(pattern: str, dx=any_, dy=any_, scalar: bool = True) -> list[Case]:
    """Both floats, equal shapes, and broadcasting every way."""
    out = [
        case(pattern, x=dx(2, 3), y=dy(2, 3)),
        case(pattern, x=dx(2, 3), y=dy(3)),
        case(pattern, x=dx(3), y=dy(2, 3)),
        case(pattern, x=dx(2, 1), y=dy(1, 3)),
        case(pattern, x=dx(2, 3), y=dy()),
        case(pattern, x=dx(), y=dy(3)),
    ]
    if scalar:
        out.insert(0, case(pattern, x=dx(), y=dy()))
    return out


def renamed(cases: list[Case], **names: str) -> list[Case]:
    """The same cases with parameters renamed (x -> a)."""
    out = []
    for c in cases:
        expr = c.expr
        args = {}
        for k, v in c.args.items():
            args[names.get(k, k)] = v
        out.append(Case(expr, args, c.tol, c.error, c.twice))
    return out


CASES: dict[str, list[Case]] = {}


def add(pattern: str, cases: list[Case]) -> None:
    CASES.setdefault(pattern, []).extend(cases)


# ------------------------------------------------------------------ operators
add("x + y", binary("x + y"))
add("x - y", binary("x - y"))
add("x * y", binary("x * y") + [case("x * x", x=S()), case("x * x", x=A((3,)))])
add("x / y", binary("x / y", dy=pos))
add(
    "x ** y",
    binary("x ** y", dx=pos)
    + [
        case("x ** 2", x=S()),
        case("x ** 3", x=A((2, 3))),
        case("x ** -1.5", x=pos(3)),
        case("2.0 ** y", y=S()),
        case("x ** 0.5", x=pos()),
        # at zero: x ** 0 is constant, 0 ** y is 0 for y > 0 (no 0.0 ** -1, no log 0)
        case("x ** 0.0", x=S(0.0, 0.0)),
        case("x ** 0", x=A((3,), 0.0, 0.0)),
        case("0.0 ** y", y=pos()),
        case(
            "(x * np.array([0.0, 1.0])) ** (y * np.array([1.0, 0.0]))",
            x=A((2,), 1.5, 1.5),
            y=A((2,), 2.0, 2.0),
        ),
        case("x ** n", x=S(0.0, 0.0), n=I(0)),
        case("x ** n", x=S(0.0, 0.0), n=I(2)),
    ],
)
add("x % y", binary("x % y", dx=pos, dy=big) + [case("x % 1.5", x=A((4,), -3.0, 3.0))])
add("-x", unary("-x"))
add("+x", unary("+x"))
add("x // y", [case("y * (x // 0.7)", x=S(), y=S()), case("y * (x // 0.7)", x=A((3,)), y=A((3,)))])
add("x & y", [case("x * (n & 3)", x=S(), n=I(5))])
add("x | y", [case("x * (n | 2)", x=A((3,)), n=I(5))])
add("x ^ y", [case("x * (n ^ 1)", x=S(), n=I(6))])
add("x << y", [case("x * (n << 2)", x=S(), n=I(3))])
add("x >> y", [case("x * (n >> 1)", x=S(), n=I(9))])
add("~x", [case("x * ~n", x=S(), n=I(4))])
for op in ("<", "<=", ">", ">=", "==", "!="):
    add(f"x {op} y", [case(f"x * (x {op} y)", x=S(), y=S()), case(f"x * (x {op} y)", x=A((4,)), y=A((4,)))])
add("x is y", [case("x * (n is None)", x=S(), n=V(None))])
add("x is not y", [case("x * (n is not None)", x=S(), n=V(None))])
add("x in y", [case("x * (n in (1, 2))", x=S(), n=I(2))])
add("x not in y", [case("x * (n not in (1, 2))", x=S(), n=I(3))])
add("not x", [case("x * (not n)", x=S(), n=I(0))])

# ------------------------------------------------------------------- builtins
add("abs(x)", unary("abs(x)"))
add(
    "max(a, b)",
    [case("max(x, y)", x=S(), y=S()), case("max(x, 0.5)", x=S()), case("max(x, y, z)", x=S(), y=S(), z=S())],
)
add("min(a, b)", [case("min(x, y)", x=S(), y=S()), case("min(0.5, y)", y=S())])
add(
    "max(iterable)",
    [
        case("max([x, y, z])", x=S(), y=S(), z=S()),
        case("max((x * 2.0, 0.5, x * y)) * y", x=S(), y=S()),
        case("max(x)", x=A((4,))),
        case("max([x, x]) * x", x=S()),  # a tie: the first item gets the cotangent
    ],
)
add("min(iterable)", [case("min([x, y * y, 0.5])", x=S(), y=S()), case("min(x * y)", x=A((3,)), y=S())])
add(
    "pow(x, y)",
    [case("pow(x, y)", x=pos(), y=S()), case("pow(x, 3)", x=A((3,))), case("pow(0.0, y)", y=pos())],
)
add("float(x)", [case("float(x) * x", x=S()), case("float(np.sum(x))", x=A((3,)))])
add(
    "sum(a, start=0)",
    [case("sum(x)", x=A((4,))), case("sum(x, y)", x=A((3, 2)), y=A((2,))), case("sum(x, 1.5)", x=A((3,)))],
)
add("int(x)", [case("x * int(y)", x=S(), y=S(0.2, 5.0))])
add("round(x)", [case("x * round(y)", x=S(), y=S(0.2, 5.0))])
add("len(x)", [case("np.sum(x) * len(x)", x=A((3,)))])
add("bool(x)", [case("x * bool(y)", x=S(), y=S(0.5, 1.0))])
add("isinstance(x, t)", [case("x * isinstance(x, float)", x=S())])
add(
    "list(x)",
    [case("list((x, y))[0] * list([y, x])[1]", x=A((3,)), y=S()), case("np.sum(list(x)[1] * x)", x=A((3,)))],
)
add(
    "tuple(x)",
    [
        case("tuple([y, x])[1] * tuple((x, y))[0]", x=A((3,)), y=S()),
        case("np.sum(tuple(x)[1] * x)", x=A((3,))),
    ],
)
add(
    "dict(x)",
    [
        case("dict({'u': x, 'v': y})['u'] * y", x=A((3,)), y=S()),
        case("dict(zip(('u', 'v', 'u'), x * y))['u'] * y", x=A((3,)), y=S()),  # pairs; a key twice
    ],
)
add(
    "unpaired(value, pairs)",
    [
        case("unpaired({'u': x, 'v': y}, [('u', 1.0), ('v', 2.0), ('u', 3.0)])[2][1] * y", x=S(), y=S()),
        case("np.sum(unpaired({'u': x * y}, {'u': x})['u'])", x=A((2,)), y=S()),
    ],
)
add(
    "paired(value, pairs)",
    [
        case("paired([[0.0, x], [0.0, y * x]], [('u', 1.0), ('v', 2.0)])['v'] * x", x=S(), y=S()),
        case("np.sum(paired({'u': x * y}, {'u': x})['u'])", x=A((2,)), y=S()),
    ],
)
add("range(start, stop=None, step=None)", [case("x * len(range(3))", x=S())])

# ----------------------------------------------------------------------- math
for name, domain in [
    ("sin", any_),
    ("cos", any_),
    ("tan", unit),
    ("asin", unit),
    ("acos", unit),
    ("atan", any_),
    ("sinh", any_),
    ("cosh", any_),
    ("tanh", any_),
    ("asinh", any_),
    ("acosh", big),
    ("atanh", unit),
    ("exp", any_),
    ("expm1", any_),
    ("log1p", pos),
    ("log2", pos),
    ("log10", pos),
    ("sqrt", pos),
    ("erf", any_),
    ("erfc", any_),
    ("fabs", any_),
    ("degrees", any_),
    ("radians", any_),
]:
    add(f"math.{name}(x)", [case(f"math.{name}(x)", x=domain())])
add("math.atan2(y, x)", [case("math.atan2(y, x)", y=S(), x=S())])
add(
    "math.fsum(seq)",
    [case("math.fsum([x, x * y, y]) * y", x=S(), y=S()), case("math.fsum((x, 2.0 * x))", x=S())],
)
add(
    "math.log(x, base=None)",
    [case("math.log(x)", x=pos()), case("math.log(x, b)", x=pos(), b=big()), case("math.log(x, 2)", x=pos())],
)
add(
    "math.pow(x, y)",
    [
        case("math.pow(x, y)", x=pos(), y=S()),
        case("math.pow(x, 2)", x=S()),
        case("math.pow(0.0, y)", y=pos()),
    ],
)
add("math.hypot(x, y)", [case("math.hypot(x, y)", x=S(), y=S())])
add("math.copysign(x, y)", [case("math.copysign(x, y)", x=S(), y=S())])
add("math.fmod(x, y)", [case("math.fmod(x, y)", x=S(-5, 5), y=big())])
for name in ("floor", "ceil", "trunc"):
    add(f"math.{name}(x)", [case(f"y * math.{name}(x)", x=S(0.1, 3.9), y=S())])
add("math.factorial(x)", [case("x * math.factorial(n)", x=S(), n=I(4))])
for name in ("gcd", "comb", "perm"):
    add(f"math.{name}(x, y)", [case(f"x * math.{name}(n, 2)", x=S(), n=I(6))])
for name in ("isnan", "isinf", "isfinite"):
    add(f"math.{name}(x)", [case(f"x * math.{name}(x)", x=S())])
add("math.isclose(a, b, rel_tol=1e-09, abs_tol=0.0)", [case("x * math.isclose(x, y)", x=S(), y=S())])

# -------------------------------------------------------------- numpy: elementwise
for name, domain in [
    ("sin", any_),
    ("cos", any_),
    ("tan", unit),
    ("arcsin", unit),
    ("arccos", unit),
    ("arctan", any_),
    ("sinh", any_),
    ("cosh", any_),
    ("tanh", any_),
    ("arcsinh", any_),
    ("arccosh", big),
    ("arctanh", unit),
    ("exp", any_),
    ("expm1", any_),
    ("exp2", any_),
    ("log", pos),
    ("log1p", pos),
    ("log2", pos),
    ("log10", pos),
    ("sqrt", pos),
    ("cbrt", pos),
    ("square", any_),
    ("reciprocal", pos),
    ("negative", any_),
    ("positive", any_),
    ("absolute", any_),
    ("fabs", any_),
    ("deg2rad", any_),
    ("rad2deg", any_),
]:
    add(f"np.{name}(x)", unary(f"np.{name}(x)", domain))
add("np.absolute(x)", unary("np.abs(x)"))
add("np.arctan2(y, x)", renamed(binary("np.arctan2(x, y)"), x="x", y="y"))
add(
    "np.power(x, y)",
    binary("np.power(x, y)", dx=pos)
    + [
        case("np.power(x, 2)", x=A((3,))),
        case("np.power(0.0, y)", y=pos()),
        case("np.power(x, 0.0)", x=S(0.0, 0.0)),
    ],
)
add("np.hypot(x, y)", binary("np.hypot(x, y)"))
add("np.logaddexp(x, y)", binary("np.logaddexp(x, y)"))
add("np.logaddexp2(x, y)", binary("np.logaddexp2(x, y)"))
for name in ("maximum", "minimum", "fmax", "fmin"):
    add(f"np.{name}(a, b)", binary(f"np.{name}(x, y)") + [case(f"np.{name}(x, 0.0)", x=A((5,)))])
for name in ("add", "subtract", "multiply"):
    add(f"np.{name}(x, y)", binary(f"np.{name}(x, y)"))
add("np.divide(x, y)", binary("np.divide(x, y)", dy=pos) + [case("np.true_divide(x, y)", x=S(), y=pos())])
add("np.remainder(x, y)", binary("np.mod(x, y)", dx=pos, dy=big))
add(
    "np.clip(a, a_min, a_max)",
    [
        case("np.clip(x, -1.0, 1.0)", x=A((6,))),
        case("np.clip(x, lo, hi)", x=A((6,)), lo=S(-1.5, -0.5), hi=S(0.5, 1.5)),
        case("np.clip(x, 0.0, None)", x=A((2, 3))),
        case("np.clip(x, lo, hi)", x=A((4,)), lo=A((4,), -2, -1), hi=A((4,), 1, 2)),
    ],
)
add(
    "np.where(condition, x, y)",
    [
        case("np.where(x > 0, x, y)", x=A((5,)), y=A((5,))),
        case("np.where(c, x, y)", c=V(np.array([True, False, True])), x=A((2, 3)), y=S()),
        case("np.where(x > y, x * y, 2.0)", x=A((2, 3)), y=A((3,))),
    ],
)
for name in ("sign", "floor", "ceil", "rint", "trunc"):
    add(f"np.{name}(x)", [case(f"y * np.{name}(x)", x=A((4,), 0.1, 3.9), y=A((4,)))])
add("np.round(a, decimals=0)", [case("y * np.round(x, 1)", x=A((4,), 0.11, 3.9), y=A((4,)))])
for name in ("isnan", "isinf", "isfinite", "signbit", "logical_not"):
    add(f"np.{name}(x)", [case(f"x * np.{name}(x)", x=A((4,)))])
for name in (
    "equal",
    "not_equal",
    "less",
    "less_equal",
    "greater",
    "greater_equal",
    "logical_and",
    "logical_or",
    "logical_xor",
    "isclose",
):
    add(f"np.{name}(x, y)", [case(f"x * np.{name}(x, y)", x=A((4,)), y=A((4,)))])
add("np.floor_divide(x, y)", [case("y * np.floor_divide(x, 0.7)", x=A((3,)), y=A((3,)))])

# --------------------------------------------------------------- numpy: reductions
for name in ("sum", "mean"):
    add(
        f"np.{name}(a, axis=None, dtype=None, out=None, keepdims=False)",
        [
            case(f"np.{name}(x)", x=A((2, 3))),
            case(f"np.{name}(x, axis=0)", x=A((2, 3))),
            case(f"np.{name}(x, axis=1)", x=A((2, 3))),
            case(f"np.{name}(x, -1, keepdims=True)", x=A((2, 3))),
            case(f"np.{name}(x, axis=(0, 2))", x=A((2, 3, 4))),
            case(f"x.{name}(axis=1)", x=A((2, 3, 4))),
            case(f"np.{name}(x)", x=S()),
            case(f"x.{name}()", x=A((3,))),
        ],
    )
add(
    "np.prod(a, axis=None, dtype=None, out=None, keepdims=False)",
    [
        case("np.prod(x)", x=A((4,))),
        case("np.prod(x)", x=S()),  # of a number: a float gradient, not a 0-d array
        case("np.prod(x, axis=1)", x=A((2, 3))),
        case("np.prod(x * m)", x=A((4,)), m=V(np.array([1.0, 0.0, 1.0, 1.0]))),
        case(
            "np.prod(x * m, axis=0, keepdims=True)",
            x=A((3, 2)),
            m=V(np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])),
        ),
        case("x.prod(axis=(0, 1))", x=A((2, 2, 3))),
    ],
)
for name in ("max", "amax", "min", "amin"):
    add(
        f"np.{name}(a, axis=None, out=None, keepdims=False)",
        [
            case(f"np.{name}(x)", x=A((5,))),
            case(f"np.{name}(x, axis=1)", x=A((3, 4))),
            case(f"np.{name}(x, axis=0, keepdims=True)", x=A((3, 4))),
            case(f"np.{name}(x * 0.0 + 1.0) * y", x=A((3,)), y=S()),
        ],
    )
add("np.max(a, axis=None, out=None, keepdims=False)", [case("x.max(axis=-1)", x=A((2, 3)))])
for name in ("var", "std"):
    add(
        f"np.{name}(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False)",
        [
            case(f"np.{name}(x)", x=A((5,))),
            case(f"np.{name}(x, axis=0)", x=A((4, 3))),
            case(f"np.{name}(x, axis=1, ddof=1)", x=A((3, 4))),
            case(f"x.{name}(keepdims=True)", x=A((2, 3))),
            # all values equal: the derivative is 0 (one value), not 0 / 0
            case(f"np.{name}(np.array([x]))", x=S()),
            case(f"np.{name}(x)", x=A((3,), 1.5, 1.5), twice=name == "var"),  # std: a kink there
            case(f"np.{name}(x, axis=0)", x=A((1, 3))),
        ],
    )
for name in ("argmax", "argmin"):
    add(f"np.{name}(a, axis=None, out=None, keepdims=False)", [case(f"y * np.{name}(x)", x=A((5,)), y=S())])
for name in ("any", "all"):
    add(
        f"np.{name}(a, axis=None, out=None, keepdims=False)",
        [case(f"y * np.{name}(x > 0)", x=A((4,)), y=S())],
    )
add("np.count_nonzero(a, axis=None, keepdims=False)", [case("y * np.count_nonzero(x > 0)", x=A((5,)), y=S())])

# ------------------------------------------------------------ numpy: constructors
for name in ("zeros", "ones"):
    add(
        f"np.{name}(shape, dtype=None)",
        [case(f"x + np.{name}(x.shape)", x=A((2, 3))), case(f"x * np.{name}(3)", x=S())],
    )
add("np.empty(shape, dtype=None)", [case("x * np.empty((2, 3)).size", x=S())])
for name in ("zeros_like", "ones_like"):
    add(f"np.{name}(a, dtype=None)", [case(f"x + np.{name}(x)", x=A((3,)))])
add("np.empty_like(a, dtype=None)", [case("x * np.empty_like(x).size", x=A((3,)))])
add(
    "np.full(shape, fill_value, dtype=None)",
    [case("np.full((2, 3), x)", x=S()), case("np.full(3, x) * y", x=S(), y=A((3,)))],
)
add("np.full_like(a, fill_value, dtype=None)", [case("np.full_like(y, x) * y", x=S(), y=A((2, 3)))])
add("np.eye(N, M=None, k=0, dtype=None)", [case("np.eye(3) @ x", x=A((3,)))])
add("np.identity(n, dtype=None)", [case("np.identity(3) * x", x=S())])
add(
    "np.linspace(start, stop, num=50, endpoint=True)",
    [case("np.linspace(x, y, 5)", x=S(), y=S()), case("np.linspace(0.0, y, 4, endpoint=False)", y=S())],
)
add(
    "np.arange(start, stop=None, step=None, dtype=None)",
    [case("np.arange(x, 4.0, s)", x=S(0.1, 0.4), s=S(0.6, 0.9)), case("x * np.arange(4)", x=S())],
)
add("np.shape(a)", [case("np.sum(x) * np.shape(x)[0]", x=A((3, 2)))])
add("np.ndim(a)", [case("np.sum(x) * np.ndim(x)", x=A((3, 2)))])
add("np.size(a, axis=None)", [case("np.sum(x) * np.size(x)", x=A((3, 2)))])
add("np.isscalar(element)", [case("x * np.isscalar(x)", x=S())])

# --------------------------------------------------------------------- arrays
add(
    "np.transpose(a, axes=None)",
    [
        case("np.transpose(x)", x=A((2, 3))),
        case("np.transpose(x, (1, 2, 0))", x=A((2, 3, 4))),
        case("x.transpose(2, 0, 1)", x=A((2, 3, 4))),
        case("x.transpose()", x=A((2, 3))),
    ],
)
add("x.T", [case("x.T", x=A((2, 3))), case("x.T @ y", x=A((3, 2)), y=A((3,)))])
add(
    "np.reshape(a, shape, order='C')",
    [
        case("np.reshape(x, (3, 2))", x=A((2, 3))),
        case("x.reshape(-1)", x=A((2, 3))),
        case("x.reshape(1, 6) * y", x=A((2, 3)), y=A((4, 1))),
    ],
)
add("np.ravel(a, order='C')", [case("np.ravel(x)", x=A((2, 3))), case("x.ravel()", x=A((2, 3)))])
add("x.flatten(order='C')", [case("x.flatten()", x=A((2, 3)))])
add(
    "np.squeeze(a, axis=None)",
    [case("np.squeeze(x)", x=A((2, 1, 3))), case("x.squeeze(axis=1)", x=A((2, 1)))],
)
add("np.expand_dims(a, axis)", [case("np.expand_dims(x, 1) * y", x=A((2,)), y=A((2, 3)))])
add("np.swapaxes(a, axis1, axis2)", [case("np.swapaxes(x, 0, 2)", x=A((2, 3, 4)))])
add(
    "np.broadcast_to(array, shape)",
    [case("np.broadcast_to(x, (4, 3))", x=A((3,))), case("np.broadcast_to(x, (2, 3))", x=S())],
)
add("np.copy(a)", [case("np.copy(x)", x=A((3,)))])
add("x.copy()", [case("x.copy() * 2.0", x=A((3,)))])
add("np.asarray(a, dtype=None)", [case("np.asarray(x)", x=A((3,))), case("np.asarray(x) * 2.0", x=S())])
add("np.array(a, dtype=None)", [case("np.array(x)", x=A((3,)))])
add("x.item()", [case("x.item() * 2.0", x=A((1,)))])
add(
    "x.tolist()",
    [case("x.tolist()[1][0] * x[0, 1]", x=A((2, 3))), case("np.array(x.tolist()) * 2.0", x=A((3,)))],
)
add(
    "x.astype(dtype)",
    [
        case("x.astype(float)", x=A((3,))),
        case("x.astype('float64') * 2.0", x=A((3,))),
        case("y * x.astype(int)", x=A((3,), 0.2, 3.0), y=A((3,))),
    ],
)
add("x.shape", [case("np.sum(x) * x.shape[0]", x=A((3, 2)))])
add("x.ndim", [case("np.sum(x) * x.ndim", x=A((3, 2)))])
add("x.size", [case("np.sum(x) / x.size", x=A((3, 2)))])
add("x.dtype", [case("x.astype(x.dtype)", x=A((3,)))])

# --------------------------------------------------------------------- linalg
MATMUL_SHAPES = [
    ((3, 4), (4, 2)),
    ((3,), (3, 4)),
    ((3, 4), (4,)),
    ((4,), (4,)),
    ((2, 3, 4), (2, 4, 5)),
    ((2, 3, 4), (4, 5)),
    ((3, 4), (2, 4, 5)),
]
add("a @ b", [case("x @ y", x=A(sx), y=A(sy)) for sx, sy in MATMUL_SHAPES])
add("np.matmul(a, b)", [case("np.matmul(x, y)", x=A(sx), y=A(sy)) for sx, sy in MATMUL_SHAPES[:5]])
add(
    "np.dot(a, b)",
    [case("np.dot(x, y)", x=A(sx), y=A(sy)) for sx, sy in MATMUL_SHAPES[:4]]
    + [case("np.dot(x, y)", x=S(), y=A((3,))), case("x.dot(y)", x=A((2, 3)), y=A((3,)))],
)
add(
    "np.outer(a, b)",
    [case("np.outer(x, y)", x=A((3,)), y=A((2,))), case("np.outer(x, y)", x=A((2, 2)), y=A((3,)))],
)
add(
    "np.inner(a, b)",
    [
        case("np.inner(x, y)", x=A((3,)), y=A((3,))),
        case("np.inner(x, y)", x=A((2, 3)), y=A((3,))),
        case("np.inner(x, y)", x=A((3,)), y=A((4, 3))),
        case("np.inner(x, y)", x=A((2, 3)), y=A((4, 3))),
    ],
)
add(
    "np.trace(a, offset=0, axis1=0, axis2=1, dtype=None, out=None)",
    [case("np.trace(x)", x=A((3, 3))), case("np.trace(x, 1)", x=A((3, 4))), case("x.trace()", x=A((2, 2)))],
)
add(
    "np.linalg.norm(x, ord=None, axis=None, keepdims=False)",
    [
        case("np.linalg.norm(x)", x=A((4,))),
        case("np.linalg.norm(x)", x=A((2, 3))),
        case("np.linalg.norm(x, axis=1)", x=A((2, 3))),
        case("np.linalg.norm(x, 'fro')", x=A((2, 3))),
        case("np.linalg.norm(x, 2)", x=A((3,))),
        case("np.linalg.norm(x, 1)", x=A((3,))),
        case("np.linalg.norm(x, axis=0, keepdims=True)", x=A((3, 2))),
    ],
)
WELL_CONDITIONED = V(np.array([[3.0, 0.5, 0.2], [0.1, 2.5, 0.3], [0.4, 0.2, 2.0]]))
add("np.linalg.inv(a)", [case("np.linalg.inv(m + x)", m=WELL_CONDITIONED, x=A((3, 3), -0.3, 0.3))])
add(
    "np.linalg.solve(a, b)",
    [
        case("np.linalg.solve(m + x, y)", m=WELL_CONDITIONED, x=A((3, 3), -0.3, 0.3), y=A((3,))),
        case("np.linalg.solve(m + x, y)", m=WELL_CONDITIONED, x=A((3, 3), -0.3, 0.3), y=A((3, 2))),
    ],
)
add("np.linalg.det(a)", [case("np.linalg.det(x)", x=A((3, 3))), case("np.linalg.det(x)", x=A((2, 2)))])
add("x[index]", [case("np.sum(x) * x.shape[0]", x=A((3, 2))), case("y * x.shape[-1]", x=A((2, 3)), y=S())])

# -------------------------------------------------- helpers of generated code
add(
    "unbroadcast(value, shape)",
    [case("unbroadcast(x, (3,))", x=A((2, 3))), case("unbroadcast(x, (2, 1))", x=A((2, 3)))],
)
add(
    "unreduce(value, shape, axis=None, keepdims=False)",
    [case("unreduce(x, (2, 3), 1)", x=A((2,))), case("unreduce(x, (2, 3))", x=S())],
)
add(
    "expand_reduced(value, axis=None, keepdims=False)",
    [case("expand_reduced(x, 1) * y", x=A((2,)), y=A((2, 3)))],
)
add("gradient_like(value, like)", [case("gradient_like(x, y) * y", x=S(), y=A((3,)))])
add("reduced_size(shape, axis=None)", [case("x * reduced_size((2, 3), 1)", x=S())])
add("first_extreme(keys, largest=True)", [case("x * first_extreme([x, 2.0 * x, x * x], False)", x=S())])
add("fail(message)", [case("x + fail('a rule met a case it does not cover')", x=S(), error=MissingRuleError)])
add(
    "prod_others(x, axis=None)",
    [
        case("prod_others(x)", x=A((3,))),
        case("prod_others(x * m)", x=A((4,)), m=V(np.array([1.0, 0.0, 1.0, 0.0]))),
        case("prod_others(x, 1)", x=A((2, 3))),
        case("prod_others(x, (0, 2))", x=A((2, 2, 3))),
        case("prod_others(x) * x", x=S()),
    ],
)
add(
    "prod_others_jvp(x, t, axis=None)",
    [
        case("prod_others_jvp(np.array([0.5, -1.5, 2.0]), t)", t=A((3,))),
        case("prod_others_jvp(np.array([[1.0, 2.0], [0.0, 1.0], [2.0, -1.0]]), t, 0)", t=A((3, 2))),
        case("prod_others_jvp(x, t)", x=A((3,)), t=A((3,)), error=MissingRuleError),
    ],
)
add(
    "matmul_vjp(ct, a, b, which)",
    [
        case("matmul_vjp(x, y, z, 0)", x=A((2, 2)), y=A((2, 3)), z=A((3, 2))),
        case("matmul_vjp(x, y, z, 1)", x=A((2, 2)), y=A((2, 3)), z=A((3, 2))),
        case("matmul_vjp(x, y, z, 0)", x=A((2,)), y=A((3,)), z=A((3, 2))),
        case("matmul_vjp(x, y, z, 1)", x=A((4,)), y=A((4, 3)), z=A((3,))),
        case("matmul_vjp(x, y, z, 0)", x=S(), y=A((3,)), z=A((3,))),
        case("matmul_vjp(x, y, z, 1)", x=S(), y=A((3,)), z=A((3,))),
        case("matmul_vjp(x, y, z, 0)", x=A((2, 4, 2)), y=A((2, 4, 3)), z=A((3, 2))),
        case("matmul_vjp(x, y, z, 1)", x=A((2, 4, 2)), y=A((4, 3)), z=A((2, 3, 2))),
    ],
)
add("zero_like(x)", [case("x + zero_like(x)", x=A((3,))), case("x * 2.0 + zero_like(x)", x=S())])

# -------------------------------------------------- joining and rearranging arrays
add(
    "np.concatenate(arrays, axis=0)",
    [
        case("np.concatenate([x, y])", x=A((2,)), y=A((3,))),
        case("np.concatenate((x, y, x), axis=1)", x=A((2, 2)), y=A((2, 3))),
        case("np.concatenate([x, y], axis=-1)", x=A((2, 1)), y=A((2, 2))),
    ],
)
add(
    "np.stack(arrays, axis=0)",
    [
        case("np.stack([x, y])", x=A((3,)), y=A((3,))),
        case("np.stack((x, y), axis=1)", x=A((2, 3)), y=A((2, 3))),
        case("np.stack([x, y, 2.0 * x], axis=-1)", x=A((2,)), y=A((2,))),
    ],
)
add(
    "np.hstack(tup)",
    [case("np.hstack([x, y])", x=A((2,)), y=A((3,))), case("np.hstack((x, y))", x=A((2, 1)), y=A((2, 3)))],
)
add(
    "np.vstack(tup)",
    [case("np.vstack([x, y])", x=A((3,)), y=A((3,))), case("np.vstack((x, y))", x=A((1, 3)), y=A((2, 3)))],
)
add(
    "np.flip(m, axis=None)",
    [
        case("np.flip(x)", x=A((2, 3))),
        case("np.flip(x, 1)", x=A((2, 3))),
        case("np.flip(x, axis=0) * y", x=A((3,)), y=A((3,))),
    ],
)
add(
    "np.sort(a, axis=-1)",
    [
        case("np.sort(x) * y", x=A((4,)), y=A((4,))),
        case("np.sort(x, axis=0) ** 2", x=A((3, 2))),
        case("np.sort(x * y, axis=None)[1:]", x=A((2, 3)), y=A((2, 3))),
        case("np.sort(x)[-1] * y", x=A((3,)), y=S()),
    ],
)
add(
    "sorted(iterable)",
    [
        case("sorted([x, y, x * y])[0] * y", x=S(), y=S()),
        case("sum(sorted((x * x, y))) * x", x=S(), y=S()),
    ],
)
add("take_sorted(value, a, axis=-1)", [case("take_sorted(x * y, y) * x", x=A((4,)), y=A((4,)))])
add("sorted_items(values, key)", [case("sorted_items([x, y * x], [y, x])[0] * y", x=S(), y=S())])
add("unsorted_items(values, key)", [case("unsorted_items([x, y], [y * y, x])[1] * x", x=S(), y=S())])
add("unsort(value, a, axis=-1)", [case("unsort(x * y, y, 0) * x", x=A((2, 3)), y=A((2, 3)))])
add(
    "np.roll(a, shift, axis=None)",
    [
        case("np.roll(x, 1)", x=A((4,))),
        case("np.roll(x, -2) * y", x=A((2, 3)), y=A((2, 3))),
        case("np.roll(x, 1, axis=1)", x=A((2, 3))),
        case("np.roll(x, (1, -1), axis=(0, 1)) * x", x=A((3, 2))),
        case("np.roll(x, shift=2, axis=0)", x=A((3,))),
        case("np.roll(x, n) * x", x=A((4,)), n=I(3)),
    ],
)
add(
    "np.cumsum(a, axis=None)",
    [
        case("np.cumsum(x)", x=A((4,))),
        case("np.cumsum(x)", x=A((2, 3))),
        case("np.cumsum(x, axis=0)", x=A((3, 2))),
    ],
)
add(
    "np.repeat(a, repeats, axis=None)",
    [
        case("np.repeat(x, 2)", x=A((3,))),
        case("np.repeat(x, [1, 0, 2], axis=1)", x=A((2, 3))),
        case("np.repeat(x, 3, axis=0)", x=A((2, 2))),
    ],
)
add(
    "np.tile(A, reps)",
    [
        case("np.tile(x, 2)", x=A((3,))),
        case("np.tile(x, (2, 1, 2))", x=A((2, 3))),
        case("np.tile(x, 3)", x=S()),
    ],
)
add(
    "np.diag(v, k=0)",
    [case("np.diag(x)", x=A((3,))), case("np.diag(x, 1)", x=A((2,))), case("np.diag(x, -1)", x=A((3, 4)))],
)
add("np.triu(m, k=0)", [case("np.triu(x)", x=A((3, 3))), case("np.triu(x, 1)", x=A((3, 4)))])
add("np.tril(m, k=0)", [case("np.tril(x)", x=A((3, 3))), case("np.tril(x, -1)", x=A((4, 3)))])

# -------------------------------------------------- helpers for containers
add("saved_item(d, key)", [case("x * 2.0 + zero_like(saved_item({'v': x}, 'u'))", x=S())])  # a key not there
add("restore_item(d, key, old)", [case("x * (restore_item({'u': x}, 'u', 0.0) is None)", x=S())])
add("zeros_of(x)", [case("sum(zeros_of([x, y])[1]) + x", x=A((2,)), y=A((3,)))])
add(
    "xs + ys",
    [
        case("np.sum(([x, y] + [y * y])[2] * x)", x=A((3,)), y=A((3,))),
        case("((x, y) + (x * y,))[2] + ((x,) + (y,))[1]", x=S(), y=S()),
        case("sum([x] + [y, x])", x=S(), y=S()),
    ],
)
add(
    "xs * n",
    [
        case("sum([x, y] * 3) * x", x=S(), y=S()),
        case("np.sum((2 * [x * y])[1] * x)", x=A((3,)), y=A((3,))),
        case("((x, y) * n)[3] * x", x=S(), y=S(), n=I(2)),
    ],
)
add("fold_repeats(value, size)", [case("fold_repeats([x, y, y, x], 2)[0] * y", x=A((2,)), y=A((2,)))])
add("add_leaves(a, b)", [case("add_leaves([x, y], [y, x])[0] * y", x=A((3,)), y=A((3,)))])
add("spread(value, xs)", [case("spread(x, [y, z])[1] * z", x=A((3,)), y=A((3,)), z=S())])
add("unspread(cotangents, value)", [case("unspread([x, y], z) * z", x=A((3,)), y=S(), z=A((3,)))])
add("x.index(value)", [case("x * [0.5, x, 1.0].index(x)", x=S())])
add(
    "at_index(value, xs, index)",
    [
        case("at_index(x, [y, y, y], 1)[1] * y", x=S(), y=S()),
        case("at_index(x * y[0], y, 2) * y", x=S(), y=A((3,))),
    ],
)
add(
    "as_lists(value, depth)",
    [
        case("as_lists(x, 2)[1][2] * x[0, 0]", x=A((2, 3))),
        case("np.array(as_lists(x, 1)[1]) * x[0]", x=A((2, 3))),
    ],
)
add(
    "unconcatenate(value, arrays, axis=0)",
    [case("unconcatenate(x, [y, z])[0] * y", x=A((5,)), y=A((2,)), z=A((3,)))],
)
add("unstack(value, axis=0)", [case("unstack(x, 1)[1] * 2.0", x=A((2, 3)))])
add("unhstack(value, arrays)", [case("unhstack(x, [y, z])[1] * z", x=A((5,)), y=A((2,)), z=A((3,)))])
add("unvstack(value, arrays)", [case("unvstack(x, [y, z])[1] * z", x=A((2, 3)), y=A((3,)), z=A((3,)))])
add(
    "unrepeat(value, a, repeats, axis=None)",
    [
        case("unrepeat(x, y, 2)", x=A((6,)), y=A((3,))),
        case("unrepeat(x, y, [1, 0, 2], axis=1)", x=A((2, 3)), y=A((2, 3))),
    ],
)
add("untile(value, a, reps)", [case("untile(x, y, (1, 2))", x=A((2, 6)), y=A((2, 3)))])
REPEATS = V(np.array([0, 0, 2]))  # an index that names slot 0 twice
CROSSED = V(np.array([[0, 1], [1, 0]]).T)  # laid out by columns: NumPy writes in that order
add(
    "last_written(slots, index, value=None)",
    [
        case("last_written(x * y, i)", x=A((3,)), y=A((3,)), i=REPEATS),
        case("last_written(x, i, y) * y", x=A((3,)), y=A((3,)), i=REPEATS),
        case("last_written(x, i, y) * y", x=A((3,)), y=S(), i=REPEATS),
        case("last_written(x, i, y) * y", x=A((3, 2)), y=A((3, 2)), i=REPEATS),
        case("last_written(x * x, i, y.T) * y.T", x=A((3,)), y=A((2, 2)), i=CROSSED),
    ],
)
add(
    "written_back(writes, slots, index, value=None)",
    [
        case("written_back(x, y, i) * y", x=A((3,)), y=A((3,)), i=REPEATS),
        case("written_back(x * x, y, i, z) * y", x=A((3,)), y=A((4,)), z=A((3,)), i=REPEATS),
        case("written_back(x.T * x.T, y, i, x.T) * y", x=A((2, 2)), y=A((3,)), i=CROSSED),
    ],
)
add("undiag(value, v, k=0)", [case("undiag(x, y, 1)", x=A((2,)), y=A((3, 3)))])
add(
    "broadcast_like(value, like)",
    [case("broadcast_like(x, y) * y", x=S(), y=A((3,))), case("broadcast_like(x, y) * 2.0", x=S(), y=S())],
)
add("x.pop()", [case("[v * 2.0 for v in (x, y)].pop() * x", x=S(), y=S())])

# ------------------------------------------------ SciPy, and NumPy's factorisations
# The tables of other modules add their cases to CASES when imported.
from . import (  # noqa: E402, F401
    cases_einsum,
    cases_integrate,
    cases_linalg,
    cases_numeric,
    cases_shaping,
    cases_signal,
    cases_spectral,
    cases_stacking,
    scipy_cases,
)
