"""Functions that read module-level data in every expression position: the cache guard must see each."""

import numpy as np

WS = [2.0, 3.0]
IDX = 0
LIMIT = 0.0
SCALE = 2.0


def through_iterable(x):
    s = 0.0
    for w in WS:
        s = s + np.sum(x * w)
    return s


def through_index(x):
    return np.sum(x[IDX]) * 3.0


def through_condition(x):
    if LIMIT > 0.0:
        return x * x
    return 2.0 * x


def through_default(x):
    def scaled(v, c=SCALE):
        return c * v

    return scaled(x)
