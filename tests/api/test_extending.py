"""The user's own derivative rules (``defvjp``, ``defjvp``, ``custom_vjp``, ``custom_jvp``) and
``stop_gradient``: each in reverse and forward mode and at second order, against central
differences, and how they read in generated code."""

import math

import numpy as np
import pytest
from checks import assert_close, central_difference, check_forward, check_reverse
from conftest import make_function

import s2sad
from s2sad.rules import RULES
from s2sad.rules.user import on_change

X = np.array([0.3, -1.1, 2.0])


@pytest.fixture(autouse=True)
def keep_rules():
    """Rules registered in a test go again after it."""
    saved = dict(RULES)
    yield
    RULES.clear()
    RULES.update(saved)
    on_change_all()


def on_change_all():
    from s2sad.driver.dispatch import rebuild

    rebuild()


def second_order(f, args, i=0, tol=1e-4):
    """The Hessian in argument ``i`` and grad of grad (for a scalar argument) against
    central differences of the gradient."""
    expected = central_difference(s2sad.grad(f, wrt=i), list(args), i)
    assert_close(s2sad.hessian(f, wrt=i)(*args), expected, tol, "hessian")
    if np.ndim(args[i]) == 0:
        assert_close(s2sad.grad(s2sad.grad(f, wrt=i), wrt=i)(*args), expected, tol, "grad of grad")


def check_all(f, args, wrt=(0,)):
    check_reverse(f, list(args), wrt)
    check_forward(f, list(args), wrt)
    for i in wrt:
        second_order(f, args, i)


# ------------------------------------------------------------------ defvjp / defjvp


OPAQUE = """
import numpy as np
import s2sad

def softplus(x):
    return eval("np.log1p(np.exp(x))")  # s2sad cannot read this: the rules say what it is

s2sad.defvjp(softplus, lambda g, ans, x: g / (1.0 + np.exp(-x)))
s2sad.defjvp(softplus, lambda t, ans, x: t / (1.0 + np.exp(-x)))

def f(x, w):
    return np.sum(softplus(w * x) ** 2)
"""


def test_rules_of_a_function_s2sad_cannot_read():
    f = make_function(OPAQUE, "f")
    check_all(f, (X, 0.7), wrt=(0, 1))
    check_all(f, (0.4, 0.7), wrt=(0, 1))


def test_the_rule_reads_as_the_users_formula():
    f = make_function(OPAQUE, "f")
    assert "/ (1.0 + np.exp(-" in s2sad.source(f, args=(X, 0.7))
    assert "/ (1.0 + np.exp(-" in s2sad.source(f, mode="forward", args=(X, 0.7))


LGAMMA = """
import math
import s2sad

def digamma(x):  # the user's own helper, which the rule calls
    result = 0.0
    while x < 6.0:
        result -= 1.0 / x
        x += 1.0
    f = 1.0 / (x * x)
    tail = f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))))
    return result + math.log(x) - 0.5 / x - tail

s2sad.defvjp(math.lgamma, lambda g, ans, x: g * digamma(x))
s2sad.defjvp(math.lgamma, lambda t, ans, x: t * digamma(x))

def f(a, b):  # log of the beta function
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
"""


def test_a_c_function_with_a_rule_that_calls_a_helper(keep_rules):
    f = make_function(LGAMMA, "f")
    check_all(f, (1.7, 2.4), wrt=(0, 1))
    assert "digamma(a)" in s2sad.source(f, args=(1.7, 2.4))


def test_keyword_arguments_reach_the_rule():
    f = make_function(
        """
        import numpy as np
        import s2sad

        def softplus(x, beta=1.0):
            return eval("np.log1p(np.exp(beta * x)) / beta")

        s2sad.defvjp(softplus, lambda g, ans, x, beta=1.0: g / (1.0 + np.exp(-beta * x)))
        s2sad.defjvp(softplus, lambda t, ans, x, beta=1.0: t / (1.0 + np.exp(-beta * x)))

        def f(x):
            return np.sum(softplus(x, beta=3.0)) + softplus(x[0]) + np.sum(softplus(x, 0.5))
        """,
        "f",
    )
    check_all(f, (X,))


CALLED = """
import numpy as np
import s2sad

def softplus(x, beta=1.0):
    return eval("np.log1p(np.exp(beta * x)) / beta")

def softplus_vjp(g, ans, x, beta):  # two statements: not a template, so it is called
    s = 1.0 / (1.0 + np.exp(-beta * x))
    return g * s

def softplus_jvp(t, ans, x, beta):
    s = 1.0 / (1.0 + np.exp(-beta * x))
    return t * s

s2sad.defvjp(softplus, softplus_vjp)
s2sad.defjvp(softplus, softplus_jvp)

def f(x):
    return np.sum(softplus(x, beta=2.0) * x)
"""


def test_a_rule_that_is_not_one_expression_is_called():
    f = make_function(CALLED, "f")
    check_all(f, (X,))  # at second order the rules are differentiated where they are called
    assert "softplus_vjp_0(" in s2sad.source(f, args=(X,))
    assert "softplus_jvp_0(" in s2sad.source(f, mode="forward", args=(X,))


def test_a_callable_object_as_a_rule():
    class Slope:
        def __call__(self, g, ans, x):
            return 3.0 * g

    def triple(x):
        return 3.0 * x

    s2sad.defvjp(triple, Slope())
    f = make_function("def f(x):\n    return np.sum(triple(x) ** 2)\n", triple=triple)
    assert_close(s2sad.grad(f)(X), 18.0 * X, 1e-12, "grad")


def test_none_is_no_derivative_and_names_may_differ():
    def mix(x, y):
        return x * np.sin(y)

    s2sad.defvjp(mix, None, lambda g, ans, a, b: g * a * np.cos(b))  # held still in x
    s2sad.defjvp(mix, None, lambda t, ans, a, b: t * a * np.cos(b))
    f = make_function("def f(x, y):\n    return np.sum(mix(x, y))\n", mix=mix)
    gx, gy = s2sad.grad(f, wrt=(0, 1))(X, 0.4)
    assert_close(gx, np.zeros(3), 0, "no derivative in x, as the rule says")
    assert_close(gy, np.sum(X * np.cos(0.4)), 1e-12, "the rule in y (summed to the shape of y)")
    _, tangent = s2sad.jvp(f, (X, 0.4), (np.ones(3), 1.0))
    assert_close(tangent, np.sum(X * np.cos(0.4)), 1e-12, "forward")
    # a derivative one way and none the other is a question, not a zero
    s2sad.defjvp(mix, lambda t, ans, a, b: t * np.sin(b), lambda t, ans, a, b: t * a * np.cos(b))
    with pytest.raises(s2sad.MissingRuleError, match="has a JVP rule but no VJP rule"):
        s2sad.grad(f)(X, 0.4)


def test_a_ufunc_rule_undoes_broadcasting(keep_rules):
    s2sad.defvjp(
        np.logaddexp, lambda g, ans, a, b: g * np.exp(a - ans), lambda g, ans, a, b: g * np.exp(b - ans)
    )
    f = make_function("def f(x, y):\n    return np.sum(np.logaddexp(x, y) ** 2)\n")
    check_reverse(f, [X, 0.25], (0, 1))
    check_forward(f, [X, 0.25], (0, 1))  # the built-in JVP stays, its parameters renamed


def test_forward_mode_without_a_jvp_rule_says_which_rule_to_add():
    def clipped(x):
        return np.clip(x, -1.0, 1.0)

    s2sad.defvjp(clipped, lambda g, ans, x: g * (np.abs(x) < 1.0))
    f = make_function("def f(x):\n    return np.sum(clipped(x))\n", clipped=clipped)
    with pytest.raises(s2sad.MissingRuleError) as err:
        s2sad.jvp(f, (X,), (X,))
    message = str(err.value)
    assert "`clipped` has a VJP rule but no JVP rule" in message
    assert "s2sad.defjvp(clipped, lambda t, ans, x: ...)" in message


def test_a_rule_registered_later_rebuilds_derivatives_built_before():
    def scaled(x):
        return 2.0 * x

    s2sad.defvjp(scaled, lambda g, ans, x: 2.0 * g)
    s2sad.defjvp(scaled, lambda t, ans, x: 2.0 * t)
    f = make_function("def f(x):\n    return scaled(x) * x\n", scaled=scaled)
    df, hf = s2sad.grad(f), s2sad.hessian(f)
    assert df(1.5) == 6.0 and hf(1.5) == 4.0
    s2sad.defvjp(scaled, lambda g, ans, x: 5.0 * g)  # deliberately another slope
    assert df(1.5) == 1.5 * 5.0 + 3.0
    s2sad.defjvp(scaled, lambda t, ans, x: 5.0 * t)
    assert hf(1.5) == 10.0
    heard = []
    on_change(heard.append)
    s2sad.defjvp(scaled, lambda t, ans, x: 2.0 * t)
    assert heard == [scaled]


# -------------------------------------------------------------- following the hints


def test_following_the_hint_for_a_library_function(keep_rules):
    f = make_function("def f(x):\n    return np.sum(np.float_power(x, 3.0) ** 2)\n")
    for mode in ("reverse", "forward"):
        with pytest.raises(s2sad.MissingRuleError) as err:
            if mode == "reverse":
                s2sad.grad(f)(X)
            else:
                s2sad.jvp(f, (X,), (X,))
        name = "defvjp" if mode == "reverse" else "defjvp"
        assert f"s2sad.{name}(np.float_power, lambda " in err.value.hint
    # d/dx x ** y = y x ** (y - 1); no rule for y, which is a constant here
    s2sad.defvjp(np.float_power, lambda g, ans, x, y: g * y * np.float_power(x, y - 1))
    s2sad.defjvp(np.float_power, lambda x_dot, ans, x, y: x_dot * y * np.float_power(x, y - 1))
    check_all(f, (X,))


def test_following_the_hint_for_code_s2sad_cannot_see():
    source = """
        def cube(x):
            return eval("x ** 3")

        def f(x):
            return cube(x) + x
    """
    f = make_function(source, "f")
    with pytest.raises(s2sad.MissingRuleError) as err:
        s2sad.grad(f)(0.5)
    assert "s2sad.defvjp(fn, lambda g, ans, x: ...)" in err.value.hint
    s2sad.defvjp(f.__globals__["cube"], lambda g, ans, x: 3.0 * g * x * x)
    s2sad.defjvp(f.__globals__["cube"], lambda t, ans, x: 3.0 * t * x * x)
    check_all(f, (0.5,))


def test_following_the_hint_for_an_argument_a_rule_does_not_cover():
    f = make_function("def f(x, w):\n    return np.sum(np.where(w * x, x, 2.0 * x) ** 2)\n")
    args = (np.array([0.3, 0.0, 2.0]), 1.0)
    with pytest.raises(s2sad.MissingRuleError) as err:
        s2sad.grad(f, wrt=(0, 1))(*args)
    assert "register a rule with s2sad.defvjp" in err.value.hint
    # a float condition counts by its truth, which moves nowhere almost everywhere
    s2sad.defvjp(
        np.where,
        None,
        lambda g, ans, c, x, y: np.where(c, g, 0.0),
        lambda g, ans, c, x, y: np.where(c, 0.0, g),
    )
    check_reverse(f, list(args), (0, 1))
    check_forward(f, list(args), (0, 1))  # the built-in JVP, held still in the condition


# ------------------------------------------------------------------ custom_vjp / custom_jvp


STE = """
import numpy as np
import s2sad

@s2sad.custom_vjp
def round_ste(x):  # a straight-through estimator: rounds, but lets gradients through
    return np.round(x)

round_ste.defvjp(lambda g, ans, x: g)

def f(w, x):
    return np.sum((round_ste(w * x) - 0.4) ** 2)
"""


def test_custom_vjp_straight_through():
    f = make_function(STE, "f")
    round_ste = f.__globals__["round_ste"]
    assert_close(round_ste(np.array([0.4, 1.6])), np.array([0.0, 2.0]), 0, "runs as itself")
    w = 0.8
    expected = np.sum(2 * (np.round(w * X) - 0.4) * X)
    assert_close(s2sad.grad(f)(w, X), expected, 1e-12, "straight through")
    with pytest.raises(s2sad.MissingRuleError, match="has a VJP rule but no JVP rule"):
        s2sad.jvp(f, (w, X), (1.0, np.zeros(3)))
    round_ste.defjvp(lambda t, ans, x: t)
    assert_close(s2sad.jvp(f, (w, X), (1.0, np.zeros(3)))[1], expected, 1e-12, "forward")
    assert_close(s2sad.hessian(f)(w, X), np.sum(2 * X * X), 1e-12, "second order")


def test_custom_vjp_a_numerically_safe_formula():
    f = make_function(
        """
        import numpy as np
        import s2sad

        @s2sad.custom_vjp
        def log1pexp(x):
            return np.where(x > 30.0, x, np.log1p(np.exp(np.minimum(x, 30.0))))

        log1pexp.defvjp(lambda g, ans, x: g / (1.0 + np.exp(-x)))
        log1pexp.defjvp(lambda t, ans, x: t / (1.0 + np.exp(-x)))

        def loss(w, x):
            return np.sum(log1pexp(w * x))
        """,
        "loss",
    )
    big = np.array([1000.0, -3.0, 40.0])
    assert_close(s2sad.grad(f)(1.0, big), 1000.0 + 40.0 - 3.0 / (1 + math.exp(3.0)), 1e-9, "finite")
    check_all(f, (0.7, X), wrt=(0, 1))


def test_custom_jvp():
    f = make_function(
        """
        import numpy as np
        import s2sad

        @s2sad.custom_jvp
        def sq(x):
            return x * x

        sq.defjvp(lambda t, ans, x: 2.0 * x * t)

        def f(x):
            return np.sum(sq(np.sin(x)))
        """,
        "f",
    )
    check_forward(f, [X], (0,))
    with pytest.raises(s2sad.MissingRuleError, match="has a JVP rule but no VJP rule"):
        s2sad.grad(f)(X)
    f.__globals__["sq"].defvjp(lambda g, ans, x: 2.0 * x * g)
    check_all(f, (X,))


def test_custom_vjp_without_rules_says_so():
    f = make_function(
        """
        import s2sad

        @s2sad.custom_vjp
        def h(x):
            return x * x

        def f(x):
            return h(x) + 1.0
        """,
        "f",
    )
    with pytest.raises(s2sad.MissingRuleError, match="`h` has no rule"):
        s2sad.grad(f)(1.0)


# ------------------------------------------------------------------ stop_gradient


STOP = """
import numpy as np
import s2sad
from s2sad import stop_gradient

def f(x, w):
    # a baseline held still: the derivative sees only the first factor move
    baseline = s2sad.stop_gradient(np.mean(x * w))
    return np.sum((x * w - baseline) ** 2) + stop_gradient(w) * np.sum(x)
"""


def test_stop_gradient():
    f = make_function(STOP, "f")
    w = 0.6
    gx, gw = s2sad.grad(f, wrt=(0, 1))(X, w)
    baseline = np.mean(X * w)
    assert_close(gx, 2 * (X * w - baseline) * w + w, 1e-12, "x")
    assert_close(gw, np.sum(2 * (X * w - baseline) * X), 1e-12, "w")
    _, tangent = s2sad.jvp(f, (X, w), (np.zeros(3), 1.0))
    assert_close(tangent, gw, 1e-12, "forward")
    assert_close(s2sad.hessian(f, wrt=1)(X, w), np.sum(2 * X * X), 1e-12, "second order")
    assert "s2sad.stop_gradient(" in s2sad.source(f, args=(X, w))
    assert s2sad.stop_gradient(X) is X


# ------------------------------------------------------------------ bad input


def test_bad_arguments_say_which():
    with pytest.raises(TypeError, match="`fn` must be a callable"):
        s2sad.defvjp(3.0, lambda g, ans, x: g)
    with pytest.raises(TypeError, match="rule for argument 0 must be a callable or None"):
        s2sad.defjvp(np.sin, 2.0)
    with pytest.raises(TypeError, match="custom_vjp expects a function"):
        s2sad.custom_vjp(3)


def test_custom_vjp_of_a_function_returning_a_tuple():
    f = make_function(
        """
        import numpy as np
        import s2sad

        @s2sad.custom_vjp
        def polar(x, y):
            return np.hypot(x, y), np.arctan2(y, x)

        polar.defvjp(
            lambda g, ans, x, y: g[0] * x / ans[0] - g[1] * y / ans[0] ** 2,
            lambda g, ans, x, y: g[0] * y / ans[0] + g[1] * x / ans[0] ** 2,
        )

        def f(x, y):
            r, theta = polar(x, y)
            return r * theta + r ** 2
        """,
        "f",
    )
    check_reverse(f, [0.6, 0.8], (0, 1))
    assert "polar(x, y)" in s2sad.source(f, wrt=(0, 1))


def test_finding_the_kind_of_a_result_leaves_random_streams_as_they_were():
    def noisy(x):  # called on example values to learn its result's kind
        return x + 0.01 * np.random.standard_normal(np.shape(x))

    s2sad.defvjp(noisy, lambda g, ans, x: g)
    f = make_function("def f(x):\n    return np.sum(noisy(x) ** 2)\n", noisy=noisy)
    np.random.seed(5)
    s2sad.grad(f)(X)  # noisy is probed while the gradient is built, then the gradient calls it once
    after = np.random.standard_normal()
    np.random.seed(5)
    noisy(X)
    assert after == np.random.standard_normal()
