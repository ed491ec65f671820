"""``float_literals`` alone: float literals beside Python floats, small powers of floats
as products, and where it must not act (ints, arrays, complex, large powers)."""

from __future__ import annotations

import math
import re
import textwrap

import numpy as np
import pytest
from checks import assert_close, central_difference

import s2sad
from s2sad.simplify.arith import float_literals
from s2sad.simplify.examples import run

CASES = [
    (
        "2 * x and x / 2 with x a float",
        "y = 2 * x + x / 2\nreturn y",
        "y = 2.0 * x + x / 2.0\nreturn y",
        {"x": 1.5},
    ),
    (
        "small powers of a float",
        "y = x ** 2 + x ** 3\nreturn y",
        "y = x * x + x * x * x\nreturn y",
        {"x": 1.5},
    ),
    ("x ** 4 stays a power", "y = x ** 4\nreturn y", "y = x ** 4\nreturn y", {"x": 1.5}),
    ("int stays int", "y = 2 * n + n ** 2\nreturn y", "y = 2 * n + n ** 2\nreturn y", {"n": 3}),
    (
        "arrays keep their dtype",
        "y = 2 * a + a ** 2\nreturn y",
        "y = 2 * a + a ** 2\nreturn y",
        {"a": np.arange(3)},
    ),
    ("float arrays untouched", "y = 2 * a\nreturn y", "y = 2 * a\nreturn y", {"a": np.ones(3)}),
    ("complex untouched", "y = 2 * z + z ** 2\nreturn y", "y = 2 * z + z ** 2\nreturn y", {"z": 1j}),
    ("numpy scalars untouched", "y = 2 * s\nreturn y", "y = 2 * s\nreturn y", {"s": np.float32(1.0)}),
    # 2**53 + 1 has no float of its own: left for the operation to round
    (
        "an int past 2**53 is left alone",
        "y = x * 9007199254740993\nreturn y",
        "y = x * 9007199254740993\nreturn y",
        {"x": 1.5},
    ),
]


@pytest.mark.parametrize("name, source, expected, samples", CASES, ids=[c[0] for c in CASES])
def test_float_literals(name, source, expected, samples):
    out = run(float_literals, textwrap.dedent(source), **samples)
    assert out == expected, out


def scalar(x1, x2):
    a = math.sin(x1) * math.exp(x2)
    r = math.sqrt(x1**2 + x2**2)
    return a + x1**3 / r + 2 * x2**2 - 3 / x1


def test_scalar_gradient_matches_central_differences():
    g = s2sad.grad(scalar, wrt=(0, 1))
    code = s2sad.source(scalar, wrt=(0, 1)).splitlines()
    src = "\n".join(line for line in code if not line.strip().startswith(("#", '"""')))
    assert "** 2" not in src and "** 3" not in src
    assert not re.search(r"(?<![\w.])\d+ [*/]", src), src  # no int literal times a float
    for x in [(0.7, 1.3), (-1.2, 0.4), (2.5, -0.8)]:
        got = g(*x)
        want = (
            central_difference(scalar, x, 0),
            central_difference(scalar, x, 1),
        )
        assert_close(got, want)
