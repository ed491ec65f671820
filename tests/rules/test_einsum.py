"""np.einsum beyond the rule cases: the cotangents docs/rules.md shows are what s2sad
writes, and subscripts that are not constants (reverse mode refuses them, forward mode,
which need not read them, does not)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from checks import check_forward
from conftest import make_function

import s2sad
from s2sad import MissingRuleError

# (the function's body, its arguments, the line of a_bar s2sad writes), as in docs/rules.md
COTANGENTS = [
    ("np.einsum('ij,jk->ik', a, b)", ((2, 3), (3, 4)), "np.einsum('ik,jk->ij', g, b)"),
    ("np.einsum('i,ij,j', a, b, c)", ((2,), (2, 3), (3,)), "g * np.einsum('ij,j->i', b, c)"),
    ("np.einsum('ij->i', a)", ((2, 3),), "np.broadcast_to(np.expand_dims(g, 1), a.shape)"),
    ("np.einsum('ii', a)", ((3, 3),), "g * np.eye(a.shape[1])"),
    ("np.einsum('ii->i', a)", ((3, 3),), "np.einsum('i,iI->iI', g, np.eye(a.shape[1]))"),
    (
        "np.einsum('...ij,...jk->...ik', a, b)",
        ((2, 3), (5, 3, 4)),
        "np.sum(np.einsum('...ik,...jk->...ij', g, b), axis=0)",
    ),
    ("np.einsum(a, [0, 1], b, [1, 2], [0, 2])", ((2, 3), (3, 4)), "np.einsum('ac,bc->ab', g, b)"),
]


@pytest.mark.parametrize("body,shapes,expected", COTANGENTS, ids=[c[0] for c in COTANGENTS])
def test_cotangents_read_as_einsum(body, shapes, expected):
    names = "abc"[: len(shapes)]
    f = make_function(f"def f({', '.join(names)}):\n    return {body}\n")
    rng = np.random.default_rng(0)
    text = s2sad.source(f, kind="vjp", args=[rng.normal(size=s) for s in shapes])
    g = re.search(r"def f_pullback\((\w+)\)", text).group(1)
    line = "a_bar = " + re.sub(r"\bg\b", g, expected)
    assert line in text, text


def _variable_subscripts():
    return make_function("def f(a, b, s):\n    return np.einsum(s, a, b)\n")


def test_variable_subscripts_are_refused_in_reverse_mode():
    a, b = np.ones((2, 3)), np.ones((3, 4))
    with pytest.raises(MissingRuleError, match="not a constant"):
        s2sad.vjp(_variable_subscripts(), a, b, "ij,jk->ik")


def test_variable_subscripts_in_forward_mode():
    rng = np.random.default_rng(1)
    args = [rng.normal(size=(2, 3)), rng.normal(size=(3, 4)), "ij,jk->ik"]
    check_forward(_variable_subscripts(), args, [0, 1])


def test_variable_sublists():
    f = make_function("def f(a, b):\n    k = [0, b.ndim - 1]\n    return np.einsum(a, k, b, [1, 2])\n")
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(2, 3)), rng.normal(size=(3, 4))
    check_forward(f, [a, b], [0, 1])
    with pytest.raises(MissingRuleError, match="not a constant"):
        s2sad.vjp(f, a, b)
