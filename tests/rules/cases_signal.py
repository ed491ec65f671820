"""Test cases for the rules of ``scipy.signal`` (and the helpers they call), added to
``rule_cases.CASES``: every mode, one to three axes, operands of either size, both operands.
"""

from __future__ import annotations

import numpy as np
import scipy.signal  # noqa: F401

from s2sad import MissingRuleError
from s2sad.rules import load_tables

from .rule_cases import A, I, S, V, add, case

load_tables("scipy.signal")

SHAPES = [((4,), (3,)), ((3,), (5,)), ((4, 3), (2, 2)), ((2, 3), (3, 4)), ((3, 2, 3), (2, 2, 2))]
# valid needs one operand at least as long as the other on every axis
VALID = [(a, b) for a, b in SHAPES if all(p >= q for p, q in zip(a, b)) or all(p <= q for p, q in zip(a, b))]


def _cases(fn: str) -> list:
    out = []
    for mode in ("full", "same", "valid"):
        for a, b in VALID if mode == "valid" else SHAPES:
            out.append(case(f"scipy.signal.{fn}(x, y, mode='{mode}')", x=A(a), y=A(b)))
    return out


add(
    "scipy.signal.convolve(in1, in2, mode='full', method='auto')",
    [
        *_cases("convolve"),
        case("scipy.signal.convolve(x, y)", x=A((5,)), y=A((2,))),
        case("scipy.signal.convolve(x, y, method='direct')", x=A((3, 2)), y=A((2, 2))),
        case("scipy.signal.convolve(x, y, method='fft')", x=A((4,)), y=A((3,))),
        case("scipy.signal.convolve(x * x, y, 'same')", x=A((4,)), y=A((3,))),
        case("scipy.signal.convolve(np.asarray(x), np.asarray(y)) * x", x=S(), y=S()),  # 0-d: a product
    ],
)
for _name in ("fftconvolve", "oaconvolve"):
    add(
        f"scipy.signal.{_name}(in1, in2, mode='full', axes=None)",
        [
            case(f"scipy.signal.{_name}(x, y)", x=A((4,)), y=A((3,))),
            case(f"scipy.signal.{_name}(x, y, mode='same')", x=A((2, 3)), y=A((3, 4))),
            case(f"scipy.signal.{_name}(x, y, 'valid')", x=A((4, 3)), y=A((2, 2))),
            case(f"scipy.signal.{_name}(x, y, axes=1)", x=A((2, 3)), y=A((2, 2)), error=MissingRuleError),
        ],
    )
add("scipy.signal.correlate(in1, in2, mode='full', method='auto')", _cases("correlate"))
add(
    "convolution_cuts(shape1, shape2, mode, which)",
    [
        case("x * convolution_cuts((4,), (3,), 'same', i)[0, 1]", x=A((3,)), i=I(1)),
    ],
)
add(
    "cut_ends(value, widths)",
    [
        case("cut_ends(x, w)", x=A((5,)), w=V(np.array([[1, -2]]))),
        case("cut_ends(x * x, w)", x=A((3, 4)), w=V(np.array([[-1, 0], [1, 2]]))),
    ],
)
