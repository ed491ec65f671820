"""Hessians at the edges autograd's tests reach: an argument with no entries, and NumPy
reductions of a tuple of numbers (found by the autograd inventory: internal errors)."""

import numpy as np
from checks import assert_close, central_difference
from conftest import make_function

import s2sad


def test_hessian_with_respect_to_an_empty_array():
    f = make_function(
        """
        def f(x, y):
            return np.sum(np.sin(np.einsum("...ij,...jk->...ik", x, y))) + 0.0
        """
    )
    x, y = np.ones((0, 2, 3)), np.ones((0, 3, 4))
    assert s2sad.hessian(f)(x, y).shape == (0, 2, 3, 0, 2, 3)
    blocks = s2sad.hessian(f, wrt=(0, 1))(x, y)
    assert [[b.shape for b in row] for row in blocks] == [
        [(0, 2, 3, 0, 2, 3), (0, 2, 3, 0, 3, 4)],
        [(0, 3, 4, 0, 2, 3), (0, 3, 4, 0, 3, 4)],
    ]


def test_reductions_of_a_tuple_of_numbers_at_second_order():
    for reduction in ("var", "std", "mean"):
        f = make_function(f"def f(x):\n    return np.{reduction}((x, x + 2.0, 3.0 * x * x))\n")
        expected = central_difference(s2sad.grad(f), [0.5], 0)
        assert_close(s2sad.hessian(f)(0.5), expected, 1e-5, reduction)
        _, tangent = s2sad.jvp(s2sad.grad(f), (0.5,), (1.0,))
        assert_close(tangent, expected, 1e-5, f"{reduction} forward over reverse")
