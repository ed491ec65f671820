"""``checkpoint(f)(x)``: f's inputs kept, its forward values computed again in the reverse sweep;
the derivative of the plain call in every mode and at second order."""

import numpy as np
import pytest
from checks import assert_close, check_forward, check_reverse
from conftest import make_function

import s2sad
from s2sad.checkpointing import checkpoint

HELPERS = """
def layer(h, W, b):
    for k in range(2):
        h = np.tanh(W @ h + b)
    return h

def pair(x, w):
    return np.sin(w * x), x * np.exp(-w)

def scaled(x, w, scale=2.0):
    return scale * np.sin(w * x)
"""

CASES = {
    "array": (
        """
        def f(h, W, b):
            y = checkpoint(layer)(h, W, b)
            return np.sum(y ** 2)
        """,
        (np.array([0.3, -0.2, 0.5]), np.eye(3) * 0.7 + 0.1, np.array([0.1, 0.0, -0.1])),
        (0, 1, 2),
    ),
    "tuple": (
        """
        def f(x, w):
            a, b = checkpoint(pair)(x, w)
            return a * b + a
        """,
        (0.4, 1.3),
        (0, 1),
    ),
    "keyword": (
        """
        def f(x, w):
            return checkpoint(scaled)(x, w, scale=3.0) * x
        """,
        (0.4, 1.3),
        (0, 1),
    ),
    "in_a_loop": (
        """
        def f(x, w, n):
            for t in range(n):
                x = checkpoint(scaled)(x, w) * 0.5 + 0.1
            return x
        """,
        (0.4, 1.3, 4),
        (0, 1),
    ),
    "in_a_checkpointed_loop": (
        """
        def f(x, w, n):
            for t in checkpoint(range(n), snapshots=2):
                x = checkpoint(scaled)(x, w) * 0.5 + 0.1
            return x
        """,
        (0.4, 1.3, 5),
        (0, 1),
    ),
    "not_the_users": (
        """
        def f(x, w):
            return checkpoint(np.sin)(w * x)
        """,
        (0.4, 1.3),
        (0, 1),
    ),
}


def functions(source):
    ns = {"checkpoint": checkpoint}
    helpers = make_function(HELPERS, "layer", **ns).__globals__
    f = make_function(source, **{**helpers, **ns})
    plain = make_function(source.replace("checkpoint(range(n), snapshots=2)", "range(n)"), **helpers)
    plain = make_function(
        source.replace("checkpoint(range(n), snapshots=2)", "range(n)")
        .replace("checkpoint(layer)", "layer")
        .replace("checkpoint(pair)", "pair")
        .replace("checkpoint(scaled)", "scaled")
        .replace("checkpoint(np.sin)", "np.sin"),
        **helpers,
    )
    return f, plain


@pytest.mark.parametrize("name", list(CASES))
def test_same_as_the_plain_call(name):
    source, args, wrt = CASES[name]
    f, plain = functions(source)
    for g, w in zip(s2sad.grad(f, wrt=wrt)(*args), s2sad.grad(plain, wrt=wrt)(*args)):
        assert_close(g, w, 1e-12, name)
    check_reverse(f, args, wrt)
    check_forward(f, args, wrt)


@pytest.mark.parametrize("name", ["tuple", "keyword", "in_a_loop", "array"])
def test_second_order(name):
    source, args, wrt = CASES[name]
    f, plain = functions(source)
    assert_close(s2sad.hessian(f, wrt=0)(*args), s2sad.hessian(plain, wrt=0)(*args), 1e-9, name)
    if np.ndim(args[0]) == 0:
        gg = s2sad.grad(s2sad.grad(f, wrt=0), wrt=0)(*args)
        assert_close(gg, s2sad.hessian(plain, wrt=0)(*args), 1e-9, name)


def test_the_reverse_sweep_calls_the_vjp_and_the_forward_sweep_the_function():
    f, _ = functions(CASES["array"][0])
    text = s2sad.source(f, args=CASES["array"][1], wrt=(0, 1, 2))
    assert "    y = layer(h, W, b)\n" in text
    assert "_, y_pullback = layer_vjp(h, W, b)" in text
    assert text.index("y = layer(") < text.index("layer_vjp(")


def test_a_local_function_is_refused():
    f = make_function(
        """
        def f(x):
            def g(y):
                return y * y
            return checkpoint(g)(x)
        """,
        checkpoint=checkpoint,
    )
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="defined inside"):
        s2sad.grad(f)(1.0)
