"""Past the kinds the dispatcher checks inline: a table, checked by the same guards."""

import inspect

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


def _counting_miss(t):
    calls = []
    miss = t.on_miss

    def counted(*args, **kwargs):
        calls.append(args)
        return miss(*args, **kwargs)

    t.on_miss = counted
    return calls


def test_table_hits_run_without_reaching_miss():
    def square_sum(x):
        return np.sum(x * x)

    g = s2sad.grad(square_sum)
    t = g.__s2sad__
    arrays = [np.linspace(0.5, 1.5, 2**d).reshape((2,) * d) for d in range(1, SLOTS + 5)]
    arrays += [np.float64(1.5), np.arange(3.0)[:, None], np.arange(3.0)[None, :], 1.5, 2]
    for x in arrays:
        np.testing.assert_allclose(g(x), 2 * np.asarray(x, dtype=float))
    calls = _counting_miss(t)
    for _ in range(2):
        for x in arrays:
            np.testing.assert_allclose(g(x), 2 * np.asarray(x, dtype=float))
    assert calls == [] and t.builds == len(arrays)
    assert ".get(type(x), __miss)(x)" in inspect.getsource(g)
    g(np.ones((1, 1, 1)))  # a new kind of a known type: its table function misses
    g(np.float32(1.0))  # a new type
    assert len(calls) == 2 and t.builds == len(arrays) + 2
    assert g(np.float32(1.0)) == 2.0 and len(calls) == 2


class _Float(float):
    pass


def test_numbers_of_each_type_go_to_their_own_program():
    g = s2sad.grad(lambda x: x * x)
    t = g.__s2sad__
    values = [3.0, True, 3, np.float64(3.0), np.float32(3.0), np.array(3.0), np.int64(3), np.float16(3.0)]
    expected = [(float, 6.0), (float, 2.0), (float, 6.0), (np.float64, 6.0), (np.float32, 6.0)]
    expected += [(np.ndarray, 6.0), (np.float64, 6.0), (np.float16, 6.0)]
    for _ in range(3):  # built, then inline or through the table
        for x, (kind, value) in zip(values, expected):
            out = g(x)
            assert type(out) is kind and out == value, (x, out)
        with pytest.raises(TypeError, match="_Float"):  # a subclass of float is not a float
            g(_Float(3.0))
    assert t.builds == len(values)
    assert [c.param_kinds[0].type for c, _ in t.all] == [type(v) for v in values]


def test_a_function_reading_only_modules_has_a_dispatcher_with_globals_of_its_own():
    g = s2sad.grad(lambda x: np.sin(x) * x)
    assert g(0.5) == np.cos(0.5) * 0.5 + np.sin(0.5)
    assert not g.__closure__ and g.__globals__ is not _square_sum.__globals__
    assert "np.cos(x)" in inspect.getsource(g)  # the inlined body reads np there


def test_a_closure_read_by_the_inlined_body_stays_live():
    def make():
        k = 2.0

        def f(x):
            return k * x * x

        def set_k(v):
            nonlocal k
            k = v

        return f, set_k

    f, set_k = make()
    g = s2sad.grad(f)
    assert g(1.0) == 4.0 and g.__closure__ is not None  # f's own cell, none of the dispatcher's
    set_k(3.0)
    assert g(1.0) == 6.0
    set_k(np.array([1.0, 2.0]))  # another kind: the guard on k sends it elsewhere
    with pytest.raises(s2sad.NonScalarOutputError):
        g(1.0)


def test_a_module_global_is_read_live_by_the_dispatcher():
    f = make_function(
        """
        def f(x):
            return helper(x) * x
        """,
        helper=lambda y: y + 1.0,
    )
    g = s2sad.grad(f)
    assert g(2.0) == 5.0 and g.__globals__ is f.__globals__
    f.__globals__["helper"] = lambda y: 2.0 * y  # a new function: guarded by identity
    assert g(2.0) == 8.0


def test_repeated_vjp_and_jvp_still_check_their_arguments():
    def f(x, y):
        return x * np.sin(y)

    x = np.array([1.0, 2.0])
    for _ in range(3):  # the first call fills what later calls find
        out, pullback = s2sad.vjp(f, x, 0.5)
        np.testing.assert_allclose(pullback(np.ones(2))[0], np.sin(0.5))
        _, tangent = s2sad.jvp(f, (x, 0.5), (np.ones(2), 0))  # an int tangent for a float: converted
        np.testing.assert_allclose(tangent, np.sin(0.5))
        with pytest.raises(ValueError, match="shape"):
            pullback(np.ones(3))
        with pytest.raises(TypeError, match="primals"):
            s2sad.vjp(f, x)
        with pytest.raises(ValueError, match="shape"):
            s2sad.jvp(f, (x, 0.5), (np.ones(3), 0.0))
        with pytest.raises(ValueError, match="tangents"):
            s2sad.jvp(f, (x, 0.5), (np.ones(2),))
        with pytest.raises(TypeError, match="complex"):
            s2sad.jvp(f, (x, 0.5), (np.ones(2) * 1j, 0.0))
