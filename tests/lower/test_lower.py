"""Lowering to SSA: small functions and the exact three-address code each lowers to.

Each case holds the input and the SSA it must print (``lower_source``, which shows no
source-line comments); ``s2sad.source(f, stage="ssa")`` prints the same, with comments.
"""

import textwrap

import pytest

import s2sad
from s2sad import UnsupportedSyntaxError
from s2sad.frontend.parse import parse_source
from s2sad.frontend.resolve import Resolver
from s2sad.lower import lower, lower_source

CASES = {
    "straight_line_versions": (
        """
            import math

            def f(x1, x2):
                y = math.log(x1) + x1 * x2
                y = y - math.sin(x2)
                return y
        """,
        """
            def f(x1, x2):
                v1 = math.log(x1)
                v2 = x1 * x2
                y = v1 + v2
                v3 = math.sin(x2)
                y_1 = y - v3
                return y_1
        """,
    ),
    "docstring_and_constants": (
        '''
            def f(x):
                """Kept as the docstring."""
                a = 2.0 * 3.0
                return a * x + 1
        ''',
        '''
            def f(x):
                """Kept as the docstring."""
                a = 6.0
                v1 = a * x
                v2 = v1 + 1
                return v2
        ''',
    ),
    "if_else_join": (
        """
            def f(x):
                if x > 0:
                    y = x * x
                else:
                    y = -x
                return y
        """,
        """
            def f(x):
                v1 = x > 0
                if v1:
                    y = x * x
                    y_2 = y
                else:
                    y_1 = -x
                    y_2 = y_1
                return y_2
        """,
    ),
    "branch_that_returns": (
        """
            def f(x):
                if x < 0:
                    return -x
                y = x * 2.0
                return y
        """,
        """
            def f(x):
                v1 = x < 0
                if v1:
                    v2 = -x
                    result = v2
                else:
                    y = x * 2.0
                    result = y
                return result
        """,
    ),
    "for_loop_carried": (
        """
            def f(x, n):
                s = 0.0
                for i in range(n):
                    s = s + x * i
                return s
        """,
        """
            def f(x, n):
                s = 0.0
                s_1 = s
                for i in range(n):
                    v1 = x * i
                    s_2 = s_1 + v1
                    s_1 = s_2
                return s_1
        """,
    ),
    "while_loop_with_break": (
        """
            def f(x):
                k = 0
                while x < 100.0:
                    if k > 5:
                        break
                    x = x * x
                    k += 1
                return x
        """,
        """
            def f(x):
                k = 0
                k_1 = k
                x_1 = x
                while True:
                    v1 = x_1 < 100.0
                    if not v1:
                        break
                    v2 = k_1 > 5
                    if v2:
                        break
                    else:
                        x_2 = x_1 * x_1
                        k_2 = k_1 + 1
                        k_1 = k_2
                        x_1 = x_2
                return x_1
        """,
    ),
    "return_inside_loop": (
        """
            def f(xs):
                for x in xs:
                    if x > 9:
                        return x
                return 0.0
        """,
        """
            def f(xs):
                returned = False
                result = UNBOUND
                returned_1 = returned
                for x in xs:
                    v1 = x > 9
                    if v1:
                        result_1 = x
                        returned_2 = True
                        result = result_1
                        returned_1 = returned_2
                        break
                if returned_1:
                    result1 = result
                else:
                    result1 = 0.0
                return result1
        """,
    ),
    "unpack_augassign_setitem": (
        """
            import numpy as np

            def f(x, y):
                a, b = x * y, x + y
                out = np.zeros(3)
                out[0] = a
                out[1:] += b
                a += b
                return out, a
        """,
        """
            def f(x, y):
                v1 = x * y
                v2 = x + y
                a = v1
                b = v2
                out = np.zeros(3)
                out[0] = a
                out[1:] += b
                a_1 = a + b
                return out, a_1
        """,
    ),
    "comprehension_and_generator": (
        """
            def f(xs):
                squares = [x * x for x in xs if x > 0]
                return sum(s * 2.0 for s in squares)
        """,
        """
            def f(xs):
                squares = []
                for x in xs:
                    v1 = x > 0
                    if v1:
                        v2 = x * x
                        squares.append(v2)
                items = []
                for s in squares:
                    v3 = s * 2.0
                    items.append(v3)
                v4 = sum(items)
                return v4
        """,
    ),
    "and_or_ifexp": (
        """
            def f(x, y):
                z = x if x > y else y
                return (z > 0 and z) or y
        """,
        """
            def f(x, y):
                v1 = x > y
                if v1:
                    v2 = x
                else:
                    v2 = y
                z = v2
                v5 = z > 0
                if v5:
                    v4 = z
                else:
                    v4 = v5
                if v4:
                    v3 = v4
                else:
                    v3 = y
                return v3
        """,
    ),
    "methods_are_numpy_functions": (
        """
            import numpy as np

            def f(x):
                return x.sum(axis=0) + x.reshape(2, 3).mean() + max(x[0], x[1], x[2])
        """,
        """
            def f(x):
                v1 = np.sum(x, axis=0)
                v2 = np.reshape(x, (2, 3))
                v3 = x[0]
                v4 = x[1]
                v5 = x[2]
                v6 = np.mean(v2)
                v7 = max(v3, v4)
                v8 = v1 + v6
                v9 = max(v7, v5)
                v10 = v8 + v9
                return v10
        """,
    ),
    "inlined_helper_with_default": (
        """
            import math

            def softplus(x, beta=1.0):
                return math.log(1.0 + math.exp(beta * x)) / beta

            def f(x, y):
                return softplus(x, beta=y) + softplus(y)
        """,
        """
            def f(x, y):
                v1 = y * x
                v2 = math.exp(v1)
                v3 = 1.0 + v2
                v4 = math.log(v3)
                v5 = v4 / y
                v6 = 1.0 * y
                v7 = math.exp(v6)
                v8 = 1.0 + v7
                v9 = math.log(v8)
                v10 = v9 / 1.0
                v11 = v5 + v10
                return v11
        """,
    ),
    "inlined_local_def_and_lambda": (
        """
            def f(x, w):
                def affine(t, b=0.5):
                    return w * t + b
                square = lambda t: t * t
                return square(affine(x))
        """,
        """
            def f(x, w):
                v1 = w * x
                v2 = v1 + 0.5
                v3 = v2 * v2
                return v3
        """,
    ),
    "recursion_stays_a_call": (
        """
            def power(x, n):
                if n == 0:
                    return 1.0
                return x * power(x, n - 1)
        """,
        """
            def power(x, n):
                v1 = n == 0
                if v1:
                    result = 1.0
                else:
                    v2 = n - 1
                    v3 = power(x, v2)
                    v4 = x * v3
                    result = v4
                return result
        """,
    ),
    "walrus": (
        """
            def f(x):
                return (y := x * x) + y
        """,
        """
            def f(x):
                y = x * x
                v1 = y + y
                return v1
        """,
    ),
}


def _text(s: str) -> str:
    return textwrap.dedent(s).strip("\n")


@pytest.mark.parametrize("name", CASES)
def test_lowers_to(name):
    source, expected = CASES[name]
    assert lower_source(source) == _text(expected)


@pytest.mark.parametrize(
    "name", ["straight_line_versions", "while_loop_with_break", "unpack_augassign_setitem"]
)
def test_the_pipeline_prints_the_same_ssa_with_source_lines_quoted(name):
    source, expected = CASES[name]
    ssa = s2sad.source(parse_source(source).fn, stage="ssa", kind="vjp")
    quoted = [line for line in ssa.splitlines() if line.lstrip().startswith("# ")]
    assert quoted and "\n".join(line for line in ssa.splitlines() if line not in quoted) == _text(expected)


def test_lower_gives_the_free_names_the_function_reads():
    parsed = parse_source(CASES["inlined_helper_with_default"][0])
    ssa, free = lower(parsed, Resolver(parsed.fn), lambda fn: getattr(fn, "__module__", None) == "__source__")
    assert set(free) == {"softplus"}  # math is read by the inlined helper, in its own module
    assert ssa.name == "f" and [p.name for p in ssa.params] == ["x", "y"]


ERRORS = {
    "a call to a local function from itself": (
        """
        def f(x):
            def g(t):
                return g(t - 1.0)
            return g(x)
        """,
        UnsupportedSyntaxError,
        "3:16: a recursive call to a local function is not supported yet",
    ),
    "a local function stored": (
        """
        def f(x):
            g = lambda t: t
            return [g]
        """,
        UnsupportedSyntaxError,
        "3:13: a function defined here can only be called, not passed or stored",
    ),
    "too many arguments": (
        """
        def h(a):
            return a

        def f(x):
            return h(x, x)
        """,
        TypeError,
        "5:12: h() takes 1 positional arguments but 2 were given",
    ),
    "a missing argument": (
        """
        def h(a, b):
            return a

        def f(x):
            return h(x)
        """,
        TypeError,
        "5:12: h() is missing the argument 'b'",
    ),
    "an undefined name": (
        """
        def f(x):
            return x * scale
        """,
        NameError,
        "2:16: name 'scale' is not defined",
    ),
}


@pytest.mark.parametrize("name", ERRORS)
def test_errors_point_at_the_users_line(name):
    source, error, message = ERRORS[name]
    with pytest.raises(error) as info:
        lower_source(source)
    assert f">:{message}" in str(info.value)  # <source ...>:line:col
