"""A function declared non-differentiable passes no derivative to its arguments."""

import numpy as np
import pytest
from checks import check_forward, check_reverse
from conftest import make_function


@pytest.mark.parametrize("maker", ["zeros_like", "ones_like", "empty_like"])
def test_an_array_made_like_a_differentiated_one_then_written(maker):
    f = make_function(
        f"""
        def f(p):
            acc = np.{maker}(p)
            acc[0] = p[0] * p[1]
            acc[1] = np.sin(p[1])
            return np.sum(acc[:2] ** 2)
        """,
        np=np,
    )
    args = (np.array([0.5, 1.5, 2.0]),)
    check_reverse(f, args, [0])
    check_forward(f, args, [0])
