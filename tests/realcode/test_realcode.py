"""The real-code corpus: each program's gradient, and its Hessian-vector product, against
central differences."""

from __future__ import annotations

import numpy as np
import pytest

import s2sad

from . import more_programs, programs, third_programs

CASES = {**programs.CASES, **more_programs.CASES, **third_programs.CASES}

# What fails today, each a known class of issue 11 (trust) or 13 (coverage). strict: a fix makes
# the test pass, and then the mark must go.
KNOWN: dict[tuple[str, str], str] = {}  # (test, name): reason; np.diff has its rule now


def cases(test, functions):
    out = []
    for f in functions:
        reason = KNOWN.get((test, f.__name__))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(f, marks=marks, id=f.__name__))
    return out


def leaves(tree):
    """The float arrays and numbers of a nested container, in order, and a function that
    rebuilds the container with other leaves."""
    if isinstance(tree, (list, tuple)):
        parts = [leaves(item) for item in tree]
        flat = [leaf for p, _ in parts for leaf in p]

        kind = type(tree)

        def rebuild(new):
            out, i = [], 0
            for p, build in parts:
                out.append(build(new[i : i + len(p)]))
                i += len(p)
            return kind(out)

        return flat, rebuild
    if isinstance(tree, dict):
        keys = list(tree)
        flat, build = leaves([tree[k] for k in keys])
        return flat, lambda new: dict(zip(keys, build(new)))
    return [tree], lambda new: new[0]


def numerical_gradient(f, args, h=1e-6):
    flat, rebuild = leaves(args[0])
    grads = []
    for i, leaf in enumerate(flat):
        x = np.array(leaf, dtype=float)
        at = lambda value, i=i: _with_leaf(f, args, flat, rebuild, i, value)  # noqa: E731
        g = np.zeros_like(x)
        for j in np.ndindex(x.shape):
            up, down = x.copy(), x.copy()
            up[j] += h
            down[j] -= h
            g[j] = (at(up) - at(down)) / (2 * h)
        grads.append(g)
    return grads


def _with_leaf(f, args, flat, rebuild, i, value):
    """``f`` with leaf ``i`` of its first argument replaced by ``value``."""
    new = list(flat)
    new[i] = value if isinstance(flat[i], np.ndarray) else float(value)
    return f(rebuild(new), *args[1:])


def close(actual, expected, tol=1e-5):
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    scale = max(1.0, float(np.max(np.abs(expected))) if expected.size else 1.0)
    np.testing.assert_allclose(actual, expected, atol=tol * scale, rtol=tol)


@pytest.mark.parametrize("f", cases("gradient", CASES))
def test_gradient(f):
    args = CASES[f]
    grad = s2sad.grad(f)(*args)
    got, _ = leaves(grad)
    expected = numerical_gradient(f, args)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        close(g, e)


@pytest.mark.parametrize(
    "f", cases("hvp", [f for f, args in CASES.items() if isinstance(args[0], (float, np.ndarray))])
)
def test_hessian_vector_product(f):
    args = CASES[f]
    x = args[0]
    v = np.cos(np.arange(np.size(x)) + 1.0).reshape(np.shape(x))
    v = float(v) if isinstance(x, float) else v
    got = s2sad.hvp(f)(*args, v)
    df = s2sad.grad(f)
    h = 1e-5
    expected = (np.asarray(df(x + h * v, *args[1:])) - np.asarray(df(x - h * v, *args[1:]))) / (2 * h)
    close(got, expected, tol=1e-4)
