"""Writes through an index that names a slot twice (``y[[0, 0, 2]] = v``): NumPy writes each
slot once per time it is named, and the last write stays (``y[idx] += v`` is
``y[idx] = y[idx] + v``, so a repeated slot gets one ``v``, not their sum). Only the write
kept reaches the output, so only it gets the slot's adjoint. Each program is checked in
reverse and forward mode and at second order (Hessian, and grad of grad) against central
differences, at ``x = 0.7``, ``a = [0.3, -0.5, 1.1]``."""

import numpy as np
import pytest
from conftest import make_function

import s2sad

from .test_control_shapes import check_all

X, A = 0.7, np.array([0.3, -0.5, 1.1])


WRITES = {
    "+= through an array that repeats a slot": """
        def f(x, a):
            y = np.zeros(3)
            idx = np.array([0, 0, 2])
            y[idx] += a * x
            return np.sum(y * y)
    """,
    "= through an array that repeats a slot": """
        def f(x, a):
            y = np.zeros(3)
            idx = np.array([0, 0, 2])
            y[idx] = a * x
            return np.sum(y * y)
    """,
    "= of a number to a repeated slot": """
        def f(x, a):
            y = a * 1.0
            idx = np.array([1, 1, 2])
            y[idx] = x * x
            return np.sum(y * y * a)
    """,
    "+= of a number to a repeated slot": """
        def f(x, a):
            y = a * x
            idx = np.array([2, 0, 2])
            y[idx] += x * a[1]
            return np.sum(np.sin(y))
    """,
    "a list display that repeats a slot": """
        def f(x, a):
            y = a * x
            y[[1, 1]] = a[:2] * a[2]
            return np.sum(y * y)
    """,
    "a repeated pair of rows and columns": """
        def f(x, a):
            m = np.outer(a, a) * x
            rows = np.array([0, 2, 0])
            cols = np.array([1, 1, 1])
            m[rows, cols] = a * x * x
            return np.sum(m * m)
    """,
    "repeated rows of a matrix": """
        def f(x, a):
            m = np.zeros((3, 2))
            idx = np.array([1, 1, 0])
            m[idx] = np.outer(a, a[:2]) * x
            return np.sum(m * m * m)
    """,
    "an int and a repeating array": """
        def f(x, a):
            m = np.ones((2, 3)) * x
            idx = np.array([2, 2, 1])
            m[1, idx] = a * x
            return np.sum(m * m)
    """,
    "a slice and a repeating array": """
        def f(x, a):
            m = np.ones((3, 3)) * x
            idx = np.array([0, 0])
            m[1:, idx] = np.outer(a[:2], a[1:]) * x
            return np.sum(m * m)
    """,
    "a repeating index array and a value laid out by columns": """
        def f(x, a):
            y = np.zeros(3)
            idx = np.array([[0, 1], [1, 0]]).T
            y[idx] = (np.outer(a[:2], a[1:]) * x).T
            return np.sum(y * y)
    """,
    "a reversed repeating index": """
        def f(x, a):
            y = np.zeros(3)
            idx = np.array([0, 0, 2])
            y[idx[::-1]] = a * x
            return np.sum(y * y * a)
    """,
    "+= in a for loop": """
        def f(x, a):
            y = np.zeros(3)
            idx = np.array([0, 0, 2])
            for i in range(3):
                y[idx] += a * x * y[i] + a
            return np.sum(y * y)
    """,
    "= in a while loop that reads the array": """
        def f(x, a):
            y = a * x
            idx = np.array([1, 2, 1])
            k = 0
            while k < 2:
                k += 1
                y[idx] = np.sin(y) * x
            return np.sum(y * y)
    """,
    "*= through a list that repeats a slot, with an int": """
        def f(x, a):
            m = np.outer(a, a) * x
            m[[0, 0], 1] *= a[:2] * x
            return np.sum(m * m)
    """,
    "an index computed from the input": """
        def f(x, a):
            y = a * x
            idx = np.argsort(a)
            y[idx] = a * x * x
            return np.sum(y * y)
    """,
    "a read and a write of the same repeated slots": """
        def f(x, a):
            y = a * x
            idx = np.array([0, 0, 1])
            y[idx] = y[idx] * y[idx]
            return np.sum(y * a)
    """,
    "a repeating index made in a loop": """
        def f(x, a):
            y = a * x
            for i in range(2):
                y[np.array([i, i, 2])] += a * y
            return np.sum(y * y)
    """,
    "a read of repeated slots": """
        def f(x, a):
            y = a * x
            idx = np.array([0, 0, 2])
            return np.sum(y[idx] * y[idx] * a)
    """,
    "np.add.at through a repeated slot": """
        def f(x, a):
            y = a * 1.0
            idx = np.array([0, 0, 2])
            np.add.at(y, idx, a * x * x)
            return np.sum(y * y)
    """,
    # at second order the gradient adds into what last_written returned: a new array
    "a repeated-slot write, then a read by repeated index (fuzz 15/9983)": """
        def f(x, a):
            s, v, t = (x, a, x)
            y8 = np.zeros(3)
            y8[1] = np.mean(v[np.array([0, 2, 0])])
            y9 = a.copy()
            y9[[2, 1, 1]] = v
            return np.sum(y8) + np.sum(y9)
    """,
}


@pytest.mark.parametrize("name", WRITES)
def test_repeated_index_write(name):
    check_all(WRITES[name])


ONCE = """
    def f(x, a):
        y = a * x
        y[a > 0] = x * a[a > 0]
        y[1:] = a[:2] * x
        y[0] = x * x
        return np.sum(y * y)
"""


def test_a_mask_a_slice_or_an_int_keep_the_plain_adjoint():
    """A mask, a slice or an int names each slot once: its write passes ``y_bar[index]`` on."""
    check_all(ONCE)
    f = make_function(ONCE, "f")
    assert "last_written" not in s2sad.source(f)
    assert "last_written" not in s2sad.source(s2sad.grad(f))
