"""Checkpointed loops: the gradient of the taped loop, to rounding, in every mode and at second
order, against central differences and against the same function without checkpoint."""

import re

import numpy as np
import pytest
from checks import assert_close, check_forward, check_reverse
from conftest import make_function

import s2sad
from s2sad.checkpointing import checkpoint

from .cases import CASES, SIZED, SIZES


def functions(source):
    checkpointed = make_function(source, checkpoint=checkpoint, s2sad=s2sad)
    plain_source = re.sub(r"(s2sad\.)?checkpoint\((.*?)(, snapshots=\w+)?\):", r"\2:", source)
    assert "checkpoint" not in plain_source
    plain = make_function(plain_source, checkpoint=checkpoint, s2sad=s2sad)
    return checkpointed, plain


@pytest.mark.parametrize("name", list(CASES))
def test_same_gradient_as_the_taped_loop(name):
    source, args, wrt = CASES[name]
    f, plain = functions(source)
    got = s2sad.grad(f, wrt=wrt)(*args)
    want = s2sad.grad(plain, wrt=wrt)(*args)
    for g, w in zip(got, want):
        assert_close(g, w, 1e-12, name)
    assert "reverse_steps(" in s2sad.source(f, wrt=wrt)


@pytest.mark.parametrize("name", list(CASES))
def test_both_modes_against_central_differences(name):
    source, args, wrt = CASES[name]
    f, _ = functions(source)
    check_reverse(f, args, wrt)
    check_forward(f, args, wrt)
    value, grads = s2sad.value_and_grad(f, wrt=wrt)(*args)
    assert_close(value, f(*args), 1e-12, name)


@pytest.mark.parametrize(
    "name", ["logistic", "rnn", "read_after", "branch", "nested", "inside_a_taped_loop", "tuple_state"]
)
def test_second_order(name):
    source, args, wrt = CASES[name]
    f, plain = functions(source)
    i = wrt[0]
    assert_close(s2sad.hessian(f, wrt=i)(*args), s2sad.hessian(plain, wrt=i)(*args), 1e-9, name)
    direction = np.ones_like(np.asarray(args[i], dtype=float))
    if np.ndim(args[i]) == 0:
        direction = 1.0
    assert_close(s2sad.hvp(f, wrt=i)(*args, direction), s2sad.hvp(plain, wrt=i)(*args, direction), 1e-9, name)
    if np.ndim(args[i]) == 0:
        gg = s2sad.grad(s2sad.grad(f, wrt=i), wrt=i)(*args)
        h = 1e-5
        shifted = [list(args), list(args)]
        shifted[0][i] += h
        shifted[1][i] -= h
        g = s2sad.grad(f, wrt=i)
        assert_close(gg, (g(*shifted[0]) - g(*shifted[1])) / (2 * h), 1e-5, name)


@pytest.mark.parametrize("n,s", SIZES)
def test_every_size(n, s):
    f, _ = functions(SIZED)
    plain = make_function(SIZED.replace("checkpoint(range(n), snapshots=s)", "range(n)"))
    args = (0.4, 1.3, n, s)
    assert_close(s2sad.grad(f, wrt=(0, 1))(*args), s2sad.grad(plain, wrt=(0, 1))(*args), 1e-12)
    check_reverse(f, args, (0, 1))


def test_the_program_differentiated_again_says_it_is_taped():
    from s2sad.driver.generated import concrete

    source, args, wrt = CASES["logistic"]
    f, _ = functions(source)
    again = concrete(s2sad.grad(f, wrt=wrt), args)  # what grad(grad(f)) and hessian differentiate
    assert "reversed with a tape" in again.__doc__
    assert "reverse_steps" not in s2sad.source(s2sad.grad(f, wrt=0), args=args)
