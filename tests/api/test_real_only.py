"""Complex numbers are refused, by every transform, with a TypeError that says so.

s2sad differentiates real functions of real numbers; a complex primal, tangent or
cotangent used to give complex tangents (``jvp``), drop the imaginary part with a
warning (``jacobian``) or fail inside generated code.
"""

import numpy as np
import pytest

import s2sad


def f(x):
    return np.sin(x) * x


CALLS = {
    "grad": lambda: s2sad.grad(f)(0.5 + 1j),
    "derivative": lambda: s2sad.derivative(f)(0.5 + 1j),
    "jvp primal": lambda: s2sad.jvp(f, (0.5 + 1j,), (1.0,)),
    "jvp tangent": lambda: s2sad.jvp(f, (0.5,), (1.0 + 2j,)),
    "vjp primal": lambda: s2sad.vjp(f, 0.5 + 1j),
    "vjp cotangent": lambda: s2sad.vjp(f, 0.5)[1](1j),
    "jacobian": lambda: s2sad.jacobian(f)(np.array([0.5 + 1j])),
    "forward jacobian": lambda: s2sad.jacobian(f, mode="forward")(np.array([0.5 + 1j])),
    "hessian": lambda: s2sad.hessian(f)(0.5 + 1j),
    "hvp direction": lambda: s2sad.hvp(f)(0.5, 1j),
}


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_complex_values_are_refused(call, recwarn):
    with pytest.raises(TypeError, match="complex numbers are not supported"):
        call()
    assert not [w for w in recwarn if w.category.__name__ == "ComplexWarning"]


def test_a_complex_value_made_inside_is_refused_where_it_is_made():
    """``np.abs(x + 1j * c)`` gave a complex gradient of a real function; it is refused at the
    line that makes the complex value (a complex constant on its own is fine)."""

    def f(x):
        return np.sum(np.abs(x + 1j * np.array([0.6, 0.2])) ** 2)

    for call in (lambda: s2sad.grad(f)(np.ones(2)), lambda: s2sad.jvp(f, (np.ones(2),), (np.ones(2),))):
        with pytest.raises(s2sad.UnsupportedSyntaxError, match="complex numbers are not supported"):
            call()

    def g(x):
        return x * np.real(np.exp(1j * 0.3))

    assert s2sad.grad(g)(1.0) == pytest.approx(np.cos(0.3))
