"""``compile="numba"``: compiled derivatives equal the Python code's and central differences;
what numba cannot compile runs as Python with a ``CompileWarning``, once per kinds; a bad
``compile=`` value is a ValueError at the call that takes it.

numba compiles take a fraction of a second each: few, small functions, each compiled once
(module-scoped fixtures), the disk cache in a temporary directory."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from checks import assert_close, central_difference

import s2sad

pytest.importorskip("numba")
special = pytest.importorskip("scipy.special")


@pytest.fixture(scope="module", autouse=True)
def cache(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("S2SAD_CACHE_DIR", str(tmp_path_factory.mktemp("s2sad_cache")))
        yield


def logistic(r, x):
    for _ in range(50):
        x = r * x * (1 - x)
    return x


def horner(c, x):
    p = c[0]
    for i in range(1, len(c)):
        p = p * x + c[i]
    return p


def rnn(Wh, b, xs, h):
    for t in range(len(xs)):
        h = np.tanh(Wh @ h + xs[t] + b)
    return np.sum(h**2)


def damped(r, n):  # a while loop, a branch in a loop: their tapes
    x, i = 0.3, 0
    while i < n:
        if x > 0.5:
            x = r * x * (1 - x)
        else:
            x = math.sin(x) + 0.01 * r
        i += 1
    return x


def squashed(x):  # an array carried around a loop
    for _ in range(5):
        x = 2.0 * np.sin(x) ** 2
    return np.sum(x)


def straight(x1, x2):
    return math.log(x1) + x1 * x2 - math.sin(x2)


def by_key(d, x):
    return d["a"] * x * x


def with_scipy(x):
    return special.gammaln(x) * x


def _compiled(fn):
    """Whether the dispatcher's specialisations are numba functions (all of them)."""
    t = getattr(fn, "__s2sad__", None) or fn.__wrapped__.__s2sad__
    return bool(t.all) and all(type(f).__name__ == "CPUDispatcher" for _, f in t.all)


def _no_warning(call, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.CompileWarning)
        return call(*args)


@pytest.fixture(scope="module")
def rnn_args():
    rng = np.random.default_rng(0)
    Wh, b, xs = rng.standard_normal((4, 4)) / 2, rng.standard_normal(4) * 0.1, rng.standard_normal((6, 4))
    return Wh, b, xs, np.zeros(4)


@pytest.mark.parametrize("mode", ["reverse", "forward", "auto"])  # compiled, auto is reverse mode
def test_loop_of_floats(mode):
    g = s2sad.grad(logistic, wrt=(0, 1), mode=mode, compile="numba")
    args = (2.9, 0.3)
    dr, dx = _no_warning(g, *args)
    assert type(dr) is float and type(dx) is float
    expected = s2sad.grad(logistic, wrt=(0, 1), mode=mode)(*args)
    assert_close((dr, dx), expected, tol=1e-12)
    for i, d in enumerate((dr, dx)):
        assert_close(d, central_difference(logistic, args, i), tol=1e-4)
    if mode != "forward":
        assert _compiled(g)


def test_while_loop_and_branches():
    g = s2sad.grad(damped, mode="reverse", compile="numba")
    d = _no_warning(g, 2.9, 40)
    assert d == pytest.approx(s2sad.grad(damped, mode="reverse")(2.9, 40), rel=1e-12)
    assert_close(d, central_difference(damped, (2.9, 40), 0), tol=1e-4)
    assert _compiled(g)


def test_value_and_grad_straight_line():
    vg = s2sad.value_and_grad(straight, wrt=(0, 1), mode="reverse", compile="numba")
    value, (d1, d2) = _no_warning(vg, 2.0, 5.0)
    assert value == pytest.approx(straight(2.0, 5.0))
    assert_close((d1, d2), (1 / 2.0 + 5.0, 2.0 - math.cos(5.0)), tol=1e-12)
    assert _compiled(vg)


def test_arrays_horner():
    c, x = np.linspace(-1.0, 1.0, 9), 0.7
    dc = _no_warning(s2sad.grad(horner, wrt=0, compile="numba"), c, x)
    assert isinstance(dc, np.ndarray) and dc.shape == c.shape
    assert_close(dc, central_difference(horner, (c, x), 0), tol=1e-6)
    dx = _no_warning(s2sad.grad(horner, wrt=1, mode="reverse", compile="numba"), c, x)
    assert type(dx) is float
    assert_close(dx, s2sad.grad(horner, wrt=1)(c, x), tol=1e-12)


def test_arrays_tape_of_arrays(rnn_args):
    g = s2sad.grad(rnn, wrt=(0, 1), compile="numba")
    dW, db = _no_warning(g, *rnn_args)
    expected = s2sad.grad(rnn, wrt=(0, 1))(*rnn_args)
    assert_close(dW, expected[0], tol=1e-10)
    assert_close(db, expected[1], tol=1e-10)
    assert_close(db, central_difference(rnn, rnn_args, 1), tol=1e-5)
    assert _compiled(g)


def test_other_numba_types_of_one_kind():
    """A float32 array has the kind of a float64 one (one specialisation), but numba types
    it apart: it compiles for it, and runs the Python code, with the warning, where it cannot."""
    g = s2sad.grad(squashed, compile="numba")
    x = np.linspace(0.0, 1.0, 4)
    assert_close(_no_warning(g, x), central_difference(squashed, (x,), 0), tol=1e-5)
    view = np.linspace(0.0, 1.0, 8)[::2]  # not contiguous: compiled again
    assert_close(_no_warning(g, view), s2sad.grad(squashed)(view), tol=1e-12)
    with pytest.warns(s2sad.CompileWarning, match="Cannot unify"):
        g32 = g(x.astype(np.float32))
    assert_close(g32, s2sad.grad(squashed)(x.astype(np.float32)), tol=1e-6)
    assert_close(_no_warning(g, x.astype(np.float32)), g32, tol=0)  # refused once: no retry


def test_derivative_and_jvp():
    d = _no_warning(s2sad.derivative(logistic, compile="numba"), 2.9, 0.3)
    assert_close(d, central_difference(logistic, (2.9, 0.3), 0), tol=1e-4)
    out, tangent = _no_warning(s2sad.jvp, logistic, (2.9, 0.3), (1.0, 0.0))
    compiled_out, compiled_tangent = s2sad.jvp(logistic, (2.9, 0.3), (1.0, 0.0), compile="numba")
    assert (compiled_out, compiled_tangent) == pytest.approx((out, tangent), rel=1e-12)


def test_fallback_warns_once_per_kinds():
    g = s2sad.grad(by_key, wrt=1, compile="numba")
    with pytest.warns(s2sad.CompileWarning, match="compile='numba' runs the Python code"):
        assert g({"a": 3.0}, 2.0) == pytest.approx(12.0)
    assert _no_warning(g, {"a": 3.0}, 4.0) == pytest.approx(24.0)  # decided once: no retry


def test_fallback_scipy_call():
    g = s2sad.grad(with_scipy, compile="numba")
    with pytest.warns(s2sad.CompileWarning):
        d = g(2.5)
    assert_close(d, central_difference(with_scipy, (2.5,), 0), tol=1e-5)


@pytest.mark.parametrize(
    "make",
    [
        lambda: s2sad.grad(logistic, compile="jax"),
        lambda: s2sad.value_and_grad(logistic, compile=True),
        lambda: s2sad.derivative(logistic, compile="Numba"),
        lambda: s2sad.hessian(logistic, compile="numba!"),
        lambda: s2sad.source(logistic, compile="cython"),
    ],
)
def test_bad_compile_value(make):
    with pytest.raises(ValueError, match="compile=.* is not one of None, 'numba'"):
        make()


def test_source_shows_the_numba_variant():
    text = s2sad.source(logistic, args=(2.9, 0.3), compile="numba")
    assert "reversed(" not in text and "range(49, -1, -1)" in text
    assert "x_1_tape = np.empty(50)" in text and ".pop()" not in text
    assert "reversed(range(50))" in s2sad.source(logistic, args=(2.9, 0.3))  # the default is the readable one
    with pytest.raises(ValueError, match="final"):
        s2sad.source(logistic, stage="raw", compile="numba")


def test_second_order_and_vjp_warn_and_run():
    x = 0.4
    with pytest.warns(s2sad.CompileWarning):
        out, pullback = s2sad.vjp(straight, 2.0, x, compile="numba")
    assert pullback(1.0) == pytest.approx(s2sad.vjp(straight, 2.0, x)[1](1.0))
    with pytest.warns(s2sad.CompileWarning):
        h = s2sad.hessian(straight, wrt=1, compile="numba")
    assert h(2.0, x) == pytest.approx(math.sin(x))
    with pytest.warns(s2sad.CompileWarning):
        p = s2sad.hvp(straight, wrt=1, compile="numba")
    assert p(2.0, x, 2.0) == pytest.approx(2 * math.sin(x))
    with pytest.warns(s2sad.CompileWarning):
        j = s2sad.jacobian(lambda v: v * v, compile="numba")
    assert_close(j(np.array([1.0, 2.0])), np.diag([2.0, 4.0]))
