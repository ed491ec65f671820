"""Each simplification pass alone: Python in, the exact Python it makes out.

A case is the input, read as IR just as written (``s2sad.simplify.examples``),
the pass, and the source after that pass and nothing else. Most cases show
where a pass must *not* act, since that is where a wrong rewrite would turn a
gradient silently wrong. The cases at the end start from what the reverse pass
really writes (``raw_ir``, the unsimplified derivative).
"""

from __future__ import annotations

import ast
import math
import textwrap
from dataclasses import dataclass, field

import numpy as np
import pytest
from checks import assert_close, central_difference
from conftest import make_function

import s2sad
from s2sad.api.inspection import program
from s2sad.ir import printer
from s2sad.ir.printer import body_source
from s2sad.simplify import PASSES, State
from s2sad.simplify.accumulate import first_writes, fuse
from s2sad.simplify.coalesce import coalesce
from s2sad.simplify.cse import cse
from s2sad.simplify.dce import dead_tapes, live_code
from s2sad.simplify.defaults import drop_defaults
from s2sad.simplify.displays import gather, read_displays, split_unpacks
from s2sad.simplify.examples import run
from s2sad.simplify.inline import inline, inline_views
from s2sad.simplify.order import hoist_common, tangent_first
from s2sad.simplify.propagate import propagate, rename_into_results
from s2sad.simplify.shapes import fold_ones, reroot_shapes


@dataclass
class Case:
    name: str
    pass_: object
    source: str
    expected: str
    samples: dict = field(default_factory=dict)
    tapes: tuple[str, ...] = ()


CASES = [
    Case(
        "propagate: a copy is not read for its source after the source changes",
        propagate,
        """
        a = x
        x = 2.0 * x
        y = a + x
        return y
        """,
        """
        a = x
        x = 2.0 * x
        y = a + x
        return y
        """,
    ),
    Case(
        "propagate: a copy made before a loop is read inside it",
        propagate,
        """
        v1 = g
        for i in range(n):
            s_bar = v1 * s
        return s_bar
        """,
        """
        for i in range(n):
            s_bar = g * s
        return s_bar
        """,
    ),
    Case(
        "rename_into_results: a gradient unpacked from a tuple keeps its name",
        rename_into_results,
        """
        _, _, v4_bar = t1_bar
        x_bar = v4_bar
        return as_gradient(x_bar, x)
        """,
        """
        _, _, x_bar = t1_bar
        return as_gradient(x_bar, x)
        """,
    ),
    Case(
        "cse: two new arrays to fill in stay two arrays",
        cse,
        """
        v3_bar = np.ones(v2.shape)
        v2_bar = np.ones(v2.shape)
        v3_bar[1] += g
        v2_bar += v3_bar
        return v2_bar
        """,
        """
        v3_bar = np.ones(v2.shape)
        v2_bar = np.ones(v2.shape)
        v3_bar[1] += g
        v2_bar += v3_bar
        return v2_bar
        """,
        {"v2": np.ones(3)},
    ),
    Case(
        "read_displays: a negative index counts from the end",
        read_displays,
        """
        xs = [a, b, c]
        return xs[-1] * xs[0]
        """,
        """
        xs = [a, b, c]
        return c * a
        """,
    ),
    Case(
        "gather: an item nothing was added to is its zero",
        gather,
        """
        d_bar = zeros_of(d)
        d_bar["w"] += g
        return d_bar
        """,
        """
        d_bar = {'w': g, 'b': 0.0}
        return d_bar
        """,
        {"d": {"w": 1.0, "b": 2.0}},
    ),
    Case(
        "split_unpacks: not when an item reads a target (a swap)",
        split_unpacks,
        """
        a, b = [b, a]
        return a
        """,
        """
        a, b = [b, a]
        return a
        """,
    ),
    Case(
        "reroot_shapes: a variable of the user's lives anyway",
        reroot_shapes,
        """
        y = np.sin(x)
        v1 = np.zeros(y.shape)
        return v1
        """,
        """
        y = np.sin(x)
        v1 = np.zeros(y.shape)
        return v1
        """,
        {"x": np.ones(3)},
    ),
    Case(
        "fold_ones: a number times np.ones(5) is an array, not the number",
        fold_ones,
        """
        g = np.ones(5)
        y = h * g
        return y
        """,
        """
        g = np.ones(5)
        y = h * g
        return y
        """,
        {"h": 1.0},
    ),
    Case(
        "live_code: a write into an array stays while a view of it is read; a decided branch is inlined",
        live_code,
        """
        y = np.zeros(3)
        v = y[1:]
        y[1] = x
        if True:
            z = v * 2.0
        else:
            z = v
        return z
        """,
        """
        y = np.zeros(3)
        v = y[1:]
        y[1] = x
        z = v * 2.0
        return z
        """,
        {"x": 1.0},
    ),
    Case(
        "live_code: what the next iteration reads stays",
        live_code,
        """
        a = 0.0
        b = 0.0
        for i in range(n):
            b = a * 2.0
            a = x + i
            c = a * 3.0
        return b
        """,
        """
        a = 0.0
        b = 0.0
        for i in range(n):
            b = a * 2.0
            a = x + i
        return b
        """,
        {"x": 1.0, "n": 3},
    ),
    Case(
        "live_code: an if whose branches do the same is not needed",
        live_code,
        """
        if c > 0:
            y = x * 2.0
        else:
            y = x * 2.0
        return y
        """,
        """
        y = x * 2.0
        return y
        """,
    ),
    Case(
        "dead_tapes: pushes inside a loop go with the tape",
        dead_tapes,
        """
        t = []
        for i in range(n):
            t.append(x * i)
        return x
        """,
        """
        return x
        """,
        tapes=("t",),
    ),
    Case(
        "cse: a part inside one branch of a conditional expression is not named",
        cse,
        """
        v1 = np.exp(x) if c else np.exp(x) + 1.0
        v2 = np.exp(x) * 2.0
        return v1 + v2
        """,
        """
        v1 = np.exp(x) if c else np.exp(x) + 1.0
        v2 = np.exp(x) * 2.0
        return v1 + v2
        """,
    ),
    Case(
        "fuse: not across a read of the adjoint",
        fuse,
        """
        x_bar = a * g
        y = x_bar * 2.0
        x_bar += b
        return x_bar + y
        """,
        """
        x_bar = a * g
        y = x_bar * 2.0
        x_bar += b
        return x_bar + y
        """,
    ),
    Case(
        "first_writes: a range from -1 may write one element twice (xs[-1])",
        first_writes,
        """
        c_bar = np.zeros(c.shape)
        for i in range(-1, n):
            c_bar[i] += p_bar
        return c_bar
        """,
        """
        c_bar = np.zeros(c.shape)
        for i in range(-1, n):
            c_bar[i] += p_bar
        return c_bar
        """,
    ),
    Case(
        "first_writes: a reversed range has distinct indices too",
        first_writes,
        """
        c_bar = np.zeros(c.shape)
        for i in reversed(range(n)):
            c_bar[i] += p_bar
        return c_bar
        """,
        """
        c_bar = np.zeros(c.shape)
        for i in reversed(range(n)):
            c_bar[i] = p_bar
        return c_bar
        """,
    ),
    Case(
        "inline: not past a write of what the value reads",
        inline,
        """
        v1 = x * 2.0
        x = 3.0
        y = v1 + x
        return y
        """,
        """
        v1 = x * 2.0
        x = 3.0
        y = v1 + x
        return y
        """,
    ),
    Case(
        "inline: a pop not past a read of its list",
        inline,
        """
        v1 = r.pop()
        v2, = r
        y = v1 * x + v2
        return y
        """,
        """
        v1 = r.pop()
        v2, = r
        y = v1 * x + v2
        return y
        """,
    ),
    Case(
        "inline: effects keep their order",
        inline,
        """
        v1 = np.random.normal()
        v2 = np.random.normal()
        y = v2 + v1
        return y
        """,
        """
        v1 = np.random.normal()
        y = np.random.normal() + v1
        return y
        """,
    ),
    Case(
        "inline_views: a filled array read only elementwise is its fill value",
        inline_views,
        """
        v1 = np.full(x.shape, 2.0)
        v2 = v1 * x
        return v2
        """,
        """
        v2 = 2.0 * x
        return v2
        """,
        {"x": np.ones(3)},
    ),
    Case(
        "inline_views: not where another block reads it too",
        inline_views,
        """
        if c:
            v1 = m.T
            y = v1 @ m
        if c:
            g = v1.T @ y
        else:
            g = m
        return g
        """,
        """
        if c:
            v1 = m.T
            y = v1 @ m
        if c:
            g = v1.T @ y
        else:
            g = m
        return g
        """,
    ),
    Case(
        "inline_views: not where a reduction reads it",
        inline_views,
        """
        v1 = np.full(x.shape, 2.0)
        v2 = v1 * x
        v3 = np.sum(v1)
        return v2 + v3
        """,
        """
        v1 = np.full(x.shape, 2.0)
        v2 = v1 * x
        v3 = np.sum(v1)
        return v2 + v3
        """,
        {"x": np.ones(3)},
    ),
    Case(
        "drop_defaults: an argument that differs from the default stays",
        drop_defaults,
        """
        y = np.sum(x, axis=0, keepdims=False)
        return y
        """,
        """
        y = np.sum(x, axis=0)
        return y
        """,
    ),
    Case(
        "hoist_common: an if with an empty body tests the opposite",
        hoist_common,
        """
        if c > 0:
            pass
        else:
            y_bar = g
        return y_bar
        """,
        """
        if not c > 0:
            y_bar = g
        return y_bar
        """,
    ),
    Case(
        "tangent_first: not when the tangent reads the new value",
        tangent_first,
        """
        x_2 = x_1 * x_1
        x_2_dot = x_2 * x_1_dot
        return [x_2, x_2_dot]
        """,
        """
        x_2 = x_1 * x_1
        x_2_dot = x_2 * x_1_dot
        return [x_2, x_2_dot]
        """,
    ),
    Case(
        "coalesce: an adjoint follows its variable's new name",
        coalesce,
        """
        x_1 = x
        for i in range(n):
            x_2 = x_1 * 0.5
            x_1 = x_2
        x_2_bar = g
        return [x_1, x_2_bar]
        """,
        """
        x_1 = x
        for i in range(n):
            x_1 = x_1 * 0.5
        x_1_bar = g
        return [x_1, x_1_bar]
        """,
    ),
    Case(
        "coalesce: adjoints are not versions of one variable",
        coalesce,
        """
        x_1_bar = g
        x_2_bar = x_1_bar * 2.0
        return as_gradient(x_2_bar, x)
        """,
        """
        x_1_bar = g
        x_2_bar = x_1_bar * 2.0
        return as_gradient(x_2_bar, x)
        """,
    ),
]


def same_source(text: str, expected: str) -> bool:
    """Exactly the same with the printer the goldens were made with; the same code elsewhere
    (``ast.unparse`` spells parentheses differently)."""
    if printer.PRINTER == "astor":
        return text == expected

    def tree(s: str) -> str:
        return ast.dump(ast.parse("def f():\n" + textwrap.indent(s, "    ")))

    return tree(text) == tree(expected)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_pass_alone(case: Case):
    out = run(case.pass_, textwrap.dedent(case.source), tapes=case.tapes, **case.samples)
    expected = textwrap.dedent(case.expected).strip()
    assert same_source(out, expected), out


# --------------------------------------------------------- from the reverse pass


def baydin(x1, x2):
    return math.log(x1) + x1 * x2 - math.sin(x2)


def least_squares(w, X, y):
    return np.mean((X @ w - y) ** 2)


def power(x, n):
    y = 1.0
    for _ in range(n):
        y = y * x
    return y


def raw(f, wrt, args=None) -> tuple[list, State]:
    """The derivative of ``f`` as the reverse pass wrote it, and the state to simplify it with."""
    stages = program(f, "reverse", wrt, args, None, "source").stages
    return stages.raw_ir.body, State.of(stages.raw_ir, dict(stages.kinds))


BAYDIN_RAW = """
v1 = math.log(x1)
v2 = x1 * x2
v3 = math.sin(x2)
v4 = v1 + v2
v5 = v4 - v3
v5_bar = 1.0
v4_bar = v5_bar
v3_bar = -v5_bar
v1_bar = v4_bar
v2_bar = v4_bar
x2_bar = v3_bar * math.cos(x2)
x1_bar = v2_bar * x2
x2_bar += v2_bar * x1
x1_bar += v1_bar / x1
return as_gradient(x1_bar, x1), as_gradient(x2_bar, x2)
"""


def check(body, expected: str) -> None:
    text = body_source(body).strip()
    assert same_source(text, textwrap.dedent(expected).strip()), text


def test_baydin_propagate():
    """Copies of adjoints disappear into their uses, and ``1.0 * e`` is ``e``."""
    body, state = raw(baydin, (0, 1))
    check(body, BAYDIN_RAW)
    check(
        propagate(body, state),
        """
        v1 = math.log(x1)
        v2 = x1 * x2
        v3 = math.sin(x2)
        v4 = v1 + v2
        v5 = v4 - v3
        x2_bar = -math.cos(x2)
        x1_bar = x2
        x2_bar += x1
        x1_bar += 1.0 / x1
        return as_gradient(x1_bar, x1), as_gradient(x2_bar, x2)
        """,
    )


def test_least_squares_first_rounds():
    """``v3.shape`` reads ``v2.shape`` (``v3 = v2 ** 2`` is elementwise), so ``v3`` and
    the primal result go; not ``v1.shape``: ``v1 - y`` has the shape of ``v1`` only if
    ``y`` broadcasts to it, which kinds cannot tell."""
    body, state = raw(least_squares, 0, (np.ones(3), np.ones((4, 3)), np.ones(4)))
    check(
        body,
        """
        v1 = X @ w
        v2 = v1 - y
        v3 = v2 ** 2
        v4 = np.mean(v3)
        v4_bar = 1.0
        v3_bar = np.full(v3.shape, v4_bar / v3.size)
        v2_bar = v3_bar * (2 * v2)
        v1_bar = v2_bar
        w_bar = X.T @ v1_bar
        return as_gradient(w_bar, w)
        """,
    )
    for p in PASSES[:2]:  # rename_into_results, then the rounds
        body = p(body, state)
    check(
        body,
        """
        v1 = X @ w
        v2 = v1 - y
        v3_bar = np.full(v2.shape, 1.0 / v2.size)
        v2_bar = v3_bar * (2 * v2)
        w_bar = X.T @ v2_bar
        return as_gradient(w_bar, w)
        """,
    )


def test_power_coalesce():
    """The versions of ``y`` share its name again, and their adjoints follow; the adjoint
    sweep reads ``y`` back from the tape."""
    body, state = raw(power, 0, (2.0, 3))
    check(
        body,
        """
        y_1_tape = []
        y = 1.0
        y_1 = y
        for _ in range(n):
            y_1_tape.append(y_1)
            y_2 = y_1 * x
            y_1 = y_2
        y_1_bar = 1.0
        x_bar = 0.0
        for _ in reversed(range(n)):
            y_1 = y_1_tape.pop()
            y_2_bar = y_1_bar
            y_1_bar = y_2_bar * x
            x_bar += y_2_bar * y_1
        return as_gradient(x_bar, x)
        """,
    )
    check(
        coalesce(body, state),
        """
        y_1_tape = []
        y = 1.0
        for _ in range(n):
            y_1_tape.append(y)
            y = y * x
        y_bar = 1.0
        x_bar = 0.0
        for _ in reversed(range(n)):
            y = y_1_tape.pop()
            y_2_bar = y_bar
            y_bar = y_2_bar * x
            x_bar += y_2_bar * y
        return as_gradient(x_bar, x)
        """,
    )


# ------------------------------------------------------------------- the pass list


def test_pass_order():
    assert [p.__name__ for p in PASSES] == [
        "rename_into_results",
        "rounds(propagate, read_displays, reroot_shapes, fold_ones, live_code)",
        "cse",
        "fuse",
        "plain_complex",
        "propagate",
        "fold_ones",
        "gather",
        "split_unpacks",
        "read_displays",
        "propagate",
        "cse",
        "live_code",
        "inline_views",
        "inline",
        "fold_ones",
        "if_unpacks(split_unpacks, propagate, inline)",
        "live_code",
        "repeat(dead_tapes, 3)",
        "drop_defaults",
        "float_literals",
        "first_writes",
        "hoist_common",
        "tangent_first",
        "coalesce",
        "tangent_first",
    ]


def test_branches_that_write_different_entries_are_not_the_same_code():
    # The branches differ only in the index they write. Taken for the same code, one branch
    # was kept for both, and grad gave 0.0 at c < 0 (the gradient is 2 * x = 6.0 either way).
    f = make_function(
        """
        def f(x, c):
            y = np.zeros(2)
            if c > 0:
                y[0] = x
            else:
                y[1] = x
            return np.sum(y * y)
        """,
        np=np,
    )
    df = s2sad.grad(f)
    assert df(3.0, 1.0) == pytest.approx(6.0)
    assert df(3.0, -1.0) == pytest.approx(6.0)


def test_a_spread_tangent_is_copied_before_it_is_changed_in_place():
    """``broadcast_like`` gives a read-only view: the Hessian of a loop that returns early
    (a tangent of an adjoint spread, then added into at an index) copies it first."""
    f = make_function(
        """
        def f(x, a):
            v1 = 0.5 * a
            s6 = x
            for i7 in range(2):
                if not i7:
                    x = a[i7] / s6
                else:
                    return x
                s6 = a @ v1
        """
    )
    args = [0.7, np.array([0.3, -0.5, 1.1])]
    expected = central_difference(s2sad.grad(f, wrt=1), args, 1)
    assert_close(s2sad.hessian(f, wrt=1)(*args), expected, 1e-4, "hessian")


def test_new_arrays_changed_in_place_are_not_made_one():
    """Two zero adjoints, each added into in place, stay two arrays (cse named them once)."""
    h1 = make_function("def h1(u, z, w):\n    return z[1]\n")
    f = make_function("def f(x, a):\n    s3 = h1(x, a - x, 1.0)\n    return s3 + a[0]\n", h1=h1)
    gx, ga = s2sad.grad(f, wrt=(0, 1))(0.7, np.array([0.3, -0.5, 1.1]))
    assert gx == -1.0
    assert_close(ga, [1.0, 1.0, 0.0], 1e-12, "gradient with respect to a")
