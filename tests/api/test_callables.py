"""Callables passed to the API that are not plain functions: a bound method (its
parameters after ``self``; ``self``'s arrays are constants), a ``functools.partial``
(the parameters it leaves open), a function decorated with ``functools.wraps``
(``__wrapped__`` followed when the wrapper only passes its arguments on), an
``lru_cache``d function. Each with grad, value_and_grad, jvp, derivative and hessian,
against central differences."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from checks import assert_close, central_difference

import s2sad
from s2sad import UnsupportedSyntaxError

W = np.array([[1.0, 2.0, -0.5], [0.5, -1.0, 0.3]])
X = np.array([0.3, -0.2, 0.4])


class Model:
    def __init__(self, W, b):
        self.W = W
        self.b = b

    def hidden(self, x):
        return np.tanh(self.W @ x + self.b)

    def loss(self, x, scale=2.0):
        return scale * np.sum(self.hidden(x) ** 2)

    def energy(self, t):
        return np.sin(t) * np.sum(self.W) + t**3


def power(x, n, scale=1.0):
    return scale * np.sum(x**n)


def passes_on(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        out = fn(*args, **kwargs)
        return out

    return wrapper


@passes_on
def wrapped(x, y):
    return np.sum(np.sin(x) * y)


@functools.cache
def cached(t):
    return t**3 + np.exp(t)


MODEL = Model(W, np.array([0.1, -0.2]))


def check_array_function(f, plain, x):
    """grad, value_and_grad, jvp, hessian of ``f`` against those of ``plain`` by differences."""
    expected = central_difference(plain, [x], 0)
    assert_close(s2sad.grad(f)(x), expected, what="grad")
    value, g = s2sad.value_and_grad(f)(x)
    assert_close(value, plain(x), 1e-12, "value")
    assert_close(g, expected, what="value_and_grad")
    v = np.array([0.2, -1.0, 0.5])
    out, tangent = s2sad.jvp(f, (x,), (v,))
    assert_close(out, plain(x), 1e-12, "jvp value")
    assert_close(tangent, expected @ v, what="jvp")
    hess = central_difference(s2sad.grad(plain), [x], 0)
    assert_close(s2sad.hessian(f)(x), hess, 1e-4, "hessian")


def test_a_bound_method_differentiates_its_arguments_after_self():
    check_array_function(MODEL.loss, lambda x: MODEL.loss(x), X)
    assert_close(
        s2sad.grad(MODEL.loss, wrt="scale")(X, 3.0), MODEL.loss(X, 1.0), what="wrt a later parameter"
    )


def test_a_bound_method_of_a_number():
    f = MODEL.energy
    expected = central_difference(lambda t: MODEL.energy(t), [0.4], 0)
    assert_close(s2sad.grad(f)(0.4), expected)
    assert_close(s2sad.derivative(f)(0.4), expected)
    assert_close(s2sad.hessian(f)(0.4), central_difference(s2sad.grad(f), [0.4], 0), 1e-4)
    assert_close(s2sad.grad(s2sad.grad(f))(0.4), central_difference(s2sad.grad(f), [0.4], 0), 1e-4)


def test_a_bound_method_reads_self_as_written():
    text = s2sad.source(MODEL.energy)
    assert "self.W" in text, text


def test_a_partial_leaves_the_other_parameters():
    f = functools.partial(power, n=3)
    check_array_function(f, lambda x: power(x, 3), X)
    g = functools.partial(power, X)  # x bound: n and scale are the parameters
    assert_close(s2sad.grad(g, wrt="scale")(2, 1.5), power(X, 2), what="wrt counts the open parameters")
    assert_close(s2sad.grad(g, wrt=1)(2, 1.5), power(X, 2))
    with pytest.raises(ValueError, match="out of range"):
        s2sad.grad(g, wrt=2)


def test_a_partial_of_a_scalar_function():
    f = functools.partial(power, n=4, scale=0.5)
    expected = central_difference(lambda t: power(t, 4, 0.5), [0.7], 0)
    assert_close(s2sad.derivative(f)(0.7), expected)
    assert_close(s2sad.value_and_grad(f)(0.7)[1], expected)
    assert_close(s2sad.hessian(f)(0.7), 6.0 * 0.7**2, 1e-6)


def test_a_partial_of_a_bound_method():
    f = functools.partial(MODEL.loss, scale=0.5)
    check_array_function(f, lambda x: MODEL.loss(x, 0.5), X)


def test_a_wraps_wrapper_that_passes_its_arguments_on():
    y = np.array([1.0, 2.0, -1.0])
    f = lambda x: wrapped(x, y)  # noqa: E731
    check_array_function(functools.partial(wrapped, y=y), f, X)
    assert_close(s2sad.grad(wrapped, wrt=1)(X, y), np.sin(X))
    assert_close(s2sad.jvp(wrapped, (X, y), (np.ones(3), np.zeros(3)))[1], np.sum(np.cos(X) * y))


def test_an_lru_cached_function():
    expected = central_difference(cached.__wrapped__, [0.5], 0)
    assert_close(s2sad.grad(cached)(0.5), expected)
    assert_close(s2sad.derivative(cached)(0.5), expected)
    assert_close(s2sad.value_and_grad(cached)(0.5), (cached(0.5), expected))
    assert_close(s2sad.hessian(cached)(0.5), 6 * 0.5 + np.exp(0.5), 1e-6)


def scales(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return 2.0 * fn(*args, **kwargs)

    return wrapper


def test_a_wrapper_that_changes_the_result_is_refused():
    @scales
    def f(x):
        return x**2

    with pytest.raises(UnsupportedSyntaxError, match="does more than call it"):
        s2sad.grad(f)
    with pytest.raises(UnsupportedSyntaxError, match="does more than call it"):
        s2sad.derivative(f)


FACTORIAL = lambda n: 1.0 if n <= 0 else n * FACTORIAL(n - 1)  # noqa: E731


def test_a_recursive_lambda():
    """Its derivative calls its own vjp or jvp by a name Python accepts (not ``<lambda>_vjp``):
    d/dn of n (n - 1) (n - 2) at 3 is 11."""
    assert s2sad.grad(FACTORIAL)(3.0) == pytest.approx(11.0)
    assert s2sad.derivative(FACTORIAL)(3.0) == pytest.approx(11.0)
