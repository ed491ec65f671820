"""Two join bugs of the seed 18 long run, and their siblings. Each is checked in reverse and
forward mode and at second order (Hessian, and grad of grad) against central differences.

- A value that an inner ``if`` binds on one path only, where the other path returns: the
  join of the outer ``if`` copied it at the end of the outer branch, where the returning path
  (a flag, once ``return`` is restructured away) had no value: ``UnboundLocalError``.
- An adjoint added into in place in a branch (``np.add.at(y_bar, i, v)``, from ``y[[0, 0]]``):
  the branch was taken to give ``y_bar`` a new value, so what it held before the ``if`` was
  dropped (grad of grad missed a term)."""

import math

import pytest

from .test_control_shapes import check_all

CASES = {
    "bound on the path that does not return": """
        def f(x, a):
            if x > 1.3:
                s1 = 0.3 * math.sin(a[-1])
            else:
                if a[2] > -0.41:
                    return a[2] / (1.0 + a[-1] * a[-1]) * x
                s1 = math.exp(math.tanh(np.dot(a, a)))
            m = np.array([[s1 - x, np.sum(a[1:])], [a.sum(), math.exp(math.tanh(x))]])
            if a @ a < 1.3:
                return s1
            return s1 + np.sum(m.T @ m)
    """,
    "the same, the other path taken": """
        def f(x, a):
            if x > 1.3:
                s1 = 0.3 * x
            else:
                if a[2] < -0.41:
                    return a[2] * x
                s1 = math.exp(math.tanh(x * a[0]))
            return s1 * np.sum(a * x)
    """,
    "bound on one path in a loop that returns on the other": """
        def f(x, a):
            s = 0.0
            for i in range(3):
                if a[i] > 1.0:
                    return s * x
                t = a[i] * x
                s = s + t * t
            return s + t
    """,
    "an array's adjoint added into in a branch, at second order": """
        def f(x, a):
            y3 = a.copy()
            y3[[2, 1]] += x
            if x:
                x = y3[[0, 0, 1]]
            return np.sum(x * x + np.tanh(y3))
    """,
    "np.add.at in a branch": """
        def f(x, a):
            y = a * x
            if x > 0.5:
                np.add.at(y, [0, 0, 2], x * x)
            return np.sum(np.sin(y) * y)
    """,
    "np.add.at in the branch not taken": """
        def f(x, a):
            y = a * x
            if x > 1.5:
                np.add.at(y, [1, 1], x)
            return np.sum(y ** 3)
    """,
}


@pytest.mark.parametrize("name", CASES)
def test_joins_in_branches(name):
    check_all(CASES[name], math=math)
