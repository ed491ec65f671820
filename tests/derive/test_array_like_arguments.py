"""Lists of numbers and arrays passed where NumPy reads an array, found by the autograd
coverage inventory (``benchmarks/coverage``): rule templates did list arithmetic on them
(``[x, y] - np.mean(...)`` became a join of lists at second order), and ``np.vstack(x)`` of
an array (its rows are the pieces) had a list for a cotangent. Both modes and second order
against central differences."""

import math

import pytest

from .test_control_shapes import check_all

CASES = {
    "np.std of a list": "return np.std([x, x + 2.0, 3.0 * x]) * np.sum(a)",
    "np.var and np.mean of lists": "return np.mean([x, x * x]) * np.var([x, 2 * x, a[0]])",
    "np.linalg.norm of a list": "return np.linalg.norm([x, x + 2.0, a[1] * x])",
    "a list of arrays": "return np.sum(np.std([a * x, a + x], axis=0))",
    "np.vstack of an array": "return np.sum(np.sin(np.vstack(a * x)))",
    "np.hstack of an array": "return np.sum(np.sin(np.hstack(a * x)) * a)",
    "np.vstack of a matrix": "return np.sum(np.vstack(np.outer(a, a) * x) ** 2)",
    "np.concatenate of a matrix": "return np.sum(np.concatenate(np.outer(a, a * x)) ** 3)",
}


@pytest.mark.parametrize("name", CASES)
def test_array_like_arguments(name):
    check_all(f"def f(x, a):\n    {CASES[name]}\n", math=math)
