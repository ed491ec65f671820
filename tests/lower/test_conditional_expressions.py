"""``a if c else b``, ``and`` and ``or`` inside loops.

They lower to an ``if`` that assigns a temporary on both paths; the ``if`` names that
temporary among its joins, so the reverse sweep of a loop knows each iteration
defines it and restores it (recomputed or from a tape) before its adjoint reads it.
"""

from __future__ import annotations

import numpy as np
import pytest
from checks import assert_close, central_difference, check_forward, check_reverse

import s2sad
from s2sad import ir
from s2sad.api.inspection import program


def alternating(a, beta):
    feat = 1.0
    for step in range(4):
        feat = feat * (beta if step % 2 else a)
    return feat


def nested_choices(x, y):
    s = x
    for i in range(5):
        s = s * (x if i == 0 else (y if i % 2 else s))
    return s


def in_a_while(x):
    k = 0
    while k < 3:
        x = x * (2.0 if k == 1 else x)
        k += 1
    return x


def lazy_operators(x, y):
    s = 0.0
    for i in range(4):
        s = s + ((x * i) and y or x)
    return s


def accumulated(w, acc):
    for _ in range(4):
        acc += w[2] * acc if acc <= 0.5 else w[0] * w[1]
    return acc


def arrays(x):
    s = x
    i = 0
    while i < 3:
        s = s * (np.sin(s) if i % 2 else x)
        i += 1
    return np.sum(s)


def in_a_comprehension(x):
    return sum([x * i if i % 2 else x**2 for i in range(4)])


CASES = [
    (alternating, (0.7, 1.3)),
    (nested_choices, (0.7, 1.3)),
    (in_a_while, (0.9,)),
    (lazy_operators, (0.7, 1.3)),
    (accumulated, (np.array([0.5, 2.0, 0.3]), -1.0)),
    (accumulated, (np.array([-0.5, 2.0, 0.3]), 0.4)),
    (arrays, (np.array([0.3, 0.8]),)),
    (in_a_comprehension, (0.7,)),
]


@pytest.mark.parametrize("f,args", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_both_modes(f, args):
    wrt = list(range(len(args)))
    check_reverse(f, list(args), wrt)
    check_forward(f, list(args), wrt)


@pytest.mark.parametrize(
    "f", [alternating, nested_choices, in_a_while, lazy_operators], ids=lambda f: f.__name__
)
def test_second_order(f):
    args = [0.7, 1.3][: f.__code__.co_argcount]
    d = s2sad.grad(f)
    assert_close(s2sad.grad(d)(*args), central_difference(d, args, 0), 1e-5, f.__name__)


def choice(x, c):
    return x if c else -x


def test_the_if_of_a_conditional_expression_names_its_join():
    ssa = program(choice, "reverse", 0, None, None, "source").stages.ssa_ir
    (branch,) = [s for s in ssa.body if isinstance(s, ir.If)]
    assigned = {s.target.id for s in branch.body + branch.orelse if isinstance(s, ir.Assign)}
    assert branch.joins and set(branch.joins) <= assigned
