"""Known values for the numeric rules at their edge points, and complex values, which the
rule cases (both modes against central differences) cannot express."""

from __future__ import annotations

import numpy as np
import pytest

import s2sad


def power(x, y):
    return x**y


def sinc(x):
    return np.sinc(x)


def product(x):
    return np.prod(x)


def real_part(x):
    return np.sum(np.real(x * (1 + 2j)))


def imag_part(x):
    return np.sum(np.imag(x * (1 + 2j)))


def cumulative(x):
    return np.sum(np.cumprod(x))


@pytest.mark.parametrize("x, y", [(2.0, 0.0), (np.float64(2.0), np.float64(0.0))])
def test_power_mixed_derivative_where_the_exponent_is_zero(x, y):
    """d/dy (y x ** (y - 1)) = 1 / x at y = 0: the exponent 0 must not hide x."""
    (xx, xy), (yx, yy) = s2sad.hessian(power, wrt=(0, 1))(x, y)
    assert np.allclose([xx, xy, yx, yy], [0.0, 0.5, 0.5, np.log(2.0) ** 2])


def test_sinc_at_zero_to_the_fourth_order():
    d = s2sad.grad
    assert s2sad.grad(sinc)(0.0) == 0.0
    assert np.isclose(s2sad.hessian(sinc)(0.0), -(np.pi**2) / 3)
    assert np.isclose(d(d(d(d(sinc))))(0.0), np.pi**4 / 5)


def test_prod_with_two_zeros():
    x = np.array([2.0, 0.0, 0.0, 3.0])
    assert np.array_equal(s2sad.grad(product)(x), np.zeros(4))
    h = np.zeros((4, 4))
    h[1, 2] = h[2, 1] = 6.0
    assert np.allclose(s2sad.hessian(product)(x), h)


def test_cumprod_with_a_zero():
    x = np.array([2.0, 0.0, 3.0])  # cumprod [2, 0, 0]: d/dx1 = 2 + 2 * 3
    assert np.allclose(s2sad.grad(cumulative)(x), [1.0, 8.0, 0.0])


@pytest.mark.parametrize("f", [real_part, imag_part])
def test_parts_of_complex_values(f):
    """The parts of a complex value that depends on a differentiated input: np.real and np.imag
    of x * (1 + 2j) are x and 2 x, in both modes; on real values np.real and np.imag are the
    identity and zero."""
    x = np.ones(2)
    slope = 1.0 if f is real_part else 2.0
    assert np.allclose(s2sad.grad(f)(x), [slope, slope])
    assert np.isclose(s2sad.jvp(f, (x,), (np.array([1.0, 0.0]),))[1], slope)
    assert np.isclose(s2sad.grad(lambda v: np.sum(np.real(v) + np.imag(v)))(x)[0], 1.0)
