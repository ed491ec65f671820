"""Rewrites that drop an array of constants keep the value's shape, dtype and kind.

``np.ones(s) * y`` is ``y`` and ``np.full(s, c) + y`` is ``c + y`` only where ``y``
surely has the shape of the result already: ``x * np.ones(3)`` of a number ``x`` is
an array of three, and ``h + np.ones(5)`` of an ``h`` of length 3 raises.
"""

from __future__ import annotations

import numpy as np
import pytest
from checks import assert_close, central_difference, check_forward, check_reverse

import s2sad
from s2sad.ir.kinds import Kind
from s2sad.simplify.examples import run
from s2sad.simplify.shapes import fold_ones


def scaled_ones(x):
    return np.sum(x * np.ones(3))


def ones_scaled(x):
    return np.sum(np.ones(3) * x)


def ones_twice(x):
    return np.sum(x * np.ones(3) * np.ones(3))


def sine_over_ones(x):
    return np.sum(np.sin(x) * np.ones(4))


def dot_of_ones(x):
    return np.dot(np.ones(3), x * np.ones(3))


def rows_of_ones(x):
    return np.sum(np.ones((2, 3)) * x)


def mean_of_ones(x):
    return np.mean(x * np.ones(3)) * 3


def filled_product(x):
    return np.sum(x * np.full(3, 2.0) * x)


NUMBER = [scaled_ones, ones_scaled, ones_twice, sine_over_ones, dot_of_ones, mean_of_ones, filled_product]


@pytest.mark.parametrize("f", NUMBER, ids=lambda f: f.__name__)
def test_a_number_times_ones_is_an_array(f):
    check_reverse(f, [0.7], [0])
    check_forward(f, [0.7], [0])
    second = s2sad.grad(s2sad.grad(f))(0.7)
    assert_close(second, central_difference(s2sad.grad(f), [0.7], 0), 1e-5, f.__name__)


def test_a_vector_times_rows_of_ones():
    x = np.array([0.3, -0.7, 1.2])
    check_reverse(rows_of_ones, [x], [0])
    check_forward(rows_of_ones, [x], [0])


def add_ones(h):
    return np.sum(h + np.ones(5))


def times_ones(h):
    return np.sum(h * np.ones(5))


def times_filled(h):
    return np.sum(h * np.full(5, 2.0))


def sine_times_ones(h):
    return np.sum(np.sin(h) * np.ones(5))


def product(x, y):
    return np.sum(x * y)


@pytest.mark.parametrize("f", [add_ones, times_ones, times_filled, sine_times_ones], ids=lambda f: f.__name__)
def test_a_broadcast_that_fails_still_fails(f):
    h = np.ones(3)
    with pytest.raises(ValueError, match="broadcast"):
        s2sad.grad(f)(h)
    with pytest.raises(ValueError, match="broadcast"):
        s2sad.jvp(f, (h,), (h,))


def test_arguments_of_different_lengths_still_fail():
    x, y = np.ones(3), np.ones(5)
    with pytest.raises(ValueError, match="broadcast"):
        s2sad.grad(product)(x, y)
    with pytest.raises(ValueError, match="broadcast"):
        s2sad.jvp(product, (x, y), (x, y))


def test_the_primal_keeps_the_array_it_cannot_drop():
    text = s2sad.source(add_ones, mode="forward", args=(np.ones(3),))
    assert "h + np.ones(5)" in text, text
    assert "h + 1.0" not in text, text


def test_fold_ones_keeps_one_of_two_arrays_of_ones():
    text = run(
        fold_ones,
        """
        v1 = np.ones(3)
        g = np.ones(v1.shape)
        x_bar = np.sum(g * v1)
        return x_bar
        """,
    )
    assert "np.sum(v1)" in text or "np.sum(g)" in text, text


def test_only_a_shared_token_says_two_lengths_are_equal():
    a = Kind(np.ndarray, ("n",), "f", shape="h")
    assert not a.same_shape(Kind(np.ndarray, ("n",), "f"))
    assert not a.same_shape(Kind(np.ndarray, ("n",), "f", shape="(5,)"))
    assert a.same_shape(Kind(np.ndarray, ("n",), "f", shape="h"))
    assert Kind(np.ndarray, ("1", "1"), "f").same_shape(Kind(np.ndarray, ("1", "1"), "f"))
