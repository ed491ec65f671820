"""``np.r_[...]`` and ``np.c_[...]`` build arrays by indexing; they were a zero derivative (an
index carries none). They are lowered to the calls they mean (``lower/index_tricks.py``), and
checked here in both modes and at second order against central differences."""

import math

import numpy as np
import pytest
from conftest import make_function

import s2sad
from s2sad.errors import UnsupportedSyntaxError

from .test_control_shapes import check_all

CASES = {
    "r_ of an array and its square": "return np.sum(np.r_[a * x, a ** 2] ** 2)",
    "r_ of an array and numbers": "return np.sum(np.r_[a, x, 2.0] * np.r_[x, a, x])",
    "r_ of numbers only": "return np.sum(np.r_[x, x * x] ** 3)",
    "r_ with a slice": "return np.sum(np.r_[a * x, 0:3] * np.arange(6.0))",
    "r_ of matrices stacks rows": "return np.sum(np.r_[np.outer(a, a) * x, np.ones((1, 3)) * x] ** 2)",
    "c_ of two columns": "return np.sum(np.c_[a, a * x] @ np.array([x, 2.0]))",
    "c_ of a matrix and a column": "return np.sum(np.c_[np.outer(a, a) * x, a] ** 2)",
    "c_ with a bias column": "return np.sum((np.c_[a * x, np.ones(3)] @ np.array([0.5, x])) ** 2)",
}


@pytest.mark.parametrize("name", CASES)
def test_index_tricks(name):
    check_all(f"def f(x, a):\n    {CASES[name]}\n", math=math)


def test_c_of_stacks_joins_along_the_last_axis():
    """``np.c_`` of 3-D pieces joins along the last axis, as NumPy does (``np.column_stack``:
    axis 1)."""
    body = "return np.sum(np.c_[np.ones((2, 2, 3)) * x, a * np.ones((2, 2, 3))] ** 2)"
    f = make_function(f"def f(x, a):\n    {body}\n", "f")
    a = np.array([0.3, -0.5, 1.1])
    assert np.shape(np.c_[np.ones((2, 2, 3)), np.ones((2, 2, 3))]) == (2, 2, 6)
    h = 1e-6
    expected = (f(0.7 + h, a) - f(0.7 - h, a)) / (2 * h)
    assert abs(s2sad.grad(f)(0.7, a) - expected) < 1e-5


@pytest.mark.parametrize("index", ["'r', a, x", "a, 0:3:4j"])
def test_directives_and_point_counts_are_refused(index):
    f = make_function(f"def f(x, a):\n    return np.sum(np.r_[{index}] * x)\n", "f")
    with pytest.raises(UnsupportedSyntaxError, match="np.r_"):
        s2sad.grad(f)(0.7, np.ones(3))
