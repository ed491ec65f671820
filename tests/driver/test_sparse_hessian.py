"""Sparse Hessians: the traced pattern is a superset of the nonzeros, the coloured sweep
gives the dense Hessian, and what the tracer cannot follow takes the dense path."""

import numpy as np
import pytest
from checks import assert_close, central_difference
from conftest import make_function

import s2sad
from s2sad.driver import sparsity

FUNCTIONS = {
    "banded": """
        def f(x):
            return np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
        """,
    "pentadiagonal": """
        def f(x):
            return np.sum(np.sin(x[2:] * x[:-2])) + np.sum(np.exp(x[1:] - x[:-1]))
        """,
    "block_diagonal": """
        def f(x):
            s = 0.0
            for i in range(0, len(x) - 1, 2):
                s = s + (x[i] * x[i + 1]) ** 2 + np.cos(x[i])
            return s
        """,
    "arrow": """
        def f(x):
            return np.sum(x[0] * x[1:] ** 2) + np.sum(np.tanh(x))
        """,
    "dense": """
        def f(x):
            return np.sum(x) ** 3 + np.sum(x ** 2)
        """,
    "loop_with_index_branch": """
        def f(x):
            s = 0.0
            for i in range(len(x) - 1):
                if i % 3 == 0:
                    s = s + x[i] * x[i + 1]
                else:
                    s = s + np.sqrt(1.0 + x[i] ** 2) / (2.0 + x[i + 1] ** 2)
            return s
        """,
    "constant_matrix": """
        def f(x):
            return np.sum((A[: len(x), : len(x)] @ x) ** 2) + np.sum(np.log1p(x ** 2))
        """,
    "value_branch": """
        def f(x):
            if x[0] > 0:
                return np.sum(x[1:] * x[:-1]) + np.sum(x ** 3)
            return np.sum(x) ** 2
        """,
    "kind_dependent": """
        def f(x):
            if len(x) > 12:
                return np.sum(x[1:] * x[:-1] ** 2)
            return np.sum(x) ** 3
        """,
}

A = np.diag(np.ones(16)) + np.diag(np.ones(15), 1)


def function(name):
    return make_function(FUNCTIONS[name], A=A)


def finite_hessian(f, x):
    g = s2sad.grad(f)
    return np.stack([central_difference(g, [x], 0, e) for e in np.eye(len(x))], axis=-1)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@pytest.mark.parametrize("n", [9, 16])
def test_the_hessian_is_the_finite_difference_of_the_gradient(name, n):
    f = function(name)
    rng = np.random.default_rng(n)
    h = s2sad.hessian(f)
    for x in (rng.uniform(0.1, 1, n), -rng.uniform(0.1, 1, n)):
        got = h(x)
        assert isinstance(got, np.ndarray) and got.shape == (n, n)
        assert_close(got, finite_hessian(f, x), tol=1e-4, what=name)
        assert_close(got, got.T, tol=1e-10, what=name)


@pytest.mark.parametrize("name", sorted(set(FUNCTIONS) - {"value_branch", "kind_dependent"}))
def test_the_pattern_covers_every_nonzero(name):
    f = function(name)
    rng = np.random.default_rng(0)
    pattern = sparsity.hessian_pattern(f, (np.zeros(16),), 0)
    assert pattern is not None
    for _ in range(3):
        x = rng.uniform(-1, 1, 16)
        nonzero = np.abs(s2sad.hessian(f)(x)) > 1e-12
        assert not (nonzero & ~pattern).any()


def test_banded_patterns_need_few_colours():
    f = function("banded")
    pattern = sparsity.hessian_pattern(f, (np.zeros(50),), 0)
    assert (pattern == (np.abs(np.subtract.outer(np.arange(50), np.arange(50))) <= 1)).all()
    assert sparsity.colours(pattern).max() + 1 == 3
    f = function("pentadiagonal")
    assert sparsity.colours(sparsity.hessian_pattern(f, (np.zeros(50),), 0)).max() + 1 == 5


def test_colours_never_share_a_row():
    rng = np.random.default_rng(1)
    pattern = rng.random((30, 30)) < 0.1
    pattern = pattern | pattern.T | np.eye(30, dtype=bool)
    colour = sparsity.colours(pattern)
    for row in pattern:
        used = colour[row]
        assert len(set(used.tolist())) == len(used)


def test_what_the_tracer_cannot_follow_has_no_pattern():
    branch = function("value_branch")
    assert sparsity.hessian_pattern(branch, (np.zeros(16),), 0) is None
    opaque = make_function(
        """
        def f(x):
            return np.sum(np.asarray(x, dtype=float) ** 2)
        """
    )
    assert sparsity.hessian_pattern(opaque, (np.zeros(16),), 0) is None
    clipped = make_function(
        """
        def f(x):
            return np.sum(np.maximum(x, 0.0) * x[::-1])
        """
    )
    assert sparsity.hessian_pattern(clipped, (np.zeros(16),), 0) is None


def test_the_pattern_depends_on_the_kind():
    f = function("kind_dependent")
    assert sparsity.hessian_pattern(f, (np.zeros(8),), 0).all()
    assert not sparsity.hessian_pattern(f, (np.zeros(20),), 0).all()


def test_large_banded_hessian_uses_the_coloured_sweep():
    f = function("banded")
    x = np.random.default_rng(2).uniform(-1, 1, 200)
    h = s2sad.hessian(f)
    got = h(x)
    d = x[1:] - x[:-1] ** 2
    expected = np.diag(np.r_[1200 * x[:-1] ** 2 - 400 * x[1:] + 2, 0.0] + np.r_[0.0, np.full(199, 200.0)])
    expected[np.arange(199), np.arange(1, 200)] = expected[np.arange(1, 200), np.arange(199)] = -400 * x[:-1]
    assert d.shape == (199,)
    assert_close(got, expected, tol=1e-10)
    assert _method(h) == "sparse"  # three colours, not 200 directions


def _method(h):
    """How the Hessian program of ``h``'s one specialisation gets its columns."""
    (program,) = [fn for _, fn in h.__s2sad__.all]
    return getattr(program, "__s2sad_columns__", None) or program.__closure__[0].cell_contents.__name__


@pytest.mark.parametrize("name", ["dense", "value_branch"])
def test_dense_or_unseen_patterns_take_the_dense_sweep(name):
    h = s2sad.hessian(function(name))
    x = np.random.default_rng(3).uniform(0.1, 1, 16)
    assert_close(h(x), finite_hessian(function(name), x), tol=1e-4)
    assert _method(h) in ("batched_columns", "columns")  # every unit direction


def test_an_arrow_takes_two_colours_and_its_mirror_image():
    f = function("arrow")
    pattern = sparsity.hessian_pattern(f, (np.zeros(30),), 0)
    assert sparsity.colours(pattern).max() + 1 == 30  # distance-2: every column its own colour
    plan = sparsity.recovery(pattern)
    assert plan.method == "star" and plan.count == 2
    h = s2sad.hessian(f)
    x = np.random.default_rng(8).uniform(0.1, 1, 30)
    assert_close(h(x), finite_hessian(f, x), tol=1e-4)
    assert _method(h) == "sparse"


def test_an_arrow_with_its_dense_row_last():
    f = make_function(
        """
        def f(x):
            return np.sum(x[-1] ** 2 * np.sin(x[:-1])) + np.sum(x[1:] * x[:-1])
        """
    )
    h = s2sad.hessian(f)
    x = np.random.default_rng(9).uniform(0.1, 1, 24)
    assert_close(h(x), finite_hessian(f, x), tol=1e-4)
    assert _method(h) == "sparse"


def test_star_colourings_read_every_entry():
    rng = np.random.default_rng(10)
    for density in (0.05, 0.1, 0.2):
        pattern = rng.random((40, 40)) < density
        pattern = pattern | pattern.T | np.eye(40, dtype=bool)
        plan = sparsity.recovery(pattern)
        h = np.where(pattern, rng.normal(size=(40, 40)), 0.0)
        h = h + h.T
        compressed = h @ sparsity.seeds(plan.colour, (40,)).T  # rows: entries, columns: colours
        recovered = np.zeros((40, 40))
        recovered[plan.rows, plan.cols] = compressed[plan.read, plan.found]
        assert_close(recovered, h, tol=1e-12)
        assert plan.count <= sparsity.colours(pattern).max() + 1


def test_one_hessian_takes_arrays_of_every_length():
    f = function("banded")
    h = s2sad.hessian(f)
    rng = np.random.default_rng(4)
    for n in (20, 30, 20, 9, 31):
        x = rng.uniform(-1, 1, n)
        assert_close(h(x), finite_hessian(f, x), tol=1e-4, what=f"n = {n}")


def test_one_hessian_follows_a_pattern_that_depends_on_the_length():
    f = function("kind_dependent")
    h = s2sad.hessian(f)
    rng = np.random.default_rng(5)
    for n in (20, 10, 20, 16, 9):
        x = rng.uniform(0.1, 1, n)
        assert_close(h(x), finite_hessian(f, x), tol=1e-4, what=f"n = {n}")


def test_a_pattern_that_depends_on_another_argument_is_traced_for_each_value():
    f = make_function(
        """
        def f(x, k):
            return np.sum(x[1:] * x[:-1]) + x[k] ** 3
        """
    )
    h = s2sad.hessian(f)
    x = np.random.default_rng(6).uniform(0.1, 1, 40)
    for k in (3, 7, 3, 39):
        expected = np.stack(
            [central_difference(lambda y, k=k: s2sad.grad(f)(y, k), [x], 0, e) for e in np.eye(40)], axis=-1
        )
        assert_close(h(x, k), expected, tol=1e-4, what=f"k = {k}")


def test_a_pattern_that_depends_on_a_float_argument_is_traced_for_each_value():
    f = make_function(
        """
        def f(x, c):
            if c > 0:
                return np.sum(x[1:] * x[:-1] ** 2)
            return np.sum(x) ** 3
        """
    )
    h = s2sad.hessian(f)
    x = np.random.default_rng(7).uniform(0.1, 1, 24)
    for c in (1.0, -1.0, 2.0, -3.0):
        expected = np.stack(
            [central_difference(lambda y, c=c: s2sad.grad(f)(y, c), [x], 0, e) for e in np.eye(24)], axis=-1
        )
        assert_close(h(x, c), expected, tol=1e-4, what=f"c = {c}")


def test_a_matrix_argument_takes_the_sparse_path():
    f = make_function(
        """
        def f(X):
            return np.sum(X[1:] * X[:-1] ** 2) + np.sum(np.sin(X[:, 1:] - X[:, :-1]))
        """
    )
    h = s2sad.hessian(f)
    X = np.random.default_rng(11).uniform(0.1, 1, (4, 6))
    g = s2sad.grad(f)
    expected = central_difference(g, [X], 0)  # axes: those of the gradient, then those of X
    assert_close(h(X), expected, tol=1e-4)
    assert h(X).shape == (4, 6, 4, 6)
    assert _method(h) == "sparse"


def test_the_sparse_program_reads_as_written_by_hand():
    text = s2sad.source(function("banded"), mode="hessian", args=(np.ones(20),))
    assert "if x.shape != (20,):" in text and "x_dot = __seeds" in text
    assert "* -1.0" not in text  # y[i] -= t, not y[i] += t * -1.0
    assert "    x_bar = " not in text  # the gradient's own zeros, read only for their shape, are gone
    assert "x_bar_dot = np.zeros(x_dot.shape)" in text
    assert "x_bar_dot[:, :-1] = " in text  # the first update of the zeros is an assignment
    assert text.count("x_bar_dot[:, :-1]") == 1  # the two updates of one part are one
    with pytest.raises(ValueError, match="stage 'final'"):
        s2sad.source(function("banded"), mode="hessian", stage="raw", args=(np.ones(20),))
