"""Logistic regression trained by gradient descent, with the gradient s2sad writes.

Run it with ``python examples/logistic_regression.py``: it prints the gradient
program once, then the loss and the accuracy as training goes.
"""

import numpy as np

import s2sad


def loss(w, b, X, y):
    """The mean cross-entropy of a linear classifier."""
    z = X @ w + b
    p = 1.0 / (1.0 + np.exp(-z))
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def synthetic_data(n=400, seed=0):
    """Two Gaussian clouds in 2-D, labelled 0 and 1."""
    rng = np.random.default_rng(seed)
    X = np.concatenate([rng.normal(-1.0, 1.0, size=(n // 2, 2)), rng.normal(1.5, 1.0, size=(n // 2, 2))])
    y = np.concatenate([np.zeros(n // 2), np.ones(n // 2)])
    return X, y


def accuracy(w, b, X, y):
    return np.mean(((X @ w + b) > 0) == (y == 1))


def train(steps=200, lr=0.5):
    X, y = synthetic_data()
    w, b = np.zeros(2), 0.0
    dloss = s2sad.grad(loss, wrt=("w", "b"))
    history = []
    for step in range(steps + 1):
        if step % 50 == 0:
            history.append(loss(w, b, X, y))
            print(f"step {step:3d}  loss {history[-1]:.4f}  accuracy {accuracy(w, b, X, y):.3f}")
        dw, db = dloss(w, b, X, y)
        w, b = w - lr * dw, b - lr * db
    return w, b, history


if __name__ == "__main__":
    X, y = synthetic_data()
    print(s2sad.source(loss, wrt=("w", "b"), args=(np.zeros(2), 0.0, X, y)))
    w, b, history = train()
    assert history[-1] < history[0] / 2, "training did not reduce the loss"
    print(f"w = {np.round(w, 3)}, b = {b:.3f}")
