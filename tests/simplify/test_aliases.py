"""One array under two names: each name's adjoint is its own.

The reverse sweep gives every name its own adjoint and adds one into the other
where the second name came from (``v = a``: ``a_bar += v_bar``). Simplified, two
adjoints can end up as one array under two names: a copy ``v3_bar = v2_bar``,
or a common part named once (``np.ones(a.shape)`` for both). A change in place
through one name (``v3_bar[1] += g``, ``v3_bar += g``) must then not be seen
through the other, or that contribution is counted twice. The programs bind a
second name every way one arises: plain rebinding (in loops and branches too),
views, items of tuples, lists and dicts read back, unpacking, helper
parameters; each is checked against central differences in both modes and at
second order. At second order the forward sweep over a gradient meets the same
in tangents: a tangent spread to an array's shape (``broadcast_like``) is a
read-only view, copied before an entry is added to it.
"""

from __future__ import annotations

import numpy as np
import pytest
from checks import assert_close, central_difference, check_forward, check_reverse
from conftest import make_function

import s2sad
from s2sad.ir.printer import body_source
from s2sad.simplify.examples import read, state
from s2sad.simplify.finish import finish

A = np.array([0.3, -0.5, 1.1])

PROGRAMS = {
    "rebound": """
        def f(x, a):
            v = a
            x = x * v[1] + v[0]
            return x + np.sum(v) + np.sum(a * a)
        """,
    "rebound in a while loop": """
        def f(x, a):
            v3 = a
            k4 = 0
            while k4 < 1:
                k4 += 1
                v5 = v3
                x = 0.5 * x + v5[0]
            v6 = a
            return x + np.sum(v3) + np.sum(v6)
        """,
    "rebound in a for loop": """
        def f(x, a):
            w = a
            for i in range(3):
                v = w
                x = x * v[i] + np.sum(v * w)
            return x + np.sum(w) + np.sum(a)
        """,
    "rebound in a branch": """
        def f(x, a):
            if x > 0.5:
                v = a
            else:
                v = a * 2.0
            x = np.sin(x) * v[2]
            return x + np.sum(v) + np.sum(a)
        """,
    "a view rebound": """
        def f(x, a):
            v2 = a[::1]
            v3 = v2
            x = v3[1]
            return x + np.sum(v2) + np.sum(v3)
        """,
    "views": """
        def f(x, a):
            v = a[1:]
            w = a[::-1]
            return x * v[0] + np.sum(v * v) + w[0] * np.sum(a) + np.sum(w)
        """,
    "a transpose": """
        def f(x, a):
            m = np.outer(a, a) * x
            t = m.T
            u = t
            return t[0, 1] + np.sum(m) + np.sum(u * u) + m[1, 2]
        """,
    "reshaped": """
        def f(x, a):
            r = np.reshape(a, (3, 1))
            q = a.reshape(1, 3)
            return r[1, 0] * x + np.sum(r) + q[0, 2] + np.sum(q * a)
        """,
    "an entry of a dict, unpacked from a tuple": """
        def f(x, a):
            d1 = {"u": x * x, "w": a}
            v3 = d1["w"]
            t4 = (a[-1], v3, x)
            s5, v6, s7 = t4
            x = v6[-1]
            return x + s7 * s5
        """,
    "items of a tuple unpacked": """
        def f(x, a):
            t1 = (a[-1], a, x - a[2])
            s2, v3, s4 = (t1[0], t1[1], t1[2])
            s2 += s2
            s5 = v3[1]
            return s5 + np.sum(v3) + s4 * s2
        """,
    "items of a list read back": """
        def f(x, a):
            items = [a, x * a]
            v = items[0]
            w = items[1]
            return v[0] * w[1] + np.sum(v) + np.sum(items[0]) + np.sum(a)
        """,
    "an item of a tuple next to a new array": """
        def f(x, a):
            v1 = np.array([(a[2] / (1.0 + x * x)), (a[1] * a[1]), a[2]])
            t3 = (np.dot(a, v1), a, v1[2])
            s4, v5, s6 = t3[0], t3[1], t3[2]
            return s4 + s6
        """,
    "items of a tuple unpacked in a loop": """
        def f(x, a):
            for e2 in a:
                t6 = (x / (1.0 + x * x), a, -x)
                s7, v8, s9 = (t6[0], t6[1], t6[2])
                x = 0.9 * x + s7 / (1.0 + v8[1] * v8[1]) / (1.0 + np.dot(a, v8) ** 2)
            return x
        """,
    "helper parameters": """
        def h(u, z):
            return z[0] * u + np.sum(z)

        def f(x, a):
            v = a
            return h(x, a) + h(x, v) + h(x, a[::1]) + np.sum(a)
        """,
    "a helper parameter rebound": """
        def h(u, z):
            w = z
            return w[1] * u + np.sum(z * w)

        def f(x, a):
            return h(x, a) + h(np.sin(x), a[::-1]) + a[0] * np.sum(a)
        """,
}


# Adjoints of containers that hold another name's array: ``items_bar = [a, v1]``, then
# ``items_bar[0] += g`` would change ``a`` itself (the caller's argument): it adds out of place.
CONTAINERS = {
    "a list read in a loop": """
        def f(x, a):
            items = [a * x, a]
            s = x
            for i in range(3):
                v = items[1]
                w = items[0]
                s = 0.5 * s + v[i] * w[i] + np.sum(v)
            return s + np.sum(items[1] * items[0])
        """,
    "a dict entry read twice in a loop": """
        def f(x, a):
            d = {"w": a, "u": x}
            v = d["w"]
            w = d["w"]
            k = 0
            while k < 2:
                k += 1
                x = x * v[k] + w[0] * d["u"]
            return x + np.sum(v) + np.sum(w) + np.sum(d["w"])
        """,
    "a tuple handed to a helper": """
        def h(t):
            v, s = t
            return np.sum(v) * s + v[0]

        def f(x, a):
            t = (a, x)
            return h(t) + h((a[1:], x)) + np.sum(t[0])
        """,
}
PROGRAMS.update(CONTAINERS)
# the gradient copies the list in the loop before adding to it; differentiating that again,
# the loop's next version of the list is taken for a view of the one changed in place
REFUSED_AT_GRAD_OF_GRAD: set[str] = set()  # none left: the statement-by-statement sharing check


def program(name: str):
    return make_function(PROGRAMS[name], "f")


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_both_modes(name):
    f = program(name)
    check_reverse(f, (0.7, A.copy()), wrt=(0, 1))
    check_forward(f, (0.7, A.copy()), wrt=(0, 1))


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_second_order(name):
    f = program(name)
    for wrt, direction in ((0, 0.6), (1, np.array([-0.8, 0.25, 0.5]))):
        grad = s2sad.grad(f, wrt=wrt)
        expected = central_difference(grad, (0.7, A.copy()), wrt, h=1e-5)
        assert_close(s2sad.hessian(f, wrt=wrt)(0.7, A.copy()), expected, 1e-4, f"hessian wrt {wrt}")
        hvp = s2sad.hvp(f, wrt=wrt)(0.7, A.copy(), direction)
        assert_close(hvp, np.dot(expected, direction), 1e-4, f"hvp wrt {wrt}")
    if name in REFUSED_AT_GRAD_OF_GRAD:  # a known gap (known_failures.md), refused clearly
        with pytest.raises(s2sad.DifferentiationError, match="shares memory"):
            s2sad.grad(s2sad.grad(f, wrt=0), wrt=0)(0.7, A.copy())
        return
    gg = s2sad.grad(s2sad.grad(f, wrt=0), wrt=0)(0.7, A.copy())
    expected = central_difference(s2sad.grad(f, wrt=0), (0.7, A.copy()), 0, h=1e-5)
    assert_close(gg, expected, 1e-4, "grad of grad")


def test_gradient_wrt_a_number_unpacked_from_a_tuple():
    """``_, _, v4_bar = t1_bar; x_bar = v4_bar``: the gradient takes the unpacked name."""
    f = program("items of a tuple unpacked")
    check_reverse(f, (0.7, A.copy()), wrt=(0,))
    text = s2sad.source(f, wrt=0, args=(0.7, A))
    assert "x_bar" in text.split("return", 1)[0], text


def test_finish_copies_an_array_two_names_hold():
    """``y_bar = v1`` with ``v1`` read later: ``y_bar`` is copied before it changes in place,
    and is handed over as it is (it is fresh after the copy)."""
    body = read(
        """
        v1 = np.ones(x.shape)
        y_bar = v1
        y_bar[0] += 2.0
        y_bar += x
        x_bar = v1 + y_bar
        return [as_gradient(x_bar, x), as_gradient(y_bar, y)]
        """
    )
    s = state(body, x=np.ones(3), y=np.ones(3))
    assert body_source(finish(s.fn, s.kinds).body).splitlines() == [
        "v1 = np.ones(x.shape)",
        "y_bar = v1",
        "y_bar = y_bar.copy()",
        "y_bar[0] += 2.0",
        "y_bar += x",
        "x_bar = v1 + y_bar",
        "return [x_bar, y_bar]",
    ]


def test_finish_adds_out_of_place_to_an_array_read_under_another_name():
    """``v3_bar = v6_bar`` then ``v3_bar += g`` in a loop: ``v6_bar`` is read after the loop."""
    body = read(
        """
        v6_bar = np.ones(x.shape)
        v3_bar = v6_bar
        for i in range(n):
            v3_bar += x
        a_bar = v6_bar + v3_bar
        return as_gradient(a_bar, x)
        """
    )
    s = state(body, x=np.ones(3), n=2)
    text = body_source(finish(s.fn, s.kinds).body)
    assert "v3_bar = v3_bar + x" in text, text


def test_finish_keeps_an_update_in_place_when_the_first_name_is_done_with():
    """``a_bar = v6_bar; a_bar += g`` with ``v6_bar`` read nowhere after: ``a_bar`` owns it."""
    body = read(
        """
        v6_bar = np.ones(x.shape)
        a_bar = v6_bar
        a_bar += x
        return as_gradient(a_bar, x)
        """
    )
    s = state(body, x=np.ones(3))
    text = body_source(finish(s.fn, s.kinds).body)
    assert "a_bar += x" in text and "copy" not in text, text


def test_finish_adds_out_of_place_to_an_array_in_a_list_it_did_not_make():
    """``items_bar = [a, v1]`` holds the argument ``a``: adding into ``items_bar[0]`` in place
    would change it, so the list is copied and the item added to out of place."""
    body = read(
        """
        items_bar = [a, v1]
        items_bar[0] += g
        return as_gradient(items_bar, items)
        """
    )
    s = state(body, a=np.ones(3), v1=np.ones(3), g=np.ones(3), items=[np.ones(3), np.ones(3)])
    s.fn.adjoints.add("items_bar")
    text = body_source(finish(s.fn, s.kinds).body)
    assert "items_bar = items_bar.copy()\nitems_bar[0] = items_bar[0] + g" in text, text
