"""Every derivative rule at second order: its derivative code differentiated again.

For each rule case (``rule_cases.py``), ``np.sum(np.sin(<case>))`` makes a scalar
whose gradient runs the rule's VJP; that gradient is then differentiated in reverse
mode (``vjp`` of ``grad``: grad of grad, the Hessian's rows) and in forward mode
(``jvp`` of ``grad``: Hessian-vector products), against central differences of the
gradient. The ``sin`` makes the second derivative go through the rule's own
derivative code even where the rule is linear.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy
from checks import check_forward, check_reverse
from conftest import make_function

import s2sad
from s2sad import MissingRuleError, runtime

from .rule_cases import CASES, A, S

# Rules whose derivative code calls a helper with no derivative of its own yet: at second
# order they are a MissingRuleError (the third derivative of np.prod).
NOT_TWICE = {"prod_others(x, axis=None)"}
# Known failures in reverse mode, each a class of issue 11; strict, so a fix forces the mark off.
# (A list adjoint written by item is no longer refused: the kinds of its items survive.)
KNOWN: dict[str, str] = {}

CASES_2 = [
    (pattern, i, c)
    for pattern, cases in CASES.items()
    for i, c in enumerate(cases)
    if not c.error and c.twice and any(isinstance(s, (S, A)) for s in c.args.values())
]


def _gradient(case, j):
    f = make_function(
        f"def f({', '.join(case.params)}):\n    return np.sum(np.sin({case.expr}))\n",
        scipy=scipy,
        **{name: getattr(runtime, name) for name in runtime.__all__},
    )
    return s2sad.grad(f, wrt=j)


PARAMS = [
    pytest.param(
        check,
        pattern,
        i,
        c,
        id=f"{name}-{c.expr}-{i}",
        marks=[pytest.mark.xfail(strict=True, reason=KNOWN[c.expr])]
        if name == "reverse" and c.expr in KNOWN
        else [],
    )
    for name, check in (("reverse", check_reverse), ("forward", check_forward))
    for pattern, i, c in CASES_2
]


@pytest.mark.parametrize("check,pattern,i,case", PARAMS)
def test_second_order(check, pattern, i, case):
    rng = np.random.default_rng(i)
    args = [spec.draw(rng) for spec in case.args.values()]
    wrt = [j for j, spec in enumerate(case.args.values()) if isinstance(spec, (S, A))]
    g = _gradient(case, wrt[0])
    if pattern in NOT_TWICE:
        with pytest.raises(MissingRuleError, match="prod_others_jvp"):
            check(g, args, wrt, max(case.tol, 1e-4), rng)
        return
    check(g, args, wrt, max(case.tol, 1e-4), rng)
