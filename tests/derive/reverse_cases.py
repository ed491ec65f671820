"""Small functions whose raw reverse-mode source ``test_reverse`` pins down."""

import math

import numpy as np


def reuse(x):
    y = x * 2.0
    return y * y


def clipped(x):
    if x > 1.0:
        x = 1.0 + math.log(x)
    return x * x


def power(x, n):
    y = 1.0
    for _ in range(n):
        y = y * x
    return y


def zero_first(x):
    y = x * 1.0
    y[0] = 0.0
    return np.sum(y * y)


def polar(r, t):
    return r * math.cos(t), r * math.sin(t)
