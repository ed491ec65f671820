"""Early returns in branches and loops: every path computes what Python computes.

``restructure`` moves what follows an ``if`` into each branch that can fall through
when some path inside it exits (not only when a whole branch does), and a ``return``
in a loop inside a loop computes its value after the inner loops, so no ``result``
is carried by a loop before it has a value.
"""

from __future__ import annotations

import gast
import numpy as np
import pytest
from checks import assert_close, central_difference, check_forward, check_reverse

import s2sad
from s2sad.lower.restructure import restructured


def nested_return(x, c):
    if c:
        if c > 0.5:
            return c * x
    return x


def if_one_nested(c):
    if 1.0:
        if c:
            return c
    return 0.5


def partial_then_rest(x):
    y = x * 2
    if y > 1:
        y = y * x
        if y > 3:
            return y
    return y + x


def two_partial_ifs(x):
    if x > 0:
        if x > 1:
            return x * 3
    if x > 0.5:
        if x > 0.8:
            return x * x
    return -x


def return_in_elif(x):
    if x > 3:
        return x
    elif x > 1:
        return x * x
    elif x > 0:
        y = x * 3
    else:
        y = -x
    return y * x


def elif_on_a_float(x, w):
    if x > 10:
        y = x
    elif w:
        y = w * w
    else:
        y = x * 3
    return y


def nested_loops(x):
    for _i in range(3):
        for _j in range(3):
            x = x * 1.1
            if x > 2:
                return x
    return x * 3


def two_returns_in_nested_loops(x):
    for _i in range(3):
        for _j in range(3):
            x = x * 1.1
            if x > 5:
                return x * 2
            if x > 2:
                return x * x
    return x


def outer_and_inner(x):
    for _i in range(4):
        if x > 6:
            return x - 1
        for _j in range(2):
            x = x * 1.3
            if x > 3:
                return x * x
    return x


def three_loops(x):
    for i in range(2):
        for j in range(2):
            for _k in range(2):
                x = x * 1.2
                if x > 1.5:
                    return x * (i + j + 1)
    return x


def while_in_for(x):
    for _i in range(3):
        while x < 2:
            x = x * 1.5
            if x > 1.8:
                return x * x
        x = x - 0.5
    return x


def return_late_in_loop(x):
    y = x
    for i in range(3):
        if i == 2:
            y = y * 2
            if y > 1:
                return y
        y = y + x
    return y * x


def array_early(x):
    s = np.sum(x)
    if s > 1:
        y = x * 2
        if np.max(y) > 3:
            return np.sum(y**2)
    return np.sum(x**3)


CASES = [
    (nested_return, (2.0, 1.0)),
    (nested_return, (2.0, 0.3)),
    (if_one_nested, (1.0,)),
    (if_one_nested, (0.3,)),
    (partial_then_rest, (1.5,)),
    (partial_then_rest, (0.9,)),
    (partial_then_rest, (0.3,)),
    (two_partial_ifs, (1.5,)),
    (two_partial_ifs, (0.9,)),
    (two_partial_ifs, (0.7,)),
    (two_partial_ifs, (-0.3,)),
    (return_in_elif, (4.0,)),
    (return_in_elif, (2.0,)),
    (return_in_elif, (0.5,)),
    (return_in_elif, (-0.5,)),
    (elif_on_a_float, (0.5, 2.0)),
    (elif_on_a_float, (0.5, -1.5)),
    (nested_loops, (1.5,)),
    (nested_loops, (0.1,)),
    (two_returns_in_nested_loops, (1.5,)),
    (two_returns_in_nested_loops, (4.7,)),
    (two_returns_in_nested_loops, (0.1,)),
    (outer_and_inner, (7.0,)),
    (outer_and_inner, (1.0,)),
    (outer_and_inner, (0.1,)),
    (three_loops, (1.0,)),
    (three_loops, (0.1,)),
    (while_in_for, (1.0,)),
    (while_in_for, (1.3,)),
    (while_in_for, (5.0,)),
    (return_late_in_loop, (0.7,)),
    (return_late_in_loop, (0.1,)),
    (array_early, (np.array([0.5, 1.0, 0.9]),)),
    (array_early, (np.array([0.5, 0.3, 0.1]),)),
    (array_early, (np.array([0.2, 0.3, 0.1]),)),
]


@pytest.mark.parametrize("f,args", CASES, ids=lambda c: getattr(c, "__name__", repr(c)))
def test_early_returns_both_modes(f, args):
    wrt = list(range(len(args)))
    check_reverse(f, list(args), wrt)
    check_forward(f, list(args), wrt)


@pytest.mark.parametrize("f,args", [c for c in CASES if not isinstance(c[1][0], np.ndarray)], ids=str)
def test_early_returns_second_order(f, args):
    d = s2sad.grad(f)
    assert_close(s2sad.grad(d)(*args), central_difference(d, list(args), 0), 1e-5, f.__name__)


def test_the_primal_of_a_nested_return_is_the_value_returned():
    assert s2sad.jvp(if_one_nested, (1.0,), (1.0,)) == (1.0, 1.0)


# ------------------------------------------------------------------ tails shared, not copied


def continue_under_elif(x, a):
    for e in a:
        if e > 1.0:
            x = x * 2.0
        elif e < 0.0:
            continue
        if x > 5.0:
            return x
        x = x * e
    return x


def continue_in_inner_loop(x, a):
    for _ in range(3):
        for e in a:
            if e > 1.0:
                return x * e
            elif e < 0.0:
                continue
            x = x * e
    return x


def sequential_partial_returns(x, a):
    if x > 0.2:
        y = x * x
        if y > 9.0:
            return y
    else:
        x = x + a[0]
    z = x * a[1]
    if z < 0.0:
        if z < -4.0:
            return z * x
    else:
        z = -z
    w = z + x
    if w > 0.1:
        if w > 8.0:
            return w
    else:
        w = w * a[2]
    return w * x + z


TAILS = [
    (continue_under_elif, (0.7, np.array([0.3, -0.5, 1.1]))),
    (continue_under_elif, (3.0, np.array([1.5, -0.5, 0.9]))),
    (continue_in_inner_loop, (0.7, np.array([0.3, -0.5, 1.1]))),
    (sequential_partial_returns, (0.7, np.array([0.3, -0.5, 1.1]))),
    (sequential_partial_returns, (3.5, np.array([0.3, -0.5, 1.1]))),
    (sequential_partial_returns, (-0.5, np.array([0.3, 0.5, 1.1]))),
]


@pytest.mark.parametrize("f,args", TAILS, ids=lambda c: getattr(c, "__name__", None))
def test_what_follows_a_partial_exit_runs_once(f, args):
    check_reverse(f, list(args), [0, 1])
    check_forward(f, list(args), [0, 1])
    d = s2sad.grad(f)
    assert_close(s2sad.grad(d)(*args), central_difference(d, list(args), 0), 1e-5, "grad of grad")
    h = s2sad.hessian(f, wrt=1)(*args)
    assert_close(h, central_difference(s2sad.grad(f, wrt=1), list(args), 1), 1e-4, "hessian")


def test_sequential_partial_returns_keep_the_code_linear():
    def source(n):
        lines = ["def f(x):"]
        for k in range(n):
            lines += [f"    if x > {k}.5:", f"        if x > {k}.7:", f"            return x * {k + 1}.0"]
            lines += ["    x = x * x"]
        return "\n".join(lines + ["    return x"])

    def size(n):
        fn = restructured(gast.parse(source(n)).body[0], set())
        return sum(1 for _ in gast.walk(fn))

    assert size(16) < 2.5 * size(8) < 2.5**2 * size(4)


def partial_array_returns(x, a):
    if x > 0.2:
        if x > 0.5:
            return a * x
    else:
        x = x * 2.0
    if x > 0.25:
        if x > 0.4:
            return a * a
    return a * a * x


def partial_returns_of_a_new_array(x, a):
    b = np.ones(4) * a[0]
    if x > 0.2:
        if x > 0.5:
            return b * x
    else:
        x = x * 2.0
    if x > 0.25:
        if x > 0.4:
            return b * b
    return b * x


@pytest.mark.parametrize("f", [partial_array_returns, partial_returns_of_a_new_array])
@pytest.mark.parametrize("x", [0.7, 0.45, 0.3, -0.1])
def test_partial_returns_of_arrays(f, x):
    """The adjoint of a result an untaken return would give is zero without reading it."""
    args = [x, np.array([0.3, -0.5, 1.1])]
    check_reverse(f, args, [0, 1])
    check_forward(f, args, [0, 1])
