"""Loops over tuples and lists of tuples whose items depend on the inputs, and an item of a
list replaced at an index known only when the code runs. The kinds of the items must survive
(a list's adjoint is added leaf by leaf, never joined with `+`), or the second-order code
goes wrong where the gradient is right. Each is checked in reverse and forward mode and at
second order against central differences."""

import numpy as np
import pytest

from .test_control_shapes import check_all

CASES = {
    "a tuple of pairs, unpacked in the loop": """
        def f(x, a):
            s = 0.0
            for u, v in ((a[0] * x, a[1]), (a[1], np.sin(a[2]) * x)):
                s = s + u * v
            return s
    """,
    "a list of pairs built from the inputs": """
        def f(x, a):
            pairs = [(x * a[0], a[1] * a[1]), (np.cos(x), a[2])]
            s = 0.0
            for p in pairs:
                s = s + p[0] * p[1] + p[0] * x
            return s
    """,
    "a tuple of pairs indexed by the loop counter": """
        def f(x, a):
            pairs = ((x, a[0] * x), (a[1], x * x), (a[2] * a[0], x))
            s = 1.0
            for k in range(len(pairs)):
                s = s * (pairs[k][0] + pairs[k][1])
            return s
    """,
    "a list item replaced at a computed index": """
        def f(x, a):
            xs = [x, a[0] * x, a[1]]
            for k in range(3):
                xs[k] = xs[k] * xs[(k + 1) % 3]
            return xs[0] + xs[1] * xs[2]
    """,
    "a list of tuples replaced at a computed index": """
        def f(x, a):
            ps = [(x, a[0]), (a[1], x * a[2])]
            for k in range(2):
                ps[k] = (ps[k][0] * ps[k][1], ps[1 - k][0])
            return ps[0][0] * ps[1][1] + ps[1][0]
    """,
    "a dict item set to a pair in a loop": """
        def f(x, a):
            d = {"h": (x, a[0])}
            for k in range(3):
                d["h"] = (d["h"][0] * a[k] + d["h"][1], np.sin(d["h"][0]))
            return d["h"][0] * d["h"][1]
    """,
    "a list item set to a list display": """
        def f(x, a):
            xs = [[x, x], [a[0], a[1]]]
            for k in range(2):
                xs[k] = [xs[1 - k][0] * x, xs[k][1] + a[2]]
            return xs[0][0] * xs[1][1] + xs[0][1]
    """,
    "array entries set from a tuple display": """
        def f(x, a):
            y = a * 1.0
            y[:2] = x * a[2], np.cos(x)
            for k in range(2):
                y[1:] = y[0] * x, y[1] + y[2]
            return np.sum(y * y)
    """,
}


@pytest.mark.parametrize("name", list(CASES))
def test_loop_over_container(name):
    check_all(CASES[name], np=np)
