"""Lists of lists (and of tuples) made into arrays, and ``max``/``min`` of a list.

The adjoint of a list is a list, which the adjoints of its ``append`` calls pop from: the rows
of the array's adjoint go back into each item's elements, as many levels down as the lists go.
``max(xs)`` passes its cotangent to the first item equal to the result, as Python's max picks
it. Each program is checked in reverse and forward mode and at second order (Hessian, and grad
of grad) against central differences."""

import numpy as np
import pytest
from checks import check_forward, check_reverse
from conftest import make_function

import s2sad
from s2sad.errors import DifferentiationError

from .test_control_shapes import check_all

X, A = 0.7, np.array([0.3, -0.5, 1.1])


NESTED = {
    "rows of a comprehension are list displays": """
        def f(x, a):
            rows = [[a[i] * x, x] for i in range(3)]
            return np.sum(np.array(rows) ** 2)
    """,
    "rows of a comprehension are tuples": """
        def f(x, a):
            rows = [(a[i] * x, x * x) for i in range(3)]
            return np.sum(np.array(rows) ** 2)
    """,
    "a nested comprehension, depth 2": """
        def f(x, a):
            B = np.array([[a[i] * a[j] * x for j in range(3)] for i in range(3)])
            return np.sum(B @ B)
    """,
    "a nested comprehension, depth 3": """
        def f(x, a):
            T = np.array([[[a[i] * a[j] * x + a[k] for k in range(2)] for j in range(3)] for i in range(2)])
            return np.sum(np.sin(T) * T)
    """,
    "depth 3, the innermost rows displays": """
        def f(x, a):
            T = np.array([[[a[i] * x, a[j]] for j in range(3)] for i in range(2)])
            return np.sum(T ** 3)
    """,
    "rows appended in a loop": """
        def f(x, a):
            rows = []
            for i in range(3):
                row = []
                for j in range(2):
                    row.append(a[i] * x ** (j + 1))
                rows.append(row)
            M = np.asarray(rows)
            return np.sum(M.T @ M)
    """,
    "rows made as displays, appended to, then put in a list": """
        def f(x, a):
            rows = []
            for i in range(3):
                r = [a[i] * x]
                r.append(x * x)
                rows.append(r)
            M = np.array(rows)
            return np.sum(M @ M.T) + rows[0][1]
    """,
    "rows also read one by one in a loop": """
        def f(x, a):
            rows = [[a[i] * x, x] for i in range(3)]
            s = 0.0
            for r in rows:
                s = s + r[0] * r[1]
            return np.sum(np.array(rows) ** 2) + s
    """,
    "a display of lists appended to": """
        def f(x, a):
            r1 = []
            r2 = []
            for v in a:
                r1.append(v * x)
                r2.append(v + x * x)
            return np.sum(np.array([r1, r2]) ** 2)
    """,
    "a display of displays after an early return, a product with its transpose": """
        def f(x, a):
            if x > 0.9:
                return a[2]
            m = np.array([[a[0], a[1] * x], [a[2], x]])
            return x + np.sum(m.T @ m)
    """,
    "a display of displays": """
        def f(x, a):
            return np.sum(np.array([[x, a[0]], [1.0, x * a[1]]]) ** 2)
    """,
    "np.stack of lists of numbers": """
        def f(x, a):
            rows = [[v * x, v] for v in a]
            return np.sum(np.stack(rows) ** 2)
    """,
    "np.vstack of appended lists": """
        def f(x, a):
            rows = []
            for v in a:
                rows.append([v * x, x * x])
            return np.sum(np.vstack(rows) * x)
    """,
    "np.stack of lists of arrays": """
        def f(x, a):
            rows = [[a * x, a * a], [np.sin(a * x), a]]
            return np.sum(np.stack([np.array(r) for r in rows]) ** 2)
    """,
    "np.array of a list of lists of arrays": """
        def f(x, a):
            rows = []
            for i in range(2):
                row = []
                for j in range(2):
                    row.append(a * x ** (i + j))
                rows.append(row)
            return np.sum(np.array(rows) ** 2)
    """,
    # grad of grad: the gradient pops the list's adjoint in a loop whose tape is dead at second
    # order; the pops must stay, or the list's adjoint of the adjoint starts one item too long
    # the same at second order, where the pops write into an adjoint nothing reads
    "a matrix from a list of rows, squared (fuzz 16/5881)": """
        def f(x, a):
            v = x * a
            m = []
            row = []
            for j in range(2):
                row.append(v[j])
            m.append(row)
            m = np.asarray(m)
            return np.sum(m.T @ m)
    """,
    "a list built in a loop and read by index (fuzz 15/6071)": """
        def f(x, a):
            items = []
            for i in range(1):
                items.append(np.dot(a - x, a[::-1]))
            s = items[0]
            return s * s
    """,
}


@pytest.mark.parametrize("name", NESTED)
def test_nested_lists(name):
    check_all(NESTED[name])


def test_the_adjoint_reads_as_lists():
    """The rows go back as lists: ``list(g)``, or ``g.tolist()`` for lists of lists of numbers."""
    f = make_function(NESTED["a nested comprehension, depth 2"], "f")
    text = s2sad.source(f, args=[X, A])
    assert "items_bar = B_bar.tolist()" in text
    g = make_function(NESTED["rows of a comprehension are list displays"], "f")
    assert "rows_item_bar = rows_bar.pop()" in s2sad.source(g, args=[X, A])


def test_tolist():
    """``x.tolist()`` has its rule: lists of Python numbers, back to an array."""
    f = make_function(
        """
        def f(x, a):
            rows = np.outer(a, a * x).tolist()
            return sum(r[0] * r[1] for r in rows)
        """,
        "f",
    )
    check_reverse(f, [X, A.copy()], (0, 1))
    check_forward(f, [X, A.copy()], (0, 1))


MAX_MIN = {
    "max of a comprehension, min of two": """
        def f(x, a):
            return max([v * x for v in a]) + min(x, 2.0)
    """,
    "max of a generator": """
        def f(x, a):
            return max(v * x for v in a)
    """,
    "max and min of a list, and of a generator over it": """
        def f(x, a):
            t = [x * v for v in a]
            return max(t) - min(t) + max(abs(v - x) for v in t) * x
    """,
    "max of an array, min of a tuple": """
        def f(x, a):
            return max(a * x) * min((x, a[0], x * x))
    """,
    "max of a list appended to in a loop": """
        def f(x, a):
            ys = []
            for v in a:
                ys.append(np.sin(v * x) * v)
            return max(ys) ** 2
    """,
    "max of several arguments": """
        def f(x, a):
            return max(x, a[0] * x, x * x) + min(a[1], x, a[2] * x * x)
    """,
    "a tie: the first item gets the cotangent": """
        def f(x, a):
            return max([x * x, x * x, a[0]]) * x
    """,
}


@pytest.mark.parametrize("name", MAX_MIN)
def test_max_min_of_a_list(name):
    check_all(MAX_MIN[name])


@pytest.mark.parametrize("keyword", ["key=abs", "default=0.0"])
def test_max_with_a_keyword_is_refused(keyword):
    f = make_function(
        f"""
        def f(x, a):
            return max([v * x for v in a], {keyword})
        """,
        "f",
    )
    name = keyword.split("=")[0]
    # a list built when the function runs: its items are not known while lowering, where max
    # with a keyword is done
    with pytest.raises(
        DifferentiationError, match=f"`max` with `{name}=` of a sequence whose items are not known"
    ):
        s2sad.grad(f)(X, A)
