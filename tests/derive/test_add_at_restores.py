"""``np.add.at(y, index, v)`` changes ``y`` in place: the adjoints of what read ``y`` before
(``y @ y``, ``np.sin(y)``) need its old values, which the adjoint sweep puts back (the
fuzzer's seed 19 found the gradient wrong). Each is checked in reverse and forward mode and
at second order against central differences."""

import numpy as np
import pytest

from .test_control_shapes import check_all

CASES = {
    "the added value reads the array": """
        def f(x, a):
            y = a * x
            np.add.at(y, [0, 2, 2], y @ y / (1.0 + a[-1] * a[-1]))
            return y[2] * x
    """,
    "read before, by a nonlinear function": """
        def f(x, a):
            y = a * x
            s = np.sum(np.sin(y))
            np.add.at(y, [1, 1], x * x)
            return s * np.sum(y ** 2)
    """,
    "in a loop, each addition reading the last": """
        def f(x, a):
            y = a * x
            for k in range(3):
                np.add.at(y, [k, (k + 1) % 3], np.sum(y * y) * 0.1)
            return np.sum(np.cos(y))
    """,
    "in a branch": """
        def f(x, a):
            y = a * 1.0
            t = np.prod(y)
            if x > 0.5:
                np.add.at(y, [0, 0, 1], x)
            return t * np.sum(y ** 3)
    """,
}


@pytest.mark.parametrize("name", list(CASES))
def test_add_at_puts_the_old_values_back(name):
    check_all(CASES[name], np=np)


@pytest.mark.parametrize("values", ["y", "y.copy()", "y[::-1]", "y[[1, 2, 2]]"])
def test_adding_an_array_into_itself(values):
    """``np.add.at(y, i, y)`` adds the values ``y`` had before, as NumPy does (an internal
    UnboundLocalError once, fuzz seed 21; then refused)."""
    body = "y = np.zeros(3)\n    for i in range(3):\n        y[i] = x * a[i]\n"
    add = f"    np.add.at(y, [2, 2, 0], {values})\n    return np.sum(y * y)\n"
    check_all("def f(x, a):\n    " + body + add, np=np)
