"""Past the kinds the dispatcher checks inline: a table, checked by the same guards."""

import numpy as np
import pytest
from conftest import make_function

import s2sad
from s2sad.driver.dispatch import SLOTS


def _square_sum(x):
    return np.sum(x * x)


def test_many_kinds_give_right_results_and_are_built_once():
    g = s2sad.grad(_square_sum)
    t = g.__s2sad__
    arrays = [np.linspace(0.5, 1.5, 2**d).reshape((2,) * d) for d in range(1, SLOTS + 6)]
    arrays += [np.float64(1.5), np.arange(3.0)[:, None], np.float32(2.0)]
    for _ in range(3):
        for x in arrays:
            np.testing.assert_allclose(g(x), 2 * x)
    assert t.builds == len(arrays)  # the second and third rounds built nothing
    assert len(t.all) == len(arrays)


def test_a_table_entry_is_guarded_like_an_inlined_one():
    def f(x):
        return np.sum(np.sum(x, axis=0) ** 2)  # which axis has length one matters

    g = s2sad.grad(f)
    for d in (1, 3, 4, 5):
        g(np.ones((2,) * d))
    t = g.__s2sad__
    column, row = np.arange(1.0, 4.0)[:, None], np.arange(1.0, 4.0)[None, :]  # one table key
    for _ in range(2):
        np.testing.assert_allclose(g(column), np.full((3, 1), 2 * 6.0))
        np.testing.assert_allclose(g(row), 2 * row)
    assert t.builds == 6


def test_a_global_that_changes_kind_misses_the_table():
    f = make_function(
        """
        def f(x):
            return SCALE * x
        """,
        SCALE=2.0,
    )
    g = s2sad.grad(f)
    kinds = [1.0, np.float64(1.0), np.float32(1.0), np.float16(1.0), np.array(1.0), np.longdouble(1.0)]
    for x in kinds:
        assert g(x) == 2.0
    f.__globals__["SCALE"] = np.array([1.0, 2.0])  # an array now: the derivative is another
    with pytest.raises(s2sad.NonScalarOutputError):
        g(kinds[-1])
    f.__globals__["SCALE"] = 3.0
    assert g(kinds[-1]) == 3.0


def test_redefinition_and_rebuild_still_work():
    f = make_function("def f(x):\n    return x ** 3\n")
    g = s2sad.grad(f)
    kinds = [2.0, np.float64(2.0), np.float32(2.0), np.float16(2.0), np.array(2.0), np.longdouble(2.0)]
    assert [float(g(x)) for x in kinds] == [12.0] * len(kinds)
    f2 = make_function("def f(x):\n    return x ** 2\n")
    assert [float(s2sad.grad(f2)(x)) for x in kinds] == [4.0] * len(kinds)
    t = g.__s2sad__
    from s2sad.driver.dispatch import rebuild

    rebuild()
    assert not t.table and not t.all
    assert [float(g(x)) for x in kinds] == [12.0] * len(kinds)
    assert t.builds == 2 * len(kinds)


def test_keyword_only_arguments_through_the_table():
    def f(x, *, power=2.0):
        return x**power

    g = s2sad.grad(f)
    kinds = [2.0, np.float64(2.0), np.float32(2.0), np.float16(2.0), np.array(2.0), np.longdouble(2.0)]
    for _ in range(2):
        for x in kinds:
            assert float(g(x, power=3.0)) == 12.0
    assert g.__s2sad__.builds == len(kinds)


def test_repeated_jvp_calls_build_once_and_still_check_tangents():
    from s2sad.derive.request import Request
    from s2sad.driver.dispatch import transform

    def f(x, y):
        return x * np.sin(y)

    x, y = np.array([1.0, 2.0]), 0.5
    for _ in range(3):
        out, tangent = s2sad.jvp(f, (x, y), (np.ones(2), 0.0))
        np.testing.assert_allclose(tangent, np.sin(y))
    assert transform(f, Request("jvp", ("x", "y"), False)).builds == 1
    with pytest.raises(ValueError, match="shape"):
        s2sad.jvp(f, (x, y), (np.ones(3), 0.0))
    with pytest.raises(TypeError, match="complex"):
        s2sad.jvp(f, (x, y), (np.ones(2) * 1j, 0.0))
    with pytest.raises(ValueError, match="tangents"):
        s2sad.jvp(f, (x, y), (np.ones(2),))
    out, pullback = s2sad.vjp(f, x, y)
    with pytest.raises(ValueError, match="shape"):
        pullback(np.ones(3))
