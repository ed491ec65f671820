"""Every name is its own value for differentiation: a list that holds an argument, a
parameter bound to another name, a loop target, an entry of a nested container. Each
gets its own adjoint, added to (leaf by leaf for containers), never dropped."""

import numpy as np
import pytest
from checks import check_tree

V = np.array([0.5, -1.0, 2.0])


# ------------------------------------------------------------------ containers built from an argument


def appended_in_loop(y):
    seq = []
    for _ in range(2):
        seq.append(y)
    return sum(seq) * y


def appended_products(y):
    seq = []
    for j in range(3):
        seq.append(y * j)
    return sum(seq) * y


def appended_then_iterated(y):
    seq = []
    for _ in range(2):
        seq.append(y)
    s = 0.0
    for t in seq:
        s = s + t * t
    return s


def comprehension_of_argument(c0):
    return sum([c0 for j in range(3)]) * c0


def comprehension_stacked(x):
    return np.sum(np.stack([x for j in range(3)]) ** 2)


def display_then_append(y):
    seq = [y]
    seq.append(y)
    return seq[0] * seq[1]


def list_bound_to_another_name(q):
    hid = q
    return hid[2] * q[2] + q[0]


def arrays_bound_to_another_name(q):
    a, b = q
    c = q
    return np.sum(a * c[0]) + np.sum(b)


def dict_bound_to_another_name(d):
    e = d
    return np.sum(e["a"] * d["a"]) + d["b"]


def display_bound_to_another_name(x):
    pair = [x, x * 2.0]
    other = pair
    return np.sum(other[0] * pair[1])


CASES = [
    (appended_in_loop, (1.5,)),
    (appended_products, (1.5,)),
    (appended_then_iterated, (1.5,)),
    (comprehension_of_argument, (1.5,)),
    (comprehension_stacked, (V,)),
    (display_then_append, (1.5,)),
    (list_bound_to_another_name, ([1.0, 2.0, 3.0],)),
    (arrays_bound_to_another_name, ([V, 2.0 * V],)),
    (dict_bound_to_another_name, ({"a": V, "b": 2.0},)),
    (display_bound_to_another_name, (V,)),
]


@pytest.mark.parametrize("f, args", CASES, ids=[f.__name__ for f, _ in CASES])
def test_containers_built_from_arguments(f, args):
    check_tree(f, args)
