"""Dataclasses and NamedTuples passed to the differentiated function. Given as a ``wrt``
argument, a record is differentiated field by field and its gradient is a record of the
same type; otherwise it is a constant, read where the code runs. Checked in both modes
and at second order (grad of grad across the record and a number) against central
differences."""

import dataclasses
import typing

import numpy as np
import pytest
from checks import assert_close, central_difference

import s2sad


@dataclasses.dataclass
class Layer:
    w: np.ndarray
    b: float = 0.0
    scale: float = 2.0

    def forward(self, x):
        return np.tanh(self.w * x + self.b) * self.scale


class Pair(typing.NamedTuple):
    w: np.ndarray
    b: float = 0.0

    def forward(self, x):
        return np.sin(self.w * x) + self.b


def loss(p, x):
    return np.sum(p.forward(x) ** 2) + p.b * x


W = np.array([0.5, -1.0, 0.3])
RECORDS = [Layer(W, 0.25, 1.5), Pair(W, 0.25)]


def fields_of(p):
    return {k: getattr(p, k) for k in type(p).__annotations__}


def numerical(p, x):
    """The gradient of loss in each field of p, by central differences, as a dict."""
    out = {}
    for k, v in fields_of(p).items():
        f = lambda value, k=k: loss(
            dataclasses.replace(p, **{k: value}) if dataclasses.is_dataclass(p) else p._replace(**{k: value}),
            x,
        )  # noqa: E731
        out[k] = central_difference(f, [v], 0)
    return out


@pytest.mark.parametrize("p", RECORDS, ids=["dataclass", "NamedTuple"])
def test_the_gradient_is_a_record_of_the_same_type(p):
    g = s2sad.grad(loss)(p, 0.7)
    assert type(g) is type(p)
    for k, expected in numerical(p, 0.7).items():
        assert_close(getattr(g, k), expected, what=k)
    value, (gp, gx) = s2sad.value_and_grad(loss, wrt=(0, 1))(p, 0.7)
    assert_close(value, loss(p, 0.7), 1e-12)
    assert type(gp) is type(p) and isinstance(gx, float)
    assert_close(gx, central_difference(lambda x: loss(p, x), [0.7], 0))


@pytest.mark.parametrize("p", RECORDS, ids=["dataclass", "NamedTuple"])
def test_forward_mode_takes_a_record_tangent(p):
    rng = np.random.default_rng(1)
    t = {
        k: rng.normal(size=np.shape(v)) if np.ndim(v) else float(rng.normal())
        for k, v in fields_of(p).items()
    }
    tangent = dataclasses.replace(p, **t) if dataclasses.is_dataclass(p) else p._replace(**t)
    out, tangent_out = s2sad.jvp(loss, (p, 0.7), (tangent, 0.5))
    expected = sum(np.sum(d * t[k]) for k, d in numerical(p, 0.7).items())
    expected += 0.5 * central_difference(lambda x: loss(p, x), [0.7], 0)
    assert_close(out, loss(p, 0.7), 1e-12)
    assert_close(tangent_out, expected)
    out, tangent_out = s2sad.jvp(loss, (p, 0.7), (t, 0.5))  # a dict of tangents too
    assert_close(tangent_out, expected)


@pytest.mark.parametrize("p", RECORDS, ids=["dataclass", "NamedTuple"])
def test_second_order_across_the_record_and_a_number(p):
    dx = s2sad.grad(loss, wrt=1)
    g = s2sad.grad(dx)(p, 0.7)  # d/dp of dloss/dx
    assert type(g) is type(p)
    for k, v in fields_of(p).items():
        f = lambda value, k=k: dx(
            dataclasses.replace(p, **{k: value}) if dataclasses.is_dataclass(p) else p._replace(**{k: value}),
            0.7,
        )  # noqa: E731
        assert_close(getattr(g, k), central_difference(f, [v], 0), 1e-4, k)
    hx = s2sad.hessian(loss, wrt=1)(p, 0.7)
    assert_close(hx, central_difference(dx, [p, 0.7], 1), 1e-4)


def test_a_record_not_differentiated_is_a_constant_its_fields_read_when_it_runs():
    p = Layer(W, b=0.75)  # not the class's default: read from the object
    dx = s2sad.grad(loss, wrt=1)
    assert_close(dx(p, 0.7), central_difference(lambda x: loss(p, x), [0.7], 0))
    q = Layer(2.0 * W, b=-1.0)
    assert_close(dx(q, 0.7), central_difference(lambda x: loss(q, x), [0.7], 0))
    assert_close(s2sad.derivative(loss, wrt=1)(q, 0.7), dx(q, 0.7))


def test_differentiating_twice_with_respect_to_a_record_says_so():
    with pytest.raises(TypeError, match="it is a Layer, not a number"):
        s2sad.grad(s2sad.grad(loss))(RECORDS[0], 0.7)
    with pytest.raises(TypeError, match="Layer"):
        s2sad.hessian(loss)(RECORDS[0], 0.7)
