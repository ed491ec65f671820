"""The teaching examples: their values, and the exact source s2sad generates for them."""

import math

import pytest
from golden_util import check_golden
from quickstart import baydin, f

import s2sad


def test_polynomial_values():
    assert f(2.0) == 32.0
    assert s2sad.grad(f)(2.0) == 46.0
    assert s2sad.value_and_grad(f)(2.0) == (32.0, 46.0)


def test_baydin_values():
    """Baydin et al. (2018), table 2: y = 11.652, gradient (5.5, 1.716) at (2, 5)."""
    y, (dx1, dx2) = s2sad.value_and_grad(baydin, wrt=(0, 1))(2.0, 5.0)
    assert round(y, 3) == 11.652
    assert dx1 == pytest.approx(5.5)
    assert dx2 == pytest.approx(5.0 - math.cos(5.0) + 2.0 - 5.0)  # x1 - cos(x2)
    assert round(dx2, 3) == 1.716


@pytest.mark.parametrize("stage", ["ssa", "raw", "final"])
def test_polynomial_source(in_root, stage):
    check_golden(f"polynomial.{stage}.py", s2sad.source(f, stage=stage))


@pytest.mark.parametrize("stage", ["ssa", "raw", "final"])
def test_baydin_source(in_root, stage):
    check_golden(f"baydin.{stage}.py", s2sad.source(baydin, wrt=(0, 1), stage=stage))


def test_baydin_value_and_grad_source(in_root):
    check_golden("baydin.value_and_grad.py", s2sad.source(baydin, wrt=(0, 1), kind="value_and_grad"))


def test_baydin_vjp_source(in_root):
    check_golden("baydin.vjp.py", s2sad.source(baydin, kind="vjp"))


def test_generated_code_is_short():
    """About as many lines as a gradient written by hand, and no helper calls on floats."""
    body = [
        line
        for line in s2sad.source(f).splitlines()
        if line.startswith("    ")
        and not line.strip().startswith(("#", '"""'))
        and "Reverse mode" not in line
        and "for x" not in line
    ]
    assert len(body) <= 2, body
    for text in (s2sad.source(f), s2sad.source(baydin, wrt=(0, 1))):
        assert "unbroadcast" not in text and "np." not in text
