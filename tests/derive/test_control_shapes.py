"""Control flow shapes the fuzzer found broken: local functions in loops and branches, early
returns, names first bound in an inner loop, chained comparisons. Each is checked in reverse
and forward mode and at second order (Hessian, and grad of grad) against central differences."""

import math

import numpy as np
import pytest
from checks import assert_close, central_difference, check_forward, check_reverse
from conftest import make_function

import s2sad
from s2sad.errors import DifferentiationError

X, A = 0.7, np.array([0.3, -0.5, 1.1])


def check_all(source: str, **namespace):
    """``f(x, a)`` in both modes, its Hessian in ``x`` and ``a``, and grad of grad in ``x``."""
    check_function(make_function(source, "f", **namespace))


def check_function(f):
    """``check_all`` of a function already made."""
    args = [X, A.copy()]
    check_reverse(f, args, (0, 1))
    check_forward(f, args, (0, 1))
    for i in (0, 1):
        expected = central_difference(s2sad.grad(f, wrt=i), args, i)
        assert_close(s2sad.hessian(f, wrt=i)(*args), expected, 1e-4, f"hessian wrt {i}")
    twice = s2sad.grad(s2sad.grad(f))
    expected = central_difference(s2sad.grad(f), args, 0)
    assert_close(twice(*args), expected, 1e-4, "grad of grad")


LOCAL_FUNCTIONS = {
    "lambda in a for loop, unused": """
        def f(x, a):
            for e in a:
                g = lambda t: 0.3
            return x * x
    """,
    "lambda in a for loop, called there and after": """
        def f(x, a):
            for e in a:
                g = lambda t: t * t + e
                x = 0.5 * g(x)
            return x + g(x)
    """,
    "def in a while loop": """
        def f(x, a):
            k = 0
            while k < 2:
                k += 1
                def g(t):
                    return np.sin(t) * a[k]
                x = x + g(x)
            return x * g(x)
    """,
    "def in a loop, its call assigned": """
        def f(x, a):
            for e in a:
                def g(t):
                    return t * a[0] + e
                x = g(x)
            return x
    """,
    "def in a branch of a checkpointed loop": """
        def f(x, a):
            for e in s2sad.checkpoint(a, snapshots=2):
                if e > 0.0:
                    def g(t):
                        return np.tanh(t) * a[0]
                    x = g(x)
                else:
                    x = x * 0.5
            return x
    """,
    "def in one branch": """
        def f(x, a):
            if x > 0.5:
                def g(t):
                    return t * a[0]
                return g(x) * x
            return x
    """,
    "a different lambda in each branch, in a loop": """
        def f(x, a):
            for e in a:
                if e > 0:
                    g = lambda t: t * e
                else:
                    def g(t):
                        return t * t
                x = g(x) + 0.1
            return x
    """,
    "a lambda replaced in a branch, three choices": """
        def f(x, a):
            g = lambda t: t * t
            if a[0] > 0:
                if a[1] > 0:
                    g = lambda t: np.sin(t)
                else:
                    g = lambda t: t * a[2]
            return g(x) + x
    """,
}


@pytest.mark.parametrize("name", LOCAL_FUNCTIONS)
def test_local_functions_in_loops_and_branches(name):
    check_all(LOCAL_FUNCTIONS[name], s2sad=s2sad)


def test_def_in_the_else_of_a_helper():
    helper = make_function(
        """
        def h(u, z):
            if u > 1.3:
                return u
            else:
                def g(t):
                    return t * z[0]
            return g(u) * u
        """,
        "h",
    )
    check_all("def f(x, a):\n    return h(x, a) + h(2.0 * x, a)", h=helper)


@pytest.mark.parametrize(
    "source, message",
    [
        (
            """
            def f(x, a):
                g = lambda t: t
                for e in a:
                    x = g(x)
                    g = lambda t: t * e
                return x
            """,
            "redefined in the loop",
        ),
        (
            """
            def f(x, a):
                for e in a:
                    g = lambda t, s=e: t * s
                return g(x)
            """,
            "can only be called inside the loop",
        ),
    ],
)
def test_local_functions_that_depend_on_the_iteration_are_refused_at_the_call(source, message):
    f = make_function(source, "f")
    with pytest.raises(DifferentiationError, match=message) as info:
        s2sad.grad(f)(X, A)
    assert ":" in str(info.value).splitlines()[0]  # at the user's line


EARLY_RETURNS = {
    "a return in an if, grad of grad": """
        def f(x, a):
            if a @ a < 1.3:
                return np.dot(x, np.array(x))
            return x
    """,
    "a name first bound in an inner loop": """
        def f(x, a):
            for j in range(3):
                for k in range(3):
                    b = a[j] * a[k] * x
            return b * x
    """,
    "a name first bound in a branch in a loop": """
        def f(x, a):
            for j in range(3):
                if j > 0:
                    b = a[j] * x
                x = x * a[j]
            return b * x
    """,
    "a chained comparison": """
        def f(x, a):
            if 0.0 < x < 1.0 <= a[2]:
                return x * x * a[0]
            return x
    """,
    "a chained comparison, false in the middle": """
        def f(x, a):
            y = x if a[0] < x * x < 0.4 else 2.0 * x
            return y * a[1]
    """,
}


@pytest.mark.parametrize("name", EARLY_RETURNS)
def test_early_returns_and_joins(name):
    check_all(EARLY_RETURNS[name])


def test_the_ssa_of_a_lambda_is_valid_python():
    f = make_function("g = lambda x: x * x", "g")
    text = s2sad.source(f, stage="ssa")
    compile(text, "<ssa>", "exec")
    assert text.startswith("def lambda_(x):")


# A `break` deeper than the first `if` of the loop body: the reversed iteration that broke
# must run none of what follows the exit (the carried copies at the end of the body too).
NESTED_BREAKS = {
    "for: break in an if in an if": """
        def f(x, a):
            s = -x
            for e in a:
                if a[2] > 0.83:
                    if a[2] / (1.0 + s * s) > -0.41:
                        break
                    s = x
                else:
                    s = e
                s = 0.9 * s + np.tanh(x)
            return s + np.sum(a)
    """,
    "for: break in the else of an inner if, then more code": """
        def f(x, a):
            s = x
            for e in a:
                s = s * e
                if e < 1.0:
                    if s > 0.1:
                        s = s + x
                    else:
                        break
                s = np.sin(s) + x
            return s
    """,
    "while: break under an elif chain": """
        def f(x, a):
            k = 0
            s = x * a[0]
            while k < 3:
                if a[k] > 1.0:
                    s = s + x
                elif -a[k] < -0.2:
                    if s > 0.0:
                        break
                    s = s * x
                else:
                    s = s * a[k]
                k += 1
                s = s + x * a[1]
            return s * s
    """,
    "three levels deep, the loop inside a loop": """
        def f(x, a):
            t = x
            for i in range(2):
                for e in a:
                    if e > 0.0:
                        if t > 0.0:
                            if e > 1.0:
                                break
                        t = t * e
                    t = t + x
                t = np.cos(t)
            return t
    """,
}


@pytest.mark.parametrize("name", NESTED_BREAKS)
def test_breaks_in_nested_ifs(name):
    check_all(NESTED_BREAKS[name])


# A value bound in one branch only, whose adjoint a later `if` on the negated condition
# (`v5 = not v3`, `if not v3:`) would have set to zeros of its shape where it is unbound
# (grad of grad: UnboundLocalError). The fuzzer's long run found these.
ONE_SIDED = {
    "else branch binds an array": """
        def f(x, a):
            s = x
            if math.cos(a[1]) > 0.83:
                pass
            else:
                s = x * a @ np.array([x, a[2], x])
            return s + np.sum(np.zeros(3))
    """,
    "the same, the other branch taken": """
        def f(x, a):
            s = x
            if math.cos(a[1]) < 0.83:
                pass
            else:
                s = x * a @ np.array([x, a[2], x])
            return s
    """,
    "truthiness of a float": """
        def f(x, a):
            if x:
                s = x
            else:
                v = np.sin(np.array([x, x, a[-1]]))
                s = v[2]
            return s + np.sum(a)
    """,
    "an array written in one branch, its shape a view's": """
        def f(x, a):
            y1 = np.zeros(3)
            if x:
                y3 = np.zeros(3)
                y3[1] = y1[::-1] @ np.array([y1[2], x, x])
                s2 = a[-1] / (1.0 + y3[1] * y3[1]) + x * y3[1]
            return s2
    """,
    "an array written in a loop in one branch": """
        def f(x, a):
            if math.cos(x) > 1.3:
                y2 = np.zeros(3)
                for i in range(3):
                    y2[i] = x
                s1 = np.dot(y2[::-1], y2)
            else:
                items = []
                items.append(x)
                s1 = items[-1] / (1.0 + x * x)
            d = {"u": s1, "w": a}
            return np.dot(a, d["w"] - x) * s1
    """,
    "a number or an array, by the branch taken in a loop": """
        def f(x, a):
            k = 0
            while k < 2:
                k += 1
                if x:
                    continue
                x = x + a[[2, 1, 1]]
            return x + x
    """,
    "a dict made in the untaken branch": """
        def f(x, a):
            y = np.zeros(3)
            y[0] = x
            if x:
                pass
            else:
                d = {"p": (x + x, [a, np.mean(y)]), "q": y[2]}
                x = y * d["p"][1][0] @ np.exp(np.tanh(y))
            return x + np.sum(y)
    """,
    # the zero adjoint of a view first bound in a branch: its shape token, `(3,)[::-1]`, is no
    # shape to build zeros from, and the view has no value on the first iteration (I9, seed 23)
    "a view first bound in a branch of a while": """
        def f(x, a):
            y = np.zeros(3)
            for i in range(3):
                y[i] = x
            k = 0
            while k < 2:
                k += 1
                if k == 1 or not k:
                    w = y[::-1]
                x = 0.5 * x + np.sin(np.dot(w, y))
            return x
    """,
    # the first gradient tapes w before it has a value and zeroes its adjoint in the branch:
    # that zero had no kind, which made the adjoint of y of no kind, read as a view at 2nd order
    "an array first bound in a branch of a loop, read from an array written in place": """
        def f(x, a):
            y = np.zeros(3)
            for i in range(3):
                y[i] = np.dot(a, np.array([x, x, a[0]]))
            for j in range(3):
                if x:
                    w = np.array([np.dot(a, y), y[j]])
            return np.sum(w)
    """,
}


@pytest.mark.parametrize("name", ONE_SIDED)
def test_values_bound_in_one_branch_at_second_order(name):
    check_all(ONE_SIDED[name], math=math)


@pytest.mark.parametrize(
    "source",
    [
        "def f(x, a):\n    return x * x if (x, a[0]) else x",
        "def f(x, a):\n    if (x,):\n        return x * a[1]\n    return x",
        "def f(x, a):\n    y = x\n    while ():\n        y = y * 2.0\n    return y * a[2]",
    ],
)
def test_a_tuple_display_as_a_condition(source):
    """A tuple is true when it has items: printed without parentheses, `if x, a:` was no Python."""
    check_all(source)


def test_a_list_popped_in_a_loop_at_second_order():
    """The first gradient pops its list's adjoint in the loop; the tape must keep that list as
    it is after the pop, as it is where no tape restores it (W11, fuzz seed 23)."""
    check_all(
        """
        def f(x, a):
            for e in a:
                items = []
                items.append(x)
                s = items[0]
                x = 3.0 * (a[1] / (1.0 + s * s)) + e * items.pop()
            return x
        """
    )
