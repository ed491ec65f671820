"""Complex arguments are refused, by every transform, with a TypeError that says so.

s2sad differentiates real functions of real numbers; a complex primal, tangent or
cotangent used to give complex tangents (``jvp``), drop the imaginary part with a
warning (``jacobian``) or fail inside generated code. Complex values in between are
differentiated (tests/api/test_complex_values.py).
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


def test_a_complex_value_made_inside_is_differentiated():
    """``np.abs(x + 1j * c)`` is a real function of a real input: its gradient is real
    (tests/api/test_complex_values.py has the rest)."""

    def f(x):
        return np.sum(np.abs(x + 1j * np.array([0.6, 0.2])) ** 2)

    x = np.array([0.3, -0.5])
    assert np.allclose(s2sad.grad(f)(x), 2 * x)
    assert np.isclose(s2sad.jvp(f, (x,), (np.ones(2),))[1], 2 * np.sum(x))

    def g(x):
        return x * np.real(np.exp(1j * 0.3))

    assert s2sad.grad(g)(1.0) == pytest.approx(np.cos(0.3))
