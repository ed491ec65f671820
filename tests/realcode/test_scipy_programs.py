"""The SciPy programs (``scipy_programs``): gradient, JVP and Hessian against central
differences, and against autograd running the same code with its own NumPy and SciPy."""

from __future__ import annotations

import types

import autograd
import autograd.numpy as anp
import autograd.scipy.linalg as alinalg
import autograd.scipy.special as aspecial
import numpy as np
import pytest
from checks import assert_close, central_difference

import s2sad

from . import scipy_programs
from .scipy_programs import CASES


def _autograd_cho_factor(a, lower=False):
    """cho_factor for autograd, which has no rule for it: the factor in the lower triangle."""
    return anp.linalg.cholesky(a), True


def _autograd_cho_solve(c_and_lower, b):
    c, _ = c_and_lower
    return alinalg.solve_triangular(c.T, alinalg.solve_triangular(c, b, lower=True), lower=False)


AUTOGRAD_NAMES = {
    "np": anp,
    "expit": aspecial.expit,
    "logsumexp": aspecial.logsumexp,
    "cho_factor": _autograd_cho_factor,
    "cho_solve": _autograd_cho_solve,
}


def with_autograd(f):
    """The same code, reading autograd's NumPy and SciPy."""
    return types.FunctionType(f.__code__, {**vars(scipy_programs), **AUTOGRAD_NAMES}, f.__name__)


PROGRAMS = [pytest.param(f, id=f.__name__) for f in CASES]


@pytest.mark.parametrize("f", PROGRAMS)
def test_gradient(f):
    args = list(CASES[f])
    g = s2sad.grad(f)(*args)
    assert_close(g, central_difference(f, args, 0), 1e-6, "gradient")
    assert_close(g, autograd.grad(with_autograd(f))(*args), 1e-10, "gradient against autograd")


@pytest.mark.parametrize("f", PROGRAMS)
def test_jvp(f):
    args = list(CASES[f])
    v = np.cos(np.arange(np.size(args[0])) + 1.0).reshape(np.shape(args[0]))
    value, tangent = s2sad.jvp(f, tuple(args), (v, *(np.zeros_like(a, dtype=float) for a in args[1:])))
    assert_close(value, f(*args), 1e-12, "value")
    assert_close(tangent, central_difference(f, args, 0, v), 1e-6, "jvp")


@pytest.mark.parametrize("f", PROGRAMS)
def test_hessian(f):
    args = list(CASES[f])
    hessian = s2sad.hessian(f)(*args)
    grad = s2sad.grad(f)
    n = np.size(args[0])
    fd = np.stack(
        [
            central_difference(lambda x: grad(x, *args[1:]), [args[0]], 0, e.reshape(np.shape(args[0])))
            for e in np.eye(n)
        ]
    )
    assert_close(np.reshape(hessian, (n, n)), fd.reshape(n, n), 1e-5, "hessian")
    expected = autograd.hessian(with_autograd(f))(*args)
    assert_close(hessian, expected, 1e-8, "hessian against autograd")


def test_generated_code_reads_scipy():
    f = scipy_programs.classifier_loss
    text = s2sad.source(f, args=CASES[f])
    assert "scipy.special.expit(X @ W)" in text, text
    assert "scipy.special.logsumexp(" in text, text
    f = scipy_programs.gp_neg_log_marginal_likelihood
    text = s2sad.source(f, args=CASES[f])
    assert "scipy.linalg.cho_factor(K, lower=True)" in text, text
    assert "scipy.linalg.cho_solve(" in text, text
