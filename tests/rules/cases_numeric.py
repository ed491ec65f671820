"""Cases for the rules of ``s2sad/rules/numeric.py``, and regression cases for the edge
cases of older rules (powers at zero, ``np.prod`` with zeros, ``np.var``/``np.std`` of one
value)."""

from __future__ import annotations

import numpy as np

from s2sad import MissingRuleError

from .rule_cases import A, I, S, V, add, any_, case, pos, unary

NAN = np.nan
INF = np.inf

# ------------------------------------------------------------------ elementwise
for name in ("radians", "degrees"):
    add(f"np.{name}(x)", unary(f"np.{name}(x)"))
add(
    "np.sinc(x)",
    unary("np.sinc(x)")
    + [
        case("np.sinc(x)", x=S(0.0, 0.0)),  # 1 at 0: derivative 0, second -pi ** 2 / 3
        case("np.sinc(x * m)", x=A((4,), -0.4, 0.4), m=V(np.array([0.0, 1.0, 1e-9, 1.0]))),
        case("np.sinc(x)", x=A((3,), -6.0, 6.0)),
    ],
)
add(
    "np.nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None)",
    [
        case("np.nan_to_num(x)", x=any_(3)),
        case("np.nan_to_num(x)", x=S()),
        # replaced entries: no derivative in x, the replacement's in nan, posinf, neginf
        case(
            "np.nan_to_num(x + m, nan=n, posinf=p, neginf=-3.0)",
            x=A((2, 4)),
            m=V(np.array([0.0, NAN, INF, -INF])),
            n=S(),
            p=S(),
        ),
        case("np.nan_to_num(x + m, posinf=2.0, neginf=-2.0)", x=A((4,)), m=V(np.array([1, INF, -INF, NAN]))),
    ],
)
add("np.isrealobj(x)", [case("x * np.isrealobj(x)", x=A((3,)))])
add("np.iscomplexobj(x)", [case("x * (1 - np.iscomplexobj(x))", x=A((3,)))])

# ------------------------------------------------------------------ cumprod
ZEROS = V(np.array([1.0, 0.0, 1.0, 1.0]))
TWO_ZEROS = V(np.array([1.0, 0.0, 1.0, 0.0]))
add(
    "np.cumprod(a, axis=None, dtype=None, out=None)",
    [
        case("np.cumprod(x)", x=A((4,))),
        case("np.cumprod(x * m)", x=A((4,)), m=ZEROS),  # no division by x
        case("np.cumprod(x * m)", x=A((4,)), m=TWO_ZEROS),
        case("np.cumprod(x, axis=0)", x=A((3,))),
        case("np.cumprod(x)", x=A((2, 3))),  # flattened
        case("np.cumprod(x, axis=1)", x=A((2, 3))),
        case("np.cumprod(x, axis=0)", x=A((3, 2))),
        case("np.cumprod(x * m, axis=-1)", x=A((3, 4)), m=V(np.array([[1.0, 0.0, 1.0, 1.0]] * 3))),
        case("np.cumprod(x, axis=1)", x=A((2, 3, 2))),
        case("x.cumprod(axis=0)", x=A((3, 2))),
        # a list of numbers; not twice: at second order the gradient of x comes back a NumPy
        # float, not a float, as for np.cumsum([x, y, x * y]) (a bug outside these rules)
        case("np.cumprod([x, y, x * y])", x=S(), y=S(), twice=False),
        case("np.cumprod(x, axis=1, dtype=float)", x=A((2, 3))),
    ],
)

# ------------------------------------------------------------------ polynomials, convolution
add(
    "np.polyval(p, x)",
    [
        case("np.polyval(p, x)", p=A((3,)), x=A((4,))),
        case("np.polyval(p, x)", p=A((4,)), x=S()),
        case("np.polyval(p, x)", p=A((2,)), x=A((2, 3))),
        case("np.polyval(p, x)", p=A((1,)), x=A((3,))),  # a constant
        case("np.polyval(p, 0.0 * x)", p=A((3,)), x=A((3,))),  # at 0
        case("np.polyval([a, b, 1.0], x)", a=S(), b=S(), x=A((3,))),
        case("np.polyval(p, [x, 2.0 * x])", p=A((3,)), x=S()),
        case("np.polyval(p, x)", p=A((3,)), x=A((2, 2, 2))),
    ],
)
for mode in ("full", "same", "valid"):
    add(
        "np.convolve(a, v, mode='full')",
        [
            case(f"np.convolve(a, v, mode='{mode}')", a=A((5,)), v=A((3,))),
            case(f"np.convolve(a, v, '{mode}')", a=A((3,)), v=A((5,))),
            case(f"np.convolve(a, v, mode='{mode}')", a=A((4,)), v=A((4,))),
            case(f"np.convolve(a, v, mode='{mode}')", a=A((6,)), v=A((2,))),
            case(f"np.convolve(a, v, mode='{mode}')", a=A((1,)), v=A((3,))),
        ],
    )
add(
    "np.convolve(a, v, mode='full')",
    [
        case("np.convolve(a, np.ones(2))", a=A((4,))),
        case("np.convolve([1.0, 2.0], a, 'same')", a=A((3,))),
        case("np.convolve(a, [x, 1.0, x * x], 'valid')", a=A((4,)), x=S()),
        case("np.convolve(a, x, 'same')", a=A((3,)), x=S()),  # a number: a product
        case("np.convolve(y, x)", y=S(), x=S()),
    ],
)

# ------------------------------------------------------------------ interpolation
XP = "np.array([-1.0, 0.0, 0.5, 2.0])"  # constant knots (xp has no derivative)
add(
    "np.interp(x, xp, fp, left=None, right=None, period=None)",
    [
        case(f"np.interp(x, {XP}, fp)", x=A((5,), -0.95, 1.95), fp=A((4,))),
        case(f"np.interp(x, {XP}, fp)", x=A((2, 3), -0.95, 1.95), fp=A((4,))),
        case(f"np.interp(x, {XP}, fp)", x=S(-0.95, 1.95), fp=A((4,))),
        # outside [xp[0], xp[-1]]: the end values (flat), or left and right
        case(f"np.interp(x, {XP}, fp)", x=V(np.array([-3.0, 0.2, 3.0])), fp=A((4,))),
        case(f"np.interp(x, {XP}, fp)", x=A((2,), 2.5, 3.0), fp=A((4,))),
        case(
            f"np.interp(x, {XP}, fp, left=lo, right=hi)",
            x=V(np.array([-3.0, -0.3, 1.0, 3.0])),
            fp=A((4,)),
            lo=S(),
            hi=S(),
        ),
        case(f"np.interp(x, {XP}, fp, left=0.0)", x=A((6,), -3.0, 3.0), fp=A((4,))),
        case(f"np.interp(x, {XP}, fp, right=1.0)", x=A((6,), -3.0, 3.0), fp=A((4,))),
        # lists: x, the knots and the values
        case("np.interp([x, 0.5 * x], [0.0, 1.0, 2.0], fp)", x=S(0.1, 1.9), fp=A((3,))),
        case("np.interp(x, [0.0, 1.0, 2.0], [y, 1.0, y * y])", x=A((4,), 0.1, 1.9), y=S()),
        case(f"np.interp(x, {XP} * s, fp)", x=A((3,)), fp=A((4,)), s=S(1, 2), error=MissingRuleError),
        case(f"np.interp(x, {XP}, fp, period=3.0)", x=A((3,)), fp=A((4,)), error=MissingRuleError),
    ],
)
add("np.searchsorted(a, v, side='left', sorter=None)", [case(f"x * np.searchsorted({XP}, x)", x=A((3,)))])
add(
    "np.bincount(x, weights=None, minlength=0)",
    [
        case("np.bincount(i, w, minlength=4)", i=V(np.array([0, 2, 2, 1])), w=A((4,))),
        case("np.bincount(i, weights=w * w)", i=V(np.array([3, 0, 3])), w=A((3,))),
        case("x * np.bincount(i)", i=V(np.array([0, 2, 2])), x=A((3,))),
    ],
)

# ------------------------------------------------------------------ NaN-ignoring reductions
NANS = V(np.array([[0.0, NAN, 0.0], [NAN, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, NAN, NAN]]))
for name in ("nansum", "nanmean", "nanprod", "nanvar", "nanstd", "nanmax", "nanmin"):
    ddof = ", ddof=0" if name in ("nanvar", "nanstd") else ""
    dtype = ", dtype=None" if name not in ("nanmax", "nanmin") else ""
    pattern = f"np.{name}(a, axis=None{dtype}, out=None{ddof}, keepdims=False)"
    cases = [
        case(f"np.{name}(x)", x=A((5,))),
        case(f"np.{name}(x + m)", x=A((4, 3)), m=NANS),
        case(f"np.{name}(x + m, axis=0)", x=A((4, 3)), m=NANS),
        case(f"np.{name}(x + m, axis=1, keepdims=True)", x=A((4, 3)), m=NANS),
        case(f"np.{name}(x + m, axis=-1)", x=A((2, 4, 3)), m=NANS),
    ]
    if name in ("nanvar", "nanstd"):
        cases.append(case(f"np.{name}(x + m, axis=0, ddof=1)", x=A((4, 3)), m=NANS))
    if name == "nanprod":
        cases.append(
            case("np.nanprod((x + m) * z, axis=0)", x=A((4, 3)), m=NANS, z=V(np.array([0.0, 1.0, 0.0])))
        )
    add(pattern, cases)

# ------------------------------------------------------------------ helpers
add(
    "sinc_derivative(x, k)",
    [
        case("sinc_derivative(x, 1)", x=A((4,), -3.0, 3.0)),
        case("sinc_derivative(x, 2)", x=S(-0.5, 0.5)),
        case("sinc_derivative(x * m, 3)", x=A((3,)), m=V(np.array([0.0, 1.0, 1.0]))),
    ],
)

# ------------------------------------------------ edge cases of older rules (issue 13)
# x ** y: the derivative in y where y is 0 and x is not (1 / x at second order), at x = 0
add(
    "x ** y",
    [
        case("x ** y", x=pos(), y=S(0.0, 0.0)),
        case("x ** y", x=pos(3), y=A((3,), 0.0, 0.0)),
        case("x ** y", x=pos(3), y=S(0.0, 0.0)),
        case("(x * m) ** y", x=pos(3), m=V(np.array([0.0, 1.0, 0.0])), y=S(2.0, 3.0)),
        case("(x * m) ** y", x=pos(3), m=V(np.array([0.0, 1.0, 0.0])), y=A((3,), 2.0, 3.0)),
        case("x ** 0.0 + x", x=A((3,), 0.0, 0.0)),
        case("(x * 0.0) ** y", x=S(), y=S(2.0, 3.0)),  # 0 ** y: derivative 0 in y (and in x for y > 2)
        case("x ** n", x=A((2,), 0.0, 0.0), n=I(1)),
    ],
)
add(
    "np.power(x, y)",
    [case("np.power(x, y)", x=pos(3), y=A((3,), 0.0, 0.0)), case("np.power(x, y)", x=pos(), y=S(0.0, 0.0))],
)
add("pow(x, y)", [case("pow(x, y)", x=pos(), y=S(0.0, 0.0)), case("pow(x * 0.0, y)", x=S(), y=S(2.0, 3.0))])
add(
    "np.prod(a, axis=None, dtype=None, out=None, keepdims=False)",
    [
        case("np.prod(x * m)", x=A((4,)), m=TWO_ZEROS),  # two zeros: gradient 0, Hessian not
        case("np.prod(x * m)", x=A((3,)), m=V(np.zeros(3))),
        case(
            "np.prod(x * m, axis=1)", x=A((2, 4)), m=V(np.array([[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 1.0, 1.0]]))
        ),
        case("np.prod(x * m, axis=-1, keepdims=True)", x=A((2, 2, 3)), m=V(np.array([1.0, 0.0, 1.0]))),
    ],
)
for name in ("var", "std"):
    pattern = f"np.{name}(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False)"
    add(
        pattern,
        [
            case(f"np.{name}(x, axis=1, keepdims=True)", x=A((3, 1))),  # one value per row
            case(f"np.{name}(x, ddof=1)", x=A((2,))),
            case(f"np.{name}(x, axis=0, ddof=1)", x=A((2, 3))),
        ],
    )
