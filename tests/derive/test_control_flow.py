"""Loops, branches, calls and containers in reverse mode: the generated code, the tape,
and pullbacks of functions that return tuples, lists and dicts."""

import math

import control_flow as cf
import numpy as np
import pytest
from checks import assert_close, central_difference
from conftest import make_function
from golden_util import check_golden

import s2sad

RNN_ARGS = (
    np.random.default_rng(0).normal(size=(3, 3)),
    np.random.default_rng(1).normal(size=(3, 2)),
    np.zeros(3),
    np.random.default_rng(2).normal(size=(5, 2)),
)

# ------------------------------------------------------------------ golden sources

GOLDEN = {
    "loop": (cf.logistic, (0, 1), (0.2, 3.5, 10)),
    "branch": (cf.piecewise, 0, (2.0,)),
    "while_break": (cf.newton_sqrt, 0, (2.0,)),
    "helper_call": (cf.logistic_loss, (0, 1), (0.5, 0.1, 2.0, 1.0)),
    "rnn": (cf.rnn, (0, 1), RNN_ARGS),
}


@pytest.mark.parametrize("name", GOLDEN)
def test_golden_source(in_root, name):
    f, wrt, args = GOLDEN[name]
    check_golden(f"control_flow.{name}.py", s2sad.source(f, wrt=wrt, args=args))


@pytest.mark.parametrize("name", GOLDEN)
def test_golden_examples_are_right(name):
    f, wrt, args = GOLDEN[name]
    wrt = (wrt,) if isinstance(wrt, int) else wrt
    grads = s2sad.grad(f, wrt=wrt)(*args)
    for i, g in zip(wrt, grads):
        assert_close(g, central_difference(f, list(args), i), 1e-6, f"{name} wrt {i}")


# ------------------------------------------------------------------ the tape


def _tapes(pullback):
    """The lists and ints a pullback closes over (besides the arguments)."""
    cells = dict(zip(pullback.__code__.co_freevars, (c.cell_contents for c in pullback.__closure__)))
    return {name: value for name, value in cells.items() if isinstance(value, list)}, cells


def test_logistic_tape_holds_one_float_per_step():
    n = 12
    out, pullback = s2sad.vjp(cf.logistic, 0.2, 3.5, n)
    tapes, _ = _tapes(pullback.__wrapped__)
    assert len(tapes) == 1, tapes
    (tape,) = tapes.values()
    assert len(tape) == n and all(type(v) is float for v in tape)
    # the forward loop pushes the old x, nothing else: one append in the generated code
    text = s2sad.source(cf.logistic, wrt=(0, 1), args=(0.2, 3.5, n))
    assert text.count(".append(") == 1 and text.count(".pop()") == 1
    # the pullback can run again: it pops from a copy of the tape
    assert pullback(1.0) == pullback(1.0)


def test_while_tape_holds_one_float_per_step_and_the_trip_count():
    out, pullback = s2sad.vjp(cf.newton_sqrt, 2.0)
    tapes, cells = _tapes(pullback.__wrapped__)
    assert len(tapes) == 1
    (tape,) = tapes.values()
    counts = [v for name, v in cells.items() if name.startswith("iterations")]
    assert counts == [len(tape)] and len(tape) >= 3
    assert all(type(v) is float for v in tape)


def test_rnn_tape_holds_only_the_state():
    """The state a step made is the state the next step started with: not stored twice,
    and nothing computed from it is stored."""
    out, pullback = s2sad.vjp(cf.rnn, *RNN_ARGS)
    tapes, _ = _tapes(pullback.__wrapped__)
    assert len(tapes) == 1
    (tape,) = tapes.values()
    assert len(tape) == RNN_ARGS[3].shape[0]


def test_loop_without_active_values_has_no_tape():
    f = make_function(
        """
        def f(x, n):
            k = 0
            for i in range(n):
                k = k + i * i
            return x * k
        """
    )
    text = s2sad.source(f, args=(1.5, 4))
    assert "tape" not in text and "reversed" not in text
    assert s2sad.grad(f)(1.5, 4) == 14.0


# ------------------------------------------------------------------ effects in the primal


def test_print_and_assert_run_once_in_the_primal(capsys):
    f = make_function(
        """
        def f(x, n):
            for i in range(n):
                assert i < n, "in range"
                x = math.sin(x) + 0.5 * x
                if i == n - 1:
                    print("last step", i)
            return x
        """
    )
    g = s2sad.grad(f)(0.3, 3)
    assert capsys.readouterr().out == "last step 2\n"
    assert g == pytest.approx(central_difference(f, [0.3, 3], 0))


def test_f_strings_print_as_python_prints_them(capsys):
    f = make_function(
        """
        def f(x, a):
            y = x * a
            print(f"x = {x:.3f}, shape {y.shape}, {{braces}} {x!r}")
            label = f"{np.sum(y):>8.2f}"
            assert len(label) == 8, f"bad {label}"
            return np.sum(y) * x
        """
    )
    a = np.array([0.3, -0.5, 1.1])
    g = s2sad.grad(f)(0.7, a)
    assert capsys.readouterr().out == "x = 0.700, shape (3,), {braces} 0.7\n"
    assert g == pytest.approx(central_difference(f, [0.7, a], 0))
    assert "'x = {:.3f}, shape {}, {{braces}} {!r}'.format(x, y.shape, x)" in s2sad.source(f, args=(0.7, a))


def test_failing_assert_raises_as_in_the_primal():
    f = make_function("def f(x):\n    assert x > 0, 'x must be positive'\n    return x * x\n")
    with pytest.raises(AssertionError, match="positive"):
        s2sad.grad(f)(-1.0)


# ------------------------------------------------------------------ containers out


def _vjp_against_fd(f, args, cotangent):
    out, pullback = s2sad.vjp(f, *args)
    cts = pullback(cotangent)

    def flat(value):
        if isinstance(value, dict):
            return np.concatenate([flat(value[k]) for k in sorted(value)])
        if isinstance(value, (tuple, list)):
            return np.concatenate([flat(v) for v in value])
        return np.ravel(np.asarray(value, dtype=float))

    def g(*xs):
        return float(flat(f(*xs)) @ flat(cotangent))

    for i in range(len(args)):
        assert_close(cts[i], central_difference(g, list(args), i), 1e-6, f"{f.__name__} wrt {i}")
    return out, cts


def test_tuple_output():
    f = make_function("def f(x, y):\n    return x * y, np.sin(x) + y\n")
    out, cts = _vjp_against_fd(f, (0.5, 2.0), (1.0, -2.0))
    assert out == f(0.5, 2.0)
    assert all(type(c) is float for c in cts)
    assert "v1_bar, v3_bar = out_bar" in s2sad.source(f, kind="vjp", args=(0.5, 2.0))


def test_list_output_of_arrays():
    f = make_function(
        """
        def f(x):
            a = x * 2.0
            return [a, np.sum(a * a)]
        """
    )
    out, cts = _vjp_against_fd(f, (np.array([0.5, -1.0, 2.0]),), [np.array([1.0, 0.0, 2.0]), 3.0])
    assert isinstance(out, list) and isinstance(cts[0], np.ndarray)


def test_dict_output_and_dict_argument():
    f = make_function(
        """
        def f(p):
            return {"s": p["a"] * p["b"], "t": p["a"]}
        """
    )
    out, pullback = s2sad.vjp(f, {"a": 1.0, "b": 2.0})
    assert out == {"s": 2.0, "t": 1.0}
    assert pullback({"s": 1.0, "t": 1.0}) == ({"a": 3.0, "b": 1.0},)
    assert pullback({"s": 0.0, "t": 2.0}) == ({"a": 2.0, "b": 0.0},)


def test_nested_tuple_output():
    f = make_function("def f(x):\n    return (x, (2.0 * x, x * x))\n")
    _vjp_against_fd(f, (1.5,), (1.0, (2.0, 3.0)))


def test_cotangent_must_match_the_output_structure():
    f = make_function("def f(x, y):\n    return x * y, {'d': x - y}\n")
    _, pullback = s2sad.vjp(f, 0.5, 2.0)
    with pytest.raises(TypeError, match="tuple of 2 items"):
        pullback(1.0)
    with pytest.raises(TypeError, match=r"cotangent\[1\] must be a dict with the keys \['d'\]"):
        pullback((1.0, 2.0))
    with pytest.raises(ValueError, match=r"cotangent\[1\]\['d'\] has shape \(2,\)"):
        pullback((1.0, {"d": np.ones(2)}))
    assert pullback((1.0, {"d": 1.0})) == (3.0, -0.5)


def test_grad_of_a_tuple_output_is_an_error():
    f = make_function("def f(x):\n    return x, x\n")
    with pytest.raises(s2sad.NonScalarOutputError, match="returns tuple"):
        s2sad.grad(f)(1.0)


def test_dict_display_inside():
    f = make_function(
        """
        def f(x, y):
            d = {"a": x * y, "b": np.sin(x)}
            return d["a"] + d["b"] * y
        """
    )
    assert s2sad.grad(f, wrt=(0, 1))(1.0, 2.0) == pytest.approx(
        (2.0 + 2.0 * math.cos(1.0), 1.0 + math.sin(1.0))
    )
    assert "d_bar" not in s2sad.source(f, args=(1.0, 2.0))  # the items are read directly
