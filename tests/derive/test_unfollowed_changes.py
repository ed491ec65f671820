"""Changes in place that the derivative would not follow are refused at the user's line,
with the pure spelling to use (they gave wrong gradients: the derivative of a program in
which the change does nothing). The spellings they suggest differentiate; values that
hold no floats may still be changed so."""

from __future__ import annotations

import numpy as np
import pytest
from checks import check_forward, check_reverse
from conftest import make_function

import s2sad
from s2sad import UnsupportedSyntaxError

X, A = 0.7, np.array([0.3, -0.5, 1.1])

# body of f(x, a) -> (message, hint) fragments
REFUSED = {
    "b = a * x\nb.sort()\nreturn b[0] + b[-1]": ("`b.sort()` changes `b` in place", "b = np.sort(b)"),
    "b = a * x\nb.fill(x * x)\nreturn np.sum(b * a)": ("`b.fill(...)` changes `b`", "np.full_like"),
    "b = a * x\nb.partition(1)\nreturn b[0]": ("`b.partition(...)`", "np.partition"),
    "b = a * x\nb.resize(2, refcheck=False)\nreturn np.sum(b)": ("`b.resize(...)`", "np.resize"),
    "l = [a[0] * x, a[1], x]\nl.sort()\nreturn l[0] * 2.0 + l[-1]": ("`l.sort()`", "l = sorted(l)"),
    "l = [a[0] * x, a[1]]\nl.reverse()\nreturn l[0] * 2.0": ("`l.reverse()`", "l = l[::-1]"),
    "l = [a[0] * x, a[1]]\nl.insert(0, x)\nreturn l[0] * l[1]": ("`l.insert(..., ...)`", "l[:i]"),
    "l = [a[0] * x]\nl.extend([x, a[1]])\nreturn l[0] * l[2]": ("`l.extend(...)`", "l = l + [...]"),
    "l = [a[0] * x, x]\nv = l.pop(0)\nreturn v * l[0]": ("`l.pop(...)`", "l.pop() of the last item"),
    "l = [a[0] * x, x]\nl.remove(x)\nreturn l[0]": ("`l.remove(...)`", "a new list"),
    "l = [x, a[0]]\nl.clear()\nl.append(x * x)\nreturn l[0]": ("`l.clear()`", "l = []"),
    "d = {'p': x}\nd.update({'q': a[0] * x})\nreturn d['p'] * d['q']": ("`d.update(...)`", "d[key] = value"),
    "d = {'p': x, 'q': a[0] * x}\nv = d.pop('p')\nreturn v * d['q']": ("`d.pop(...)`", "a new dict"),
    "d = {'p': x}\nreturn d.setdefault('r', x * x) * d['p']": ("`d.setdefault(..., ...)`", "d.get(key"),
    "b = np.zeros(3)\nnp.copyto(b, a * x)\nreturn np.sum(b * b)": ("`np.copyto(b, ...)`", "dst[...] = src"),
    "b = a * 1.0\nnp.put(b, [0], x)\nreturn np.sum(b * b)": ("`np.put(b, ...)`", "a[indices] = values"),
    "M = np.outer(a, a)\nnp.fill_diagonal(M, x)\nreturn np.sum(M)": (
        "`np.fill_diagonal(M, ...)`",
        "np.arange",
    ),
    "b = a * x\nnp.subtract.at(b, [0, 0], x)\nreturn np.sum(b)": ("`np.subtract.at(b, ...)`", "np.subtract"),
    "b = np.zeros(3)\nnp.multiply(a, x, out=b)\nreturn np.sum(b)": (
        "writing into `out=`",
        "Assign the result",
    ),
}


def _function(body: str):
    text = "def f(x, a):\n" + "".join(f"    {line}\n" for line in body.splitlines())
    return make_function(text, np=np)


@pytest.mark.parametrize("body", REFUSED)
def test_changes_in_place_it_does_not_follow_are_refused(body):
    message, hint = REFUSED[body]
    f = _function(body)
    with pytest.raises(UnsupportedSyntaxError, match="in place") as error:
        s2sad.grad(f)(X, A.copy())
    assert message in error.value.message, error.value.message
    assert hint in error.value.hint, error.value.hint
    assert error.value.location.line > 1  # the user's line, not the def
    with pytest.raises(UnsupportedSyntaxError, match="in place"):
        s2sad.jvp(f, (X, A.copy()), (1.0, np.zeros(3)))


# what the hints say to write instead: the same programs, differentiated
PURE = {
    "sort": "b = np.sort(a * x)\nreturn b[0] + b[-1]",
    "sorted": "l = sorted([a[0] * x, a[1], x])\nreturn l[0] * 2.0 + l[-1]",
    "full_like": "b = np.full_like(a, x * x)\nreturn np.sum(b * a)",
    "reversed list": "l = [a[0] * x, a[1]]\nl = l[::-1]\nreturn l[0] * 2.0",
    "joined list": "l = [a[0] * x]\nl = l + [x, a[1]]\nreturn l[0] * l[2]",
    "slot written": "b = np.zeros(3)\nb[...] = a * x\nreturn np.sum(b * b)",
    "item written": "d = {'p': x}\nd['q'] = a[0] * x\nreturn d['p'] * d['q']",
}


@pytest.mark.parametrize("name", PURE)
def test_the_pure_spellings_differentiate(name):
    f = _function(PURE[name])
    check_reverse(f, [X, A.copy()], (0, 1))
    check_forward(f, [X, A.copy()], (0, 1))


def test_values_without_floats_may_change_in_place():
    f = _function(
        "keys = ['b', 'a']\nkeys.sort()\nidx = [2, 0]\nidx.sort()\nreturn a[idx[0]] * x + len(keys)"
    )
    check_reverse(f, [X, A.copy()], (0, 1))
    check_forward(f, [X, A.copy()], (0, 1))


# a container holding an array (or a list) that changes in place afterwards sees the change
HELD = {
    "an array in a list": "y = a * x\nouter = [y, a]\ny[0] = x * x\nreturn np.sum(outer[0] * a)",
    "an array in a dict": "y = a * x\nd = {'y': y}\ny += x\nreturn np.sum(d['y'])",
    "a list in a list": "inner = [x]\nouter = [inner, [a[0]]]\ninner.append(x * x)\nreturn outer[0][1]",
    "a list under another name": "l = [x]\nm = l\nl.append(a[0] * x)\nreturn m[1] * m[0]",
}


@pytest.mark.parametrize("name", HELD)
def test_containers_that_see_a_change_in_place_are_refused(name):
    f = _function(HELD[name])
    with pytest.raises(UnsupportedSyntaxError, match="changed in place"):
        s2sad.grad(f)(X, A.copy())


def test_reading_the_other_items_of_a_container_after_the_change_is_fine():
    f = _function("y = a * x\nt = (y, x)\ny[0] = t[1] * y[0]\nreturn np.sum(y) * t[1]")
    check_reverse(f, [X, A.copy()], (0, 1))
    check_forward(f, [X, A.copy()], (0, 1))
