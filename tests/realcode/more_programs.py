"""More programs written the way people write them, tried on s2sad after the first corpus
passed: fluid advection with bilinear interpolation, ICA, black-box SVI, a wave equation,
one-hot cross entropy, an SVM, Bayesian linear regression, a dict of parameters, an
Euler-stepped neural ODE, a GP with an RBF kernel, a Poisson GLM, running statistics over a
list, a portfolio, pooling. Each is differentiated with respect to its first argument.
"""

import math

import numpy as np

rs = np.random.RandomState(3)


def advect(f, vx, vy, dt):
    """Semi-Lagrangian advection with bilinear interpolation (fluid-sim style)."""
    rows, cols = f.shape
    cell_ys, cell_xs = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    center_xs = (cell_xs - dt * vx).ravel()
    center_ys = (cell_ys - dt * vy).ravel()
    left_ix = np.floor(center_xs).astype(int)
    top_ix = np.floor(center_ys).astype(int)
    rw = center_xs - left_ix
    bw = center_ys - top_ix
    left_ix = np.mod(left_ix, cols)
    right_ix = np.mod(left_ix + 1, cols)
    top_ix = np.mod(top_ix, rows)
    bot_ix = np.mod(top_ix + 1, rows)
    flat = (1 - rw) * ((1 - bw) * f[top_ix, left_ix] + bw * f[bot_ix, left_ix]) + rw * (
        (1 - bw) * f[top_ix, right_ix] + bw * f[bot_ix, right_ix]
    )
    return np.reshape(flat, (rows, cols))


def fluid_loss(f0, vx, vy):
    f = f0
    for _ in range(3):
        f = advect(f, vx, vy, 0.3)
    return np.sum((f - 0.5) ** 2)


def ica_loglik(W, X):
    """ICA log-likelihood with a logcosh prior, slogdet of the unmixing matrix."""
    S = X @ W.T
    sign, logdet = np.linalg.slogdet(W)
    return np.sum(-np.log(np.cosh(S))) + X.shape[0] * logdet


def svi_objective(var_params, data):
    """Black-box SVI: a Gaussian posterior for the mean, reparameterised samples."""
    mean, log_std = var_params[0], var_params[1]
    eps = np.array([-1.2, 0.3, 0.8, -0.4])
    samples = mean + np.exp(log_std) * eps

    def log_density(z):
        prior = -0.5 * z**2
        lik = np.sum(-0.5 * (data[:, None] - z[None, :]) ** 2, axis=0)
        return prior + lik

    entropy = log_std + 0.5 * np.log(2 * np.pi * np.e)
    return -(np.mean(log_density(samples)) + entropy)


def wave_energy(u0, c, steps):
    """1-D wave equation by leapfrog, fixed ends; the final energy."""
    u_prev = u0.copy()
    u = u0.copy()
    for _ in range(steps):
        lap = np.zeros_like(u)
        lap[1:-1] = u[2:] - 2 * u[1:-1] + u[:-2]
        u_next = 2 * u - u_prev + c**2 * lap
        u_prev, u = u, u_next
    return 0.5 * np.sum((u - u_prev) ** 2) + 0.5 * c**2 * np.sum(np.diff(u) ** 2)


def onehot_xent(W, X, labels):
    """Cross entropy with one-hot targets from np.eye, a stable log-softmax."""
    Y = np.eye(W.shape[1])[labels]
    logits = X @ W
    m = logits.max(axis=1, keepdims=True)
    logp = logits - m - np.log(np.exp(logits - m).sum(axis=1, keepdims=True))
    return -np.sum(Y * logp) / X.shape[0]


def softplus_svm(w, X, y, C=0.5):
    """A soft-margin SVM with softplus and a hinge, np.logaddexp and np.maximum."""
    margins = y * (X @ w)
    hinge = np.maximum(0.0, 1.0 - margins)
    smooth = np.logaddexp(0.0, -margins)
    return 0.5 * w @ w + C * np.sum(np.where(margins < 1.0, hinge, 0.0)) + 0.1 * smooth.sum()


def bayes_linreg_evidence(log_alpha, Phi, t):
    """The log evidence of Bayesian linear regression with a precision alpha prior."""
    alpha = np.exp(log_alpha)
    beta = 4.0
    n, m = Phi.shape
    A = alpha * np.eye(m) + beta * Phi.T @ Phi
    mN = beta * np.linalg.solve(A, Phi.T @ t)
    E = beta / 2 * np.sum((t - Phi @ mN) ** 2) + alpha / 2 * mN @ mN
    _, logdetA = np.linalg.slogdet(A)
    return m / 2 * np.log(alpha) + n / 2 * np.log(beta) - E - 0.5 * logdetA - n / 2 * np.log(2 * np.pi)


def dict_model(params, x):
    """A model whose parameters live in a dict, visited in sorted order."""
    h = x
    for name in sorted(params):
        h = np.sin(h * params[name]) + h
    return np.sum(h**2)


def neural_ode(params, y0, T=1.0, n=10):
    """Euler steps of dy/dt = tanh(W y + b), a tuple of parameters."""
    W, b = params
    dt = T / n
    y = y0
    t = 0.0
    while t < T - 1e-9:
        y = y + dt * np.tanh(W @ y + b)
        t += dt
    return np.sum(y**2)


def tanh_fourth(x):
    """x through tanh several times, the way people test higher derivatives."""
    y = x
    for _ in range(3):
        y = np.tanh(y) * 1.1
    return y


def rbf_kernel_nll(log_ls, X, y):
    """A GP with an RBF kernel built by broadcasting pairwise differences."""
    ls = np.exp(log_ls)
    d = X[:, None, :] - X[None, :, :]
    K = np.exp(-0.5 * np.sum((d / ls) ** 2, axis=-1)) + 0.1 * np.eye(X.shape[0])
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(K, y)
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(L)))


def poisson_glm(w, X, counts):
    """Poisson regression: the negative log-likelihood without the constant."""
    eta = X @ w
    return np.sum(np.exp(eta) - counts * eta)


def running_stats(xs):
    """An exponential moving average and variance over a Python list of floats."""
    mean, var = 0.0, 1.0
    for v in xs:
        delta = v - mean
        mean = mean + 0.1 * delta
        var = 0.9 * (var + 0.1 * delta * delta)
    return mean + math.sqrt(var)


def portfolio(weights, returns, risk=2.0):
    """Mean-variance utility with weights normalised by softmax."""
    w = np.exp(weights) / np.sum(np.exp(weights))
    mu = returns.mean(axis=0)
    cov = np.cov(returns, rowvar=False)
    return w @ mu - risk / 2 * w @ cov @ w


def minmax_pool(x):
    """Max pooling by reshaping and a max over the last axis, then a sum of squares."""
    pooled = x.reshape(-1, 2).max(axis=1)
    return np.sum(pooled**2) + np.min(x) * 0.5


CASES = {
    fluid_loss: (np.abs(rs.randn(4, 5)), 0.7 * rs.randn(4, 5), 0.7 * rs.randn(4, 5)),
    ica_loglik: (np.eye(3) + 0.2 * rs.randn(3, 3), rs.randn(6, 3)),
    svi_objective: (np.array([0.3, -0.5]), rs.randn(5)),
    wave_energy: (np.sin(np.linspace(0, np.pi, 7)), 0.5, 6),
    onehot_xent: (0.3 * rs.randn(3, 4), rs.randn(5, 3), np.array([0, 3, 1, 2, 1])),
    softplus_svm: (rs.randn(3), rs.randn(8, 3), np.sign(rs.randn(8))),
    bayes_linreg_evidence: (0.3, rs.randn(6, 3), rs.randn(6)),
    dict_model: ({"b": 0.3, "a": np.array([0.5, -0.2, 0.1])}, rs.randn(3)),
    neural_ode: ((0.5 * rs.randn(3, 3), 0.1 * rs.randn(3)), rs.randn(3)),
    tanh_fourth: (0.4,),
    rbf_kernel_nll: (np.array([0.1, -0.2]), rs.randn(5, 2), rs.randn(5)),
    poisson_glm: (0.2 * rs.randn(3), rs.randn(7, 3), np.array([0, 1, 3, 0, 2, 1, 5.0])),
    running_stats: ([0.5, 1.2, -0.3, 0.8, 2.0],),
    portfolio: (rs.randn(3), 0.1 * rs.randn(10, 3)),
    minmax_pool: (rs.randn(8),),
}
