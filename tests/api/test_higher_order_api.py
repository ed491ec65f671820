"""The higher-order API: ``jacobian``, ``hessian`` and ``hvp`` called like ``f`` (defaults,
keywords), ``hvp`` in SciPy's ``hessp`` form, and ``elementwise_grad``.

The references are central differences of the function (Jacobians), of its gradient
(Hessians, Hessian-vector products) and autograd (``elementwise_grad``)."""

from __future__ import annotations

import inspect
import math

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from checks import assert_close, central_difference

import s2sad
from s2sad import MissingRuleError, UnsupportedSyntaxError

OFFSETS = np.array([1.0, -0.5, 2.0])


def vector(x, scale=2.0, offsets=OFFSETS, *, power=3.0):
    return scale**2 * x**power + offsets * np.sin(x) * scale


def scalar(x, scale=2.0, offsets=OFFSETS, *, power=3.0):
    return np.sum(scale**2 * x**power + offsets**2 * np.sin(x) * scale)


X = np.array([0.7, 1.3, 0.4])
OTHER = np.array([0.5, 1.5, -1.0])
# the calls: nothing defaulted passed, a float, an array, by keyword (the keyword-only one too)
CALLS = [
    pytest.param((X,), {}, id="defaults"),
    pytest.param((X, 0.5), {}, id="float-passed"),
    pytest.param((X, 0.5, OTHER), {}, id="array-passed"),
    pytest.param((X,), {"offsets": OTHER, "power": 2.0}, id="keywords"),
]
WRTS = [0, "scale", "offsets", "power", ("x", "offsets"), ("scale", "power")]


def every_argument(f, args, kwargs):
    """The value of each parameter, defaults filled in, and ``f`` taking them all by position."""
    bound = inspect.signature(f).bind(*args, **kwargs)
    bound.apply_defaults()
    return list(bound.arguments.values()), lambda x, scale, offsets, power: f(x, scale, offsets, power=power)


def positions(wrt):
    names = ["x", "scale", "offsets", "power"]
    items = wrt if isinstance(wrt, tuple) else (wrt,)
    return [item if isinstance(item, int) else names.index(item) for item in items]


# ------------------------------------------------------------------ defaults


@pytest.mark.parametrize("mode", ["auto", "forward", "reverse"])
@pytest.mark.parametrize("wrt", WRTS)
@pytest.mark.parametrize("args,kwargs", CALLS)
def test_jacobian_takes_defaults_and_keywords(args, kwargs, wrt, mode):
    full, by_position = every_argument(vector, args, kwargs)
    got = s2sad.jacobian(vector, wrt=wrt, mode=mode)(*args, **kwargs)
    got = got if isinstance(wrt, tuple) else (got,)
    for block, i in zip(got, positions(wrt)):
        assert_close(block, central_difference(by_position, full, i), what=f"d vector / d arg {i}")


@pytest.mark.parametrize("wrt", WRTS)
@pytest.mark.parametrize("args,kwargs", CALLS)
def test_hessian_takes_defaults_and_keywords(args, kwargs, wrt):
    full, by_position = every_argument(scalar, args, kwargs)
    got = s2sad.hessian(scalar, wrt=wrt)(*args, **kwargs)
    rows = got if isinstance(wrt, tuple) else ((got,),)
    for row, i in zip(rows, positions(wrt)):
        gradient = s2sad.grad(by_position, wrt=i)
        for block, j in zip(row, positions(wrt)):
            assert_close(block, central_difference(gradient, full, j), what=f"block {i}, {j}")
    if not isinstance(wrt, tuple) and not isinstance(full[positions(wrt)[0]], np.ndarray):
        assert type(got) is float


@pytest.mark.parametrize("wrt", WRTS)
@pytest.mark.parametrize("args,kwargs", CALLS)
def test_hvp_takes_defaults_and_keywords(args, kwargs, wrt):
    full, by_position = every_argument(scalar, args, kwargs)
    rng = np.random.default_rng(3)
    directions = [rng.normal(size=np.shape(full[i])) for i in positions(wrt)]
    directions = [d if np.ndim(full[i]) else float(d) for d, i in zip(directions, positions(wrt))]
    v = tuple(directions) if isinstance(wrt, tuple) else directions[0]
    got = s2sad.hvp(scalar, wrt=wrt)(*args, v, **kwargs)
    got = got if isinstance(wrt, tuple) else (got,)
    for product, i in zip(got, positions(wrt)):
        gradient = s2sad.grad(by_position, wrt=i)
        expected = sum(central_difference(gradient, full, j, d) for d, j in zip(directions, positions(wrt)))
        assert_close(product, expected, what=f"(H v) for arg {i}")
        assert np.shape(product) == np.shape(full[i])


def test_calls_that_do_not_bind_say_so():
    with pytest.raises(TypeError, match="jacobian: vector: missing a required argument: 'x'"):
        s2sad.jacobian(vector)()
    with pytest.raises(TypeError, match="jacobian: vector: got an unexpected keyword argument 'bias'"):
        s2sad.jacobian(vector)(X, bias=1.0)
    with pytest.raises(TypeError, match="hessian"):
        s2sad.hessian(scalar)(X, 1.0, OFFSETS, 2.0)  # power is keyword-only
    with pytest.raises(TypeError, match="1 to 3 positional arguments and then v: too many"):
        s2sad.hvp(scalar)(X, 1.0, OFFSETS, 2.0, X)
    with pytest.raises(TypeError, match="and then v"):
        s2sad.hvp(scalar)()


def test_derivatives_of_what_s2sad_returned_take_defaults_and_keywords():
    def f(x, c=2.0, *, k=1.5):
        return c * k * x**4

    d = s2sad.derivative(f)  # 4 c k x ** 3
    assert s2sad.jacobian(d)(2.0) == pytest.approx(12 * 3.0 * 4.0)
    assert s2sad.jacobian(d, wrt="k")(2.0, c=1.0) == pytest.approx(4 * 8.0)
    assert s2sad.hessian(d)(2.0) == pytest.approx(24 * 3.0 * 2.0)
    assert s2sad.hessian(d)(2.0, 1.0, k=1.0) == pytest.approx(24 * 2.0)
    assert s2sad.hessian(d, wrt=(0, "k"))(2.0)[0][1] == pytest.approx(12 * 2.0 * 4.0)
    assert s2sad.hvp(d)(2.0, 0.5, k=1.0) == pytest.approx(24 * 2.0 * 2.0 * 0.5)
    gradient = s2sad.grad(scalar)
    assert_close(s2sad.jacobian(gradient)(X), s2sad.hessian(scalar)(X))
    assert_close(s2sad.jacobian(gradient)(X, power=2.0), s2sad.hessian(scalar)(X, power=2.0))


# ------------------------------------------------------------------ SciPy


def rosenbrock(x, a, b=100.0):
    return np.sum(b * (x[1:] - x[:-1] ** 2) ** 2 + (a - x[:-1]) ** 2)


@pytest.mark.parametrize("args", [(1.0, 80.0), (0.5,)], ids=["a-and-b", "a-only"])
@pytest.mark.parametrize("method", ["trust-ncg", "trust-krylov", "Newton-CG"])
def test_hvp_is_scipys_hessp(method, args):
    optimize = pytest.importorskip("scipy.optimize")
    x0 = np.array([1.3, 0.7, 0.8, 1.9, 1.2])
    gradient = s2sad.grad(rosenbrock)
    result = optimize.minimize(
        rosenbrock,
        x0,
        args=args,
        jac=gradient,
        hessp=s2sad.hvp(rosenbrock, scipy=True),
        method=method,
        tol=1e-10 if method == "Newton-CG" else None,  # its default stops on a step of 1e-5
        options={"maxiter": 500},
    )
    assert result.success, result.message
    assert np.max(np.abs(gradient(result.x, *args))) < 1e-4
    reference = optimize.minimize(rosenbrock, x0, args=args, jac=gradient, method="BFGS", tol=1e-12)
    np.testing.assert_allclose(result.x, reference.x, rtol=1e-4, atol=1e-5)
    if args[0] == 1.0:
        np.testing.assert_allclose(result.x, np.ones(5), rtol=1e-4)


def test_hvp_in_scipy_form_agrees_with_scipys_rosenbrock():
    optimize = pytest.importorskip("scipy.optimize")
    x, p = np.array([1.3, 0.7, 0.8, 1.9, 1.2]), np.array([0.5, -1.0, 2.0, 0.1, 1.0])
    hessp = s2sad.hvp(rosenbrock, scipy=True)
    np.testing.assert_allclose(hessp(x, p, 1.0), optimize.rosen_hess_prod(x, p))
    np.testing.assert_allclose(hessp(x, p, 1.0, 100.0), optimize.rosen_hess_prod(x, p))
    # the one-liner with the default form, as docs/api.md shows it
    one_liner = lambda x, p, *args: s2sad.hvp(rosenbrock)(x, *args, p)  # noqa: E731
    np.testing.assert_allclose(one_liner(x, p, 1.0), optimize.rosen_hess_prod(x, p))


def test_hvp_in_scipy_form_misuse():
    with pytest.raises(ValueError, match="first parameter"):
        s2sad.hvp(rosenbrock, wrt="a", scipy=True)
    with pytest.raises(ValueError, match="first parameter"):
        s2sad.hvp(rosenbrock, wrt=(0,), scipy=True)
    with pytest.raises(TypeError, match=r"hessp\(x, v, \*args\)"):
        s2sad.hvp(rosenbrock, scipy=True)(np.ones(3))
    with pytest.raises(TypeError, match=r"hessp\(x, v, \*args\).*missing a required argument: 'a'"):
        s2sad.hvp(rosenbrock, scipy=True)(np.ones(3), np.ones(3))


# ------------------------------------------------------------------ elementwise_grad


def fd_elementwise(f, x, h=1e-6):
    """The derivative at each entry, by central differences (``f`` is elementwise)."""
    return (f(x + h) - f(x - h)) / (2 * h)


UFUNCS = [
    (np.tanh, anp.tanh, 0.0),
    (np.sin, anp.sin, 0.0),
    (np.exp, anp.exp, 0.0),
    (np.log, anp.log, 2.0),  # shifted to positive inputs
    (np.arctan, anp.arctan, 0.0),
    (np.sqrt, anp.sqrt, 2.0),
]
INPUTS = [
    pytest.param(0.3, id="float"),
    pytest.param(np.array(0.4), id="0-d"),
    pytest.param(np.array([0.5, -1.0, 1.7]), id="1-D"),
    pytest.param(np.linspace(-1.5, 1.5, 6).reshape(2, 3), id="2-D"),
    pytest.param(np.linspace(-1.0, 1.0, 8).reshape(2, 2, 2), id="3-D"),
]


@pytest.mark.parametrize("x", INPUTS)
@pytest.mark.parametrize("ours,theirs,shift", UFUNCS, ids=[u[0].__name__ for u in UFUNCS])
def test_elementwise_grad_of_ufuncs(ours, theirs, shift, x):
    x = x + shift
    d = s2sad.elementwise_grad(ours)
    got = d(x)
    assert_close(got, fd_elementwise(ours, x), what="against differences")
    assert_close(got, autograd.elementwise_grad(theirs)(x), tol=1e-12, what="against autograd")
    assert type(got) is type(x) and np.shape(got) == np.shape(x)
    twice = s2sad.elementwise_grad(d)(x)
    assert_close(twice, autograd.elementwise_grad(autograd.elementwise_grad(theirs))(x), tol=1e-10)
    assert_close(twice, fd_elementwise(d, x), what="second, against differences of the first")


def test_elementwise_grad_composes_three_times():
    x = np.linspace(-2.0, 2.0, 7)
    eg, ag = s2sad.elementwise_grad, autograd.elementwise_grad
    third = eg(eg(eg(np.tanh)))
    assert_close(third(x), ag(ag(ag(anp.tanh)))(x), tol=1e-10)
    assert third(0.25) == pytest.approx(float(ag(ag(ag(anp.tanh)))(0.25)), rel=1e-12)


def softplus(x, beta=1.0, *, shift=0.0):
    return np.log1p(np.exp(beta * (x - shift))) / beta


def autograd_softplus(x, beta=1.0, shift=0.0):
    return anp.log1p(anp.exp(beta * (x - shift))) / beta


def test_elementwise_grad_of_a_python_function_with_defaults():
    x = np.array([[0.5, -1.0], [2.0, 0.1]])
    d = s2sad.elementwise_grad(softplus)
    assert inspect.signature(d) == inspect.signature(softplus)
    assert_close(d(x), autograd.elementwise_grad(autograd_softplus)(x), tol=1e-12)
    assert_close(d(x, 2.0, shift=0.5), autograd.elementwise_grad(autograd_softplus)(x, 2.0, 0.5), tol=1e-12)
    assert_close(d(x, 2.0), fd_elementwise(lambda x: softplus(x, 2.0), x))
    assert type(d(0.5)) is float and d(0.5) == pytest.approx(1 / (1 + math.exp(-0.5)))
    dd = s2sad.elementwise_grad(d)
    expected = autograd.elementwise_grad(autograd.elementwise_grad(autograd_softplus))(x, 2.0, 0.5)
    assert_close(dd(x, 2.0, shift=0.5), expected, tol=1e-10)


def test_elementwise_grad_wrt_another_parameter():
    """``wrt`` a number: the derivative of the sum of the outputs in it."""
    x = np.array([0.5, -1.0, 2.0])
    d_beta = s2sad.elementwise_grad(softplus, wrt="beta")
    expected = central_difference(lambda x, beta: np.sum(softplus(x, beta)), [x, 2.0], 1)
    assert d_beta(x, 2.0) == pytest.approx(float(expected), rel=1e-6)
    d_shift = s2sad.elementwise_grad(softplus, wrt="shift")(x, shift=0.3)
    assert d_shift == pytest.approx(-float(np.sum(s2sad.elementwise_grad(softplus)(x, shift=0.3))))
    y = np.array([1.0, 2.0, -0.5])
    assert_close(s2sad.elementwise_grad(np.hypot, wrt=1)(x, y), y / np.hypot(x, y), tol=1e-12)
    dy, dx = s2sad.elementwise_grad(np.arctan2, wrt=(0, 1))(y, x)
    assert_close(dy, autograd.elementwise_grad(anp.arctan2, 0)(y, x), tol=1e-12)
    assert_close(dx, autograd.elementwise_grad(anp.arctan2, 1)(y, x), tol=1e-12)


def test_elementwise_grad_as_a_decorator():
    @s2sad.elementwise_grad
    def d(x):
        return x**3

    @s2sad.elementwise_grad(wrt="c")
    def dc(x, c=2.0):
        return c**2 * x

    x = np.array([1.0, 2.0])
    assert_close(d(x), 3 * x**2)
    assert dc(x) == pytest.approx(4.0 * np.sum(x))


def test_elementwise_grad_of_what_is_not_elementwise_is_the_gradient_of_the_sum():
    x = np.array([1.0, 2.0, 3.0])
    assert_close(s2sad.elementwise_grad(np.cumsum)(x), [3.0, 2.0, 1.0])
    assert_close(
        s2sad.elementwise_grad(lambda x: x * x[::-1])(x), autograd.elementwise_grad(lambda x: x * x[::-1])(x)
    )
    assert_close(s2sad.elementwise_grad(s2sad.grad(lambda x: np.sum(np.sin(x))))(x), -np.sin(x))


def test_elementwise_grad_reads_like_a_derivative():
    d = s2sad.elementwise_grad(np.tanh)
    d(np.ones(3))
    assert "x_bar = 1 - np.tanh(x) ** 2" in inspect.getsource(d)


def test_elementwise_grad_misuse():
    with pytest.raises(UnsupportedSyntaxError, match=r"Wrap it: elementwise_grad\(lambda x: sin\(x\)\)"):
        s2sad.elementwise_grad(math.sin)
    with pytest.raises(TypeError, match="expects a function"):
        s2sad.elementwise_grad(3)
    with pytest.raises(ValueError, match="out of range"):
        s2sad.elementwise_grad(np.tanh, wrt=1)
    with pytest.raises(ValueError, match="not a parameter"):
        s2sad.elementwise_grad(softplus, wrt="alpha")
    with pytest.raises(MissingRuleError, match="np.modf"):
        s2sad.elementwise_grad(np.modf)(np.ones(2))
