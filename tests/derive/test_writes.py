"""Writes in place into fresh arrays and copies (``y = np.zeros(3); y[i] = ...``,
``y = a.copy(); y[2] = ...``): in loops, in branches, through slices, as stencils,
read again after the write, at first and second order."""

from __future__ import annotations

import numpy as np
import pytest
from checks import assert_close, central_difference, check_forward, check_reverse
from conftest import make_function

import s2sad

X, A = 0.7, np.array([0.3, -0.5, 1.1])


def check_second_order(f, args):
    """The Hessian in each argument, a Hessian-vector product and, for a number ``x``,
    grad of grad, against central differences of the gradient."""
    for i in range(len(args)):
        grad = s2sad.grad(f, wrt=i)
        expected = central_difference(grad, args, i)
        assert_close(s2sad.hessian(f, wrt=i)(*args), expected, 1e-4, f"hessian wrt argument {i}")
        if isinstance(args[i], np.ndarray):
            v = np.linspace(-0.8, 0.5, args[i].size).reshape(args[i].shape)
            assert_close(s2sad.hvp(f, wrt=i)(*args, v), expected @ v, 1e-4, f"hvp wrt argument {i}")
        else:
            gg = s2sad.grad(grad, wrt=i)(*args)
            assert_close(gg, expected, 1e-4, f"grad of grad wrt argument {i}")


def check_everything(source, args=(X, A)):
    f = make_function(source, "f")
    args = tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)
    wrt = range(len(args))
    check_reverse(f, args, wrt)
    check_forward(f, args, wrt)
    check_second_order(f, args)


WRITES = {
    # a copy written in a loop: the reversed iteration must see the copy as it was after
    # the write (the overwritten entry gets no adjoint)
    "copy_in_loop": """
        def f(x, a):
            s = x
            for i in range(3):
                y = a.copy()
                y[2] = math.sin(a[0])
                s = 0.5 * s + np.sin(np.dot(a, y))
            return x + s + x
        """,
    # read before and after the write in one iteration
    "copy_read_before_and_after": """
        def f(x, a):
            s = x
            for i in range(2):
                y = a * s
                v = y * y
                y[1] = np.tanh(s)
                s = np.sum(v) + np.dot(y, a)
            return s
        """,
    # a fresh array written in a loop, then read with its adjoint shared at second order
    "zeros_written_in_loop": """
        def f(x, a):
            y = np.zeros(3)
            for i in range(3):
                y[i] = a[-1]
            x -= np.array([a[0], x, x]) @ (a + y)
            return x + np.sum(y)
        """,
    "zeros_written_with_the_counter": """
        def f(x, a):
            y = np.zeros(3)
            for i in range(3):
                y[i] = a[i] * x + y[i - 1]
            return np.sum(y * y)
        """,
    "write_in_branch": """
        def f(x, a):
            y = a * x
            if x > 0.5:
                y[0] = np.sin(a[1])
            else:
                y[1] = x * x
            return np.dot(y, y) + y[0]
        """,
    "write_in_branch_in_loop": """
        def f(x, a):
            y = np.ones(3)
            for i in range(3):
                if a[i] > 0.0:
                    y[i] = x * a[i]
                else:
                    y[i] *= a[i] * a[i]
            return np.sum(y * a) * x
        """,
    "slice_written": """
        def f(x, a):
            y = a.copy()
            y[1:] = x * a[:-1]
            y[:2] += np.cos(y[1:])
            return np.sum(y * y)
        """,
    "copy_entry_scaled_in_helper": """
        def h(u, z):
            y = z.copy()
            y[2] *= np.dot(z, u * z)
            return y

        def f(x, a):
            v = h(x, a)
            return np.sum(v * v) + x
        """,
    "stencil_of_copies": """
        def f(x, a):
            u = a * x
            for step in range(3):
                new = u.copy()
                new[1:-1] = u[1:-1] + 0.1 * (u[2:] - 2.0 * u[1:-1] + u[:-2])
                u = new
            return np.sum(u * u)
        """,
    "write_then_read_at_second_order": """
        def f(x, a):
            y = np.zeros(3)
            y[0] = x * x
            y[1:] = a[1:] * y[0]
            z = y * a
            return np.sum(z * y) + x * y[2]
        """,
    "adjoint_of_copy_added_to": """
        def f(x, a):
            y = a.copy()
            y[0] = x
            w = y
            return np.dot(w, a) + np.sum(a * a) * x
        """,
    # grad of grad: the derivative code's own changes in place are differentiated again
    "copies_of_copies_at_second_order": """
        def f(x, a):
            y1 = a.copy()
            y1[0] = x * x
            y2 = y1.copy()
            y2[1] *= x
            return np.sum(y1 * y2) + y2[0]
        """,
    # the tangent of an adjoint is a read-only broadcast where kinds are not known (a dict's
    # item): the Hessian program copies it before it adds into it
    "broadcast_tangent_added_into": """
        def f(x, a):
            s1 = a[::-1] @ a
            d = {"u": x, "w": a}
            return d["u"] + s1
        """,
}


@pytest.mark.parametrize("name", sorted(WRITES))
def test_writes_in_place(name):
    check_everything(WRITES[name])


def test_copy_in_loop_tape_keeps_the_written_copy():
    """The reversed iteration pops the copy as the iteration left it, after the write."""
    f = make_function(WRITES["copy_in_loop"])
    text = s2sad.source(f, wrt=1, args=(X, A))
    write = text.index("y_1[2] = math.sin(a[0])") if "y_1[2]" in text else text.index("y[2] = math.sin(a[0])")
    assert text.index("_tape.append(") > write, text


def test_an_item_of_a_list_is_not_a_view_of_it():
    """``v = items[0]`` holds the item: a change to the list's slot does not change ``v``."""
    from s2sad.analysis.examples import argument_kinds, lowered
    from s2sad.analysis.infer import infer
    from s2sad.analysis.sharing import check_aliases

    def f(x):
        items = [x * 1.0, x * 2.0]
        v = items[0]
        items[0] = x * 3.0
        return np.sum(v)

    fn = lowered(f)
    check_aliases(fn, infer(fn, argument_kinds(fn, x=np.ones(3))))
