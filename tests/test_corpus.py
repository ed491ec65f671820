"""Corpus functions: s2sad against autograd (NumPy code) or central differences.

Each corpus module is executed a second time with ``np`` bound to
``autograd.numpy``; autograd differentiates that copy.
"""

import inspect

import corpus_control
import corpus_straight
import numpy as np
import pytest
from checks import assert_close, assert_gradient_type, central_difference

import s2sad

autograd = pytest.importorskip("autograd")
anp = pytest.importorskip("autograd.numpy")

_AUTOGRAD_MODULES = {}


def _autograd_version(f):
    module = inspect.getmodule(f)
    ns = _AUTOGRAD_MODULES.get(module.__name__)
    if ns is None:
        ns = {"__name__": f"{module.__name__}_autograd"}
        exec(compile(inspect.getsource(module), module.__file__, "exec"), ns)
        ns["np"] = anp
        _AUTOGRAD_MODULES[module.__name__] = ns
    return ns[f.__name__]


def _straight_cases():
    for f, (args, wrt) in corpus_straight.CASES.items():
        yield f, args, wrt, "fd" if "math." in inspect.getsource(f) else "autograd"


CASES = list(_straight_cases()) + [(f, *spec) for f, spec in corpus_control.CASES.items()]


def _assert_tree(g, expected, x, what):
    """Gradients of containers are containers of the same structure."""
    if isinstance(x, dict):
        assert isinstance(g, dict) and set(g) == set(x), f"{what}: gradient {g!r}"
        for k in x:
            _assert_tree(g[k], expected[k], x[k], f"{what}[{k!r}]")
    elif isinstance(x, (list, tuple)):
        assert type(g) is type(x) and len(g) == len(x), f"{what}: gradient {g!r}"
        for i, (gi, ei, xi) in enumerate(zip(g, expected, x)):
            _assert_tree(gi, ei, xi, f"{what}[{i}]")
    else:
        assert_gradient_type(g, x, what)
        assert_close(g, expected, 1e-6, what)


@pytest.mark.parametrize("f,args,wrt,oracle", CASES, ids=[c[0].__name__ for c in CASES])
def test_corpus(f, args, wrt, oracle):
    grads = s2sad.grad(f, wrt=wrt)(*args)
    value, grads2 = s2sad.value_and_grad(f, wrt=wrt)(*args)
    assert value == pytest.approx(f(*args), rel=1e-12)
    for i, g, g2 in zip(wrt, grads, grads2):
        what = f"{f.__name__} wrt argument {i}"
        if oracle == "fd":
            expected = central_difference(f, list(args), i)
        else:
            expected = autograd.grad(_autograd_version(f), i)(*args)
        _assert_tree(g, expected, args[i], what)
        _assert_tree(g2, g, args[i], f"{what}, value_and_grad")


def test_corpus_is_big_enough():
    assert len(CASES) >= 100
    assert len({f.__name__ for f, *_ in CASES}) == len(CASES)


def test_gradients_are_the_callers_own():
    """A gradient never aliases an argument or a value the function keeps."""
    x = np.array([0.5, -1.0, 2.0])
    g = s2sad.grad(corpus_control.copy_then_assign)(x)
    g[:] = 0.0
    assert corpus_control.copy_then_assign(x) == pytest.approx(corpus_control.copy_then_assign(x.copy()))
