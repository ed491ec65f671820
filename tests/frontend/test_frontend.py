"""Reading functions: import styles, globals and closures (read live), lambdas, name clashes."""

import math

import numpy as np
import pytest
import styles
from checks import assert_close, central_difference

import s2sad

X = np.array([0.3, -1.2, 2.0])


@pytest.mark.parametrize("name", ["uses_numpy", "uses_np", "uses_from_numpy", "uses_linalg"])
def test_import_styles_numpy(name):
    f = getattr(styles, name)
    assert_close(s2sad.grad(f)(X), central_difference(f, [X], 0))
    assert "np." in s2sad.source(f, args=(X,))


def test_import_styles_math():
    f = styles.uses_math
    assert s2sad.grad(f)(0.7) == pytest.approx(2 * math.exp(0.7) + math.cos(0.7))
    text = s2sad.source(f)
    assert "math.exp" in text and "math.cos" in text


def test_globals_are_read_live(monkeypatch):
    g = s2sad.grad(styles.uses_globals)
    assert_close(g(X), 3.0 * 2 * (X - styles.OFFSET))
    monkeypatch.setattr(styles, "SCALE", 5.0)
    assert_close(g(X), 5.0 * 2 * (X - styles.OFFSET))
    monkeypatch.setattr(styles, "OFFSET", 1.0)  # a new kind: a new specialisation
    assert_close(g(X), 5.0 * 2 * (X - 1.0))
    monkeypatch.setattr(styles, "OFFSET", np.ones((2, 3)))  # broadcasting the other way
    assert_close(g(X), 5.0 * 2 * np.sum(X - np.ones((2, 3)), axis=0))


def test_closures_share_code_and_read_their_own_cells():
    f2, f3 = styles.make_closure(2.0), styles.make_closure(3.0)
    assert s2sad.grad(f2)(1.5) == 6.0
    assert s2sad.grad(f3)(1.5) == 9.0


def test_closure_cells_are_read_live():
    f, bump = styles.make_counter()
    g = s2sad.grad(f)
    assert g(1.0) == 1.0
    bump()
    assert g(1.0) == 2.0


def test_lambdas_on_one_line():
    double, triple = styles.two_lambdas()
    assert s2sad.grad(double)(1.0) == 2.0
    assert s2sad.grad(triple)(1.0) == 3.0


def test_lambda_source():
    text = s2sad.source(lambda x: x**3)
    assert text.startswith("def lambda_grad(x):") and "3.0 * (x * x)" in text


def test_parameter_named_np():
    g = s2sad.grad(styles.shadows_np, wrt=1)
    m, x = np.arange(6.0).reshape(2, 3), np.array([1.0, 2.0, 3.0])
    assert_close(g(m, x), 2 * x * m.sum(axis=0))
    text = s2sad.source(styles.shadows_np, wrt=1, args=(m, x))
    assert "numpy.sum(" in text and "def shadows_np_grad(np, x):" in text


def test_parameter_named_math():
    assert s2sad.grad(styles.shadows_math, wrt=1)(3.0, 2.0) == 12.0


def test_docstring_annotations_defaults():
    assert s2sad.grad(styles.annotated)(1.0) == 2.0
    assert s2sad.grad(styles.annotated, wrt="y")(1.0, 4.0) == 1.0


def test_multiline_statement_is_quoted_whole():
    text = s2sad.source(styles.multiline, wrt=(0, 1))
    assert "# z = (x * y +\n    #      x ** 2)" in text
    assert s2sad.grad(styles.multiline, wrt=(0, 1))(2.0, 3.0) == (7.0, 2.0)


def test_nested_function():
    def outer():
        def inner(x):
            return x * x * x

        return inner

    assert s2sad.grad(outer())(2.0) == 12.0


def test_walrus():
    def f(x):
        return (y := x * x) + y

    assert s2sad.grad(f)(3.0) == 12.0
