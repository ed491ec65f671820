"""Every name is its own value for differentiation: a list that holds an argument, a
parameter bound to another name, a loop target, an entry of a nested container. Each
gets its own adjoint, added to (leaf by leaf for containers), never dropped."""

import numpy as np
import pytest
from checks import check_tree

import s2sad

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


# ------------------------------------------------------------------ nested parameter containers

RNG = np.random.default_rng(0)
W1, B1, W2, B2 = RNG.normal(size=(3, 4)), RNG.normal(size=4), RNG.normal(size=(4, 2)), RNG.normal(size=2)
X = RNG.normal(size=(5, 3))


def mlp(params, x):
    for W, b in params:
        x = np.tanh(x @ W + b)
    return np.sum(x**2)


def mlp_indexed(params, x):
    for i in range(len(params)):
        x = np.tanh(x @ params[i][0] + params[i][1])
    return np.sum(x**2)


def mlp_layers(params, x):
    for layer in params:
        x = np.tanh(x @ layer[0] + layer[1])
    return np.sum(x**2)


def mlp_dict(params, x):
    h = np.tanh(x @ params["l1"][0] + params["l1"][1])
    return np.sum(h**2) + np.sum(params["l2"][0])


def mlp_by_name(params, x):
    for name in ["l1", "l2"]:
        W, b = params[name]
        x = np.tanh(x @ W + b)
    return np.sum(x)


def mlp_enumerated(params, x):
    for i, (W, b) in enumerate(params):
        x = np.tanh(x @ W + b) * (i + 1)
    return np.sum(x)


def mlp_sliced(params, x):
    for W, b in params[1:]:
        x = np.tanh(x @ W + b)
    return np.sum(x)


def lists_of_lists(rows):
    s = 0.0
    for row in rows:
        for v in row:
            s = s + v * v
    return s


def nested_targets(params):
    s = 0.0
    for (a, b), c in params:
        s = s + a * b * c
    return s


def loop_then_index(params):
    s = 0.0
    for W, b in params:
        s = s + np.sum(W * W) * np.sum(b)
    return s + np.sum(params[0][1] ** 2)


LAYERS = [(W1, B1), (W2, B2)]
NAMED = {"l1": (W1, B1), "l2": (W2, B2)}
NESTED = [
    (mlp, (LAYERS, X)),
    (mlp_indexed, (LAYERS, X)),
    (mlp_layers, ([[W1, B1], [W2, B2]], X)),
    (mlp_dict, (NAMED, X)),
    (mlp_by_name, (NAMED, X)),
    (mlp_enumerated, (LAYERS, X)),
    (mlp_sliced, ([(W2, B2), (W1, B1)], X)),
    (lists_of_lists, ([[1.0, 2.0], [3.0]],)),
    (nested_targets, ([((1.0, 2.0), 3.0), ((4.0, 5.0), 6.0)],)),
    (loop_then_index, (LAYERS,)),
]


@pytest.mark.parametrize("f, args", NESTED, ids=[f.__name__ for f, _ in NESTED])
def test_nested_parameter_containers(f, args):
    check_tree(f, args)


def test_mlp_against_autograd():
    import autograd
    import autograd.numpy as anp

    def loss(params, x):
        for W, b in params:
            x = anp.tanh(x @ W + b)
        return anp.sum(x**2)

    got = s2sad.grad(mlp)(LAYERS, X)
    for (gW, gb), (eW, eb) in zip(got, autograd.grad(loss)(LAYERS, X)):
        np.testing.assert_allclose(gW, eW, rtol=1e-10)
        np.testing.assert_allclose(gb, eb, rtol=1e-10)


def test_mlp_source_adds_each_layer_back():
    text = s2sad.source(mlp, args=(LAYERS, X))
    assert "params_bar[k] = add_leaves(params_bar[k], [W_bar, b_bar])" in text, text


# ------------------------------------------------------------------ assigned in a loop, read after it

WS = [0.5 * RNG.normal(size=(3, 3)) for _ in range(3)]
X0 = RNG.normal(size=3)
BB = RNG.normal(size=(3, 3))


def last_layer_output(x, Ws):
    for W in Ws:
        out = x @ W
        x = np.tanh(out)
    return np.sum(out**2)


def overwritten_each_iteration(B):
    for j in range(3):
        a = np.dot(B[j], B[j])
    return a


def temporary_and_carried(x):
    for j in range(3):
        t = x * j
        x = np.sin(x)
    return np.sum(t * x)


def read_inside_and_after(x):
    s = 0.0
    for j in range(3):
        a = x[j] * x[j]
        s = s + a
    return s + a


def overwritten_in_while(x):
    i = 0
    while i < 3:
        a = x[i] ** 2
        i = i + 1
    return a


def overwritten_in_nested_loops(x):
    a = 0.0
    for j in range(3):
        for k in range(2):
            a = x[j] * x[k]
    return a


def two_names_for_the_last_output(x, Ws):
    h = x
    for W in Ws:
        out = h @ W
        h = np.tanh(out)
        last = out
    return np.sum(out**2) + np.sum(last)


READ_AFTER = [
    (last_layer_output, (X0, WS)),
    (overwritten_each_iteration, (BB,)),
    (temporary_and_carried, (X0,)),
    (read_inside_and_after, (X0,)),
    (overwritten_in_while, (X0,)),
    (overwritten_in_nested_loops, (X0,)),
    (two_names_for_the_last_output, (X0, WS)),
]


@pytest.mark.parametrize("f, args", READ_AFTER, ids=[f.__name__ for f, _ in READ_AFTER])
def test_assigned_in_loop_and_read_after(f, args):
    check_tree(f, args)


def test_only_the_last_iteration_gets_the_output_adjoint():
    g = s2sad.grad(overwritten_each_iteration)(BB)
    np.testing.assert_allclose(g[:2], 0.0)
    np.testing.assert_allclose(g[2], 2 * BB[2])
    assert "a_bar = 0.0" in s2sad.source(overwritten_each_iteration, args=(BB,))


# ------------------------------------------------------------------ changed in place in loops and branches

VV = np.array([0.3, -0.7, 1.1])


def entry_from_whole_in_loop(coef):
    g = coef.copy()
    for j in range(2):
        g[j] = g @ g
    return np.sum(g)


def entry_set_in_branch(q):
    g = q.copy()
    if q[0] > 5:
        g[0] = 2.5
    return np.sum(g * g)


def entry_from_sum_in_loop(v):
    y = v.copy()
    for i in range(3):
        y[i] = np.sum(y * y)
    return np.sum(y)


def entry_overwritten_twice(v):
    y = v.copy()
    y[0] = v[1] * 2.0
    y[0] = v[2] * 3.0
    return np.sum(y * y)


def entry_squared_in_branch_in_loop(v):
    y = v.copy()
    for i in range(3):
        if v[i] > 0:
            y[i] = y[i] ** 2
    return np.sum(y * y)


def neighbours_overwritten(v):
    y = np.zeros(3)
    for i in range(3):
        y[i] = v[i] ** 2
        y[(i + 1) % 3] = v[i]
    return np.sum(y * v)


IN_PLACE = [
    (entry_from_whole_in_loop, (VV,)),
    (entry_set_in_branch, (VV,)),
    (entry_set_in_branch, (VV + 6.0,)),
    (entry_from_sum_in_loop, (0.3 * VV,)),
    (entry_overwritten_twice, (VV,)),
    (entry_squared_in_branch_in_loop, (VV,)),
    (neighbours_overwritten, (VV,)),
]


@pytest.mark.parametrize("f, args", IN_PLACE, ids=[f"{f.__name__}-{i}" for i, (f, _) in enumerate(IN_PLACE)])
def test_changed_in_place_in_loops_and_branches(f, args):
    check_tree(f, args)


# ------------------------------------------------------------------ a list that grows is not its display


def last_of_growing_list(x):
    ys = [x]
    for _ in range(3):
        ys.append(np.sin(ys[-1]))
    return np.sum(ys[-1])


def popped_until_empty(x):
    seq = [x, x * 2.0]
    s = 0.0
    while seq:
        t = seq.pop()
        s = s + np.sum(t * t)
    return s


@pytest.mark.parametrize("f", [last_of_growing_list, popped_until_empty])
def test_list_changed_after_its_display(f):
    check_tree(f, (VV,))


def test_pop_is_not_folded_into_an_update_of_the_same_list():
    text = s2sad.source(last_of_growing_list, args=(VV,))
    assert "ys_bar[-1] += ys_bar.pop()" not in text, text


# ------------------------------------------------------------------ kinds of loop targets taken apart


def mlp_input(x, params):
    for W, b in params:
        x = np.tanh(x @ W + b)
    return np.sum(x**2)


def test_mlp_over_tuple_of_tuples():
    check_tree(mlp, (tuple(LAYERS), X))


def test_mlp_hessian_in_the_input():
    check_tree(mlp_input, (X[0], LAYERS))


def test_loop_targets_have_their_items_kinds():
    text = s2sad.source(mlp, args=(LAYERS, X))
    assert "x_1_bar = v2_bar @ W.T\n" in text, text  # not a test of W.ndim at run time
