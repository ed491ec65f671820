"""Simplification never makes two names share an array that one of them changes in place.

Found by the fuzzer (``--seed 21 --features ci``, program 73): two adjoints that
both start as ``np.zeros(a.shape)`` were named once by ``cse`` (``v5 =
np.zeros(a.shape); a_bar = v5; v1_bar = v5``); ``v1_bar[-1] += 1.0`` then
changed ``a_bar`` too, and ``a_bar += v1_bar`` added it in twice. grad with
respect to ``x`` and ``a`` together was wrong (with respect to one alone right).
"""

from __future__ import annotations

import numpy as np
from checks import assert_close, central_difference, check_forward, check_reverse, check_tree
from conftest import make_function

import s2sad

SOURCE = """
def f(x, a):
    s = (a - x)[-1] * x
    for i in range(3):
        s = s + a[i] * x * x
    return s
"""
ARGS = (0.7, np.array([0.3, -0.5, 1.1]))


def test_two_adjoints_from_zeros_of_one_shape():
    f = make_function(SOURCE)
    check_reverse(f, ARGS, (0, 1))
    check_forward(f, ARGS, (0, 1))
    text = s2sad.source(f, wrt=(0, 1), args=ARGS)
    assert text.count("np.zeros(a.shape)") == 2, text


def test_two_adjoints_from_zeros_of_one_shape_second_order():
    f = make_function(SOURCE)
    check_tree(f, ARGS, wrt=0)
    check_tree(f, ARGS, wrt=1)
    grad = s2sad.grad(f, wrt=(0, 1))  # both arguments at once, as the fuzzer found it

    def flat_grad(x, a):
        gx, ga = grad(x, a)
        return np.concatenate([[gx], ga])

    (hxx, hxa), (hax, haa) = s2sad.hessian(f, wrt=(0, 1))(*ARGS)
    assert_close(np.concatenate([[hxx], hax]), central_difference(flat_grad, ARGS, 0), 1e-5, "d grad / dx")
    assert_close(np.vstack([hxa, haa]), central_difference(flat_grad, ARGS, 1), 1e-5, "d grad / da")


COPY_READ_TWICE = """
def f(x, a):
    v1 = a
    v3 = a[0] * (a + v1) * x
    return np.sum(v3 * x)
"""


def test_an_adjoint_copied_and_read_again_is_copied_before_it_changes():
    # ``a_bar = v4_bar`` and ``v1_bar = v4_bar`` share one array; ``a_bar[0] += ...`` changed
    # ``v1_bar`` too, and the gradient in ``a[0]`` came out 4.2 for 2.4 (fuzzer, --seed 31).
    f = make_function(COPY_READ_TWICE)
    check_reverse(f, ARGS, (0, 1))
    check_forward(f, ARGS, (0, 1))
    check_tree(f, ARGS, wrt=0)
    check_tree(f, ARGS, wrt=1)
    text = s2sad.source(f, wrt=1, args=ARGS)
    assert "a_bar = v4_bar.copy()\n" in text or ".copy()\n    a_bar[0] +=" in text, text
