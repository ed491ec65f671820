"""Errors are part of the interface: where, what, and what to write instead."""

import math
import re

import numpy as np
import pytest
from conftest import make_function

import s2sad
from s2sad import DifferentiationError, MissingRuleError, UnsupportedSyntaxError


def test_message_layout():
    f = make_function(
        """
        def f(x):
            y = x * 2.0
            try:
                y = y + 1.0
            except ValueError:
                pass
            return y
        """
    )
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(f)(1.0)
    lines = str(info.value).splitlines()
    assert re.fullmatch(r"<test-source-\d+>:3:5: a `try` statement is not supported", lines[0])
    assert lines[1] == "    try:"
    assert lines[2] == "    ^"
    assert lines[3] == "Move the code that may raise out of the differentiated function."
    err = info.value
    assert err.location.line == 3 and err.location.col == 5
    assert isinstance(err, DifferentiationError)


UNSUPPORTED = [
    ("with open('f') as h:\n        pass", "`with` statement", 2, 5),
    ("global G\n    G = x", "`global` statement", 2, 5),
    ("class C:\n        pass", "class definition", 2, 5),
    ("import os", "`import` inside the function", 2, 5),
    ("del x", "`del` statement", 2, 5),
    ("raise ValueError()", "`raise` statement", 2, 5),
    ("y = {v for v in x}", "set comprehension", 2, 9),
    ("y = (yield x)", "`yield`", 2, 10),
    ("y = {1: x}", "dict display with keys other than strings", 2, 9),
    ("y = np.sum(*x)", "`*x`: its length is not known when the function is transformed", 2, 16),
    ("x[0] = 1.0", "changes an argument in place", 2, 5),
    ("x.a = 1.0", "assignment to an attribute", 2, 5),
    ("match x:\n        case 1.0:\n            pass", "`match` statement", 2, 5),
    ("for i in range(3):\n        pass\n    else:\n        pass", "`else` clause on a loop", 2, 5),
    ("y = {v: v for v in x}", "dict comprehension", 2, 9),
    ("y = lambda: (yield)", "`yield`", 2, 18),
]


@pytest.mark.parametrize("body,what,line,col", UNSUPPORTED, ids=[u[1] for u in UNSUPPORTED])
def test_unsupported_constructs(body, what, line, col):
    f = make_function(f"def f(x):\n    {body}\n    return x\n")
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(f)(1.0)
    message = str(info.value)
    assert what in message.splitlines()[0]
    assert info.value.location.line == line and info.value.location.col == col
    assert "^" in message and len(message.splitlines()) >= 4, message


def test_star_parameters():
    f = make_function("def f(*xs):\n    return xs[0]\n")
    with pytest.raises(UnsupportedSyntaxError, match=r"\*args"):
        s2sad.grad(f)(1.0)


def test_async_def():
    f = make_function("async def f(x):\n    return x\n")
    with pytest.raises(UnsupportedSyntaxError, match="async def"):
        s2sad.grad(f)


def test_source_not_available():
    f = eval("lambda x: x * 2")
    with pytest.raises(UnsupportedSyntaxError, match="cannot read the source"):
        s2sad.grad(f)(1.0)


def test_undefined_name():
    f = make_function("def f(x):\n    return x * missing_name\n")
    with pytest.raises(NameError, match="missing_name"):
        s2sad.grad(f)(1.0)


def test_missing_rule_message():
    # math.gamma: examples/extending.py gives math.lgamma a rule when the docs tests import it
    f = make_function("def f(x):\n    y = math.gamma(x)\n    return y\n")
    with pytest.raises(MissingRuleError) as info:
        s2sad.grad(f)(2.5)
    lines = str(info.value).splitlines()
    assert lines[0].endswith("2:9: no derivative rule for `math.gamma`")
    assert lines[1] == "    y = math.gamma(x)"
    assert "s2sad.defvjp(math.gamma" in str(info.value)


def test_missing_rule_only_when_needed():
    """A function without a rule is fine where no derivative flows through it."""
    f = make_function("def f(x, n):\n    return x * math.lgamma(n)\n")
    assert s2sad.grad(f)(2.0, 3.5) == math.lgamma(3.5)


def test_unsupported_argument_of_a_rule():
    f = make_function("def f(x):\n    return np.sum(x, where=x > 0)\n")
    with pytest.raises(UnsupportedSyntaxError, match="`where` is not supported"):
        s2sad.grad(f)(np.ones(3))


def test_form_a_rule_does_not_cover():
    """A rule meeting a form it does not cover says which, rather than give a number."""
    f = make_function("def f(x):\n    return np.sum(np.linalg.norm(x, 3, axis=(0, 2)))\n")
    with pytest.raises(MissingRuleError, match="np.linalg.norm of a matrix with ord=3"):
        s2sad.grad(f)(np.ones((2, 3, 4)))


def test_library_function_without_rule():
    """A Python function of a library (here NumPy's unwrap) is not inlined: it needs a rule."""
    f = make_function("def f(c, x):\n    return np.sum(np.unwrap(c * x))\n")
    with pytest.raises(MissingRuleError, match="np.unwrap"):
        s2sad.grad(f, wrt=1)(np.array([1.0, 2.0]), 3.0)


SHARED_MEMORY = {
    "copy": (
        "y = x.copy()\n    z = y\n    y[0] = 5.0\n    return np.sum(z * x)",
        "`z` shares memory with `y`",
    ),
    "view": (
        "y = x.copy()\n    v = y[1:]\n    y[1] = 5.0\n    return np.sum(v)",
        "`v` shares memory with `y`",
    ),
    "view in a loop": (
        "y = x + 0.0\n    v = y[0:2]\n    s = 0.0\n    for i in range(3):\n        s = s + v[0]\n"
        "        y[0] = s\n    return s",
        "`v` shares memory with `y`",
    ),
    "augmented": ("y = x\n    x += 1.0\n    return np.sum(y * x)", "`y` shares memory with `x`"),
    # an item read back from a container that holds the array is the array (found by fuzzing)
    "an item of a dict": (
        "y = x.copy()\n    d = {'p': y}\n    v = d['p']\n    y[1] += x[0]\n    return np.sum(y) + np.sum(v)",
        "`v` shares memory with `y`",
    ),
    "an item of a list in a dict": (
        "y = np.zeros(3)\n    d = {'p': [y, x[0]]}\n    v = d['p'][0]\n"
        "    np.add.at(y, np.array([1, 0]), x[2])\n    return np.sum(y) + np.sum(v)",
        "`v` shares memory with `y`",
    ),
    "an item unpacked from a tuple": (
        "y = x * 1.0\n    t = (y, x)\n    v, w = t\n    y[0] = 2.0 * x[1]\n    return np.sum(v * w)",
        "`v` shares memory with `y`",
    ),
    "an item read by a computed index": (
        "y = x * 1.0\n    t = [y, x]\n    s = 0.0\n    for i in range(2):\n        v = t[i]\n"
        "        y[0] = 2.0 * x[1]\n        s = s + np.sum(v)\n    return s",
        "`v` shares memory with `y`",
    ),
}


@pytest.mark.parametrize("name", SHARED_MEMORY)
def test_read_through_another_name_after_a_change_in_place(name):
    """Python would show the change through the other name; the adjoint cannot follow it."""
    body, message = SHARED_MEMORY[name]
    f = make_function(f"def f(x):\n    {body}\n")
    with pytest.raises(UnsupportedSyntaxError, match=re.escape(message)) as info:
        s2sad.grad(f)(np.array([0.5, 1.5, 2.0]))
    assert "copy()" in str(info.value).splitlines()[-1]


@pytest.mark.parametrize(
    "body",
    [
        "y = x.copy()\n    y[0] = 5.0\n    v = y[1:]\n    return np.sum(v * y[0])",  # made after the change
        "y = x.copy()\n    a = y[0]\n    y[0] = 5.0\n    return a * y[1]",  # a number is a copy
        "y = x.copy()\n    s = np.sum(y[1:] * 2.0)\n    y[1] = 5.0\n    return s + np.sum(y)",  # read before
        "y = np.zeros(3)\n    y += x\n    y += x * x\n    return np.sum(y ** 2)",
        "y = x.copy()\n    d = {'p': y}\n    v = d['p'].copy()\n    y[0] = 5.0\n    return np.sum(v * y)",
        "y = x.copy()\n    t = (y, x)\n    w = t[1]\n    y[0] = 5.0\n    return np.sum(w * y)",  # t[1]: x
    ],
)
def test_changes_in_place_that_are_fine(body):
    f = make_function(f"def f(x):\n    {body}\n")
    x = np.array([0.5, 1.5, 2.0])
    s2sad.check_grad(f, x)


SHARED_MEMORY_NAMES = {
    # the array changed is a later version of `y` (y_1 in SSA form): the message says `y`
    "version": (
        "y = x * 1.0\n    y = y * 2.0\n    z = y\n    y[0] = 5.0\n    return np.sum(z * x)",
        "`z` shares memory with `y`",
        6,
    ),
    # in a loop: the line that reads the stale name, not the loop
    "loop": (
        "y = x * 1.0\n    z = y[0:2]\n    s = 0.0\n    for i in range(2):\n        s = s + np.sum(z)\n"
        "        y[0] = s\n    return s",
        "`z` shares memory with `y`",
        6,
    ),
}


@pytest.mark.parametrize("name", SHARED_MEMORY_NAMES)
def test_shared_memory_names_the_users_variable_and_line(name):
    body, message, line = SHARED_MEMORY_NAMES[name]
    f = make_function(f"def f(x):\n    {body}\n")
    with pytest.raises(UnsupportedSyntaxError, match=re.escape(message)) as info:
        s2sad.grad(f)(np.array([0.5, 1.5, 2.0]))
    assert f":{line}:" in str(info.value).splitlines()[0], str(info.value)
    assert "_1" not in str(info.value), str(info.value)


def test_assignment_into_an_argument_names_the_users_variable():
    body = "y = x * 1.0\n    for i in range(2):\n        y = x\n    y[0] = 1.0\n    return np.sum(y)"
    f = make_function(f"def f(x):\n    {body}\n")
    message = "assignment into `y` changes an argument"
    with pytest.raises(UnsupportedSyntaxError, match=re.escape(message)) as info:
        s2sad.grad(f)(np.array([0.5, 1.5, 2.0]))
    assert "Copy it first: y = y.copy()" in str(info.value)


@pytest.mark.parametrize(
    "body",
    [
        # a copy made on each iteration, written, then bound to the loop's variable
        "u = x * 1.0\n    for i in range(3):\n        new = u.copy()\n        new[1:] = 0.5 * u[:-1]\n"
        "        u = new\n    return np.sum(u * u)",
        # a copy of a copy written in place: the first is not read after
        "y = x.copy()\n    z = y\n    z[0] = 5.0\n    return np.sum(z * x)",
        # only the shape of the view is read after the change
        "y = x * 1.0\n    v = y[1:]\n    y[1] = 5.0\n    return np.sum(y * x) + v.shape[0]",
    ],
)
def test_more_changes_in_place_that_are_fine(body):
    f = make_function(f"def f(x):\n    {body}\n")
    s2sad.check_grad(f, np.array([0.5, 1.5, 2.0]))


def test_an_undefined_name_on_a_path_that_does_not_run_is_a_clear_error():
    """s2sad reads every path; the error is an UnsupportedSyntaxError, and a NameError."""
    f = make_function("def f(x):\n    if x > 0:\n        return x\n    return s4\n")
    with pytest.raises(s2sad.UndefinedNameError, match="name 's4' is not defined") as info:
        s2sad.grad(f)(1.0)
    assert isinstance(info.value, NameError) and isinstance(info.value, s2sad.UnsupportedSyntaxError)
    assert info.value.location.line == 4 and "every path" in info.value.hint


@pytest.mark.parametrize(
    "body, item",
    [
        ("items = [x * 2.0, x]\n    items[0] += x\n    return np.sum(items[0] * items[1])", "items[0]"),
        ("d = {'w': x * 2.0}\n    d['w'] -= 0.5 * x\n    return np.sum(d['w'] ** 2)", "d['w']"),
    ],
)
def test_adding_in_place_into_an_array_a_container_holds(body, item):
    """``c[k] += v`` and ``c[k] -= v`` change the array in the container, which other names
    may hold: refused, with the spelling that makes a new array."""
    f = make_function(f"def f(x):\n    {body}\n")
    with pytest.raises(UnsupportedSyntaxError, match=re.escape(f"`{item} += ...` (or `-=`)")) as info:
        s2sad.grad(f)(np.array([0.5, 1.5, 2.0]))
    assert f"Make a new array: {item} = {item} + ... (or - ...)" in str(info.value)


def test_subtracting_in_place_from_an_array():
    """``y[1:] -= y[:-1]`` changes ``y`` in place, as ``+=`` does."""
    f = make_function(
        "def f(x):\n    y = x * x\n    y[1:] -= y[:-1]\n    y[0] -= x[2]\n    return np.sum(y * y)\n"
    )
    x = np.array([0.5, 1.5, 2.0])
    s2sad.check_grad(f, x)
    assert "y[0] -= x[2]" in s2sad.source(f, args=(x,))
    h = s2sad.hessian(f)(x)
    g = s2sad.grad(f)
    fd = np.stack([(g(x + 1e-6 * e) - g(x - 1e-6 * e)) / 2e-6 for e in np.eye(3)], axis=-1)
    np.testing.assert_allclose(h, fd, atol=1e-5)
