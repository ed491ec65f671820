"""Straight-line functions written the way users write them.

test_corpus differentiates each one and compares with autograd (the module is
executed again with ``np`` bound to ``autograd.numpy``) or, where ``math`` is
used, with central differences. ``CASES`` gives arguments and what to
differentiate with respect to.
"""

import math

import numpy as np


def sigmoid_loss(w, X, y):
    p = 1.0 / (1.0 + np.exp(-(X @ w)))
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def softmax_cross_entropy(W, X, labels_onehot):
    logits = X @ W
    logits = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    return -np.sum(labels_onehot * log_probs) / X.shape[0]


def mlp_relu(W1, b1, W2, b2, X, y):
    h = np.maximum(X @ W1 + b1, 0.0)
    out = h @ W2 + b2
    return 0.5 * np.sum((out - y) ** 2) / len(y)


def mlp_tanh(W1, b1, W2, b2, X, y):
    hidden = np.tanh(np.dot(X, W1) + b1)
    pred = np.dot(hidden, W2) + b2
    return np.mean((pred - y) ** 2)


def gaussian_nll(mu, log_sigma, x):
    sigma = np.exp(log_sigma)
    z = (x - mu) / sigma
    return 0.5 * np.sum(z**2) + x.size * log_sigma + 0.5 * x.size * np.log(2 * np.pi)


def ridge(w, X, y, lam):
    r = X @ w - y
    return r @ r + lam * np.dot(w, w)


def quadratic_form(x, A):
    return x @ A @ x


def cosine_similarity(a, b):
    return a @ b / (np.linalg.norm(a) * np.linalg.norm(b))


def log_det(A):
    return np.log(np.linalg.det(A))


def solve_sum(A, b):
    x = np.linalg.solve(A, b)
    return np.sum(x**2)


def inverse_trace(A):
    return np.trace(np.linalg.inv(A))


def logsumexp(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


def softplus_sum(x):
    return np.sum(np.log1p(np.exp(x)))


def elu_sum(x):
    return np.sum(np.where(x > 0, x, np.exp(x) - 1.0))


def layer_norm(x, gamma, beta):
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    normed = (x - mean) / np.sqrt(var + 1e-5)
    return np.sum((gamma * normed + beta) ** 2)


def attention(Q, K, V):
    d = Q.shape[-1]
    scores = Q @ K.T / np.sqrt(d)
    scores = scores - scores.max(axis=1, keepdims=True)
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=1, keepdims=True)
    return np.sum(weights @ V)


def bilinear(x, W, y):
    return np.einsum("i,ij->j", x, W) @ y


def matrix_trace_product(A, B):
    return np.trace(A @ B.T)


def huber(r, delta):
    a = np.abs(r)
    return np.sum(np.where(a <= delta, 0.5 * r**2, delta * (a - 0.5 * delta)))


def clipped_error(pred, target):
    return np.mean(np.clip(pred - target, -1.0, 1.0) ** 2)


def std_ratio(x):
    return np.std(x) / np.mean(np.abs(x))


def outer_energy(u, v):
    return np.sum(np.outer(u, v) ** 2)


def mixture_loglik(x, w):
    a = np.log(w) - 0.5 * x**2
    b = np.log(1 - w) - 0.5 * (x - 2.0) ** 2
    return np.sum(np.logaddexp(a, b))


def polynomial(x, c0, c1, c2, c3):
    return np.sum(c0 + c1 * x + c2 * np.power(x, 2) + c3 * x**3)


def normalized(x):
    y = x / np.linalg.norm(x)
    return np.sum(y * np.arange(x.size))


def kinetic_energy(m, v):
    return 0.5 * m * (v @ v)


def spring_energy(k, x, rest):
    stretch = np.linalg.norm(x) - rest
    return 0.5 * k * stretch**2


def gram_frobenius(X):
    G = X.T @ X
    return np.linalg.norm(G, "fro")


def prod_of_sigmoid(x):
    s = 1.0 / (1.0 + np.exp(-x))
    return np.prod(s)


def reshape_sum(x):
    m = x.reshape(2, -1)
    return np.sum(m.T @ m)


def transpose_chain(A):
    return np.sum(np.transpose(A, (1, 0, 2)).reshape(-1) ** 2)


def broadcast_bias(X, b):
    return np.sum(np.tanh(X + b))


def keepdims_center(X):
    centered = X - X.mean(axis=0, keepdims=True)
    return np.sum(centered**2) / (X.shape[0] - 1)


def column_scale(X, s):
    return np.sum((X * s.reshape(-1, 1)) ** 2)


# math on Python floats: differentiated against central differences
def projectile_range(v, angle, g):
    return v**2 * math.sin(2 * angle) / g


def polar_to_xy_dist(r, theta):
    x = r * math.cos(theta)
    y = r * math.sin(theta)
    return math.hypot(x - 1.0, y + 0.5)


def black_scholes_call(s, k, t, r, sigma):
    d1 = (math.log(s / k) + (r + 0.5 * sigma**2) * t) / (sigma * math.sqrt(t))
    d2 = d1 - sigma * math.sqrt(t)
    cdf1 = 0.5 * (1.0 + math.erf(d1 / math.sqrt(2.0)))
    cdf2 = 0.5 * (1.0 + math.erf(d2 / math.sqrt(2.0)))
    return s * cdf1 - k * math.exp(-r * t) * cdf2


def van_der_waals(v, t, a, b):
    R = 8.314
    return R * t / (v - b) - a / v**2


def logistic_growth(t, r, k, n0):
    return k / (1.0 + (k - n0) / n0 * math.exp(-r * t))


def angle_between(ax, ay, bx, by):
    return math.atan2(ax * by - ay * bx, ax * bx + ay * by)


def smooth_abs(x, eps):
    return math.sqrt(x * x + eps) - math.sqrt(eps)


def pendulum_period(length, theta0, g):
    k = math.sin(theta0 / 2.0)
    return 2.0 * math.pi * math.sqrt(length / g) * (1.0 + k**2 / 4.0 + 9.0 * k**4 / 64.0)


def mixed_builtins(x, y):
    return abs(x - y) + max(x, y) ** 2 - min(x, 0.5 * y) + pow(x, 3)


def sigmoid_scalar(x):
    return 1.0 / (1.0 + math.exp(-x))


def numpy_on_floats(x, y):
    return np.sin(x) * np.exp(y) + np.sqrt(x * x + y * y)


rng = np.random.default_rng(42)
X5x3 = rng.normal(size=(5, 3))
Y5x2 = rng.normal(size=(5, 2))
ONEHOT = np.eye(4)[[0, 2, 1, 3, 2]]
SPD = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]])

CASES = {
    sigmoid_loss: ((rng.normal(size=3), X5x3, (rng.uniform(size=5) > 0.5).astype(float)), (0,)),
    softmax_cross_entropy: ((rng.normal(size=(3, 4)), X5x3, ONEHOT), (0,)),
    mlp_relu: (
        (
            rng.normal(size=(3, 4)),
            rng.normal(size=4),
            rng.normal(size=(4, 2)),
            rng.normal(size=2),
            X5x3,
            Y5x2,
        ),
        (0, 1, 2, 3),
    ),
    mlp_tanh: (
        (
            rng.normal(size=(3, 4)),
            rng.normal(size=4),
            rng.normal(size=(4, 2)),
            rng.normal(size=2),
            X5x3,
            Y5x2,
        ),
        (0, 1, 2, 3, 4),
    ),
    gaussian_nll: ((0.3, -0.2, rng.normal(size=6)), (0, 1, 2)),
    ridge: ((rng.normal(size=3), X5x3, rng.normal(size=5), 0.1), (0, 3)),
    quadratic_form: ((rng.normal(size=3), SPD), (0, 1)),
    cosine_similarity: ((rng.normal(size=4), rng.normal(size=4)), (0, 1)),
    log_det: ((SPD,), (0,)),
    solve_sum: ((SPD, rng.normal(size=3)), (0, 1)),
    inverse_trace: ((SPD,), (0,)),
    logsumexp: ((rng.normal(size=5),), (0,)),
    softplus_sum: ((rng.normal(size=5),), (0,)),
    elu_sum: ((rng.normal(size=6),), (0,)),
    layer_norm: ((rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=4)), (0, 1, 2)),
    attention: ((rng.normal(size=(3, 4)), rng.normal(size=(5, 4)), rng.normal(size=(5, 2))), (0, 1, 2)),
    bilinear: ((rng.normal(size=3), rng.normal(size=(3, 4)), rng.normal(size=4)), (0, 1, 2)),
    matrix_trace_product: ((rng.normal(size=(3, 4)), rng.normal(size=(3, 4))), (0, 1)),
    huber: ((rng.normal(size=6) * 2, 1.0), (0,)),
    clipped_error: ((rng.normal(size=6), rng.normal(size=6)), (0, 1)),
    std_ratio: ((rng.normal(size=6),), (0,)),
    outer_energy: ((rng.normal(size=3), rng.normal(size=2)), (0, 1)),
    mixture_loglik: ((rng.normal(size=5), 0.3), (0, 1)),
    normalized: ((rng.normal(size=4),), (0,)),
    kinetic_energy: ((2.0, rng.normal(size=3)), (0, 1)),
    spring_energy: ((3.0, rng.normal(size=3), 0.5), (0, 1, 2)),
    gram_frobenius: ((rng.normal(size=(4, 3)),), (0,)),
    prod_of_sigmoid: ((rng.normal(size=4),), (0,)),
    reshape_sum: ((rng.normal(size=6),), (0,)),
    transpose_chain: ((rng.normal(size=(2, 3, 2)),), (0,)),
    keepdims_center: ((rng.normal(size=(4, 3)),), (0,)),
    polynomial: ((rng.normal(size=4), 0.5, -1.0, 2.0, 0.3), (0, 1, 2, 3, 4)),
    broadcast_bias: ((rng.normal(size=(3, 2)), rng.normal(size=2)), (0, 1)),
    column_scale: ((rng.normal(size=(3, 2)), rng.normal(size=3)), (0, 1)),
    projectile_range: ((20.0, 0.6, 9.81), (0, 1, 2)),
    polar_to_xy_dist: ((2.0, 0.7), (0, 1)),
    black_scholes_call: ((100.0, 95.0, 0.5, 0.02, 0.25), (0, 1, 2, 3, 4)),
    van_der_waals: ((0.5, 300.0, 0.14, 0.03), (0, 1, 2, 3)),
    logistic_growth: ((2.0, 0.8, 100.0, 5.0), (0, 1, 2, 3)),
    angle_between: ((1.0, 0.5, -0.3, 2.0), (0, 1, 2, 3)),
    smooth_abs: ((0.3, 0.01), (0, 1)),
    pendulum_period: ((1.2, 0.4, 9.81), (0, 1, 2)),
    mixed_builtins: ((1.3, 0.4), (0, 1)),
    sigmoid_scalar: ((0.3,), (0,)),
    numpy_on_floats: ((0.7, -0.4), (0, 1)),
}
