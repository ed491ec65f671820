"""``mode=`` of ``grad`` and ``value_and_grad``: every mode against central differences and
against each other; the error for a bad mode; auto's fallback to reverse mode."""

from __future__ import annotations

import numpy as np
import pytest
from checks import assert_close, central_difference

import s2sad

MODES = ("reverse", "forward", "auto")


def logistic(r, x):
    for _ in range(50):
        x = r * x * (1 - x)
    return x


def damped(r, n):
    x, i = 0.3, 0
    while i < n:
        x = r * x * (1 - x) + 0.01 * r
        i += 1
    return x


def straight(x1, x2):
    return np.log(x1) + x1 * x2 - np.sin(x2)


def scaled(a, b, *, k=2.0):
    s = 0.0
    for j in range(3):
        s = s + k * a ** (j + 1) * b
    return s


CASES = [
    (logistic, (2.9, 0.2), 0),
    (logistic, (2.9, 0.2), (0, 1)),
    (damped, (3.1, 7), 0),
    (straight, (2.0, 5.0), (0, 1)),
    (straight, (2.0, 5.0), "x2"),
    (scaled, (0.7, 1.3), ("a", "b")),
    (scaled, (2, 1.3), 0),  # an int argument: differentiated as a float
]


@pytest.mark.parametrize("f, args, wrt", CASES, ids=lambda c: getattr(c, "__name__", repr(c)))
@pytest.mark.parametrize("mode", MODES)
def test_every_mode_is_the_central_difference(f, args, wrt, mode):
    g = s2sad.grad(f, wrt=wrt, mode=mode)(*args)
    names = wrt if isinstance(wrt, tuple) else (wrt,)
    positions = [a if isinstance(a, int) else f.__code__.co_varnames.index(a) for a in names]
    expected = [central_difference(f, args, i) for i in positions]
    got = g if isinstance(wrt, tuple) else (g,)
    assert len(got) == len(expected)
    for a, e in zip(got, expected):
        assert type(a) is float
        assert_close(a, e, 1e-5, f"{f.__name__} {mode}")
    reverse = s2sad.grad(f, wrt=wrt, mode="reverse")(*args)
    assert type(g) is type(reverse)
    assert_close(g, reverse, 1e-12, f"{f.__name__}: {mode} against reverse")


@pytest.mark.parametrize("mode", MODES)
def test_value_and_grad(mode):
    value, (dr, dx) = s2sad.value_and_grad(logistic, wrt=(0, 1), mode=mode)(2.9, 0.2)
    assert value == logistic(2.9, 0.2)
    assert_close(dr, central_difference(logistic, (2.9, 0.2), 0))
    assert_close(dx, central_difference(logistic, (2.9, 0.2), 1))
    value, g = s2sad.value_and_grad(scaled, mode=mode)(0.7, 1.3, k=3.0)
    assert_close(value, scaled(0.7, 1.3, k=3.0), 1e-12)
    assert_close(g, central_difference(lambda a, b: scaled(a, b, k=3.0), (0.7, 1.3), 0))


@pytest.mark.parametrize("mode", MODES)
def test_decorator_form(mode):
    @s2sad.grad(wrt=1, mode=mode)
    def g(r, x):
        return logistic(r, x)

    assert_close(g(2.9, 0.2), central_difference(logistic, (2.9, 0.2), 1))


def test_auto_is_forward_for_a_few_numbers_through_a_loop():
    forward = s2sad.grad(logistic, wrt=(0, 1), mode="forward")(2.9, 0.2)
    assert s2sad.grad(logistic, wrt=(0, 1))(2.9, 0.2) == forward  # the same sweeps


def test_arrays_go_to_reverse_mode_in_auto_and_are_refused_in_forward():
    def f(w, x):
        for _ in range(3):
            x = np.tanh(w * x)
        return np.sum(x)

    w, x = np.array([0.5, 1.5]), np.array([0.2, -0.3])
    assert_close(s2sad.grad(f)(w, x), central_difference(f, (w, x), 0))
    with pytest.raises(TypeError, match="mode='forward' differentiates Python numbers"):
        s2sad.grad(f, mode="forward")(w, x)
    assert_close(s2sad.grad(f, mode="forward")(0.5, 0.2), central_difference(f, (0.5, 0.2), 0))


@pytest.mark.parametrize("api", [s2sad.grad, s2sad.value_and_grad])
@pytest.mark.parametrize("bad", ["Forward", "jvp", None, 1])
def test_a_bad_mode_is_a_value_error_at_the_call(api, bad):
    with pytest.raises(ValueError, match="is not one of 'auto', 'reverse', 'forward'"):
        api(logistic, mode=bad)
    with pytest.raises(ValueError, match="is not one of"):
        api(mode=bad)


def opaque(x):
    return eval("x * x")  # s2sad cannot read this: the rule says what it is


s2sad.defvjp(opaque, lambda g, ans, x: 2.0 * g * x)  # a VJP rule only


def through_opaque(x):
    for _ in range(3):
        x = 0.5 * opaque(x)
    return x


def test_auto_falls_back_to_reverse_without_a_jvp_rule():
    expected = central_difference(through_opaque, (0.9,), 0)
    assert_close(s2sad.grad(through_opaque)(0.9), expected)
    assert_close(s2sad.value_and_grad(through_opaque)(0.9)[1], expected)
    with pytest.raises(s2sad.MissingRuleError):
        s2sad.grad(through_opaque, mode="forward")(0.9)


def test_non_scalar_output_is_reverse_modes_error():
    def f(x):
        for _ in range(2):
            x = x * 2.0
        return [x, x]

    with pytest.raises(s2sad.NonScalarOutputError):
        s2sad.grad(f, mode="forward")(1.0)


def test_forward_mode_of_a_keyword_only_parameter_is_refused_and_auto_is_reverse():
    with pytest.raises(ValueError, match="needs positional wrt parameters"):
        s2sad.grad(scaled, wrt="k", mode="forward")
    g = s2sad.grad(scaled, wrt="k")(0.7, 1.3, k=2.0)
    assert_close(g, central_difference(lambda k: scaled(0.7, 1.3, k=k), (2.0,), 0))


@pytest.mark.parametrize("mode", MODES)
def test_a_gradient_in_any_mode_is_differentiated_again(mode):
    first = s2sad.grad(logistic, mode=mode)
    expected = central_difference(s2sad.grad(logistic, mode="reverse"), (2.9, 0.2), 0)
    assert_close(s2sad.grad(first)(2.9, 0.2), expected, 1e-5)

    def inside(r):
        return first(r, 0.2) ** 2

    assert_close(s2sad.grad(inside)(2.9), central_difference(inside, (2.9,), 0), 1e-5)


def test_auto_keeps_reverse_mode_for_a_checkpointed_loop():
    def f(x):
        for _ in s2sad.checkpoint(range(4)):
            x = x * x + 0.5
        return x

    from s2sad.api.modes import has_loop

    assert not has_loop(f) and has_loop(logistic)  # the user asked for reverse mode's checkpointing
    assert_close(s2sad.grad(f)(0.3), s2sad.grad(f, mode="forward")(0.3))
