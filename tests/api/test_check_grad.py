"""``check_grad`` on container arguments: compared leaf by leaf, and named by its path."""

from __future__ import annotations

import numpy as np
import pytest

import s2sad
from s2sad.api import checking


def two_layers(params, x):
    (W1, b1), (W2, b2) = params
    h = np.tanh(W1 @ x + b1)
    return np.sum(np.tanh(W2 @ h + b2) ** 2)


def mixed(p, pair):
    return p["a"] * pair[0] + np.sum(p["b"] ** 2) * pair[1]


def sum_of_squares(p):
    return p["a"][0] ** 2 + p["a"][1] ** 2


def test_a_list_of_weight_and_bias_tuples():
    rng = np.random.default_rng(0)
    params = [(rng.normal(size=(3, 2)), rng.normal(size=3)), (rng.normal(size=(1, 3)), rng.normal(size=1))]
    s2sad.check_grad(two_layers, params, rng.normal(size=2))
    s2sad.check_grad(two_layers, params, rng.normal(size=2), wrt=1)


def test_a_dict_and_a_tuple():
    p, pair = {"a": 1.5, "b": np.array([0.3, -0.7])}, (2.0, 0.5)
    s2sad.check_grad(mixed, p, pair, wrt=(0, 1))


def test_a_wrong_leaf_is_named_by_its_path(monkeypatch):
    def wrong_grad(f, wrt):  # the gradient of the second leaf is off by a factor of 2
        return lambda p: {"a": (2 * p["a"][0], p["a"][1])}

    monkeypatch.setattr(checking, "grad", wrong_grad)
    with pytest.raises(AssertionError, match=r"dsum_of_squares/dp\['a'\]\[1\] = 3\.0 by AD"):
        s2sad.check_grad(sum_of_squares, {"a": (1.0, 3.0)})
