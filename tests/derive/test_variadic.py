"""A helper's ``*args`` and ``**kwargs``, and starred calls and displays (``f(*p)``,
``f(**opts)``, ``(*xs, y)``, ``zip(*pairs)``): spread when the function is transformed. Each
case is ``f(x, a)`` checked in both modes and at second order against central differences;
what stays unsupported keeps a precise error."""

import numpy as np
import pytest
from checks import check_tree
from conftest import make_function

import s2sad
from s2sad.errors import UnsupportedSyntaxError

from .test_control_shapes import check_all

X, A = 0.7, np.array([0.3, -0.5, 1.1])


CASES = {
    "*args helper over a generator": """
        def norm2(*xs):
            return sum(v * v for v in xs)

        def f(x, a):
            return norm2(x, np.sum(a), 2.0)
    """,
    "*args after named parameters, a loop over it": """
        def weighted(w, *xs):
            total = 0.0
            for v in xs:
                total = total + w * np.sin(v)
            return total + len(xs)

        def f(x, a):
            return weighted(x, x * x, np.sum(a * a))
    """,
    "**kwargs read by key and with get": """
        def layer(x, **kw):
            return x * kw["a"] + kw.get("b", 1.0) + kw.get("c", 0.5)

        def f(x, a):
            return np.sum(layer(a, a=x, b=x * x))
    """,
    "**kwargs items, keys and values": """
        def total(x, **kw):
            s = x
            for k, v in kw.items():
                s = s + v * v
            return s * len(kw) + sum(kw.values())

        def f(x, a):
            return total(x, p=np.sum(a), q=x * a[0])
    """,
    "*args and **kwargs passed on": """
        def inner(x, y, scale=1.0):
            return scale * np.tanh(x * y)

        def outer(*args, **kwargs):
            return inner(*args, **kwargs)

        def f(x, a):
            return np.sum(outer(x, a, scale=x))
    """,
    "f(*p) of a tuple the function builds": """
        def helper(u, v):
            return u * np.cos(v)

        def f(x, a):
            p = (x, np.sum(a))
            return helper(*p) + np.hypot(*p)
    """,
    "f(*p) of a list display, and a tuple argument spread in": """
        def f(x, a):
            q = [x * x, a]
            return np.sum(np.multiply(*q)) + np.sum(np.stack([*q[1:], a * x]))
    """,
    "f(**opts) of a dict display": """
        def helper(u, v=1.0, w=2.0):
            return u * v + w

        def f(x, a):
            opts = {"v": np.sum(a), "w": x * x}
            return helper(x, **opts) + helper(**{"u": a[1], "v": x})
    """,
    "starred displays and zip(*pairs)": """
        def f(x, a):
            xs = (x, a[0])
            t = (*xs, x * a[2])
            pairs = [(x, a[1]), (x * 2.0, a[2])]
            cols = list(zip(*pairs))
            return sum(t) * np.sum(np.stack([*cols[0], *cols[1]]))
    """,
    "a shape spread into a method call and into shapes": """
        def f(x, a):
            shape = (3,)
            noise = np.random.RandomState(0).randn(*shape)
            grid = np.reshape(a * x, (*shape, 1)) * np.ones((*shape, 2))
            return np.sum(grid) + np.sum(noise * a * x)
    """,
    "max and min over *args": """
        def biggest(*xs):
            return max(xs) - min(v * 0.5 for v in xs)

        def f(x, a):
            return biggest(x, a[0], np.sum(a))
    """,
}


@pytest.mark.parametrize("source", CASES.values(), ids=list(CASES))
def test_variadic(source):
    check_all(source)


def test_tuple_argument_spread():
    """``f(*params)`` of a tuple argument of the differentiated function: its kind has the length."""
    f = make_function(
        """
        def f(params, x):
            return np.sum(np.multiply(*params)) * x + np.sum(np.hypot(*params[:1], x))
        """
    )
    params = (np.array([0.3, -0.5]), np.array([1.1, 0.4]))
    check_tree(f, [params, 0.7], wrt=0)
    check_tree(f, [params, 0.7], wrt=1)


def test_args_inlined_as_written_out():
    """A ``*args`` helper inlined reads as if the arguments were written out."""
    f = make_function(
        """
        def norm2(*xs):
            return sum(v * v for v in xs)

        def f(x, y):
            return norm2(x, y, 2.0)
        """,
        "f",
    )
    code = s2sad.source(f, wrt=(0, 1))
    body = [line.strip() for line in code.split('"""')[-1].splitlines()]
    assert [line for line in body if line and not line.startswith("#")] == [
        "y_bar = 2.0 * y",
        "x_bar = 2.0 * x",
        "return x_bar, y_bar",
    ], code


ERRORS = {
    "*args on the differentiated function": (
        "def f(*xs):\n    return xs[0] * xs[1]\n",
        (1.0, 2.0),
        "a `*args` or `**kwargs` parameter of the differentiated function",
    ),
    "**kwargs on the differentiated function": (
        "def f(x, **kw):\n    return x * x\n",
        (1.0,),
        "a `*args` or `**kwargs` parameter of the differentiated function",
    ),
    "spread of a list argument": (
        "def f(x, xs):\n    return np.hypot(*xs) * x\n",
        (1.0, [1.0, 2.0]),
        "`*xs`: its length is not known",
    ),
    "spread of a list the function changes": (
        "def f(x):\n    xs = [x]\n    xs.append(x)\n    return np.hypot(*xs)\n",
        (1.0,),
        "`*xs`: its length is not known",
    ),
    "spread of a computed dict": (
        "def g(u, v=1.0):\n    return u * v\n\ndef f(x, d):\n    return g(x, **d[0])\n",
        (1.0, [{"v": 2.0}]),
        "`**d[0]`: its keys are not known",
    ),
}


@pytest.mark.parametrize("source, args, message", ERRORS.values(), ids=list(ERRORS))
def test_variadic_errors(source, args, message):
    f = make_function(source, "f")
    with pytest.raises(UnsupportedSyntaxError) as err:
        s2sad.grad(f)(*args)
    assert message in str(err.value), str(err.value)
    assert ":" in str(err.value).splitlines()[0]
