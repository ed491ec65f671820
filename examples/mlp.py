"""A small multilayer perceptron trained on a synthetic 2-D problem.

Run it with ``python examples/mlp.py``: the network learns to tell points
inside a circle from points outside it, and the loss goes down.
"""

import numpy as np

import s2sad


def predict(params, X):
    W1, b1, W2, b2 = params
    h = np.tanh(X @ W1 + b1)
    return h @ W2 + b2


def loss(params, X, y):
    """Binary cross-entropy of the network's logits."""
    z = predict(params, X)
    return np.mean(np.logaddexp(0.0, z) - y * z)


def circle_data(n=500, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.5, 1.5, size=(n, 2))
    y = (np.sum(X**2, axis=1) < 1.0).astype(float)
    return X, y


def init(hidden=16, seed=2):
    rng = np.random.default_rng(seed)
    return [rng.normal(0, 1.0, size=(2, hidden)), np.zeros(hidden), rng.normal(0, 0.5, size=hidden), 0.0]


def train(epochs=300, lr=0.5):
    X, y = circle_data()
    params = init()
    dloss = s2sad.grad(loss)  # the gradient is a list like params
    history = []
    for epoch in range(epochs + 1):
        if epoch % 60 == 0:
            history.append(loss(params, X, y))
            acc = np.mean((predict(params, X) > 0) == (y == 1))
            print(f"epoch {epoch:3d}  loss {history[-1]:.4f}  accuracy {acc:.3f}")
        grads = dloss(params, X, y)
        params = [p - lr * g for p, g in zip(params, grads)]
    return params, history


if __name__ == "__main__":
    params, history = train()
    assert history[-1] < 0.6 * history[0], "training did not reduce the loss"
