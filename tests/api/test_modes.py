"""``mode=``: ``grad`` and ``value_and_grad`` in every mode against central differences and
against each other; the error for a bad mode; auto's fallback to reverse mode; what auto
picks and why (``auto_choice``, ``source(mode="auto")``, the CLI); ``mode=`` of ``vjp``,
``jacobian``, ``hessian`` and ``hvp``."""

from __future__ import annotations

import math

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


def iterate(r, x, n):
    for _ in range(n):
        x = r * x * (1 - x)
    return x


def through_a_helper(r, x):
    return 2.0 * iterate(r, x, 20) + r  # the loop is the helper's


def four(a, b, c, d):
    s, i = a, 0
    while i < 6:
        if s > 1.0:
            s = s * b - c
        else:
            s = s + d * a
        i += 1
    return s * d


def listed(a, b):
    p = [a, b]
    for _ in range(3):
        p = [p[0] * p[1], p[0] + p[1]]
    return p[0]


CASES = [
    (logistic, (2.9, 0.2), 0),
    (logistic, (2.9, 0.2), (0, 1)),
    (damped, (3.1, 7), 0),
    (straight, (2.0, 5.0), (0, 1)),
    (straight, (2.0, 5.0), "x2"),
    (scaled, (0.7, 1.3), ("a", "b")),
    (scaled, (2, 1.3), 0),  # an int argument: differentiated as a float
    (through_a_helper, (3.1, 0.4), (0, 1)),
    (through_a_helper, (3.1, 0.4), "x"),
    (four, (0.3, 1.4, 0.2, 0.9), (0, 1, 2, 3)),
    (four, (0.3, 1.4, 0.2, 0.9), (1, 3)),
    (damped, (3.1, 7), (0,)),
    (listed, (0.5, 1.5), (0, 1)),  # a list of tangents: the tangent program once per input
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


def test_auto_says_what_it_picks_and_why():
    from s2sad.api.modes import auto_choice

    def floats(f, *args):
        return dict(zip(f.__code__.co_varnames, args))

    assert auto_choice(logistic, ("r", "x"), floats(logistic, 2.9, 0.2)) == (
        "forward",
        "forward mode: 2 float inputs, the function has a loop",
    )
    assert auto_choice(through_a_helper, ("r",), floats(through_a_helper, 2.9, 0.2))[0] == "forward"
    assert auto_choice(straight, ("x1",), floats(straight, 2.0, 5.0)) == (
        "reverse",
        "reverse mode: the function has no loop",
    )
    assert (
        auto_choice(logistic, ("x",), floats(logistic, 2.9, np.ones(2)))[1] == "reverse mode: x is an array"
    )
    assert auto_choice(scaled, ("k",), {"a": 0.7, "b": 1.3, "k": 2.0})[1] == "reverse mode: k is keyword-only"
    five = auto_choice(logistic, ("r", "x") * 3, floats(logistic, 2.9, 0.2))
    assert five == ("reverse", "reverse mode: 6 inputs, more than 4 tangents to carry")
    in_a_list = auto_choice(listed, ("a", "b"), floats(listed, 0.5, 1.5))
    assert in_a_list == (
        "reverse",
        "reverse mode: the tangents cannot share one sweep (a tangent in a container)",
    )
    assert auto_choice(listed, ("a",), floats(listed, 0.5, 1.5))[0] == "forward"  # one sweep, no tape


def test_a_loop_in_a_helper_counts_and_a_loop_over_a_known_tuple_does_not():
    from s2sad.api.modes import auto_choice, has_loop

    def unrolled_away(a, b):
        s = 0.0
        for g in (math.sin, math.cos):  # run while lowering: one call of each
            s = s + g(a * b)
        return s

    assert has_loop(through_a_helper) and not has_loop(straight)
    choice = auto_choice(unrolled_away, ("a", "b"), {"a": 1.0, "b": 2.0})
    assert choice == ("reverse", "reverse mode: no loop is left once the function is lowered")
    assert_close(s2sad.grad(unrolled_away, wrt=1)(1.0, 2.0), central_difference(unrolled_away, (1.0, 2.0), 1))


def test_auto_runs_one_sweep_with_every_tangent():
    text = s2sad.source(logistic, mode="auto", wrt=(0, 1))
    assert text.startswith("# forward mode: 2 float inputs, the function has a loop\n")
    assert text.count("\n    for _ in range(50):") == 1  # one sweep, both tangents in it
    assert "def logistic_grad(r, x):" in text and "r_dot" not in text
    assert "x_1_dot_0 = (x_1 + x_1_dot_0 * r) * v2 - x_1_dot_0 * v1" in text
    one = s2sad.source(logistic, mode="auto")  # one number: the derivative program
    assert "x_1_dot = (x_1 + x_1_dot * r) * v2 - x_1_dot * v1" in one and "return x_1_dot" in one
    both = s2sad.source(damped, mode="auto", kind="value_and_grad", args=(3.1, 7))
    assert "def damped_value_and_grad(r, n):" in both and "return x_1, x_1_dot" in both

    def summed(r, x):
        for _ in range(3):
            x = r * x * (1 - x)
        return np.sum(x)

    reverse = s2sad.source(summed, mode="auto", args=(2.9, np.ones(2)), wrt=1)
    assert reverse.startswith("# reverse mode: x is an array\n") and "x_bar" in reverse
    assert s2sad.source(logistic) == s2sad.source(logistic, mode="reverse")  # the default stays
    with pytest.raises(ValueError, match="kind must be one of 'grad', 'value_and_grad' in auto mode"):
        s2sad.source(logistic, mode="auto", kind="vjp")


def test_the_command_line_prints_what_auto_runs(tmp_path, capsys):
    from s2sad.tools.cli import main

    path = tmp_path / "loop.py"
    path.write_text("def f(r, x):\n    for _ in range(5):\n        x = r * x\n    return x\n")
    assert main([f"{path}:f", "--mode", "auto", "--wrt", "r,x"]) == 0
    out = capsys.readouterr().out
    assert "(mode auto, forward mode: 2 float inputs, the function has a loop)" in out
    assert "def f_grad(r, x):" in out
    assert main([f"{path}:f", "--mode", "auto", "--trace", "2", "3"]) == 2
    assert "--trace and --graph show one mode" in capsys.readouterr().err


@pytest.mark.parametrize("mode", MODES)
def test_value_and_grad_of_four_numbers(mode):
    args = (0.3, 1.4, 0.2, 0.9)
    value, grads = s2sad.value_and_grad(four, wrt=(0, 1, 2, 3), mode=mode)(*args)
    assert value == four(*args)
    for i, g in enumerate(grads):
        assert type(g) is float
        assert_close(g, central_difference(four, args, i))


def test_mode_of_the_other_transforms():
    def cube(x):
        return x**3

    assert s2sad.hessian(cube, mode="forward")(2.0) == s2sad.hessian(cube)(2.0) == 12.0
    assert s2sad.hvp(cube, mode="forward")(2.0, 1.0) == 12.0
    assert s2sad.vjp(cube, 2.0, mode="reverse")[1](1.0) == (12.0,)
    assert s2sad.vjp(cube, 2.0, mode="auto")[1](1.0) == (12.0,)
    with pytest.raises(ValueError, match="hessian: mode='reverse' cannot be honoured: second derivatives"):
        s2sad.hessian(cube, mode="reverse")
    with pytest.raises(ValueError, match="hvp: mode='reverse' cannot be honoured"):
        s2sad.hvp(cube, mode="reverse")
    with pytest.raises(ValueError, match="vjp: mode='forward' cannot be honoured: a pullback"):
        s2sad.vjp(cube, 2.0, mode="forward")
    for api in (s2sad.jacobian, s2sad.hessian, s2sad.hvp):
        with pytest.raises(ValueError, match="is not one of 'auto', 'reverse', 'forward'"):
            api(cube, mode="Forward")
    with pytest.raises(ValueError, match="is not one of"):
        s2sad.vjp(cube, 2.0, mode="jvp")
    x = np.array([0.5, 1.5])
    for mode in MODES:
        assert_close(s2sad.jacobian(lambda v: np.sin(v), mode=mode)(x), np.diag(np.cos(x)), 1e-12)
