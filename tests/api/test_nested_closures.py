"""``s2sad.grad`` (``value_and_grad``, ``derivative``, ``jacobian``) of a function defined inside
the differentiated one, closing over its values: the local function is lifted, the values it
reads passed as arguments (s2sad/lower/lifting.py), and its derivative comes from s2sad again
(s2sad/api/nested.py). Checked in both modes against central differences, in the arguments
and in the values closed over (the cross derivative); a second derivative through it, and
what cannot be lifted, are clear errors."""

import numpy as np
import pytest
from checks import assert_close, central_difference, check_forward, check_reverse
from conftest import make_function

import s2sad
from s2sad import MissingRuleError, UnsupportedSyntaxError

X = np.array([0.3, 1.2, -0.7])
V = np.array([1.0, 2.0, -0.5])


def energy(r, params):
    return np.sum(params * r**2) + np.sum(np.sin(r)) * params[0]


def with_helper(r, params):  # a helper inlined into f, a closure made inside it
    return s2sad.grad(lambda q: energy(q, params))(r)


def make_energy(p):  # a helper that returns a closure
    return lambda r: np.sum(np.sin(r * p) * p)


NAMESPACE = {"s2sad": s2sad, "energy": energy, "with_helper": with_helper, "make_energy": make_energy}

CASES = {
    "a lambda closing over x": (
        "def f(x, v):\n"
        "    inner = lambda y: np.sum(np.sin(x * y) * x)\n"
        "    return np.sum(s2sad.grad(inner)(2.0 * x) * v)",
        (X, V),
    ),
    "the force of an energy with parameters": (
        "def f(r, params):\n"
        "    force = -s2sad.grad(lambda q: energy(q, params))(r)\n"
        "    return np.dot(force, r)",
        (X, V),
    ),
    "a def of two parameters, a tuple wrt": (
        "def f(x, a):\n"
        "    def h(y, z):\n"
        "        t = y * a\n"
        "        return np.sin(t) * z + a * z ** 2\n"
        "    gy, gz = s2sad.grad(h, wrt=(0, 1))(x, a * 2.0)\n"
        "    return gy * gz",
        (0.4, 1.3),
    ),
    "a def with a loop in its body": (
        "def f(x, v):\n"
        "    def h(y):\n"
        "        s = 0.0\n"
        "        for k in range(3):\n"
        "            s = s + np.sum(np.cos(y * v[k]) * x)\n"
        "        return s\n"
        "    return np.sum(s2sad.grad(h)(x) ** 2)",
        (X, V),
    ),
    "two closures in one function": (
        "def f(x, v):\n"
        "    g1 = lambda y: np.sum(np.exp(y * v))\n"
        "    g2 = lambda y: np.sum(np.sin(y) * x)\n"
        "    return np.dot(s2sad.grad(g1)(x), s2sad.grad(g2)(v))",
        (X, V),
    ),
    "a closure in a loop body, over the loop variable and a carried value": (
        "def f(x, v):\n"
        "    total = 0.0\n"
        "    for k in range(3):\n"
        "        h = lambda y: np.sin(y * v[k]) * total\n"
        "        total = total + s2sad.grad(h)(x[k]) + x[k] ** 2\n"
        "    return total",
        (X, V),
    ),
    "a closure made before a loop, reading what the loop changes": (
        "def f(x, v):\n"
        "    s = x[0]\n"
        "    h = lambda y: np.sin(y * s)\n"
        "    for k in range(2):\n"
        "        s = s + s2sad.grad(h)(v[k])\n"
        "    return s",
        (X, V),
    ),
    "value_and_grad of a closure": (
        "def f(x, v):\n"
        "    value, g = s2sad.value_and_grad(lambda y: np.sum(np.tanh(y * v)))(x)\n"
        "    return value * np.dot(g, v)",
        (X, V),
    ),
    "derivative of a closure (forward mode inside)": (
        "def f(x, v):\n    return np.sum(s2sad.derivative(lambda t: np.sin(t * x) * v)(x[1]))",
        (X, V),
    ),
    "local functions calling each other, a default": (
        "def f(x, v):\n"
        "    g = lambda t: np.sin(t * v)\n"
        "    def energy(r, p=2.0):\n"
        "        return np.sum(g(r) * x) + np.sum(r ** p)\n"
        "    def force(r):\n"
        "        return -s2sad.grad(energy)(r)\n"
        "    return np.sum(force(x) * v) + np.sum(s2sad.grad(energy)(v) * x)",
        (X, V),
    ),
    "jacobian of a closure": (
        "def f(x, v):\n    return np.sum(np.sin(s2sad.jacobian(lambda y: np.tanh(y * v) * x[0])(x)))",
        (X, V),
    ),
    "wrt by name and by a negative position": (
        "def f(x, v):\n"
        "    h = lambda a, b: np.sum(np.sin(a * b) * v)\n"
        "    return np.sum(s2sad.grad(h, wrt='b')(x, v) + s2sad.grad(h, -1)(v, x))",
        (X, V),
    ),
    "a default from the function, a keyword argument": (
        "def f(x, v):\n"
        "    h = lambda y, s=x[0]: np.sum(np.cos(y * s))\n"
        "    return np.sum(s2sad.grad(h)(v) * x) + s2sad.grad(h, wrt=1)(y=v)",
        (X, V),
    ),
    "a closure made in a helper the function calls": (
        "def f(x, v):\n    return np.dot(with_helper(x, v), v)",
        (X, V),
    ),
    "a closure a helper returned": (
        "def f(x, v):\n    energy = make_energy(v)\n    return np.sum(s2sad.grad(energy)(x) * x)",
        (X, V),
    ),
    "elementwise_grad of a closure": (
        "def f(x, v):\n    return np.sum(s2sad.elementwise_grad(lambda r: np.sin(r * v) * x[0])(x))",
        (X, V),
    ),
    "a closure reading a function the function names": (
        "def f(x, v):\n    act = np.tanh\n    return np.sum(s2sad.grad(lambda y: np.sum(act(y * v)))(x) * x)",
        (X, V),
    ),
    "made first, called later: the values read where it is called": (
        "def f(x, v):\n"
        "    s = v[0]\n"
        "    dh = s2sad.grad(lambda y: np.sum(np.sin(y * s)))\n"
        "    s = s * x[1]\n"
        "    return np.dot(dh(x), v) + np.sum(dh(v) ** 2)",
        (X, V),
    ),
    "s2sad.grad of a module-level function, made first": (
        "def f(x, v):\n    dg = s2sad.grad(energy)\n    return np.dot(dg(x, v), v)",
        (X, V),
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_a_derivative_of_a_closure_inside_a_differentiated_function(name):
    source, args = CASES[name]
    f = make_function(source, "f", **NAMESPACE)
    check_reverse(f, list(args), (0, 1))
    check_forward(f, list(args), (0, 1))


def test_the_derivative_in_the_value_closed_over_is_the_cross_derivative():
    """f(x) = d/dy sin(x y) at y = c is x cos(x c); df/dx = cos(x c) - x c sin(x c)."""
    f = make_function("def f(x, c):\n    return s2sad.grad(lambda y: np.sin(x * y))(c)", "f", **NAMESPACE)
    x, c = 0.8, 1.7
    expected = np.cos(x * c) - x * c * np.sin(x * c)
    assert_close(s2sad.grad(f)(x, c), expected, 1e-12, "reverse")
    assert_close(s2sad.derivative(f)(x, c), expected, 1e-12, "forward")
    assert_close(s2sad.grad(f)(x, c), central_difference(f, [x, c], 0), 1e-6, "against differences")


def test_a_closure_over_a_value_the_function_itself_closes_over():
    source = (
        "def make(k):\n"
        "    def f(x, v):\n"
        "        return np.sum(s2sad.grad(lambda y: np.sum(np.sin(y * k) * v))(x) * x)\n"
        "    return f"
    )
    f = make_function(source, "make", **NAMESPACE)(2.0)
    check_reverse(f, [X, V], (0, 1))
    check_forward(f, [X, V], (0, 1))


def test_the_lifted_function_is_made_once():
    source = "def f(x):\n    return np.sum(s2sad.grad(lambda y: np.sum(np.sin(x * y)))(2.0 * x))"
    f = make_function(source, "f", **NAMESPACE)
    assert_close(s2sad.grad(f)(X), central_difference(f, [X], 0), 1e-6, "against differences")
    called = [line for line in s2sad.source(f, args=(0.3,)).splitlines() if "v2 = " in line]
    assert called and called[0].strip().startswith("v2 = f_lambda_grad")
    again = [line for line in s2sad.source(f, args=(X,)).splitlines() if "v2 = " in line]
    assert again == called  # for other kinds of x, the same lifted function, the same name


def test_a_second_derivative_through_it_is_a_clear_error():
    f = make_function(CASES["a lambda closing over x"][0], "f", **NAMESPACE)
    with pytest.raises(MissingRuleError, match="the derivative of `inner_grad`, a function s2sad returned"):
        s2sad.hessian(f)(X, V)


ERRORS = {
    "a local function calling itself": (
        "def f(x):\n    h = lambda y: y * x + h(y)\n    return s2sad.grad(h)(x)",
        UnsupportedSyntaxError,
        "`h` calls `h`, itself",
    ),
    "a local function reading an object the function made": (
        "def f(x):\n    xs = [x, lambda t: t]\n    h = lambda y: y * xs[0]\n    return s2sad.grad(h)(x)",
        UnsupportedSyntaxError,
        "`h` reads `xs`, a function or an object made in this function",
    ),
    "a function chosen when it runs": (
        "def f(x):\n"
        "    if x > 0:\n"
        "        h = lambda y: y * x\n"
        "    else:\n"
        "        h = lambda y: y + x\n"
        "    return s2sad.grad(h)(x)",
        UnsupportedSyntaxError,
        "one of several functions",
    ),
    "hvp, its direction last": (
        "def f(x):\n    return s2sad.hvp(lambda y: y ** 3 * x)(x, 1.0)",
        UnsupportedSyntaxError,
        "of a function defined in this one is not supported",
    ),
    "made in a loop, called later": (
        "def f(x):\n"
        "    total = x\n"
        "    for k in range(2):\n"
        "        dh = s2sad.grad(lambda y: y * total)\n"
        "        total = total + dh(x)\n"
        "    return total",
        UnsupportedSyntaxError,
        r"`s2sad.grad\(lambda y: y \* total\)` of a function defined in this one, made in a branch",
    ),
    "made first, reading a name bound after": (
        "def f(x):\n    dh = s2sad.grad(lambda y: y * s)\n    s = 2.0 * x\n    return dh(x)",
        UnsupportedSyntaxError,
        "`dh` reads values of this function bound after `dh` was made",
    ),
    "variadic parameters": (
        "def f(x):\n    return s2sad.grad(lambda *ys: ys[0] * x)(x)",
        UnsupportedSyntaxError,
        r"with \*args, \*\*kwargs or keyword-only parameters",
    ),
    "wrt naming a value it closes over": (
        "def f(x):\n    return s2sad.grad(lambda y: y * x, wrt='x')(x)",
        ValueError,
        "wrt='x' is not a parameter",
    ),
    "wrt past its own parameters": (
        "def f(x):\n    return s2sad.grad(lambda y: y * x, wrt=1)(x)",
        ValueError,
        "wrt=1 is out of range: lambda y: y \\* x has 1 positional parameters",
    ),
    "too many arguments": (
        "def f(x):\n    return s2sad.grad(lambda y: y * x)(x, x)",
        TypeError,
        "takes 1 positional arguments but 2 were given",
    ),
}


@pytest.mark.parametrize("name", ERRORS)
def test_what_is_not_lifted_is_a_clear_error(name):
    source, error, message = ERRORS[name]
    f = make_function(source, "f", **NAMESPACE)
    with pytest.raises(error, match=message):
        s2sad.grad(f)(0.7)
