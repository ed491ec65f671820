"""Library code is called, never transformed: the standard library and installed packages.

Their functions are written with ``try``, ``*args`` and ``**kwargs``; a call to one
that no derivative goes through is an ordinary call (a log line in a branch, a
constant computed with a helper), and one that a derivative must go through is a
``MissingRuleError`` at the user's call.
"""

import json
import textwrap

import numpy as np
import pytest
from checks import check_forward, check_reverse

import s2sad
from s2sad.rules.registry import inlinable, installed


def logged(x, verbose=False):
    y = np.sin(x) * x
    if verbose:
        print(json.dumps({"y": float(y)}))
    return y


def constant_from_library(x):
    width = len(textwrap.dedent("  abc"))
    return width * x * x


def through_library(x):
    return float(textwrap.dedent(str(x))) * x


def helper(x):
    return x * x


def test_library_functions_are_not_inlined():
    assert installed(json.dumps) and installed(textwrap.dedent)
    assert not inlinable(json.dumps) and not inlinable(textwrap.dedent)
    assert inlinable(helper) and not installed(helper)


@pytest.mark.parametrize("f, args", [(logged, [0.4, False]), (constant_from_library, [0.4])])
def test_calls_no_derivative_goes_through(f, args):
    check_reverse(f, args, [0])
    check_forward(f, args, [0])
    assert s2sad.hessian(f)(*args) == pytest.approx(s2sad.grad(s2sad.grad(f))(*args))


def test_logging_branch_runs_as_written(capsys):
    assert s2sad.grad(logged)(0.4, True) == pytest.approx(np.cos(0.4) * 0.4 + np.sin(0.4))
    assert '"y"' in capsys.readouterr().out


def test_a_derivative_through_library_code_is_a_missing_rule():
    with pytest.raises(s2sad.MissingRuleError, match="textwrap.dedent") as info:
        s2sad.grad(through_library)(0.4)
    assert "test_installed.py" in str(info.value)
