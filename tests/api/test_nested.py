"""A function s2sad returned, called inside a function s2sad differentiates: its derivative
comes from s2sad again (s2sad/api/nested.py), in both modes, checked against central
differences; a second derivative through it is a clear error. A Jacobian's derivatives are
Hessian-vector products of its function contracted with the cotangent."""

import numpy as np
import pytest
from checks import assert_close, central_difference, check_forward, check_reverse
from conftest import make_function

import s2sad
from s2sad import MissingRuleError

X = np.array([0.3, 1.2, -0.7])
V = np.array([1.0, 2.0, -0.5])


def energy(x):
    return np.sum(np.sin(x) * x) + np.sum(x**4) / 4.0


def scaled(x, s):
    return s * np.sum(np.cos(x * s))


def field(x, s):
    return np.sin(np.outer(x, x)) * s + np.cos(np.dot(x, x) * s)


def mixed(x, s=0.5):
    return np.array([x[0] * s**2, np.sin(x[1] * s), np.sum(x**3)])


NAMESPACE = {
    "field_jacobian": s2sad.jacobian(field),
    "both_jacobians": s2sad.jacobian(field, wrt=(0, 1), mode="reverse"),
    "mixed_jacobian": s2sad.jacobian(mixed, mode="forward"),
    "scalar_jacobian": s2sad.jacobian(scaled, wrt=1),
    "force": s2sad.grad(energy),
    "both": s2sad.grad(scaled, wrt=(0, 1)),
    "slope": s2sad.derivative(lambda t: t**3 * np.sin(t)),
    "hess": s2sad.hessian(energy),
    "value_and_force": s2sad.value_and_grad(energy),
}

CASES = {
    "grad of a dot with a grad (a Hessian-vector product)": (
        "def f(x, v):\n    return np.dot(force(x), v)",
        (X, V),
    ),
    "a gradient squared": ("def f(x, v):\n    return np.sum(force(x * v) ** 2)", (X, V)),
    "a tuple of gradients": (
        "def f(x, v):\n    gx, gs = both(x, v[0])\n    return np.sum(gx * v) + gs * v[1]",
        (X, V),
    ),
    "a forward-mode derivative": ("def f(x, v):\n    return slope(x[0] * v[1]) + x[1]", (X, V)),
    "a value and its gradient": (
        "def f(x, v):\n    value, g = value_and_force(x)\n    return value * np.dot(g, v)",
        (X, V),
    ),
    "s2sad.grad(g) written in the function": (
        "def f(x, v):\n    return np.dot(s2sad.grad(energy)(x), v)",
        (X, V),
    ),
    "with wrt, by keyword": (
        "def f(x, v):\n    return s2sad.grad(scaled, wrt=1)(x, v[0]) * v[1] + x[2]",
        (X, V),
    ),
    "a Jacobian, its sines summed": (
        "def f(x, v):\n    return np.sum(np.sin(field_jacobian(x * v, v[1])))",
        (X, V),
    ),
    "a Jacobian in two arguments, as written in the function": (
        "def f(x, v):\n"
        "    jx, js = both_jacobians(x, v[0] * v[2])\n"
        "    return np.sum(jx * np.outer(v, x)) + np.dot(np.tanh(js), v)",
        (X, V),
    ),
    "a Jacobian whose function has a default": (
        "def f(x, v):\n"
        "    return np.sum(mixed_jacobian(x * v, 0.5) ** 2) + np.sum(s2sad.jacobian(mixed)(v, x[0]))",
        (X, V),
    ),
    "a Jacobian of a number by a number": (
        "def f(x, v):\n"
        "    return scalar_jacobian(x, v[0]) * v[1] + np.sum(s2sad.jacobian(lambda y: np.sin(y) * y)(x * v))",
        (X, V),
    ),
}
NAMESPACE.update(s2sad=s2sad, energy=energy, scaled=scaled, mixed=mixed)


@pytest.mark.parametrize("name", CASES)
def test_a_derivative_s2sad_made_inside_a_differentiated_function(name):
    source, args = CASES[name]
    f = make_function(source, "f", **NAMESPACE)
    check_reverse(f, list(args), (0, 1))
    check_forward(f, list(args), (0, 1))


def test_grad_of_a_dot_with_a_grad_is_the_hessian_times_the_vector():
    f = make_function(CASES["grad of a dot with a grad (a Hessian-vector product)"][0], "f", **NAMESPACE)
    expected = s2sad.hessian(energy)(X) @ V
    assert_close(s2sad.grad(f)(X, V), expected, 1e-10, "H v")
    assert_close(s2sad.grad(f)(X, V), central_difference(f, [X, V], 0), 1e-6, "against differences")


def test_a_second_derivative_through_it_is_a_clear_error():
    f = make_function(CASES["a gradient squared"][0], "f", **NAMESPACE)
    with pytest.raises(MissingRuleError, match="the derivative of `energy_grad`, a function s2sad returned"):
        s2sad.hessian(f)(X, V)


def test_a_second_derivative_through_a_jacobian_is_a_clear_error():
    f = make_function(CASES["a Jacobian, its sines summed"][0], "f", **NAMESPACE)
    with pytest.raises(
        MissingRuleError, match="the derivative of `field_jacobian`, a function s2sad returned"
    ):
        s2sad.hessian(f)(X, V)


def test_what_hessian_and_jacobian_return_is_not_differentiated_again():
    """A Hessian (or Jacobian) s2sad made runs loops over tangent programs: its derivative, a
    third derivative, is refused with the spelling that works."""
    f = make_function("def f(x, v):\n    return v @ hess(x) @ v", "f", **NAMESPACE)
    with pytest.raises(MissingRuleError, match="differentiating a function s2sad.hessian returned"):
        s2sad.grad(f)(X, V)
    jac = s2sad.jacobian(s2sad.grad(energy))
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="jacobian of a function s2sad.jacobian returned"):
        s2sad.jacobian(jac)(X)
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="grad of a function s2sad.hvp returned"):
        s2sad.grad(s2sad.hvp(energy))(X, V)


def test_a_transform_of_a_value_known_only_when_it_runs_is_a_clear_error():
    f = make_function("def f(x, fs):\n    return np.sum(s2sad.grad(fs[0])(x))", "f", **NAMESPACE)
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="of values known only when it runs"):
        s2sad.grad(f)(X, [energy])
