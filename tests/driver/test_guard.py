"""The specialisation guard reads every global a derivative depends on, wherever the code reads it.

A derivative is specialised on the kinds of the data it reads from outside (a list of floats, an
int used as an index, ...). When that data changes kind, the cached derivative must not be reused.
"""

import numpy as np
import pytest

import s2sad

from . import guard_cases as cases


@pytest.fixture(autouse=True)
def _restore():
    saved = dict(vars(cases))
    yield
    for name in ("WS", "IDX", "LIMIT", "SCALE"):
        setattr(cases, name, saved[name])


def test_a_global_read_only_as_a_loop_iterable():
    df = s2sad.grad(cases.through_iterable)
    assert df(1.0) == 5.0
    cases.WS = [np.array([1.0, 2.0]), np.array([3.0, 4.0])]
    assert df(1.0) == pytest.approx(10.0)  # was the stale array([4., 6.])


def test_a_global_read_only_as_an_index():
    df = s2sad.grad(cases.through_index)
    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(df(x), [3.0, 0.0, 0.0])
    cases.IDX = slice(0, 2)
    np.testing.assert_allclose(df(x), [3.0, 3.0, 0.0])


def test_a_global_read_only_in_a_condition():
    df = s2sad.grad(cases.through_condition)
    assert df(3.0) == 2.0
    cases.LIMIT = 1.0
    assert df(3.0) == 6.0


def test_a_global_read_only_as_a_default():
    df = s2sad.grad(cases.through_default)
    assert df(3.0) == 2.0
    cases.SCALE = np.array([1.0, 2.0])
    with pytest.raises(s2sad.NonScalarOutputError):
        df(3.0)
