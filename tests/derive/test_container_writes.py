"""Lists and dicts made in the function, written by item, read through displays and loops, at
first and second order: grad, jvp and the Hessian (forward over reverse) in both arguments, and
the gradient of the gradient (reverse over reverse), against central differences.

Derivative code reads and writes containers too (``c_bar = zeros_of(c); c_bar[0] += g``), so each
of these is also a program the second derivative differentiates again."""

import numpy as np
import pytest
from checks import assert_close, central_difference, check_forward, check_tree

import s2sad

X = 0.7
A = np.array([0.3, -0.5, 1.1])


def display_read_twice(x, a):
    items = [x]
    return items[0] * items[-1] + x


def appended_in_loop(x, a):
    items = []
    for _ in range(3):
        items.append(x * a[1])
    return items[0] * items[2]


def list_written_by_item(x, a):
    items = [x, x]
    items[0] = x * x
    items[1] = np.sum(a) * items[1]
    return items[0] + items[1]


def list_of_arrays_written_by_item(x, a):
    items = [a, x]
    items[0] = a * x
    return np.sum(items[0] * items[0]) + items[1]


def item_added_to(x, a):
    items = [a * 1.0, x]
    items[1] += a[0] * x
    items[0] = items[0] + a * x
    return np.sum(items[0] ** 2) * items[1]


def dict_written_by_key(x, a):
    d = {}
    d["a"] = x * x
    d["b"] = a
    return d["a"] * d["b"][0]


def dict_key_written_twice(x, a):
    d = {"a": x, "b": a}
    d["a"] = d["a"] * x
    d["b"] = d["b"] * d["a"]
    return np.sum(d["b"]) + d["a"]


def list_copied_then_written(x, a):
    q = [x, a[0]]
    y = list(q)
    y[0] = x * a[1]
    return y[0] * y[1] + q[0]


def dict_read_by_key_in_read_only_sum(x, a):
    s1 = a[::-1] @ a
    d = {"u": x, "w": a}
    return d["u"] * np.sum(d["w"]) + s1


def list_made_in_while_loop(x, a):
    v1 = np.array([x, x, x / (1.0 + a[0] * a[0])])
    k = 0
    while k < 2:
        k += 1
        items = []
        items.append(np.sum(v1[-1] * v1))
        x = 0.5 * x + items[-1]
    return x + np.sum(v1)


def nested_display(x, a):
    d = {"p": (np.mean(a), [a, x / (1.0 + a[0] * a[0])]), "q": 0.3 * x}
    s2 = d["p"][0]
    v3 = d["p"][1][0]
    e = {"p": (x / (1.0 + s2 * s2), [v3, x]), "q": 0.5 * x}
    return np.sum(e["p"][1][0] * e["p"][1][1]) + e["p"][0]


def nested_product(x, a):
    d = {"p": (a @ a, [a, 3.0 * x]), "q": x}
    v = d["p"][1][0]
    return v @ v * d["p"][0] + d["p"][1][1] * d["q"]


def items_of_dict(x, a):
    d = {"u": x * a, "w": a}
    s = 0.0
    for _k, v in d.items():
        s = s + np.sum(v * v)
    for v in d.values():
        s = s + np.sum(v) * x
    for k in d.keys():
        s = s + np.sum(d[k] * a)
    return s


def values_of_numbers(x, a):
    d = {"u": x, "w": a[1] * x}
    s = 0.0
    for k in d.keys():
        s = s + d[k] * d[k]
    for v in d.values():
        s = s + np.sin(v)
    return s


def tuple_unpacked(x, a):
    t = (x, a, np.tanh(a[2] * x))
    s, v, r = t
    return r * s + np.sum(v * v)


CASES = [
    display_read_twice,
    appended_in_loop,
    list_written_by_item,
    list_of_arrays_written_by_item,
    item_added_to,
    dict_written_by_key,
    dict_key_written_twice,
    list_copied_then_written,
    dict_read_by_key_in_read_only_sum,
    list_made_in_while_loop,
    nested_display,
    nested_product,
    items_of_dict,
    values_of_numbers,
    tuple_unpacked,
]


@pytest.mark.parametrize("wrt", [0, 1])
@pytest.mark.parametrize("f", CASES, ids=[f.__name__ for f in CASES])
def test_first_order_and_hessian(f, wrt):
    check_tree(f, (X, A.copy()), wrt=wrt)


@pytest.mark.parametrize("f", CASES, ids=[f.__name__ for f in CASES])
def test_gradient_of_gradient(f):
    grad = s2sad.grad(f, wrt=0)
    h = 1e-5
    expected = (grad(X + h, A.copy()) - grad(X - h, A.copy())) / (2 * h)
    assert_close(s2sad.grad(grad, wrt=0)(X, A.copy()), expected, 1e-4, "grad of grad")


def list_plus_array(x, a):
    v2 = [0.3, x, x]
    x = a[1]
    v4 = v2 + a  # one cotangent, unbroadcast to both operands: two names for one array
    v5 = [-x, x, v4[-1]]
    return x + x + np.sum(v4) + np.sum(v5)


def test_one_cotangent_for_two_operands_is_not_added_to_twice():
    """``v2_bar = unbroadcast(g, ...)`` and ``a_bar = unbroadcast(g, ...)`` may be one array:
    adding into ``a_bar`` in place must not change ``v2_bar``."""
    gx, ga = s2sad.grad(list_plus_array, wrt=(0, 1))(X, A.copy())
    assert_close(gx, central_difference(list_plus_array, (X, A.copy()), 0), 1e-5, "grad wrt x")
    assert_close(ga, central_difference(list_plus_array, (X, A.copy()), 1), 1e-5, "grad wrt a")
    check_forward(list_plus_array, (X, A.copy()), wrt=(0, 1))


def test_array_item_added_to_in_place_is_refused():
    """``items[0] += v`` changes the array the list holds, which another name may hold too."""

    def f(x, a):
        items = [a * 1.0, x]
        items[0] += a * x
        return np.sum(items[0])

    def g(x, a):  # the list holds b, which is read after the change: gave a wrong gradient
        b = a * 1.0
        items = [b, x]
        items[0] += a * x
        return np.sum(items[0] * b)

    for fn in (f, g):
        with pytest.raises(s2sad.UnsupportedSyntaxError, match="changes the array the container holds"):
            s2sad.grad(fn, wrt=1)(X, A)


def test_display_item_read_folds():
    """``[e][0]`` in derivative code reads as ``e``."""
    text = s2sad.source(display_read_twice, args=(X, A))
    assert "][0]" not in text, text
    assert "x_bar = 1.0 + 2.0 * x" in text, text


def test_dict_loop_reads_items_by_key():
    """``for v in d.values()`` adds each item's adjoint at its key, with the items' kinds."""
    text = s2sad.source(values_of_numbers, args=(X, A))
    assert "d_bar[k" in text and "] += " in text and "add.at" not in text and "unbroadcast" not in text, text
