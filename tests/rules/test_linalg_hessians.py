"""Second derivatives through products of stacks and the decompositions, against autograd.

``test_second_order`` differentiates every rule case twice against central differences;
here whole Hessians (``s2sad.hessian``, forward over reverse) and Hessian-vector products
(``s2sad.hvp``) of small models that broadcast ``@`` over stacks of matrices are compared
with autograd's, which differentiates the same code exactly.
"""

from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy as onp
import pytest
from conftest import make_function

import s2sad

MODELS = {
    # a stack of matrices times a matrix, then a stack times the stack: broadcasting @
    "batched": """
def batched(x):
    a = np.reshape(x, (2, 3, 2))
    b = np.reshape(x[:4], (2, 2))
    c = np.tanh(a @ b)
    d = np.swapaxes(c, -1, -2) @ a
    return np.sum(d**2) + np.sum(c @ x[:2])
""",
    # a 4-D stack against a 3-D one, and a vector against a stack
    "gram": """
def gram(x):
    a = np.reshape(x, (1, 2, 3, 2))
    s = np.reshape(x, (2, 2, 3))
    v = x[:2] @ np.sin(s)
    return np.sum((a @ s) ** 2) + np.sum(v * v)
""",
    # eigenvalues of a symmetric matrix, singular values of a tall one, a determinant
    "spectral": """
def spectral(x):
    m = np.reshape(x[:9], (3, 3))
    s = m + m.T + 6.0 * np.eye(3)
    t = np.reshape(x, (4, 3)) + np.eye(4, 3) * 3.0
    values = np.linalg.svd(t, compute_uv=False)
    return np.sum(np.linalg.eigh(s)[0] ** 3) + np.sum(values**2) + np.linalg.det(s)
""",
}


def _pair(name):
    return make_function(MODELS[name]), make_function(MODELS[name], np=anp)


@pytest.mark.parametrize("model", MODELS)
def test_hessian(model):
    ours, theirs = _pair(model)
    x = onp.random.default_rng(0).uniform(-0.5, 0.5, size=12)
    onp.testing.assert_allclose(s2sad.hessian(ours)(x), autograd.hessian(theirs)(x), rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("model", MODELS)
def test_hvp(model):
    ours, theirs = _pair(model)
    rng = onp.random.default_rng(1)
    x, v = rng.uniform(-0.5, 0.5, size=12), rng.normal(size=12)
    expected = autograd.hessian(theirs)(x) @ v
    onp.testing.assert_allclose(s2sad.hvp(ours)(x, v), expected, rtol=1e-7, atol=1e-8)
