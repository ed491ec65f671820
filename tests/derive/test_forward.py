"""Forward mode, Jacobians and second derivatives.

The dot-product test ties forward mode to reverse mode on every corpus
function: for random ``u`` and ``v``, ``<u, J v>`` from ``jvp`` equals
``<J^T u, v>`` from ``vjp``.
"""

import math

import control_flow as cf
import corpus_control
import corpus_straight
import numpy as np
import pytest
from checks import assert_close, central_difference
from conftest import make_function
from golden_util import check_golden
from quickstart import baydin, f

import s2sad

autograd = pytest.importorskip("autograd")
anp = pytest.importorskip("autograd.numpy")

CORPUS = [(g, args) for g, (args, _wrt) in corpus_straight.CASES.items()] + [
    (g, args) for g, (args, _wrt, _oracle) in corpus_control.CASES.items()
]


def _random_like(x, rng):
    """A random tangent (or cotangent) shaped like ``x``; zero where ``x`` is not a float."""
    if isinstance(x, dict):
        return {k: _random_like(v, rng) for k, v in x.items()}
    if isinstance(x, (tuple, list)):
        return type(x)(_random_like(v, rng) for v in x)
    if isinstance(x, np.ndarray):
        return rng.normal(size=x.shape) if x.dtype.kind == "f" else np.zeros(x.shape)
    if isinstance(x, (bool, int, np.integer)):
        return 0.0
    return float(rng.normal())


def _inner(a, b):
    if isinstance(a, dict):
        return sum(_inner(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)):
        return sum(_inner(x, y) for x, y in zip(a, b))
    if a is None or b is None:
        return 0.0
    return float(np.sum(np.asarray(a, dtype=float) * np.asarray(b, dtype=float)))


@pytest.mark.parametrize("g,args", CORPUS, ids=[g.__name__ for g, _ in CORPUS])
def test_dot_product(g, args):
    rng = np.random.default_rng(len(g.__name__))
    v = tuple(_random_like(a, rng) for a in args)
    out, tangent = s2sad.jvp(g, args, v)
    u = _random_like(out, rng)
    out2, pullback = s2sad.vjp(g, *args)
    cotangents = pullback(u)
    assert_close(out, out2, 1e-12, "outputs of jvp and vjp")
    forward, reverse = _inner(u, tangent), _inner(cotangents, v)
    assert abs(forward - reverse) <= 1e-10 * max(1.0, abs(forward), abs(reverse)), (forward, reverse)


# ------------------------------------------------------------------ second derivatives


def test_polynomial_second_derivative():
    assert s2sad.hessian(f)(2.0) == 54.0
    assert s2sad.grad(s2sad.grad(f))(2.0) == 54.0
    assert s2sad.derivative(s2sad.derivative(f))(2.0) == 54.0
    assert s2sad.hvp(f)(2.0, 1.0) == 54.0
    assert s2sad.grad(s2sad.grad(s2sad.grad(f)))(2.0) == 48.0
    assert type(s2sad.hessian(f)(2.0)) is float


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


def rosenbrock_autograd(x):
    return anp.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


@pytest.mark.parametrize("n", [2, 5, 8])
def test_rosenbrock_hessian(n):
    x = np.random.default_rng(n).uniform(-1.5, 1.5, size=n)
    h = s2sad.hessian(rosenbrock)(x)
    assert h.shape == (n, n)
    assert_close(h, autograd.hessian(rosenbrock_autograd)(x), 1e-10, "Rosenbrock Hessian")
    assert np.array_equal(h, h.T)


def mlp_loss(W1, b1, W2, X, y):
    h = np.tanh(X @ W1 + b1)
    return np.mean((h @ W2 - y) ** 2)


def mlp_loss_autograd(W1, b1, W2, X, y):
    h = anp.tanh(X @ W1 + b1)
    return anp.mean((h @ W2 - y) ** 2)


def test_mlp_hessian_vector_products():
    rng = np.random.default_rng(0)
    args = (
        rng.normal(size=(3, 4)),
        rng.normal(size=4),
        rng.normal(size=4),
        rng.normal(size=(6, 3)),
        rng.normal(size=6),
    )
    for i, name in enumerate(["W1", "b1", "W2"]):
        v = rng.normal(size=args[i].shape)
        hv = s2sad.hvp(mlp_loss, wrt=name)(*args, v)
        expected = autograd.hessian_vector_product(mlp_loss_autograd, i)(*args, v)
        assert_close(hv, expected, 1e-10, f"H v for {name}")
    vs = tuple(rng.normal(size=args[i].shape) for i in range(2))
    both = s2sad.hvp(mlp_loss, wrt=(0, 1))(*args, vs)
    assert len(both) == 2 and both[0].shape == args[0].shape


SECOND_ORDER = [
    (cf.logistic, (0.2, 3.5, 10), (0, 1)),
    (cf.newton_sqrt, (2.0,), (0,)),
    (cf.piecewise, (2.0,), (0,)),
    (cf.piecewise, (0.5,), (0,)),
    (cf.logistic_loss, (0.5, 0.1, 2.0, 1.0), (0, 1)),
    (corpus_control.rk4, (0.5, 2.0, 0.1, 10), (0, 1, 2)),
    (corpus_control.pendulum, (0.8, 0.0, 9.81, 0.01, 20), (0, 1)),
    (corpus_control.horner, (np.array([0.5, -1.0, 2.0, 0.3]), 0.8), (0, 1)),
    (
        corpus_control.train_logistic,
        (np.array([0.1, -0.2, 0.3]), corpus_control.X6x3, corpus_control.Y6, 0.5, 3),
        (0,),
    ),
    (corpus_control.setitem_loop, (0.7, 5), (0,)),
    (corpus_control.cumprod_loop, (np.array([0.5, 1.2, -0.7, 0.9]),), (0,)),
    (corpus_control.uses_helper, (0.7,), (0,)),
    (corpus_control.with_continue, (np.array([0.5, -0.2, 1.3, 0.4]), 0.1), (0,)),
    (corpus_control.rnn_outputs, (np.eye(3) * 0.5, np.ones((2, 3)) * 0.3, np.array([0.1, 0.2, 0.3])), (0, 2)),
    (corpus_control.uses_power, (1.3,), (0,)),  # recursion: forward over forward
    (corpus_control.tree_sum, (np.array([0.5, -1.0, 2.0, 0.3]), 2), (0,)),
    (
        corpus_control.integer_labels,
        corpus_control.CASES[corpus_control.integer_labels][0],
        (0,),
    ),  # np.add.at
    (corpus_control.scatter_add, corpus_control.CASES[corpus_control.scatter_add][0], (0, 1)),
    (corpus_straight.sigmoid_loss, corpus_straight.CASES[corpus_straight.sigmoid_loss][0], (0,)),
    (
        corpus_straight.softmax_cross_entropy,
        corpus_straight.CASES[corpus_straight.softmax_cross_entropy][0],
        (0,),
    ),
]


@pytest.mark.parametrize("g,args,wrt", SECOND_ORDER, ids=[c[0].__name__ for c in SECOND_ORDER])
def test_hessian_against_differences_of_the_gradient(g, args, wrt):
    h = s2sad.hessian(g, wrt=wrt)(*args)
    grad = s2sad.grad(g, wrt=wrt)
    for a, name in enumerate(wrt):
        for b, other in enumerate(wrt):

            def component(*xs, a=a):
                return grad(*xs)[a]

            expected = central_difference(component, list(args), other)
            assert_close(h[a][b], expected, 1e-5, f"H[{name}][{other}]")


def test_hessian_needs_numbers_or_arrays():
    with pytest.raises(TypeError, match="hessian: `p` must be a number or an array, got dict"):
        s2sad.hessian(corpus_control.params_dict)(*corpus_control.CASES[corpus_control.params_dict][0])


def test_hessian_of_a_number_and_of_an_array():
    g = make_function("def g(x, y):\n    return np.sum(x ** 2) * y ** 3\n")
    x = np.array([1.0, 2.0])
    (hxx, hxy), (hyx, hyy) = s2sad.hessian(g, wrt=(0, 1))(x, 1.5)
    assert hxx.shape == (2, 2) and hxy.shape == (2,) and hyx.shape == (2,) and type(hyy) is float
    assert hyy == pytest.approx(6 * 1.5 * 5.0)
    assert_close(hxy, 2 * x * 3 * 1.5**2, 1e-12, "mixed block")


# ------------------------------------------------------------------ jvp, derivative, jacobian


def test_jvp_of_baydin():
    """Forward mode on the running example of Baydin et al. (2018): the derivative along x1."""
    out, tangent = s2sad.jvp(baydin, (2.0, 5.0), (1.0, 0.0))
    assert round(out, 3) == 11.652 and tangent == pytest.approx(5.5)
    assert type(tangent) is float


def test_jvp_ignores_tangents_of_ints():
    out, tangent = s2sad.jvp(cf.logistic, (0.2, 3.5, 10), (1.0, 0.0, 123))
    assert tangent == pytest.approx(s2sad.grad(cf.logistic)(0.2, 3.5, 10))


def test_jvp_checks_its_tangents():
    with pytest.raises(ValueError, match="2 primals but 1 tangents"):
        s2sad.jvp(baydin, (2.0, 5.0), (1.0,))
    with pytest.raises(ValueError, match=r"tangents\[0\] has shape \(3,\), but its primal has shape \(2,\)"):
        s2sad.jvp(rosenbrock, (np.ones(2),), (np.ones(3),))
    with pytest.raises(ValueError, match="None"):
        s2sad.jvp(baydin, (2.0, 5.0), (None, 1.0))
    with pytest.raises(TypeError, match="must be a tuple"):
        s2sad.jvp(baydin, 2.0, 1.0)


def test_jvp_of_containers():
    def h(p):
        return {"s": p["a"] * p["b"], "t": [p["a"], 2.0 * p["b"]]}

    out, tangent = s2sad.jvp(h, ({"a": 1.0, "b": 2.0},), ({"a": 1.0, "b": 0.5},))
    assert out == {"s": 2.0, "t": [1.0, 4.0]}
    assert tangent == {"s": 2.5, "t": [1.0, 1.0]}


def test_derivative_of_a_vector_output():
    g = make_function("def g(t):\n    return np.array([np.cos(t), np.sin(t), t * t])\n")
    d = s2sad.derivative(g)(0.3)
    assert_close(d, [-math.sin(0.3), math.cos(0.3), 0.6], 1e-12, "velocity")
    with pytest.raises(TypeError, match="derivative needs a number"):
        s2sad.derivative(rosenbrock)(np.ones(3))


def vector_field(x, a):
    return np.array([x[0] * x[1] * a, np.sin(x[2]), x[0] ** 2 + x[2]])


@pytest.mark.parametrize("mode", ["forward", "reverse", "auto"])
def test_jacobian_modes(mode):
    x = np.array([1.0, 2.0, 0.5])
    jac = s2sad.jacobian(vector_field, mode=mode)(x, 3.0)
    expected = np.array([[6.0, 3.0, 0.0], [0.0, 0.0, math.cos(0.5)], [2.0, 0.0, 1.0]])
    assert_close(jac, expected, 1e-12, mode)
    ja = s2sad.jacobian(vector_field, wrt=1, mode=mode)(x, 3.0)
    assert ja.shape == (3,) and ja[0] == 2.0


def test_jacobian_shapes():
    g = make_function("def g(A, x):\n    return A @ x\n")
    A, x = np.ones((2, 3)), np.arange(3.0)
    assert s2sad.jacobian(g, wrt=0)(A, x).shape == (2, 2, 3)
    assert_close(s2sad.jacobian(g, wrt=1)(A, x), A, 1e-15, "d(Ax)/dx")
    assert s2sad.jacobian(rosenbrock)(np.ones(4)).shape == (4,)


# ------------------------------------------------------------------ generated source

FORWARD_GOLDEN = {
    "polynomial": (f, 0, None),
    "baydin": (baydin, (0, 1), None),
    "logistic": (cf.logistic, (0, 1), (0.2, 3.5, 10)),
    "piecewise": (cf.piecewise, 0, None),
    "newton_sqrt": (cf.newton_sqrt, 0, None),
}


@pytest.mark.parametrize("name", FORWARD_GOLDEN)
def test_forward_golden_source(in_root, name):
    g, wrt, args = FORWARD_GOLDEN[name]
    check_golden(f"forward.{name}.py", s2sad.source(g, mode="forward", wrt=wrt, args=args))


def test_derivative_source_has_no_tangent_parameters():
    text = s2sad.source(f, mode="forward", kind="derivative")
    assert text.startswith("def f_derivative(x):")
    assert "x_dot" not in text.split("\n", 1)[1].split('"""', 2)[2]  # the seed folds away
