"""Functions written in the different styles users write them in (imported by test_frontend)."""

import math
from math import exp
from math import sin as msin

import numpy
import numpy as np
import numpy.linalg as la
from numpy import cos
from numpy import sum as npsum
from numpy.linalg import norm


def uses_numpy(x):
    return numpy.sum(numpy.sin(x))


def uses_np(x):
    return np.sum(np.sin(x))


def uses_from_numpy(x):
    return npsum(cos(x))


def uses_linalg(x):
    return la.norm(x) + norm(x)


def uses_math(x):
    return math.exp(x) + exp(x) + msin(x)


SCALE = 3.0
OFFSET = np.array([1.0, 2.0, 3.0])


def uses_globals(x):
    return SCALE * np.sum((x - OFFSET) ** 2)


def make_closure(a):
    def f(x):
        return a * x ** 2

    return f


def make_counter():
    k = 1.0

    def f(x):
        return k * x

    def bump():
        nonlocal k
        k += 1.0

    return f, bump


def shadows_np(np, x):
    """A parameter named np: generated code must reach NumPy under another name."""
    return x @ (np * x).sum(axis=0)


def shadows_math(math, x):
    return math * x ** 2


def two_lambdas():
    return (lambda x: x * 2.0, lambda x: x * 3.0)


def annotated(x: float, y: float = 2.0) -> float:
    """A docstring, annotations and a default."""
    z: float = x * y
    return z + 1.0


def multiline(x, y):
    z = (x * y +
         x ** 2)
    return z
