"""Array methods that mean NumPy functions (``x.take(i)`` is ``np.take(x, i)``), in both
modes and at second order against central differences."""

import numpy as np
import pytest
from checks import check_tree


def take(x):
    return np.sum(x.take([0, 2]) ** 2) + np.sum(x.take(np.array([3, 1])) * x[0])


def take_axis(x):
    m = x.reshape(2, 2)
    return np.sum(m.take([1, 0], axis=1) * m)


def partitioned(x):
    smallest = x.argpartition(1)[:2]
    return np.sum(np.sin(x.take(smallest)) * x[3])


def searched(x):
    k = np.sort(x).searchsorted(0.5)
    return np.sum(x[:k] ** 3) + x[k] * x[0]


@pytest.mark.parametrize("f", [take, take_axis, partitioned, searched], ids=lambda f: f.__name__)
def test_array_method(f):
    check_tree(f, [np.array([0.3, 1.2, -0.4, 2.0])])
