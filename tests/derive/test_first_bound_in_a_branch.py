"""A variable first assigned inside a loop, in one branch of an ``if``, and read in a later
iteration or after the loop: ``if t == 0: h = h0``, "the last positive entry". Before the
loop it has no value (``UNBOUND``); the copies where paths join carry it from iteration to
iteration. Each is checked in reverse and forward mode and at second order against central
differences."""

import math

import numpy as np
import pytest
from checks import assert_close
from conftest import make_function

import s2sad

from .test_control_shapes import check_all

CASES = {
    "initialised in the first iteration, updated after": """
        def f(x, a):
            for i in range(3):
                if i == 0:
                    y = x
                z = y * 2.0
                y = z + x * a[i]
            return y
    """,
    "initialised in the first iteration, read by an inner loop": """
        def f(x, a):
            for i in range(2):
                if i == 0:
                    y = x * 2.0
                for k in range(2):
                    x = x + y * x * a[k]
            return x
    """,
    "bound in one iteration, read in a later one": """
        def f(x, a):
            s = 0.0
            for i in range(3):
                if i == 1:
                    y = x * x
                if i == 2:
                    s = s + y * a[0]
            return s + x
    """,
    "the last positive entry": """
        def f(x, a):
            for i in range(3):
                if a[i] * x > 0:
                    last = a[i] * x
            return last * last
    """,
    "an array state started in the first step": """
        def f(x, a):
            for t in range(3):
                if t == 0:
                    h = np.zeros(3)
                h = np.tanh(a * h + x * a[t])
            return np.sum(h * h)
    """,
    "an array kept from the branch taken last": """
        def f(x, a):
            for t in range(3):
                if math.sin(x * t) >= 0:
                    best = a * (x + t)
                x = x * 1.1
            return np.sum(best * a) * x
    """,
    "a while loop with a branch that binds": """
        def f(x, a):
            k = 0
            while k < 3:
                if k % 2 == 0:
                    m = x * a[k]
                x = x + m
                k += 1
            return x
    """,
    "first bound in an inner loop's branch": """
        def f(x, a):
            s = 0.0
            for i in range(2):
                for j in range(3):
                    if j == i:
                        p = x * a[j]
                    s = s + p * x
            return s
    """,
    "an adjoint bound in one branch of an if inside a while (the fuzzer's I8)": """
        def f(x, a):
            k1 = 0
            while k1 < 1:
                k1 += 1
                if k1:
                    y3 = np.zeros(3)
                    for i4 in range(3):
                        y3[i4] = np.exp(np.tanh(0.5 * x))
                    x = y3[1] if k1 else np.dot(a, a)
            return x
    """,
    # bound on one path of an if before a loop that rebinds it (found by fuzzing: the loop's
    # first copy read it on the path that did not bind it, an UnboundLocalError); A[2] = 1.1
    "bound before a while loop on the path not taken": """
        def f(x, a):
            if a[2] > 1.37:
                y = x * 2.0
            k = 0
            while k < 2:
                k += 1
                y = a[2] * x + k
            return y * x
    """,
    "bound before a for loop on the path taken, in a nested if": """
        def f(x, a):
            if a[2] < 1.37:
                if x > 0.0:
                    y = x * 2.0
            for i in range(2):
                y = a[i] * x
            return y * x
    """,
    "an early return before a loop that returns": """
        def f(x, a):
            if a[2] > 1.37:
                for i in range(1):
                    if not i:
                        return a[i] * x
                    x = 0.5 * x
            k = 0
            while k < 1:
                k += 1
                return a[2] * x
            return x
    """,
}


@pytest.mark.parametrize("name", CASES)
def test_carried_from_one_branch(name):
    check_all(CASES[name], math=math)


def test_value_and_gradient_of_the_last_positive_entry():
    f = make_function(CASES["the last positive entry"], "f")
    a = np.array([0.5, -0.25, -1.0])
    value, grad = s2sad.value_and_grad(f)(0.8, a)  # the last positive product is the first
    assert_close(value, 0.16, 1e-12, "value")
    assert_close(grad, 2 * 0.4 * 0.5, 1e-12, "gradient")


def test_reading_it_before_any_branch_bound_it_raises_as_python_does():
    source = CASES["bound in one iteration, read in a later one"].replace("i == 1", "i == 5")
    f = make_function(source, "f")
    with pytest.raises(UnboundLocalError):
        f(0.7, np.ones(3))
    with pytest.raises(UnboundLocalError, match="before it has a value"):
        s2sad.value_and_grad(f)(0.7, np.ones(3))
    with pytest.raises(UnboundLocalError, match="before it has a value"):
        s2sad.jvp(f, (0.7, np.ones(3)), (1.0, np.zeros(3)))
