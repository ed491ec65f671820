"""``sorted``, ``min`` and ``max`` with ``key=`` and ``reverse=`` over containers known whole:
ordered while lowering, when the keys are known then (a dict's keys, names, ``len``,
``operator.itemgetter``, a ``lambda``); ``min`` and ``max`` by keys computed from the inputs
pick their item when the code runs. Each case is ``f(x, a)`` checked in both modes and at
second order against central differences; ``sorted`` by keys known only when the function
runs is a precise error."""

import operator

import numpy as np
import pytest
from checks import check_tree
from conftest import make_function

import s2sad
from s2sad.errors import UnsupportedSyntaxError

from .test_control_shapes import check_all

CASES = {
    "sorted items of a dict display by itemgetter, and reversed by a lambda": """
        def f(x, a):
            d = {"b": x * a, "a": np.sin(x) * a, "cc": a * a}
            t = 0.0
            for i, (_, v) in enumerate(sorted(d.items(), key=operator.itemgetter(0))):
                t = t + (i + 1.0) * np.sum(np.sin(v))
            for i, (_, v) in enumerate(sorted(d.items(), key=lambda kv: kv[0], reverse=True)):
                t = t + (i + 2.0) * np.sum(v * v)
            return t
    """,
    "max and min of a dict's keys and items by len and by a lambda": """
        def f(x, a):
            d = {"bb": x * a, "a": np.sin(x) * a, "ccc": a * a}
            longest = max(d, key=len)
            k, v = min(d.items(), key=lambda kv: len(kv[0]))
            return np.sum(d[longest] * v) + len(k) * x
    """,
    "sorted keys of a dict, by len, reversed, with ties kept in order": """
        def f(x, a):
            d = {"bb": x, "a": a[0] * x, "cc": np.sin(x), "d": a[1]}
            order = sorted(d, key=len, reverse=True)
            return d[order[0]] * 3.0 + d[order[1]] * 2.0 + d[order[2]] + 0.5 * d[order[3]] * x
    """,
    "a key= over a tuple of pairs and a dict of numbers at module level": """
        def f(x, a):
            pairs = (("w", x * a[0]), ("u", a[1] * a[2]), ("v", np.cos(x)))
            ordered = [v for _, v in sorted(pairs, key=operator.itemgetter(0))]
            best = max(WEIGHTS, key=WEIGHTS.get)
            return ordered[0] * 2.0 + ordered[1] * x + ordered[2] + len(best) * x
    """,
    "max and min by keys computed from the inputs: picked when the code runs": """
        def f(x, a):
            d = {"p": x * a[0], "q": a[1] * a[2], "r": np.sin(x)}
            best = max(d, key=d.get)
            values = {"u": x * a, "v": a * a + 0.1}
            small = min(values.values(), key=lambda v: np.sum(v))
            return d[best] * x + np.sum(small * a) + d[min(d, key=lambda k: -d[k])]
    """,
}
WEIGHTS = {"a": 1.0, "bbb": 3.0, "cc": 2.0}


@pytest.mark.parametrize("source", CASES.values(), ids=list(CASES))
def test_ordering(source):
    check_all(source, operator=operator, WEIGHTS=WEIGHTS)


def test_sorted_items_of_a_dict_argument():
    """A dict argument's keys are in its kind: its items are sorted by them while lowering."""
    f = make_function(
        """
        def f(d):
            a = 0.0
            for i, (_key, v) in enumerate(sorted(d.items(), key=operator.itemgetter(0))):
                a = a + np.sum(np.sin(v)) * (i + 1.0)
            return a
        """,
        operator=operator,
    )
    d = {"item_2": np.array([0.3, 0.5]), "item_1": np.array([1.1, -0.2]), "b": np.array([0.4])}
    check_tree(f, [d], wrt=0)
    code = s2sad.source(f, args=(d,))
    lines = [line for line in code.split('"""')[-1].splitlines() if not line.strip().startswith("#")]
    assert not [line for line in lines if "sorted" in line], code  # ordered while lowering


ERRORS = {
    "a key computed from the inputs": (
        "def f(x, a):\n    d = {'p': x * a, 'q': a}\n"
        "    return np.sum(sorted(d.values(), key=lambda v: np.sum(v))[0])\n",
        "the keys (`key=(lambda v: np.sum(v))`) are known only when the function runs",
    ),
    "sorted by d.get of a dict of floats computed when it runs": (
        "def f(x, a):\n    d = {'p': x, 'q': a[0]}\n    return d[sorted(d, key=d.get)[0]]\n",
        "the keys (`key=d.get`) are known only when the function runs",
    ),
    "a key over a list of unknown length": (
        "def f(x, a):\n    return np.sum(sorted(list(a), key=abs)[0]) * x\n",
        "`sorted` with `key=` of a sequence whose items are not known when the function is transformed",
    ),
    "reverse= computed when it runs": (
        "def f(x, a):\n    d = {'p': x, 'q': a[0]}\n    return sorted(d, reverse=x > 0)[0] == 'p'\n",
        "`reverse=` known only when the function runs",
    ),
}


@pytest.mark.parametrize("source, message", ERRORS.values(), ids=list(ERRORS))
def test_ordering_errors(source, message):
    f = make_function(source, "f")
    with pytest.raises(UnsupportedSyntaxError) as err:
        s2sad.grad(f)(0.7, np.array([0.3, -0.5, 1.1]))
    assert message in str(err.value), str(err.value)
    assert ":" in str(err.value).splitlines()[0]
