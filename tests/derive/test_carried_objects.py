"""Objects carried around loops and joined after branches: a state rebound in every iteration
(``s = State(...)``, ``s = s._replace(...)``), its attributes set in the loop, one object on
each path of an ``if``; in both modes, at second order and grad of grad (``check_all``); and
what stays refused, with the reason."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import make_function

import s2sad
from s2sad.errors import UnsupportedSyntaxError

from .test_classes import CLASSES, MODULE, check_all
from .test_control_shapes import A, X

STATES = """
from typing import NamedTuple


class State(NamedTuple):
    pos: float
    vel: float


@dataclasses.dataclass
class Particle:
    pos: object
    vel: object
    mass: float = 2.0

    def kinetic(self):
        return 0.5 * self.mass * np.sum(self.vel ** 2)

    def step(self, force, dt):
        return Particle(self.pos + dt * self.vel, self.vel + dt * force / self.mass, self.mass)
"""

CASES = {
    "a NamedTuple state rebound in a loop": """
def f(x, a):
    s = State(x, 0.0)
    for _ in range(4):
        s = State(s.pos + 0.1 * s.vel, s.vel - 0.1 * np.sum(a) * s.pos)
    return s.pos * s.vel
""",
    "a NamedTuple's _replace in a loop": """
def f(x, a):
    s = State(x, np.sum(a))
    for i in range(3):
        s = s._replace(pos=s.pos + 0.1 * s.vel)
        s = s._replace(vel=s.vel * np.cos(s.pos + i))
    return s.pos + s.vel ** 2
""",
    "a dataclass of arrays stepped by a method": """
def f(x, a):
    p = Particle(a, x * a)
    for _ in range(3):
        p = p.step(-np.sin(p.pos), 0.1)
    return p.kinetic() + np.sum(p.pos ** 2)
""",
    "dataclasses.replace in a loop": """
def f(x, a):
    p = Particle(a, x * a)
    for _ in range(3):
        p = dataclasses.replace(p, pos=p.pos + 0.1 * np.sin(p.vel))
    return np.sum(p.pos ** 2) * p.mass
""",
    "attributes set in a loop": """
def f(x, a):
    p = Particle(a, a * 0.0)
    for _ in range(3):
        p.vel = p.vel - 0.1 * x * p.pos
        p.pos = p.pos + 0.1 * p.vel
    return np.sum(p.pos * p.vel)
""",
    "a while loop": """
def f(x, a):
    s = State(x, 1.0)
    n = 0
    while n < 3:
        s = State(s.pos * s.vel + np.sum(a), np.tanh(s.pos))
        n += 1
    return s.pos
""",
    "a loop that breaks": """
def f(x, a):
    s = State(x, 0.0)
    for i in range(6):
        if i == 3:
            break
        s = State(s.pos * np.sin(s.vel + 1.0), s.vel + np.sum(a))
    return s.pos + s.vel
""",
    "nested loops": """
def f(x, a):
    s = State(x, np.sum(a))
    for _ in range(2):
        for _ in range(2):
            s = State(s.vel, np.sin(s.pos) * s.vel)
        s = s._replace(pos=s.pos * x)
    return s.pos
""",
    "an object made on each path of an if": """
def f(x, a):
    if x > 0:
        m = Model(a)
    else:
        m = Model(2.0 * a)
    return np.sum(m.forward(x))
""",
    "a state rebound in a branch inside a loop": """
def f(x, a):
    s = State(x, 1.0)
    for i in range(4):
        if i % 2 == 0:
            s = State(s.pos * s.vel, s.vel)
        else:
            s = s._replace(vel=s.vel + np.sum(a * s.pos))
    return s.pos + s.vel
""",
}


@pytest.mark.parametrize("name", list(CASES))
def test_carried_objects(name):
    check_all(STATES + CASES[name])


def test_the_state_reads_as_variables():
    f = make_function(CLASSES + STATES + CASES["a NamedTuple state rebound in a loop"], "f", **MODULE)
    body = s2sad.source(f).split('"""')[-1]
    lines = [line for line in body.splitlines() if not line.strip().startswith("#")]
    assert not any("State" in line for line in lines), lines
    assert any("s_pos" in line for line in lines) and any("s_vel" in line for line in lines), lines


ERRORS = {
    "another name for the object changed in the loop": (
        """
def f(x, a):
    p = Particle(a, a)
    q = p
    for _ in range(2):
        p.pos = p.pos * x
    return np.sum(q.pos)
""",
        "is also `q`",
    ),
    "a different class at the end of the loop": (
        """
def f(x, a):
    s = State(x, 1.0)
    for _ in range(2):
        s = Particle(s.pos, s.vel)
    return s.pos
""",
        "is not a `State` object at the end of the loop",
    ),
    "an attribute added in the loop": (
        """
def f(x, a):
    p = Model(a)
    for _ in range(2):
        p.extra = p.w * x
    return np.sum(p.w)
""",
        "other attributes at the end of the loop",
    ),
    "an attribute set in a branch in the loop": (
        """
def f(x, a):
    p = Particle(a, a)
    for i in range(2):
        if i > 0:
            p.pos = p.pos * x
    return np.sum(p.pos)
""",
        "inside an `if` or a loop, on an object made outside it",
    ),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_what_stays_refused(name):
    body, what = ERRORS[name]
    f = make_function(CLASSES + STATES + body, "f", **MODULE)
    for transform in (s2sad.grad, s2sad.derivative):
        with pytest.raises(UnsupportedSyntaxError, match="^.*:[0-9]+:[0-9]+: ") as info:
            transform(f)(X, A)
        assert what in str(info.value).splitlines()[0], str(info.value)


def test_the_values_are_the_functions():
    """The lowered function computes what Python computes, loop by loop."""
    f = make_function(CLASSES + STATES + CASES["a dataclass of arrays stepped by a method"], "f", **MODULE)
    value, _ = s2sad.value_and_grad(f)(X, A)
    assert np.isclose(value, f(X, A))
