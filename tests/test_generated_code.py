"""What generated code leaves out: work a person writing the derivative by hand would not do.

Each case also checks the derivative against central differences, so a rewrite that
drops too much shows up here.
"""

import math
import warnings

import numpy as np
import pytest
from checks import assert_close, central_difference

import s2sad


def rosenbrock(x):
    return np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


def shifted(x):
    return np.sum(x[2:] * x[:-2]) + np.sum(x[1:-1] * x[:-2])


def mismatched(x):
    return np.sum(x[1:] * x[:3])  # x[:3] has the same length only when len(x) == 4


def broadcast_sum(x, b):
    return np.sum(np.sin(x) * b)


def test_slices_that_drop_as_many_items_have_one_shape():
    text = s2sad.source(rosenbrock, args=(np.ones(5),))
    assert "unbroadcast" not in text
    text = s2sad.source(shifted, args=(np.ones(5),))
    assert "unbroadcast" not in text


def test_the_ones_of_a_sum_go_where_they_only_scale():
    text = s2sad.source(rosenbrock, args=(np.ones(5),))
    assert "np.ones" not in text
    assert "v6_bar = 200 * (v1 - v2 ** 2)" in text


@pytest.mark.parametrize(
    "f,args",
    [
        (rosenbrock, (np.array([0.3, -0.7, 1.2, 0.4, 0.9]),)),
        (shifted, (np.array([0.3, -0.7, 1.2, 0.4, 0.9, 2.0]),)),
        (mismatched, (np.array([0.3, -0.7, 1.2, 0.4]),)),
        (broadcast_sum, (np.array([0.3, -0.7, 1.2]), 0.5)),
        (broadcast_sum, (np.array([0.3, -0.7, 1.2]), np.array([[1.0], [2.0]]))),
    ],
)
def test_still_the_derivative(f, args):
    for i in range(len(args)):
        got = s2sad.grad(f, wrt=i)(*args)
        assert_close(got, central_difference(f, list(args), i), 1e-6, f.__name__)


def scalar(x1, x2):
    return np.sum(np.sin(x1) * np.exp(x2) + x1**3 / np.sqrt(x1**2 + x2**2))


def test_hessian_is_a_cached_program_per_kind():
    h = s2sad.hessian(scalar, wrt=(0, 1))
    first = h(0.7, 1.3)
    t = h.__s2sad__
    assert len(t.all) == 1
    assert h(0.7, 1.3) == first and len(t.all) == 1  # the same program, not built again
    h(np.array([0.7, 0.2]), 1.3)  # a new kind: a second program
    assert len(t.all) == 2
    (_, program), _ = t.all
    assert program.__name__ == "scalar_hessian"


@pytest.mark.parametrize(
    "args",
    [
        (0.7, 1.3),
        (np.array(0.7), 1.3),
        (np.array([0.7, -0.2]), 1.3),
        (np.array([[0.7], [0.2]]), np.array([1.3])),
    ],
)
def test_hessian_blocks_against_differences(args):
    h = s2sad.hessian(scalar, wrt=(0, 1))(*args)
    grad = s2sad.grad(scalar, wrt=(0, 1))
    for a in range(2):
        for b in range(2):
            expected = central_difference(lambda *xs, a=a: grad(*xs)[a], list(args), b)
            assert np.shape(h[a][b]) == np.shape(args[a]) + np.shape(args[b])
            assert_close(h[a][b], expected, 1e-5, f"H[{a}][{b}]")


def test_hessian_with_keyword_only_arguments():
    def f(x, *, k=2.0):
        return np.sum(x**3) * k

    x = np.array([1.0, 2.0])
    assert_close(s2sad.hessian(f)(x), np.diag(6 * x * 2.0))
    assert_close(s2sad.hessian(f)(x, k=1.0), np.diag(6 * x))


def test_forward_over_reverse_does_not_recompute_the_gradient_it_does_not_return():
    def f(x1, x2):
        return np.sin(x1) * x2

    g = s2sad.grad(f, wrt=(0, 1))
    text = s2sad.source(g, mode="forward", kind="derivative", wrt=0)
    code = [line.strip() for line in text.splitlines() if not line.strip().startswith("#")]
    assert not [line for line in code if line.startswith(("x1_bar =", "x2_bar ="))]
    assert "x1_bar_dot = -np.sin(x1) * x2" in code


def horner(c, x):
    p = c[0]
    for i in range(1, len(c)):
        p = p * x + c[i]
    return p


def twice_per_step(c):
    s = 0.0
    for i in range(len(c)):
        s = s + c[i] * c[i] + np.sin(c[i])
    return s


def negative_indices(c):
    s = 0.0
    for i in range(-2, 2):  # c[-2] and c[2] are one element when len(c) == 4
        s = s + c[i] ** 2
    return s


def stepping_down(c):
    s = 0.0
    for i in range(len(c) - 1, -1, -2):
        s = s * 0.5 + c[i]
    return s


def test_a_loop_over_distinct_indices_writes_into_fresh_zeros():
    text = s2sad.source(horner, args=(np.ones(5), 0.5))
    assert "c_bar[i] = p_1_bar" in text and "c_bar[i] +=" not in text
    assert "c_bar[i] +=" in s2sad.source(negative_indices, args=(np.ones(4),))


@pytest.mark.parametrize(
    "f,args",
    [
        (horner, (np.array([0.3, -0.7, 1.2, 0.4]), 0.9)),
        (twice_per_step, (np.array([0.3, -0.7, 1.2]),)),
        (negative_indices, (np.array([0.3, -0.7, 1.2, 0.4]),)),
        (stepping_down, (np.array([0.3, -0.7, 1.2, 0.4, 2.0]),)),
    ],
)
def test_loops_writing_adjoints_by_index(f, args):
    got = s2sad.grad(f)(*args)
    assert_close(got, central_difference(f, list(args), 0), 1e-6, f.__name__)


def _column_program(hessian_dispatcher):
    """How the Hessian program a dispatcher last built gets its first column block."""
    (_, program) = hessian_dispatcher.__s2sad__.all[-1]
    cells = dict(zip(program.__code__.co_freevars, program.__closure__))
    return cells["__d0"].cell_contents.__name__


def rosenbrock_2d(X):
    return np.sum(100 * (X[:, 1:] - X[:, :-1] ** 2) ** 2) + np.mean((1 - X) ** 2)


def quadratic_form(A, x):
    return x @ A @ x + np.sum(np.sin(x))


def column_sums(X):
    return np.sum(np.sum(X**2, axis=0) ** 2) + np.sum(np.exp(X[0]))


@pytest.mark.parametrize(
    "f,args,batched",
    [
        (rosenbrock, (np.array([0.3, -0.7, 1.2, 0.4, 0.9]),), True),
        (rosenbrock_2d, (np.array([[0.3, -0.7, 1.2], [0.4, 0.9, -0.1]]),), True),
        (column_sums, (np.array([[0.3, -0.7, 1.2], [0.4, 0.9, -0.1]]),), True),
        (quadratic_form, (np.array([[2.0, 0.5], [0.1, 1.0]]), np.array([0.3, -0.7])), False),
    ],
)
def test_hessian_of_an_array_in_one_batched_sweep(f, args, batched):
    wrt = len(args) - 1
    hessian = s2sad.hessian(f, wrt=wrt)
    h = hessian(*args)
    assert _column_program(hessian) == ("batched_columns" if batched else "columns")
    grad = s2sad.grad(f, wrt=wrt)
    expected = central_difference(lambda *xs: grad(*xs), list(args), wrt)
    assert h.shape == args[wrt].shape * 2
    assert_close(h, expected, 1e-5, f.__name__)


def array_in_a_tuple(x, a):
    t2 = (math.exp(a[1]), a, 0.5 * a[2])
    s3, v4, s5 = t2
    t6 = (np.dot(v4, v4), a, v4[-1])
    s7, v8, s9 = t6[0], t6[1], t6[2]
    return s7 + s5 * x + np.sum(v4) + s3 * v8[0] * s9


def test_hessian_with_a_tangent_read_from_a_list_is_valid():
    """``[0.0, a_dot * 2.0, 0.0][1]``: the directions are not the list's first axis (batched
    over them, it printed ``[...][:, 1]``, a SyntaxWarning). Such reads now fold to the item
    (``a_dot * 2.0``), and the batched program is right."""
    args = (0.7, np.array([0.3, -0.5, 1.1]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hessian = s2sad.hessian(array_in_a_tuple, wrt=1)
        h = hessian(*args)
    grad = s2sad.grad(array_in_a_tuple, wrt=1)
    assert_close(h, central_difference(grad, list(args), 1), 1e-5, "hessian")


def two_floats(x, y):
    return np.sin(x) * np.exp(y) + x**3 / np.sqrt(x**2 + y**2)


def float_loop(x, y):
    for _ in range(3):
        x = x * y + np.sin(x)
    return x


def float_branch(x, y):
    if x > 0:
        return x**2 * y
    return np.cos(x * y)


@pytest.mark.parametrize(
    "f,args,together",
    [(two_floats, (0.7, 1.3), True), (float_loop, (0.7, 0.4), False), (float_branch, (0.7, 1.3), True)],
)
def test_hessian_of_numbers_in_one_program(f, args, together):
    hessian = s2sad.hessian(f, wrt=(0, 1))
    h = hessian(*args)
    (_, program) = hessian.__s2sad__.all[-1]
    assert ("__d0" not in program.__code__.co_freevars) == together
    grad = s2sad.grad(f, wrt=(0, 1))
    for a in range(2):
        for b in range(2):
            expected = central_difference(lambda *xs, a=a: grad(*xs)[a], list(args), b)
            assert_close(h[a][b], expected, 1e-5, f"{f.__name__}: H[{a}][{b}]")
    one = s2sad.hessian(f, wrt=1)(*args)
    assert_close(one, h[1][1], 1e-12, "one number")


def test_the_first_specialisation_runs_inside_the_dispatcher():
    import inspect
    import math

    def f(x, y):
        return math.sin(x) * y

    g = s2sad.grad(f, wrt=(0, 1))
    assert g(0.5, 2.0) == (math.cos(0.5) * 2.0, math.sin(0.5))
    text = inspect.getsource(g)
    assert "return __T[" not in text and "x_bar = y * math.cos(x)" in text
    assert g(np.float64(0.5), 2.0) == g(0.5, 2.0)  # a second kind is called, not inlined
    assert "return __T[" in inspect.getsource(g)  # a second kind is called through __T
    assert g(0.25, 1.0) == (math.cos(0.25), math.sin(0.25))


def test_names_of_our_own_come_from_the_dispatchers_globals_or_spare_cells():
    import inspect

    def f(x):
        return np.sum(np.sin(x) * x[0])

    g = s2sad.grad(f)
    x = np.array([0.5, 1.0])
    expected = np.cos(x) * x[0]
    expected[0] += np.sum(np.sin(x))
    assert np.allclose(g(x), expected)
    text = inspect.getsource(g)  # f reads only a module: the dispatcher has globals of its own
    assert "return __T[" not in text and "np.cos(x)" in text and "__T" not in g.__code__.co_freevars
    assert g.__globals__ is not f.__globals__ and g.__code__.co_freevars == ()
    scale = 2.0

    def h(x):  # reads a global of its module: the dispatcher reads them live, and __T from a cell
        return np.sum(np.sin(x) * x[0]) * scale + GLOBAL_SCALE

    g = s2sad.grad(h)
    assert np.allclose(g(x), 2.0 * expected)
    text = inspect.getsource(g)
    assert "return __T[" not in text and "__k0 = __T[" in text and g.__globals__ is h.__globals__


GLOBAL_SCALE = 1.0


def test_numpy_random_is_named_as_such():
    def noisy(x):
        return x * np.random.uniform(1.0, 1.0)

    assert s2sad.grad(noisy)(2.0) == 1.0
    assert "np.random.uniform(1.0, 1.0)" in s2sad.source(noisy)


def softmax_entropy(x):
    p = np.exp(x) / np.sum(np.exp(x))
    return -np.sum(p * np.log(p))


def test_a_call_written_twice_is_computed_once():
    """``np.exp(x) / np.sum(np.exp(x))``: a person computes ``np.exp(x)`` once."""
    x = np.array([0.2, -1.0, 0.5])
    text = s2sad.source(softmax_entropy, args=(x,))
    code = [line for line in text.splitlines() if not line.strip().startswith("#")]
    assert sum(line.count("np.exp(") for line in code) == 1, text
    assert_close(s2sad.grad(softmax_entropy)(x), central_difference(softmax_entropy, [x], 0), 1e-6, "grad")
