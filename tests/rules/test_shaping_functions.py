"""NumPy's shape and indexing functions as people use them: grad, jvp and the Hessian of
small functions against central differences (``checks.check_tree``)."""

from __future__ import annotations

import numpy as np
import pytest
from checks import check_tree


def roughness(x):
    return np.sum(np.diff(x) ** 2) + 0.5 * np.sum(np.diff(x, 2) ** 2)


def increments(x):
    steps = np.diff(x, prepend=0.0)
    return np.sum(np.sin(steps) * x)


def slope_energy(x):
    return np.sum(np.gradient(x, 0.1) ** 2)


def image_edges(img):
    return np.sum(np.gradient(img, axis=0) ** 2 + np.gradient(img, axis=1, edge_order=2) ** 2)


def halves(x):
    a, b = np.split(x, 2)
    return np.sum(a * b) + np.sum(np.array_split(x, 3)[2] ** 3)


def padded_conv(x):
    y = np.pad(x, (1, 1))
    return np.sum((y[:-2] - 2 * y[1:-1] + y[2:]) ** 2)


def grown(x):
    return np.sum(np.append(x, 2.0 * x[-1:]) ** 2 * np.arange(x.size + 1))


def torque(r):
    force = np.array([0.3, -1.0, 2.0])
    return np.sum(np.cross(r, force) ** 2) + np.sum(np.cross(r, r[::-1]))


def blocks(a):
    b = np.array([[1.0, 2.0], [0.5, -1.0]])
    return np.sum(np.kron(a, b) ** 2) + np.sum(np.kron(b, a) * np.kron(a, a))


def contraction(a):
    w = np.arange(24.0).reshape(2, 3, 4) / 10
    return np.sum(np.tensordot(a, w, axes=([0, 1], [1, 0])) ** 2) + np.tensordot(a, a)


def picked(x):
    idx = np.array([[2, 0], [1, 1]])
    return np.sum(np.take(x, idx, axis=1) ** 2) + np.sum(
        np.take_along_axis(x, np.argsort(x, axis=1), 1)[:, -1]
    )


def diagonals(a):
    return np.sum(np.diagonal(a) ** 3) + np.sum(np.diagonal(a, 1) * np.diagonal(a, -1))


def median_ish(x):
    return np.partition(x, 2)[2] * np.sum(x**2)


def piecewise(x):
    return np.sum(np.select([x < -0.5, x > 0.5], [x**2, np.sin(x)], default=x**3))


def turned(a):
    return np.sum(np.rot90(a) * np.flipud(a) + np.fliplr(a) ** 2 * np.moveaxis(a, 0, 1)) + np.sum(
        np.rollaxis(a[None], 2) ** 3
    )


def polyfit_loss(x):
    coef = np.array([0.5, -1.0, 2.0])
    return np.sum((np.vander(x, 3) @ coef - np.cos(x)) ** 2) + np.sum(np.vander(x, increasing=True) ** 2)


def loop_pieces(x):
    total = 0.0
    for piece in np.split(x, 3):
        total = total + np.sum(piece**2) * piece[0]
    return total


def unused_piece(x):
    parts = np.array_split(x, 3)
    return np.sum(parts[0] * parts[2][:1])


def list_append(x):
    return np.sum(np.append([x, 2.0 * x], 3.0) ** 2)


rng = np.random.default_rng(3)
FUNCTIONS = [
    (roughness, rng.normal(size=6)),
    (increments, rng.normal(size=5)),
    (slope_energy, rng.normal(size=5)),
    (image_edges, rng.normal(size=(3, 4))),
    (halves, rng.normal(size=6)),
    (padded_conv, rng.normal(size=5)),
    (grown, rng.normal(size=4)),
    (torque, rng.normal(size=(2, 3))),
    (blocks, rng.normal(size=(2, 2))),
    (contraction, rng.normal(size=(3, 2))),
    (picked, rng.normal(size=(2, 3))),
    (diagonals, rng.normal(size=(3, 3))),
    (median_ish, rng.normal(size=5)),
    (piecewise, rng.normal(size=6)),
    (turned, rng.normal(size=(3, 3))),
    (polyfit_loss, rng.normal(size=4)),
    (loop_pieces, rng.normal(size=6)),
    (unused_piece, rng.normal(size=7)),
    (list_append, 0.7),
]


@pytest.mark.parametrize("f,x", FUNCTIONS, ids=[f.__name__ for f, _ in FUNCTIONS])
def test_grad_jvp_and_hessian(f, x):
    check_tree(f, [x], tol=1e-5)
