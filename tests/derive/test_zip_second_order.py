"""Loops over ``zip`` at second order.

The reversed loop of a gradient iterates ``reversed(list(zip(xs, ys)))``; a Hessian
differentiates that code again, in forward mode (``hessian``, ``hvp``) or in reverse
(``grad`` of ``grad``), with and without derivatives flowing into the zipped sequences.
"""

import autograd
import numpy as np
import pytest

import s2sad


def horner_fit(coeffs, xs, ys):
    total = 0.0
    for x, y in zip(xs, ys):
        p = 0.0
        for c in coeffs:
            p = p * x + c
        total = total + (p - y) ** 2
    return total


def weighted(w, xs, ys):
    total = 0.0
    for x, y in zip(xs, ys):
        total = total + np.sin(w * x - y) ** 2
    return total


COEFFS = np.array([0.5, -1.0, 2.0])
XS, YS = np.array([0.1, 0.4, 0.9]), np.array([1.0, 1.5, 2.5])


@pytest.mark.parametrize("data", [(list(XS), list(YS)), (XS, YS)], ids=["lists", "arrays"])
def test_hessian_through_zip(data):
    expected = autograd.hessian(horner_fit)(COEFFS, *data)
    np.testing.assert_allclose(s2sad.hessian(horner_fit)(COEFFS, *data), expected, rtol=1e-12, atol=1e-12)
    v = np.array([0.3, -0.2, 0.7])
    np.testing.assert_allclose(s2sad.hvp(horner_fit)(COEFFS, *data, v), expected @ v, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("wrt", [0, 1, 2])
def test_second_derivatives_into_the_zipped_sequences(wrt):
    expected = autograd.hessian(weighted, wrt)(0.3, XS, YS)
    np.testing.assert_allclose(s2sad.hessian(weighted, wrt=wrt)(0.3, XS, YS), expected, atol=1e-12)


@pytest.mark.parametrize("outer", [0, 1, 2])
def test_grad_of_grad_through_zip(outer):
    expected = autograd.grad(autograd.grad(weighted, 0), outer)(0.3, XS, YS)
    got = s2sad.grad(s2sad.grad(weighted, wrt=0), wrt=outer)(0.3, XS, YS)
    np.testing.assert_allclose(got, expected, atol=1e-12)
