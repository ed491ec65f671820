"""Corpus functions: s2sad against autograd (NumPy code) or central differences (math code)."""

import inspect

import corpus_straight
import pytest
from checks import assert_close, assert_gradient_type, central_difference

import s2sad

autograd = pytest.importorskip("autograd")
anp = pytest.importorskip("autograd.numpy")

_AUTOGRAD_NS = {}
exec(compile(inspect.getsource(corpus_straight), corpus_straight.__file__, "exec"),
     {"__name__": "corpus_autograd", "np": anp})  # fmt: skip


def _autograd_version(f):
    ns = {"__name__": "corpus_autograd"}
    exec(compile(inspect.getsource(corpus_straight), corpus_straight.__file__, "exec"), ns)
    ns["np"] = anp
    return ns[f.__name__]


CASES = list(corpus_straight.CASES.items())


@pytest.mark.parametrize("f,spec", CASES, ids=[f.__name__ for f, _ in CASES])
def test_corpus(f, spec):
    args, wrt = spec
    uses_math = "math." in inspect.getsource(f)
    grads = s2sad.grad(f, wrt=wrt)(*args)
    value, grads2 = s2sad.value_and_grad(f, wrt=wrt)(*args)
    assert value == pytest.approx(f(*args), rel=1e-12)
    for i, g, g2 in zip(wrt, grads, grads2):
        assert_gradient_type(g, args[i], f"{f.__name__} wrt argument {i}")
        assert_close(g2, g, 1e-12, "value_and_grad")
        if uses_math:
            expected = central_difference(f, list(args), i)
        else:
            expected = autograd.grad(_autograd_version(f), i)(*args)
        assert_close(g, expected, 1e-6, f"{f.__name__} wrt argument {i}")


def test_corpus_is_big_enough():
    assert len(CASES) >= 40
