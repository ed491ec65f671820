"""Functions as values: passed to helpers, kept in lists and dicts, returned by helpers,
made by ``functools.partial``; ``map``, ``filter``, generator expressions and the builtins
that consume them. The lowering specialises on which function it is. Each case is
``f(x, a)`` checked in both modes and at second order against central differences."""

import functools

import numpy as np
import pytest
from checks import assert_close, central_difference, check_forward, check_reverse
from conftest import make_function

import s2sad
from s2sad.errors import UnsupportedSyntaxError

from .test_control_shapes import check_all

X, A = 0.7, np.array([0.3, -0.5, 1.1])


def relu(v):
    return np.maximum(v, 0.0)


CASES = {
    "NumPy functions passed to a helper": """
        def apply(fn, v):
            return fn(v)

        def f(x, a):
            return apply(np.tanh, x) + np.sum(apply(np.sin, a) * x)
    """,
    "a function as a parameter default": """
        def mlp(v, nonlinearity=np.tanh):
            return nonlinearity(v) * 2.0

        def f(x, a):
            return mlp(x) + np.sum(mlp(a * x, nonlinearity=np.cos))
    """,
    "a lambda and a user function passed to a helper": """
        def apply(fn, v):
            return fn(v)

        def square(t):
            return t * t

        def f(x, a):
            return apply(lambda v: v * v * x, x) + np.sum(apply(square, a) * x)
    """,
    "a list of functions in a loop": """
        def f(x, a):
            layers = [np.tanh, np.sin, lambda t: t * x]
            for layer in layers:
                a = layer(a)
            return np.sum(a) * x
    """,
    "a dict of functions": """
        def f(x, a):
            acts = {"relu": relu, "tanh": np.tanh}
            return np.sum(acts["relu"](a * x)) + acts["tanh"](x) * len(acts)
    """,
    "a function returned by a helper": """
        def pick(name):
            if name == "sin":
                return np.sin
            return np.cos

        def scaled(k):
            return lambda t: k * t * t

        def f(x, a):
            return pick("sin")(x) * pick("cos")(x) + np.sum(scaled(x)(a))
    """,
    "functools.partial of a user function and of a NumPy function": """
        def layer(v, w, b=0.0):
            return np.tanh(w * v + b)

        def f(x, a):
            g = functools.partial(layer, w=x, b=0.5)
            p = functools.partial(np.power, a)
            return np.sum(g(a)) + np.sum(p(2.0)) * x + functools.partial(g, b=x)(x)
    """,
    "functools.partial made in a loop and called there": """
        def layer(v, w, b=0.0):
            return np.tanh(w * v + b)

        def f(x, a):
            total = 0.0
            for i in range(3):
                g = functools.partial(layer, w=x * (i + 1))
                total = total + np.sum(g(a))
            return total
    """,
    "map with a NumPy function, a lambda and two iterables": """
        def f(x, a):
            s = sum(map(np.sin, [x, 2.0 * x]))
            t = list(map(lambda u, v: u * v, [x, a[0]], (a[1], x)))
            return s + t[0] * t[1] + np.sum(np.stack(list(map(np.exp, a))))
    """,
    "filter with a lambda and with None, consumed by sum, tuple and a loop": """
        def f(x, a):
            total = sum(filter(lambda v: v > 0, a * x))
            for v in filter(None, tuple(a)):
                total = total + v * x
            return total + len(tuple(filter(lambda v: v < 0, a)))
    """,
    "generator expressions consumed by sum, max, min, list and tuple": """
        def f(x, a):
            hi = max(x * v for v in a)
            lo = min(x * i for i in range(1, 4))
            items = list(v * v for v in a)
            pair = tuple(np.sin(v) for v in (x, a[0]))
            return hi + lo + sum(items) * x + pair[0] * pair[1]
    """,
    "zip, enumerate and dict methods over a helper's **kwargs": """
        def mix(x, **weights):
            total = 0.0
            for i, (k, w) in enumerate(weights.items()):
                total = total + (i + 1) * w * x
            return total + sum(u * v for u, v in zip(weights.values(), (x, x * x)))

        def f(x, a):
            return mix(x, p=a[0], q=np.sum(a))
    """,
    "dict displays: get, items, values, keys, nested dicts": """
        def f(x, a):
            d = {"w": x, "b": {"c": a[0] * x}}
            s = d.get("w", 1.0) + d.get("z", 2.0) * x + d["b"].get("c")
            for k in d.keys():
                s = s + (x if k == "w" else 0.0)
            return s + sum(v * x for v in d["b"].values())
    """,
    "list(zip(...)), tuple(zip(...)) and list(enumerate(...)) in loops and generators": """
        def f(x, a):
            s = 0.0
            for u, v in list(zip(a, a * x)):
                s = s + u * v
            t = sum(u * v for u, v in tuple(zip(a, a * a)))
            w = sum(i * v for i, v in list(enumerate(a * x)))
            pairs = list(zip(a, a * x))
            return s + t * x + w + pairs[1][0] * pairs[2][1]
    """,
    "dict(), list() and tuple() constructors": """
        def f(x, a):
            d = dict(w=x, b=np.sum(a))
            xs = list()
            xs.append(d["w"] * d["b"])
            return sum(xs) + len(tuple()) + dict(d)["b"] * x
    """,
    "dict() of pairs, of a dict with more keys, of a zip": """
        def f(x, a):
            pairs = [("p", x * a), ("q", np.sin(x))]
            d = dict(pairs, r=x * x)
            e = dict(d, q=a[0] * x)
            grown = []
            for i, k in enumerate(["u", "v", "u"]):
                grown.append((k, a[i] * x))
            g = dict(grown)
            h = dict(zip(["s", "t"], a[:2] * x))
            return np.sum(d["p"]) + d["q"] * e["r"] + e["q"] + g["u"] * g["v"] + h["s"] * h["t"]
    """,
    "slicing a list argument into a helper": """
        def head(xs):
            return xs[0] * xs[1]

        def f(x, a):
            xs = [x, a[0], a[1], x * x]
            return head(xs[1:]) + head(xs[::3]) + sum(xs[2:])
    """,
}


@pytest.mark.parametrize("source", CASES.values(), ids=list(CASES))
def test_function_values(source):
    check_all(source, functools=functools, relu=relu)


def test_function_values_read_as_written():
    """A function passed to a helper is called by its name in generated code."""
    f = make_function(
        """
        def apply(fn, v):
            return fn(v)

        def f(x):
            layers = [np.tanh, np.sin]
            for layer in layers:
                x = apply(layer, x)
            return x
        """,
        "f",
    )
    code = s2sad.source(f)
    assert "np.tanh(x)" in code and "np.cos(" in code and "layer" not in code.split('"""')[-1], code


# containers of functions at module level, known whole when the function is transformed
FUNCS = (np.sin, np.cos, np.tanh)
LAYERS = [np.tanh, relu]
ACTS = {"tanh": np.tanh, "relu": relu}
MODULE_CASES = {
    "a module's tuple of functions in comprehensions": """
        def f(x, a):
            return np.sum(np.array([g(x) for g in FUNCS])) + np.sum(np.array([g(a) for g in FUNCS]) * x)
    """,
    "a module's list of layers: for, zip, enumerate, a constant index, unpacked": """
        def f(x, a):
            h = a * x
            for layer in LAYERS:
                h = layer(h)
            t = 0.0
            for i, (g, w) in enumerate(zip(LAYERS, a)):
                t = t + (i + 1.0) * g(w * x)
            first, second = FUNCS[:2]
            return np.sum(h) + t + FUNCS[-1](x) * first(x) + second(a[0])
    """,
    "a module's dict of functions: items, and a key computed when it runs": """
        def f(x, a):
            kind = "relu" if a[0] > 0.0 else "tanh"
            t = 0.0
            for name, g in ACTS.items():
                t = t + np.sum(g(a * x)) * len(name)
            act = {"tanh": np.tanh, "relu": relu}[kind]
            return t + np.sum(act(a)) * ACTS[kind](x) + ACTS.get("gelu", np.sin)(x)
    """,
    "a function picked by an index computed in a loop that stays a loop": """
        def f(x, a):
            t = 0.0
            for i in range(len(a)):
                t = t + FUNCS[i % 3](a[i] * x) + FUNCS[i - 3](x)
            return t
    """,
    "a function picked by d.get of a computed key, with a default function": """
        def f(x, a):
            g = ACTS.get("gelu" if x > 0.0 else "tanh", np.sin)
            return g(x) * np.sum(ACTS.get("relu", np.cos)(a))
    """,
    "a function picked by an if and by a conditional expression on a computed str": """
        def f(x, a):
            kind = "relu" if x > 0.0 else "tanh"
            if kind == "relu":
                act = relu
            else:
                act = np.tanh
            other = np.sin if a[0] < 0.0 else (lambda v: v * v)
            return np.sum(act(a * x)) + other(x) * np.sum(other(a))
    """,
}


@pytest.mark.parametrize("source", MODULE_CASES.values(), ids=list(MODULE_CASES))
def test_module_containers_of_functions(source):
    check_all(source, relu=relu, FUNCS=FUNCS, LAYERS=LAYERS, ACTS=ACTS)


def test_function_picked_by_a_str_argument():
    """Each key picks its function when the code runs; a key not in the dict is Python's KeyError."""
    f = make_function(
        """
        def f(x, kind="tanh"):
            act = {"tanh": np.tanh, "sin": np.sin, "square": square}[kind]
            return act(x)
        """,
        square=square,
    )
    df = s2sad.grad(f)
    assert_close(df(0.3), 1 - np.tanh(0.3) ** 2)
    assert_close(df(0.3, "sin"), np.cos(0.3))
    assert_close(df(0.3, kind="square"), 0.6)
    assert_close(s2sad.hessian(f)(0.3, "sin"), -np.sin(0.3))
    assert_close(s2sad.jvp(f, (0.3, "square"), (1.0, None))[1], 0.6)
    with pytest.raises(KeyError):
        df(0.3, "cube")
    code = s2sad.source(f)
    assert "np.tanh(x)" in code and "np.cos(x)" in code and "2.0 * x" in code, code


def square(v):
    return v * v


def cube(v):
    return v**3


@pytest.mark.parametrize("fn", [np.tanh, np.sin, square, cube], ids=lambda fn: fn.__name__)
def test_function_argument_of_the_differentiated_function(fn):
    """A function passed to the differentiated function: the derivative is specialised on
    which function it is (the cache key includes it), in both modes and at second order."""
    f = make_function(
        """
        def apply(g, v):
            return g(v)

        def f(x, a, fn):
            return fn(x) * np.sum(apply(fn, a)) + sum(map(fn, [x, 2.0 * x]))
        """,
        "f",
    )
    args = [X, A.copy(), fn]
    check_reverse(f, args, (0, 1))
    check_forward(f, args, (0, 1))
    for i in (0, 1):
        expected = central_difference(s2sad.grad(f, wrt=i), args, i)
        assert_close(s2sad.hessian(f, wrt=i)(*args), expected, 1e-4, f"hessian wrt {i}")
    expected = central_difference(s2sad.grad(f), args, 0)
    assert_close(s2sad.grad(s2sad.grad(f))(*args), expected, 1e-4, "grad of grad")


def test_containers_of_functions_as_arguments():
    """A tuple, list or dict of functions passed to the differentiated function: its kind says
    which functions, so loops over it are done now and a computed key is an if."""
    f = make_function(
        """
        def f(x, fs, acts, kind):
            t = 0.0
            for g in fs:
                t = t + np.sum(g(x))
            return t + np.sum(fs[0](x) * fs[-1](x)) + np.sum(acts[kind](x) * x)
        """
    )
    acts = {"tanh": np.tanh, "square": square}
    for fs, kind in (((np.sin, relu), "tanh"), ([np.cos, cube, np.tanh], "square")):
        args = [A.copy(), fs, acts, kind]
        check_reverse(f, args, (0,))
        check_forward(f, args, (0,))
        expected = central_difference(s2sad.grad(f), args, 0)
        assert_close(s2sad.hessian(f)(*args), expected, 1e-4, "hessian")


def test_one_derivative_many_functions():
    """One derivative called with one function, then another: each gets its own code."""
    f = make_function("def f(x, fn=np.tanh):\n    return fn(x) * 2.0\n")
    df = s2sad.grad(f)
    assert_close(df(0.3), 2.0 * (1 - np.tanh(0.3) ** 2))
    assert_close(df(0.3, np.sin), 2.0 * np.cos(0.3))
    assert_close(df(0.3, fn=square), 2.0 * 0.6)
    assert_close(df(0.3, np.tanh), 2.0 * (1 - np.tanh(0.3) ** 2))


ERRORS = {
    "calling a callable object passed to the differentiated function": (
        "def f(x, fn):\n    return fn(x)\n",
        (1.0, functools.partial(np.power, 2.0)),
        "calling `fn`, an argument of the differentiated function",
    ),
    "a function picked by a computed index, returned": (
        "def f(x, i):\n    fs = [np.sin, np.cos]\n    g = fs[i]\n    return g\n",
        (1.0, 1),
        "a function picked by a key known only when the code runs can only be called here",
    ),
    "a function picked from a list holding data too": (
        "def f(x, i):\n    fs = [np.sin, 2.0]\n    return fs[i](x)\n",
        (1.0, 1),
        "which function this is is not known",
    ),
    "map with a function not known": (
        "def f(x, fn):\n    return sum(map(fn, [x, x]))\n",
        (1.0, functools.partial(np.power, 2.0)),
        "is not a function known when the function is transformed",
    ),
    "a break in a loop over functions": (
        "def f(x):\n    for g in [np.sin, np.cos]:\n        x = g(x)\n"
        "        if x > 0:\n            break\n    return x\n",
        (1.0,),
        "a `break`, `continue` or `return` in a loop over a container known whole",
    ),
}


@pytest.mark.parametrize("source, args, message", ERRORS.values(), ids=list(ERRORS))
def test_function_value_errors(source, args, message):
    f = make_function(source, "f")
    with pytest.raises(UnsupportedSyntaxError) as err:
        s2sad.grad(f)(*args)
    assert message in str(err.value), str(err.value)
