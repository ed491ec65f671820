"""A pullback starts from the primal values as the forward sweep left them; a value assigned
in one branch of an ``if`` inside another is kept only where both conditions hold (it was
kept on the outer condition alone, and read unbound: found through ``checkpoint(f)(x)``,
which calls ``f``'s vjp)."""

import re

import numpy as np
import pytest
from checks import assert_close, check_forward, check_reverse
from conftest import make_function

import s2sad
from s2sad.checkpointing import checkpoint

SOURCE = """
def h(u, z, w):
    if w < 0.37:
        w = u * 2.0
    elif u > 0.37:
        w = w * u
    else:
        y = z.copy()
        y[[2, 0, 2]] += z
        w = w * y @ z
    return w * u

def f(u, z, w):
    return checkpoint(h)(u, z, w) * 2.0
"""

Z = np.array([0.2, -0.5, 0.7])


@pytest.mark.parametrize("u,w", [(0.3, 0.1), (0.5, 0.5), (0.2, 0.5)])  # each branch
def test_each_branch(u, w):
    h = make_function(SOURCE, "h", checkpoint=checkpoint)
    f = h.__globals__["f"]
    args = (u, Z, w)
    check_reverse(h, args, (0, 1, 2))
    check_forward(h, args, (0, 1, 2))
    check_reverse(f, args, (0, 1, 2))
    text = s2sad.source(h, kind="vjp", wrt=(0, 1, 2), args=args)
    assert re.search(r"y_final = y if not v\d+ and not v\d+ else None", text), text
    assert_close(s2sad.hessian(f, wrt=0)(*args), 2.0 * s2sad.hessian(h, wrt=0)(*args), 1e-9)
