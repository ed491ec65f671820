"""Objects of the user's classes inside the differentiated function: made from
differentiated values, their attributes read, their methods, properties, static and
class methods called; dataclasses with defaults; objects given as constants (a
global, an argument). Each case is ``f(x, a)`` checked in both modes and at second
order against central differences."""

import sys
import types

import numpy as np
import pytest
from checks import assert_close, central_difference, check_forward, check_reverse
from conftest import make_function

import s2sad
from s2sad.errors import UnsupportedSyntaxError

from .test_control_shapes import A, X, check_function

# dataclasses read the module their class is defined in: the sources below get one
sys.modules.setdefault("test_classes_source", types.ModuleType("test_classes_source"))
MODULE = {"__name__": "test_classes_source"}

CLASSES = """
import dataclasses

class Model:
    def __init__(self, w, b=0.5):
        self.w = w
        self.b = b

    def forward(self, x):
        return np.tanh(self.w * x + self.b)

    def loss(self, x):
        return np.sum(self.forward(x) ** 2)

    @property
    def scale(self):
        return 2.0 * np.sum(self.w)

    @staticmethod
    def act(z):
        return np.sin(z)

    @classmethod
    def doubled(cls, w):
        return cls(2.0 * w, b=0.1)

    def __call__(self, x):
        return self.act(self.w * x)


@dataclasses.dataclass
class P:
    w: float
    b: float = 1.0
    scale_by: float = 3.0

    @property
    def scale(self):
        return self.w * self.scale_by


class Stateful:
    def __init__(self, w):
        self.w = w
        self.h = None

    def step(self, x):
        self.h = np.tanh(self.w * x)
        return self.h


class Base:
    factor = 1.5

    def __init__(self, w):
        self.w = w

    def forward(self, x):
        return self.factor * self.w * x


class Child(Base):
    def forward(self, x):
        return np.cos(Base.forward(self, x)) + self.w


@dataclasses.dataclass
class Post:
    w: float
    w2: float = dataclasses.field(init=False)

    def __post_init__(self):
        self.w2 = self.w * self.w
"""


def check_all(body: str, **namespace):
    """``f(x, a)`` in both modes, its Hessian in ``x`` and ``a``, and grad of grad in ``x``."""
    f = make_function(CLASSES + body, "f", **MODULE, **namespace)
    check_function(f)
    return f


CASES = {
    "a method reads self.w and self.b": """
def f(x, a):
    m = Model(a)
    return np.sum(m.forward(x))
""",
    "a method calling another method, the default of __init__ given": """
def f(x, a):
    m = Model(x * a, b=x)
    return m.loss(a)
""",
    "an attribute read outside a method": """
def f(x, a):
    m = Model(a, x)
    return np.sum(m.w * m.b)
""",
    "a property": """
def f(x, a):
    m = Model(x * a)
    return m.scale * x
""",
    "a staticmethod through the class and the object": """
def f(x, a):
    m = Model(a)
    return np.sum(Model.act(x * a) + m.act(a)) * x
""",
    "a classmethod making an object": """
def f(x, a):
    m = Model.doubled(a)
    return np.sum(m.forward(x))
""",
    "a callable object": """
def f(x, a):
    m = Model(a)
    return np.sum(m(x))
""",
    "a dataclass with defaults and a property (P(x, 1.0).scale)": """
def f(x, a):
    p = P(x, 1.0)
    q = P(w=np.sum(a), b=x)
    return p.scale + p.b * x + q.scale * q.b
""",
    "a dataclass made and read at once": """
def f(x, a):
    return P(x * np.sum(a)).scale + P(x).b
""",
    "a dataclass with __post_init__ and a field not in __init__": """
def f(x, a):
    p = Post(x * a)
    return np.sum(p.w2)
""",
    "an attribute set in a method (self.h = ...), read after": """
def f(x, a):
    s = Stateful(a)
    y = s.step(x)
    return np.sum(y + s.h * s.h)
""",
    "an attribute set outside the class": """
def f(x, a):
    s = Stateful(a)
    s.h = x * a
    s.h = s.h + 1.0
    return np.sum(s.h * s.w)
""",
    "inheritance, a class attribute, an explicit base call": """
def f(x, a):
    c = Child(a)
    return np.sum(c.forward(x))
""",
    "an object passed to a helper and returned by one": """
def make(w):
    return Model(w, b=0.2)

def use(m, x):
    return m.forward(x)

def f(x, a):
    return np.sum(use(make(a), x))
""",
    "objects made in a loop, used in it": """
def f(x, a):
    s = 0.0
    for i in range(3):
        m = Model(a * i, b=x)
        s = s + np.sum(m.forward(x))
    return s
""",
    "an object in a branch, used in it": """
def f(x, a):
    if x > 0:
        m = Model(a)
        y = m.forward(x)
    else:
        y = a
    return np.sum(y)
""",
    "a class defined in the closure": None,
}


@pytest.mark.parametrize("name", [n for n, body in CASES.items() if body is not None])
def test_objects(name):
    check_all(CASES[name])


def test_class_in_the_closure():
    import dataclasses

    @dataclasses.dataclass
    class Affine:
        w: np.ndarray
        b: float = 0.25

        def __call__(self, x):
            return self.w * x + self.b

    def f(x, a):
        layer = Affine(a)
        return np.sum(np.tanh(layer(x)))

    args = [X, A.copy()]
    check_reverse(f, args, (0, 1))
    check_forward(f, args, (0, 1))
    expected = central_difference(s2sad.grad(f), args, 0)
    assert_close(s2sad.grad(s2sad.grad(f))(*args), expected, 1e-4, "grad of grad")
    assert_close(s2sad.hessian(f, wrt=1)(*args), central_difference(s2sad.grad(f, wrt=1), args, 1), 1e-4)


GIVEN = """
model = Model(np.array([0.5, -1.0, 2.0]), b=0.3)

def f(x, a):
    return np.sum(model.forward(x * a)) + model.scale * x
"""


def test_a_global_object_is_a_constant():
    check_all(GIVEN)


def test_an_object_argument_is_a_constant():
    f = make_function(
        CLASSES + "\ndef f(x, a, m):\n    return np.sum(m.forward(x * a) + m.w)\n", "f", **MODULE
    )
    m = f.__globals__["Model"](np.array([0.5, -1.0, 2.0]))
    g = lambda x, a: f(x, a, m)  # noqa: E731
    args = [X, A.copy()]
    check_reverse(g, args, (0, 1))
    check_forward(g, args, (0, 1))
    assert_close(s2sad.grad(f, wrt=1)(X, A, m), central_difference(lambda a: f(X, a, m), [A], 0))
    assert_close(s2sad.hessian(f, wrt=0)(X, A, m), central_difference(s2sad.grad(f), [X, A, m], 0), 1e-4)


def test_the_derivative_reads_like_the_attributes_were_variables():
    f = make_function(
        CLASSES + "\ndef f(x, a):\n    m = Model(a)\n    return np.sum(m.forward(x))\n", "f", **MODULE
    )
    code = [
        line for line in s2sad.source(f).split('"""')[-1].splitlines() if not line.strip().startswith("#")
    ]
    assert not any("self" in line or "Model" in line for line in code), code


ERRORS = {
    "an attribute set in a branch on an object made before": (
        """
def f(x, a):
    s = Stateful(a)
    if x > 0:
        s.h = x
    return x
""",
        "inside an `if` or a loop, on an object made outside it",
    ),
    "an attribute of an object the function did not make": (
        """
given = Stateful(1.0)

def f(x, a):
    return given.step(x)
""",
        "an object the function did not make",
    ),
    "an object returned": (
        """
def f(x, a):
    return Model(a)
""",
        "can be used through its attributes and methods here",
    ),
    "objects of two classes, one on each path": (
        """
def f(x, a):
    if x > 0:
        m = Model(a)
    else:
        m = Base(2.0 * a)
    return np.sum(m.forward(x))
""",
        "is a different object on each path",
    ),
    "a missing attribute": (
        """
def f(x, a):
    return Model(a).missing
""",
        "has no attribute `missing`",
    ),
    "a frozen dataclass's field set": (
        """
@dataclasses.dataclass(frozen=True)
class Frozen:
    w: float

def f(x, a):
    p = Frozen(x)
    p.w = 2.0 * x
    return p.w
""",
        "frozen dataclass",
    ),
    "a class with __getattr__": (
        """
class Magic:
    def __init__(self, w):
        self.w = w

    def __getattr__(self, name):
        return 1.0

def f(x, a):
    return Magic(x).w
""",
        "defines `__getattr__`",
    ),
    "a recursive method": (
        """
class Rec:
    def __init__(self, w):
        self.w = w

    def power(self, x, n):
        return 1.0 if n == 0 else x * self.power(x, n - 1)

def f(x, a):
    return Rec(x).power(x, 3)
""",
        "recursive method",
    ),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_unsupported_uses_of_objects_say_so(name):
    body, what = ERRORS[name]
    f = make_function(CLASSES + body, "f", **MODULE)
    with pytest.raises(UnsupportedSyntaxError, match="^.*:[0-9]+:[0-9]+: ") as info:
        s2sad.grad(f)(X, A)
    assert what in str(info.value).splitlines()[0], str(info.value)
    with pytest.raises(UnsupportedSyntaxError):
        s2sad.derivative(f)(X, A)
