"""An ``int`` argument is differentiated as a float, in forward mode too.

Its tangent counts where it is used as a number (``x * x``, ``x ** n``); where it is a
count, a flag or an index, activity finds the tangent reaches nothing and it is
ignored, whatever is passed.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from checks import central_difference

import s2sad


def square(x):
    return x * x


def mixed(x, y):
    return x * y + math.sin(x)


def power_sum(n, x):
    return np.sum(x**n)


def indexed(x, i):
    return x[i] * i


def test_jvp_of_an_int_primal_has_its_tangent():
    out, tangent = s2sad.jvp(square, (3,), (1.0,))
    assert out == 9 and tangent == pytest.approx(6.0)
    out, tangent = s2sad.jvp(mixed, (2, 1.5), (1.0, 0.0))
    assert tangent == pytest.approx(central_difference(mixed, [2.0, 1.5], 0))


def test_forward_derivatives_of_an_int_agree_with_reverse_mode():
    assert s2sad.derivative(square)(3) == pytest.approx(6.0)
    assert s2sad.jacobian(square, mode="forward")(3) == pytest.approx(6.0)
    assert s2sad.hessian(square)(3) == pytest.approx(2.0)
    assert s2sad.hvp(square)(3, 1.0) == pytest.approx(2.0)
    x = np.array([2.0, 3.0])
    _, tangent = s2sad.jvp(power_sum, (2, x), (1.0, np.zeros(2)))
    assert tangent == pytest.approx(np.sum(x**2 * np.log(x)))
    assert tangent == pytest.approx(s2sad.grad(power_sum)(2, x))


def test_an_int_index_keeps_the_tangent_of_its_other_use():
    x = np.array([2.0, 3.0])
    _, tangent = s2sad.jvp(indexed, (x, 1), (np.zeros(2), 1.0))
    assert tangent == pytest.approx(s2sad.grad(indexed, wrt=1)(x, 1)) and tangent == pytest.approx(3.0)
    assert s2sad.jvp(indexed, (x, 1), (np.zeros(2), None))[1] == 0.0  # None holds it still
    with pytest.raises(ValueError, match="shape"):
        s2sad.jvp(indexed, (x, 1), (np.zeros(2), np.ones(3)))
