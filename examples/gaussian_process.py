"""A Gaussian process fitted by its marginal likelihood, written with SciPy.

The kernel's length-scale, signal and noise levels are fitted by gradient
descent on the negative log marginal likelihood, computed with
``scipy.linalg.cho_factor`` and ``cho_solve``; s2sad has their rules, so
nothing here is written by hand. Run it with ``python examples/gaussian_process.py``.
"""

import numpy as np
from scipy.linalg import cho_factor, cho_solve

import s2sad


def neg_log_marginal_likelihood(log_params, X, y):
    """-log p(y | X) for an RBF kernel: log length-scale, log signal std, log noise std."""
    length_scale = np.exp(log_params[0])
    signal_var = np.exp(2 * log_params[1])
    noise_var = np.exp(2 * log_params[2])
    sq_dists = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    K = signal_var * np.exp(-0.5 * sq_dists / length_scale**2) + noise_var * np.eye(len(y))
    c, lower = cho_factor(K, lower=True)
    alpha = cho_solve((c, lower), y)
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(c))) + 0.5 * len(y) * np.log(2 * np.pi)


rng = np.random.default_rng(0)
X = rng.uniform(-3.0, 3.0, size=(30, 1))
y = np.sin(2.0 * X[:, 0]) + 0.1 * rng.normal(size=30)


def fit(steps=300, lr=0.02):
    log_params = np.zeros(3)
    dnll = s2sad.grad(neg_log_marginal_likelihood)
    for step in range(steps + 1):
        if step % 100 == 0:
            print(f"step {step:3d}  -log p(y) {neg_log_marginal_likelihood(log_params, X, y):8.4f}")
        log_params = log_params - lr * dnll(log_params, X, y)
    return log_params


if __name__ == "__main__":
    log_params = fit()
    length_scale, signal_std, noise_std = np.exp(log_params)
    print(f"length-scale {length_scale:.2f}, signal std {signal_std:.2f}, noise std {noise_std:.2f}")
