"""Axes written as lists, tuples of axes, and negated constants: generated code reads them as
the user wrote them, and keeps what it knows of the shapes (a transpose by ``[1, 0]`` is
``.T``, its adjoint a transpose again, not a dispatch on the rank at run time).

Each case also checks the derivative against central differences."""

import numpy as np
import pytest
from checks import assert_close, central_difference

import s2sad


def transposed(x):
    return np.sum(np.transpose(x, [1, 0]) @ np.transpose(x, (1, 0)) @ x)


def moved(x):
    return np.sum(np.transpose(x[None], [2, 0, 1]) ** 3)


def expanded(x):
    return np.sum(np.expand_dims(x, (0, 2)) ** 2 * np.expand_dims(x, [-1]))


def clipped(x):
    return np.sum(np.maximum(x, -np.inf) ** 2) + np.sum(np.clip(x, -np.pi, np.inf))


CASES = {
    transposed: (np.arange(9.0).reshape(3, 3) / 7, ["x.T @ x.T"], ["ndim", "matmul_vjp", "argsort"]),
    moved: (np.arange(6.0).reshape(2, 3) / 5, ["(1, 2, 0)"], ["argsort", "gradient_like"]),
    expanded: (np.arange(3.0) / 2, [], ["gradient_like", "unbroadcast", ".ndim"]),
    clipped: (np.array([1.0, -5.0, 2.0]), ["-np.inf", "-np.pi"], ["v1 = -np"]),
}


@pytest.mark.parametrize("f", list(CASES), ids=lambda f: f.__name__)
def test_known_shapes_and_constants(f):
    x, present, absent = CASES[f]
    text = s2sad.source(f, args=(x,))
    for piece in present:
        assert piece in text, text
    for piece in absent:
        assert piece not in text, text
    assert_close(s2sad.grad(f)(x), central_difference(f, [x], 0), 1e-6, "gradient")
    _, tangent = s2sad.jvp(f, (x,), (np.ones_like(x),))
    assert_close(tangent, np.sum(central_difference(f, [x], 0)), 1e-6, "tangent")
