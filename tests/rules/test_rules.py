"""Every derivative rule against central differences, from the rule tables.

Each rule's cases (``rule_cases.py``) are differentiated in reverse mode with
respect to their float arguments; a rule without cases fails.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy
from checks import check_forward, check_reverse
from conftest import make_function

import s2sad
from s2sad import runtime
from s2sad.rules import RULES

from .rule_cases import CASES, A, S


def _rules():
    """The built-in rules (the user's, from ``s2sad.defvjp``, are tests/api/test_extending.py's)."""
    seen = {}
    for rule in RULES.values():
        if rule.table != "user":
            seen.setdefault(id(rule), rule)
    return list(seen.values())


def test_every_rule_has_cases():
    missing = [r.pattern for r in _rules() if r.pattern not in CASES]
    assert not missing, f"rules without test cases: {missing}"


def test_every_rule_has_both_directions():
    """A derivative in one mode only is a gap in the other."""
    one_way = [r.pattern for r in _rules() if set(r.vjp) != set(r.jvp)]
    assert not one_way, f"rules with a VJP or a JVP missing for some parameter: {one_way}"


def test_no_cases_for_unknown_rules():
    patterns = {r.pattern for r in _rules()}
    assert not [p for p in CASES if p not in patterns]


ALL = [(pattern, i, c) for pattern, cases in CASES.items() for i, c in enumerate(cases)]


def _function(case):
    return make_function(
        f"def f({', '.join(case.params)}):\n    return {case.expr}\n",
        scipy=scipy,
        **{name: getattr(runtime, name) for name in runtime.__all__},
    )


def _check_case(check, i, case):
    """``check`` (reverse or forward mode against central differences) on one rule case."""
    rng = np.random.default_rng(i)
    f = _function(case)
    args = [spec.draw(rng) for spec in case.args.values()]
    wrt = [j for j, spec in enumerate(case.args.values()) if isinstance(spec, (S, A))]
    if case.error:
        with pytest.raises(case.error):
            check(f, args, wrt, case.tol, rng)
        return
    check(f, args, wrt, case.tol, rng)


@pytest.mark.parametrize("pattern,i,case", ALL, ids=[f"{c.expr}-{i}" for _, i, c in ALL])
def test_reverse(pattern, i, case):
    _check_case(check_reverse, i, case)


@pytest.mark.parametrize("pattern,i,case", ALL, ids=[f"{c.expr}-{i}" for _, i, c in ALL])
def test_forward(pattern, i, case):
    _check_case(check_forward, i, case)


@pytest.mark.parametrize("pattern,i,case", ALL, ids=[f"{c.expr}-{i}" for _, i, c in ALL])
def test_no_runtime_helpers_when_kinds_are_known(pattern, i, case):
    """With every shape pattern known, generated code undoes broadcasting by itself."""
    if case.error or any(name in case.expr for name in runtime.__all__):
        return  # the function calls the helpers itself
    rng = np.random.default_rng(0)
    f = _function(case)
    args = [spec.draw(rng) for spec in case.args.values()]
    text = s2sad.source(f, kind="vjp", args=args)
    for helper in (
        "unbroadcast(",
        "unreduce(",
        "expand_reduced(",
        "reduced_size(",
        "matmul_vjp(",
        "gradient_like(",
    ):
        assert helper not in text, text
