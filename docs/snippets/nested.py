"""A derivative s2sad made, called inside a function s2sad differentiates."""

import numpy as np

import s2sad


def energy(x):
    return np.sum(x**4) / 4.0 + np.sum(np.sin(x))


force = s2sad.grad(energy)


def work(x, v):
    return np.dot(force(x), v)  # the directional derivative of the energy along v


x, v = np.array([0.5, 1.0, 2.0]), np.array([1.0, 0.0, -1.0])
print("grad of work:", s2sad.grad(work)(x, v))  # H(x) v: grad of a dot with a grad
print("H v:         ", s2sad.hvp(energy)(x, v))  # the same, in one sweep
