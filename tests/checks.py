"""Numerical checks shared by the tests: s2sad against central differences."""

from __future__ import annotations

import numpy as np

import s2sad


def central_difference(f, args, i, direction=None, h=1e-6):
    """d/dt f(args with args[i] + t * direction) at t = 0 (all entries if no direction)."""
    x0 = args[i]

    def at(value):
        new = list(args)
        new[i] = value
        return np.asarray(f(*new), dtype=float)

    if direction is not None:
        return (at(x0 + h * direction) - at(x0 - h * direction)) / (2 * h)
    if np.ndim(x0) == 0 and not isinstance(x0, np.ndarray):
        step = h * max(1.0, abs(x0))
        return (at(x0 + step) - at(x0 - step)) / (2 * step)
    x = np.array(x0, dtype=float)
    out = []
    for j in range(x.size):
        e = np.zeros(x.size)
        step = h * max(1.0, abs(x.flat[j]))
        e[j] = step
        e = e.reshape(x.shape)
        out.append((at(x + e) - at(x - e)) / (2 * step))
    return np.stack(out, axis=-1).reshape(np.shape(at(x)) + x.shape)


def assert_close(actual, expected, tol=1e-5, what=""):
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape}, expected {expected.shape}"
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    err = float(np.max(np.abs(actual - expected), initial=0.0))
    assert err <= tol * scale, f"{what}: error {err:.3g}\nAD  {actual}\nFD  {expected}"


def assert_gradient_type(g, x, what=""):
    """A gradient has the type of its argument: float for a number, array of its shape."""
    if isinstance(x, np.ndarray):
        assert isinstance(g, np.ndarray), f"{what}: gradient is {type(g).__name__}, expected ndarray"
        assert g.shape == x.shape, f"{what}: gradient shape {g.shape}, argument shape {x.shape}"
        assert g.flags.writeable, f"{what}: gradient is a read-only view"
    elif isinstance(x, (int, float)) and not isinstance(x, bool):
        assert type(g) is float, f"{what}: gradient is {type(g).__name__}, expected float"


def check_reverse(f, args, wrt, tol=1e-5, rng=None):
    """vjp of f with a random cotangent, and grad of <cotangent, f>, against central differences."""
    rng = rng or np.random.default_rng(0)
    expected_out = f(*args)
    out, pullback = s2sad.vjp(f, *args)
    assert_close(out, expected_out, 1e-12, "primal output")
    ct = rng.normal(size=np.shape(out)) if np.ndim(out) else float(rng.normal())
    cts = pullback(ct)
    assert len(cts) == len(args)
    for i in wrt:
        fd = np.tensordot(ct, central_difference(f, args, i), axes=np.ndim(out))
        assert_close(cts[i], fd, tol, f"vjp wrt argument {i}")
        assert_gradient_type(cts[i], args[i], f"vjp wrt argument {i}")
    if np.ndim(out) == 0:
        grads = s2sad.grad(f, wrt=tuple(wrt))(*args)
        for i, g in zip(wrt, grads):
            fd = central_difference(f, args, i)
            assert_close(g, fd, tol, f"grad wrt argument {i}")
            assert_gradient_type(g, args[i], f"grad wrt argument {i}")


def check_forward(f, args, wrt, tol=1e-5, rng=None):
    """jvp of f along a random tangent of each argument in ``wrt``, against central differences."""
    rng = rng or np.random.default_rng(0)
    expected_out = f(*args)
    zeros = [np.zeros(np.shape(a)) if isinstance(a, np.ndarray) else 0.0 for a in args]
    for i in wrt:
        direction = (
            rng.normal(size=np.shape(args[i])) if isinstance(args[i], np.ndarray) else float(rng.normal())
        )
        tangents = list(zeros)
        tangents[i] = direction
        out, tangent = s2sad.jvp(f, tuple(args), tuple(tangents))
        assert_close(out, expected_out, 1e-12, "primal output of jvp")
        fd = central_difference(f, args, i, direction=direction)
        assert_close(tangent, fd, tol, f"jvp along argument {i}")
        assert np.shape(tangent) == np.shape(expected_out), f"tangent shape {np.shape(tangent)}"
        if type(expected_out) is float:
            assert type(tangent) is float, f"tangent of a float output is {type(tangent).__name__}"


# ------------------------------------------------------------------ containers of arrays


def leaves(tree):
    """The numbers and arrays in a tuple, list or dict, in order (a dict's in key order)."""
    if isinstance(tree, dict):
        return [leaf for key in tree for leaf in leaves(tree[key])]
    if isinstance(tree, (tuple, list)):
        return [leaf for item in tree for leaf in leaves(item)]
    return [tree]


def with_leaves(tree, values):
    """``tree`` with its leaves replaced, in order, by ``values`` (an iterator)."""
    if isinstance(tree, dict):
        return {key: with_leaves(item, values) for key, item in tree.items()}
    if isinstance(tree, (tuple, list)):
        return type(tree)(with_leaves(item, values) for item in tree)
    value = next(values)
    return np.array(value, dtype=float) if isinstance(tree, np.ndarray) else float(value)


def flat(tree):
    return np.concatenate([np.ravel(np.asarray(leaf, dtype=float)) for leaf in leaves(tree)])


def unflat(tree, vector):
    sizes = [np.size(leaf) for leaf in leaves(tree)]
    pieces = np.split(vector, np.cumsum(sizes)[:-1])
    return with_leaves(tree, iter(p.reshape(np.shape(leaf)) for p, leaf in zip(pieces, leaves(tree))))


def assert_same_structure(g, x, what=""):
    """A gradient of a container has the container's type, keys and length, leaf by leaf."""
    if isinstance(x, (tuple, list, dict)):
        assert type(g) is type(x), f"{what}: gradient is {type(g).__name__}, expected {type(x).__name__}"
        assert len(g) == len(x), f"{what}: gradient has {len(g)} items, expected {len(x)}"
        if isinstance(x, dict):
            assert list(g) == list(x), f"{what}: keys {list(g)}, expected {list(x)}"
            for key in x:
                assert_same_structure(g[key], x[key], f"{what}[{key!r}]")
        else:
            for j, (gj, xj) in enumerate(zip(g, x)):
                assert_same_structure(gj, xj, f"{what}[{j}]")
    else:
        assert_gradient_type(g, x, what)


def check_tree(f, args, wrt=0, tol=1e-5, second=True):
    """grad and jvp of a scalar ``f`` with respect to ``args[wrt]``, which may be a container of
    arrays, against central differences; with ``second`` and an array or a number, the Hessian
    against central differences of the gradient."""
    x = args[wrt]
    x0 = flat(x)

    def along(vector):
        new = list(args)
        new[wrt] = unflat(x, vector)
        return f(*new)

    def fd(fun, h=1e-6):
        rows = []
        for j in range(x0.size):
            e = np.zeros(x0.size)
            e[j] = h
            rows.append((np.asarray(fun(x0 + e)) - np.asarray(fun(x0 - e))) / (2 * h))
        return np.stack(rows, axis=-1)

    expected = fd(along)
    g = s2sad.grad(f, wrt=wrt)(*args)
    assert_same_structure(g, x, "grad")
    assert_close(flat(g), expected, tol, "grad")
    direction = np.random.default_rng(0).normal(size=x0.size)
    tangents = [unflat(a, np.zeros(flat(a).size)) for a in args]
    tangents[wrt] = unflat(x, direction)
    _, tangent = s2sad.jvp(f, tuple(args), tuple(tangents))
    assert_close(tangent, expected @ direction, tol, "jvp")
    if second and not isinstance(x, (tuple, list, dict)):  # hessian is for arrays and numbers
        grad = s2sad.grad(f, wrt=wrt)
        expected = fd(lambda v: flat(grad(*[unflat(x, v) if i == wrt else a for i, a in enumerate(args)])))
        assert_close(flat(s2sad.hessian(f, wrt=wrt)(*args)), np.ravel(expected), 1e-4, "hessian")
