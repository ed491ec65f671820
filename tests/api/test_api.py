"""The public API: forms of use, argument conventions, and errors for misuse."""

from __future__ import annotations

import inspect
import math
import threading

import numpy as np
import pytest
from conftest import make_function

import s2sad
from s2sad import MissingRuleError, NonScalarOutputError, UnsupportedSyntaxError


def f2(x, y):
    return x * y + math.sin(x)


def test_grad_bare_decorator():
    @s2sad.grad
    def df(x):
        return x**3

    assert df(2.0) == 12.0


def test_grad_decorator_with_options():
    @s2sad.grad(wrt=("x", "y"))
    def df(x, y):
        return x * y

    assert df(2.0, 3.0) == (3.0, 2.0)


@pytest.mark.parametrize(
    "wrt,expected", [(0, 3.0 + math.cos(2.0)), ("x", 3.0 + math.cos(2.0)), (1, 2.0), ("y", 2.0), (-1, 2.0)]
)
def test_wrt_position_or_name(wrt, expected):
    assert s2sad.grad(f2, wrt=wrt)(2.0, 3.0) == pytest.approx(expected)


def test_wrt_tuple_gives_tuple_even_of_one():
    assert s2sad.grad(f2, wrt=(1,))(2.0, 3.0) == (2.0,)
    gx, gy = s2sad.grad(f2, wrt=(0, "y"))(2.0, 3.0)
    assert (gx, gy) == pytest.approx((3.0 + math.cos(2.0), 2.0))


def test_gradient_types_follow_arguments():
    def f(x, y):
        return np.sum(np.sin(x)) * y

    gx, gy = s2sad.grad(f, wrt=(0, 1))(np.ones((2, 3)), 2.0)
    assert isinstance(gx, np.ndarray) and gx.shape == (2, 3)
    assert type(gy) is float


def test_int_argument_is_differentiated_as_float():
    g = s2sad.grad(lambda x: x * x)(3)
    assert g == 6.0 and type(g) is float
    g = s2sad.grad(lambda x: x**2 / 2)(3)
    assert g == 3.0 and type(g) is float


def test_int_array_argument_gets_a_float_gradient():
    g = s2sad.grad(lambda x: np.sum(x * x))(np.array([1, 2, 3]))
    assert g.dtype == float and list(g) == [2.0, 4.0, 6.0]


def test_numpy_scalar_and_zero_d_arguments():
    f = lambda x: x * x * 3.0  # noqa: E731
    assert s2sad.grad(f)(np.float64(2.0)) == 12.0
    g = s2sad.grad(f)(np.array(2.0))
    assert isinstance(g, np.ndarray) and g.shape == () and g == 12.0


def test_gradient_does_not_alias_inputs():
    y = np.array([1.0, 2.0])
    g = s2sad.grad(lambda x, y: np.sum(x * y))(np.zeros(2), y)
    g *= 0  # the gradient is y's values, not y itself
    assert list(y) == [1.0, 2.0]
    g = s2sad.grad(lambda x: np.sum(x))(np.zeros((2, 2)))
    g += 1  # writable
    assert g.flags.owndata or g.base is not None


def test_zero_gradient_for_unused_argument():
    assert s2sad.grad(lambda x, y: x * 2.0, wrt=1)(1.0, 5.0) == 0.0
    g = s2sad.grad(lambda x, y: x * 2.0, wrt=1)(1.0, np.ones(3))
    assert isinstance(g, np.ndarray) and list(g) == [0.0, 0.0, 0.0]


def test_constant_function():
    assert s2sad.grad(lambda x: 3.0)(1.0) == 0.0


def test_keyword_only_and_defaults():
    def f(x, scale=2.0, *, power=3):
        return scale * x**power

    g = s2sad.grad(f)
    assert g(2.0) == pytest.approx(24.0)
    assert g(2.0, 1.0, power=2) == pytest.approx(4.0)
    assert s2sad.grad(f, wrt="scale")(2.0) == pytest.approx(8.0)
    assert inspect.signature(g) == inspect.signature(f)


def test_value_and_grad():
    v, g = s2sad.value_and_grad(f2)(2.0, 3.0)
    assert v == f2(2.0, 3.0)
    assert g == pytest.approx(3.0 + math.cos(2.0))


def test_vjp_array_output():
    def f(x, w):
        return np.tanh(w @ x)

    x, w = np.ones(3), np.arange(6.0).reshape(2, 3) / 10
    out, pullback = s2sad.vjp(f, x, w)
    assert np.allclose(out, f(x, w))
    gx, gw = pullback(np.array([1.0, -1.0]))
    d = 1 - np.tanh(w @ x) ** 2
    assert np.allclose(gx, w.T @ (d * [1.0, -1.0]))
    assert np.allclose(gw, np.outer(d * [1.0, -1.0], x))


def test_vjp_checks_the_cotangent_shape():
    out, pullback = s2sad.vjp(lambda x: x * 2.0, np.ones(3))
    with pytest.raises(ValueError, match="shape"):
        pullback(np.ones(4))


def test_vjp_gives_none_for_what_is_not_a_number():
    out, pullback = s2sad.vjp(lambda x, name: x * 2.0, 1.0, "label")
    assert pullback(1.0) == (2.0, None)


def test_check_grad_passes_and_fails():
    s2sad.check_grad(f2, 2.0, 3.0, wrt=(0, 1))
    s2sad.check_grad(lambda x: np.sum(x**3), np.array([1.0, 2.0]))
    with pytest.raises(AssertionError, match=r"by AD but .* by central differences"):
        s2sad.check_grad(lambda x: np.sum(np.floor(x * 1e6)), np.array([1.0, 2.0]))


@pytest.mark.parametrize("stage", ["ssa", "raw", "final"])
def test_source_stages_are_python(stage):
    text = s2sad.source(f2, stage=stage)
    compile(text, "<test>", "exec")
    assert text.startswith("def f2")


def test_source_with_example_arguments():
    text = s2sad.source(lambda x: np.sum(x**2), args=(np.ones((2, 3)),))
    assert "ndarray[2-D float]" in text and "2 * x" in text


def test_source_with_too_few_example_arguments():
    f = make_function("def f(x, h):\n    return x * h\n")
    with pytest.raises(TypeError, match="no example argument for h of f"):
        s2sad.source(f, args=(np.ones(3),))


def test_getsource_and_tracebacks_show_generated_code():
    g = s2sad.grad(lambda x: math.sqrt(x))
    g(4.0)
    assert "if type(x) is float" in inspect.getsource(g)
    with pytest.raises(ZeroDivisionError) as info:
        g(0.0)
    frames = [f for f in info.traceback if "s2sad" in str(f.path)]
    assert any("0.5 /" in str(f.statement) for f in frames)


def test_cached_call_reuses_the_dispatcher():
    assert s2sad.grad(f2) is s2sad.grad(f2)
    g = s2sad.grad(f2)
    g(1.0, 2.0)
    code = g.__code__
    g(3.0, 4.0)
    assert g.__code__ is code  # no new specialisation for the same kinds


def test_new_kinds_get_their_own_specialisation():
    g = s2sad.grad(lambda x: np.sum(x * x))
    assert g(3.0) == 6.0
    assert list(g(np.array([1.0, 2.0]))) == [2.0, 4.0]
    assert g(np.ones((2, 1))).shape == (2, 1)
    assert g(3.0) == 6.0


def test_redefined_function_is_transformed_again():
    f = make_function("def f(x):\n    return x * 2.0\n")
    assert s2sad.grad(f)(1.0) == 2.0
    f = make_function("def f(x):\n    return x * 5.0\n")
    assert s2sad.grad(f)(1.0) == 5.0


def test_threads_share_the_cache():
    f = make_function("def f(x):\n    return x ** 3 + x\n")
    results = []

    def work():
        results.append(s2sad.grad(f)(2.0))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [13.0] * 8


# ------------------------------------------------------------------ misuse


def test_non_callable():
    with pytest.raises(TypeError, match="expects a function"):
        s2sad.grad(3)


@pytest.mark.parametrize(
    "wrt,error,match",
    [
        (2, ValueError, "out of range"),
        ("z", ValueError, "not a parameter"),
        (True, TypeError, "position or name"),
        (1.5, TypeError, "position or name"),
        ((0, 0), ValueError, "twice"),
        ((), ValueError, "empty"),
    ],
)
def test_bad_wrt(wrt, error, match):
    with pytest.raises(error, match=match):
        s2sad.grad(f2, wrt=wrt)


def test_builtin_without_source():
    with pytest.raises(UnsupportedSyntaxError, match="Python function with source"):
        s2sad.grad(math.sin)


def test_non_scalar_output():
    with pytest.raises(NonScalarOutputError, match=r"(?s)ndarray\[1-D float\].*vjp"):
        s2sad.grad(lambda x: x * 2.0)(np.ones(3))
    with pytest.raises(NonScalarOutputError, match="None"):
        s2sad.grad(make_function("def f(x):\n    y = x\n"))(1.0)


def test_wrt_a_string_argument():
    with pytest.raises(TypeError, match="with respect to `name`"):
        s2sad.grad(lambda x, name: x, wrt=1)(1.0, "a")


def test_missing_rule_names_the_function():
    f = make_function("def f(x):\n    return math.gamma(x) * 2.0\n")
    with pytest.raises(MissingRuleError, match="math.gamma") as info:
        s2sad.grad(f)(1.5)
    assert "defvjp" in str(info.value) and "<test-source" in str(info.value)


def test_unsupported_argument_of_a_rule():
    f = make_function("def f(x, out):\n    return np.sum(np.sin(x, out=out))\n")
    with pytest.raises(UnsupportedSyntaxError, match="np.sin"):
        s2sad.grad(f)(np.ones(2), np.ones(2))


def test_hvp_takes_the_defaults_of_arguments_left_out():
    f = make_function(
        """
        def f(w, scale=2.0, power=3):
            return scale * np.sum(w ** power)
        """,
        np=np,
    )
    w, v = np.array([1.0, 2.0]), np.array([1.0, -1.0])
    np.testing.assert_allclose(s2sad.hvp(f)(w, v), 2.0 * 6.0 * w * v)
    np.testing.assert_allclose(s2sad.hvp(f)(w, 1.0, v), 6.0 * w * v)
    np.testing.assert_allclose(s2sad.hvp(f)(w, 1.0, 2, v), 2.0 * v)
    with pytest.raises(TypeError, match="1 to 3 positional arguments and then v"):
        s2sad.hvp(f)(v)


def test_second_derivatives_need_no_rule_for_what_only_the_data_goes_through():
    """grad of f needs no rule for ``statistics.fmean(data)``; nor do hvp and hessian in ``w``
    (the forward sweep over the gradient moves ``w`` only)."""
    f = make_function(
        """
        def f(w, data):
            centre = statistics.fmean(data)
            return np.sum(np.sin(w) * (data - centre)) * np.sum(w * w)
        """,
        np=np,
        statistics=__import__("statistics"),
    )
    w, data, v = np.array([0.3, -0.4]), np.array([1.0, 2.5]), np.array([1.0, 0.5])
    h = 1e-6
    gradient = s2sad.grad(f)
    expected = (gradient(w + h * v, data) - gradient(w - h * v, data)) / (2 * h)
    np.testing.assert_allclose(s2sad.hvp(f)(w, data, v), expected, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(s2sad.hessian(f)(w, data) @ v, expected, rtol=1e-6, atol=1e-8)
    with pytest.raises(MissingRuleError, match="statistics.fmean"):
        s2sad.grad(f, wrt="data")(w, data)


def test_jvp_takes_the_defaults_of_primals_left_out():
    """Arguments left out take their defaults and are held constant, as calling f does."""
    f = make_function(
        """
        def f(x, scale=2.0, offsets=[1.0, 0.5]):
            return scale * x * x + offsets[0] * x
        """
    )
    assert s2sad.jvp(f, (3.0,), (1.0,)) == (21.0, 13.0)
    assert s2sad.jvp(f, (3.0, 1.0), (1.0, 1.0)) == (12.0, 16.0)  # d/dscale moves too
    with pytest.raises(ValueError, match="takes 1 to 3 positional arguments, got 4 primals"):
        s2sad.jvp(f, (1.0, 2.0, [1.0], 4.0), (1.0, 1.0, [1.0], 1.0))


def test_a_tangent_program_gives_no_defaults_to_its_tangents():
    """The tangent parameters follow the primals, so the primals' defaults cannot be kept in
    the generated signature (they were printed, and bound, one place to the right)."""
    f = make_function(
        """
        def f(x, y=2.0, z=3.0):
            return x * y + z * x * x
        """
    )
    assert "def f_jvp(x, y, z, x_dot):" in s2sad.source(f, mode="forward")
    assert "def f_grad(x, y=2.0, z=3.0):" in s2sad.source(f)
    program = s2sad.derivative(f)
    assert program(1.0) == 8.0 and program(1.0, 1.0, 1.0) == 3.0
    assert s2sad.jvp(f, (1.0, 2.0, 5.0), (0.0, 0.0, 1.0)) == (7.0, 1.0)


def test_jvp_of_a_function_with_keyword_only_parameters():
    """Keyword-only parameters take their defaults, held constant (an internal KeyError before)."""

    def k(x, a=2.0, *, c=3.0):
        return a * x * c

    assert s2sad.jvp(k, (1.0,), (1.0,)) == (6.0, 6.0)
    assert s2sad.jvp(k, (1.0, 0.5), (1.0, 1.0)) == (1.5, 1.5 + 3.0)

    def needs(x, *, c):
        return x * c

    with pytest.raises(ValueError, match="keyword-only parameter `c` has no default"):
        s2sad.jvp(needs, (1.0,), (1.0,))


def test_containers_of_integers_are_held_still():
    """A tuple or list of ints (a shape, axes, indices) with a tangent of None is held still,
    as an int is; built into a shape, an int argument is no missing rule in vjp."""

    def reshaped(x, n):
        return np.sum(np.reshape(x, (n, 2)) ** 2)

    def taken(x, idx):
        return np.sum(np.take(x, idx) ** 2)

    def transposed(a, k):
        return np.sum(np.transpose(a, k) * np.arange(6.0).reshape(3, 2))

    x_bar, n_bar = s2sad.vjp(reshaped, np.ones(4), 2)[1](1.0)
    assert np.allclose(x_bar, 2.0) and n_bar == 0.0
    assert s2sad.jvp(taken, (np.ones(3), [0, 2]), (np.ones(3), None)) == (2.0, 4.0)
    expected = np.sum(np.arange(6.0))
    assert s2sad.jvp(transposed, (np.ones((2, 3)), (1, 0)), (np.ones((2, 3)), None)) == (expected, expected)
    with pytest.raises(ValueError, match="is None"):
        s2sad.jvp(taken, (np.ones(3), (0.5, 2)), (np.ones(3), None))  # a float in it needs a tangent


def test_an_infinite_derivative_follows_the_arithmetic_of_the_values_passed():
    """At ``x = 0`` the derivative of ``x ** 0.5`` is infinite: Python floats raise as Python
    does, NumPy values give ``inf`` as NumPy does (docs/tutorial/quickstart.md)."""

    def root(x):
        return x**0.5 + math.sqrt(x)

    with pytest.raises(ZeroDivisionError):
        s2sad.grad(root)(0.0)
    with pytest.warns(RuntimeWarning):
        assert s2sad.grad(lambda x: x**0.5)(np.float64(0.0)) == np.inf
    assert s2sad.grad(root)(4.0) == 0.5
