"""The Hessian of a gradient s2sad returned, for a function with a parameter left at its
default: the programs built from it take every parameter."""

import numpy as np
from checks import assert_close, central_difference
from conftest import make_function

import s2sad


def test_hessian_of_a_gradient_with_a_default_parameter():
    f = make_function("def f(x, y=3.0):\n    return x * x * x * y + np.sin(x) * y\n")
    grad = s2sad.grad(f)
    expected = central_difference(lambda x: s2sad.grad(grad)(x), [2.0], 0)
    assert_close(s2sad.hessian(grad)(2.0), expected, 1e-4, "hessian of the gradient")
    assert_close(s2sad.hessian(grad)(2.0, 1.5), 6.0 * 1.5 - np.cos(2.0) * 1.5, 1e-6, "given y")
