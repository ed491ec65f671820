"""Quickstart: differentiate a function and read the derivative s2sad wrote.

Run it with ``python examples/quickstart.py``.
"""

import math

import numpy as np

import s2sad


def f(x):
    return x ** 4 + 3 * x ** 2 + 2 * x


def baydin(x1, x2):
    """The running example of Baydin et al. (2018), "Automatic differentiation
    in machine learning: a survey"."""
    return math.log(x1) + x1 * x2 - math.sin(x2)


def least_squares(w, X, y):
    """The mean squared error of a linear model."""
    return np.mean((X @ w - y) ** 2)


if __name__ == "__main__":
    df = s2sad.grad(f)
    print(s2sad.source(f))
    print(f"f(2) = {f(2.0)}, f'(2) = {df(2.0)}\n")

    dbaydin = s2sad.grad(baydin, wrt=(0, 1))
    print(s2sad.source(baydin, wrt=(0, 1)))
    y, (dx1, dx2) = baydin(2.0, 5.0), dbaydin(2.0, 5.0)
    print(f"f(2, 5) = {y:.3f}, gradient = ({dx1:.3f}, {dx2:.3f})")
