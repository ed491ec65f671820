"""What the numpy.linalg rules refuse, where the rule cases (both modes alike) cannot say it."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import make_function

import s2sad
from s2sad import MissingRuleError

TALL = np.array([[3.0, 0.5, 0.2], [0.1, 2.0, 0.3], [0.4, 0.2, 1.0], [0.3, 0.1, 0.2]])


def test_svd_columns_past_the_rank_have_no_cotangent():
    """With full_matrices=True, the last column of U of a 4 by 3 matrix is not unique."""
    f = make_function("def f(x):\n    return np.sum(np.linalg.svd(x)[0] ** 3)\n")
    with pytest.raises(MissingRuleError, match="full_matrices=False"):
        s2sad.grad(f)(TALL)


def test_svd_columns_past_the_rank_have_nan_tangents():
    f = make_function("def f(x):\n    return np.linalg.svd(x)[0]\n")
    _, tangent = s2sad.jvp(f, (TALL,), (np.ones_like(TALL),))
    assert np.isnan(tangent[:, 3]).all() and np.isfinite(tangent[:, :3]).all()


def test_lstsq_singular_values_have_no_cotangent():
    f = make_function("def f(a, b):\n    return np.sum(np.linalg.lstsq(a, b)[3])\n")
    with pytest.raises(MissingRuleError, match="singular values"):
        s2sad.grad(f)(TALL, np.ones(4))


def test_lstsq_singular_values_have_nan_tangents():
    f = make_function("def f(a, b):\n    return np.linalg.lstsq(a, b)[3]\n")
    _, tangent = s2sad.jvp(f, (TALL, np.ones(4)), (np.ones_like(TALL), np.zeros(4)))
    assert np.isnan(tangent).all()
