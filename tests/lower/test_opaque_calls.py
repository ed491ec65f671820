"""A call s2sad cannot see into is a MissingRuleError, never a constant.

``eval``, ``exec``, ``locals()``, ``globals()``, ``vars()`` and ``dir()`` read (or run
code on) the function's variables, not their arguments: activity would find nothing
active in ``eval("x * x")`` and give a derivative of 0.
"""

from __future__ import annotations

import builtins
import statistics

import pytest

import s2sad

run_code = builtins.eval  # an alias is the same function


def evaluated(x):
    return eval("x * x")


def executed(x):
    exec("y = x")
    return x * 2


def constant_string(x):
    return x * eval("2.0")


def through_an_alias(x):
    return float(run_code("x")) * x


def through_globals(x):
    return globals()["math"].sin(x)


def local_names(x):
    return len(locals()) * x


def no_rule(x):
    return statistics.fmean([x, x])


@pytest.mark.parametrize(
    "f", [evaluated, executed, constant_string, through_an_alias, through_globals, local_names, no_rule]
)
def test_a_call_that_cannot_be_seen_into_is_refused(f):
    with pytest.raises(s2sad.MissingRuleError, match="no derivative rule"):
        s2sad.grad(f)(0.5)
    with pytest.raises(s2sad.MissingRuleError, match="no derivative rule"):
        s2sad.jvp(f, (0.5,), (1.0,))


def test_the_error_points_at_the_call():
    with pytest.raises(s2sad.MissingRuleError) as info:
        s2sad.grad(evaluated)(0.5)
    text = str(info.value)
    assert "test_opaque_calls.py:21:" in text and 'eval("x * x")' in text and "defvjp" in text
