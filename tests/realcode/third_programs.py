"""A third batch of programs written the way people write them, tried on s2sad before
issue 11 was closed: skip-gram with negative sampling, a CRF's log partition, t-SNE's KL,
matrix factorisation, conjugate gradient, Huber and quantile regression, Sinkhorn transport,
a robot arm's reach, a spring-chain stiffness matrix assembled with ``-=``, a Hopfield
energy, trapezoid integration, a Gaussian mixture with a dict of parameters, a ray hitting
a sphere, a network whose nonlinearity is picked by name from a module's dict, residual
layers from a module's tuple. Each is differentiated with respect to its first argument.
"""

import math
import operator

import numpy as np


def logsumexp(a, axis=None):
    """log(sum(exp(a))) along ``axis``, shifted by the max for stability."""
    m = np.max(a, axis=axis, keepdims=True)
    return np.squeeze(m, axis=axis) + np.log(np.sum(np.exp(a - m), axis=axis))


def skipgram_loss(emb, ctx, pairs, negatives):
    """Word2vec-style: a positive (word, context) pair and its sampled negatives each."""
    total = 0.0
    for (i, j), negs in zip(pairs, negatives):
        pos = np.dot(emb[i], ctx[j])
        total -= np.log(1.0 / (1.0 + np.exp(-pos)))
        for n in negs:
            total -= np.log(1.0 / (1.0 + np.exp(np.dot(emb[i], ctx[n]))))
    return total / len(pairs)


def crf_log_partition(unary, trans):
    """The forward algorithm of a linear-chain CRF, in log space."""
    alpha = unary[0]
    for t in range(1, unary.shape[0]):
        alpha = logsumexp(alpha[:, None] + trans, axis=0) + unary[t]
    return logsumexp(alpha)


def tsne_kl(Y, P):
    """t-SNE: KL(P || Q) with a Student-t kernel on the embedding Y."""
    n = Y.shape[0]
    sq = np.sum(Y**2, axis=1)
    d = sq[:, None] - 2 * Y @ Y.T + sq[None, :]
    num = 1.0 / (1.0 + d)
    num = num * (1 - np.eye(n))
    Q = num / np.sum(num)
    Q = np.maximum(Q, 1e-12)
    return np.sum(P * np.log((P + 1e-12) / Q))


def matrix_factorization(U, V, R, mask, lam=0.1):
    """Collaborative filtering: squared error on the observed ratings, and weight decay."""
    pred = U @ V.T
    err = (R - pred) * mask
    return 0.5 * np.sum(err**2) + lam / 2 * (np.sum(U * U) + np.sum(V * V))


def conjugate_gradient_energy(theta, A, b):
    """A fixed number of conjugate gradient steps on (A + diag(theta**2)) x = b; x . x."""
    # solve (A + diag(theta^2)) x = b with a fixed number of CG steps, return x.x
    M = A + np.diag(theta**2)
    x = np.zeros_like(b)
    r = b - M @ x
    p = r.copy()
    rs = r @ r
    for _ in range(len(b)):
        Mp = M @ p
        alpha = rs / (p @ Mp)
        x = x + alpha * p
        r = r - alpha * Mp
        rs_new = r @ r
        p = r + (rs_new / rs) * p
        rs = rs_new
    return x @ x


def huber(w, X, y, delta=1.0):
    """Robust regression with the Huber loss, branch-free with np.where."""
    r = X @ w - y
    quad = 0.5 * r**2
    lin = delta * (np.abs(r) - 0.5 * delta)
    return np.mean(np.where(np.abs(r) <= delta, quad, lin))


def sinkhorn_cost(logits, C, n_iter=20, eps=0.1):
    """Entropic optimal transport: Sinkhorn's scaling iterations, then the cost of the plan."""
    a = np.exp(logits) / np.sum(np.exp(logits))
    b = np.ones(C.shape[1]) / C.shape[1]
    K = np.exp(-C / eps)
    u = np.ones_like(a)
    for _ in range(n_iter):
        v = b / (K.T @ u)
        u = a / (K @ v)
    P = u[:, None] * K * v[None, :]
    return np.sum(P * C)


def arm_reach(angles, lengths, target):
    """A planar arm's forward kinematics: squared distance of the hand to a target."""
    cum = np.cumsum(angles)
    x = np.sum(lengths * np.cos(cum))
    y = np.sum(lengths * np.sin(cum))
    return (x - target[0]) ** 2 + (y - target[1]) ** 2


def beam_deflection(stiff, load):
    """A chain of springs: the stiffness matrix assembled in a loop, compliance load . u."""
    n = len(stiff)
    K = np.zeros((n, n))
    for i in range(n):
        K[i, i] += stiff[i]
        if i + 1 < n:
            K[i, i] += stiff[i + 1]
            K[i, i + 1] -= stiff[i + 1]
            K[i + 1, i] -= stiff[i + 1]
    u = np.linalg.solve(K, load)
    return load @ u


def quantile_loss(w, X, y, taus=(0.1, 0.5, 0.9)):
    """Pinball loss for three quantiles at once, collected in a list."""
    preds = X @ w
    losses = []
    for k, tau in enumerate(taus):
        e = y - preds[:, k]
        losses.append(np.mean(np.maximum(tau * e, (tau - 1) * e)))
    return sum(losses)


def hopfield_energy(s, W, bias):
    """A continuous Hopfield network's energy."""
    h = np.tanh(s)
    return -0.5 * h @ W @ h - bias @ h + np.sum(np.log(np.cosh(s)))


def trapezoid_work(force_params, xs):
    """Work of a parametrised force along a path, by the trapezoid rule in a loop."""
    f = force_params[0] * np.sin(force_params[1] * xs) + force_params[2] * xs**2
    total = 0.0
    for i in range(len(xs) - 1):
        total += 0.5 * (f[i] + f[i + 1]) * (xs[i + 1] - xs[i])
    return total


def gmm_nll(params, X):
    """A diagonal Gaussian mixture's negative log likelihood, parameters in a dict."""
    means, log_stds, logits = params["means"], params["log_stds"], params["logits"]
    log_w = logits - logsumexp(logits)
    ll = []
    for k in range(len(logits)):
        z = (X - means[k]) / np.exp(log_stds[k])
        ll.append(
            log_w[k]
            - 0.5 * np.sum(z**2, axis=1)
            - np.sum(log_stds[k])
            - X.shape[1] * 0.5 * math.log(2 * math.pi)
        )
    return -np.sum(logsumexp(np.stack(ll, axis=1), axis=1))


def ray_sphere(center, origin, direction, radius=1.0):
    """Where a ray meets a sphere (or misses it): a renderer's inner loop."""
    oc = origin - center
    b = np.dot(oc, direction)
    c = np.dot(oc, oc) - radius**2
    disc = b * b - c
    if disc < 0:
        return 0.0
    t = -b - math.sqrt(disc)
    hit = origin + t * direction
    return np.sum((hit - center) ** 2) + t


def relu(z):
    return np.maximum(z, 0.0)


def softplus(z):
    return np.logaddexp(0.0, z)


ACTIVATIONS = {"tanh": np.tanh, "relu": relu, "softplus": softplus}
LAYERS = (np.tanh, np.sin, softplus)


def mlp_by_activation(params, x, kind="softplus"):
    """A two-layer network whose nonlinearity is picked by name, with an L2 penalty on the
    parameters in the order of their names."""
    act = ACTIVATIONS[kind]
    h = act(x @ params["W1"] + params["b1"])
    out = h @ params["W2"] + params["b2"]
    penalty = 0.0
    for i, (_, p) in enumerate(sorted(params.items(), key=operator.itemgetter(0))):
        penalty = penalty + (i + 1.0) * 1e-2 * np.sum(p**2)
    return np.sum(np.log1p(out**2)) + penalty


def residual_stack(x, scales):
    """Residual layers from a module's tuple of functions, each scaled by its own weight."""
    for layer, s in zip(LAYERS, scales):
        x = x + s * layer(x)
    return np.sum(x**2)


rs = np.random.RandomState(0)
CASES = {
    skipgram_loss: (
        rs.randn(5, 3) * 0.3,
        rs.randn(5, 3) * 0.3,
        [(0, 1), (2, 3), (4, 0)],
        [[2, 3], [0, 1], [1, 2]],
    ),
    crf_log_partition: (rs.randn(4, 3), rs.randn(3, 3)),
    tsne_kl: (rs.randn(5, 2), (lambda P: P / P.sum())(np.abs(rs.randn(5, 5)) * (1 - np.eye(5)))),
    matrix_factorization: (
        rs.randn(4, 2),
        rs.randn(5, 2),
        rs.randn(4, 5),
        (rs.rand(4, 5) > 0.4).astype(float),
    ),
    conjugate_gradient_energy: (
        rs.randn(3),
        (lambda B: B @ B.T + 3 * np.eye(3))(rs.randn(3, 3)),
        rs.randn(3),
    ),
    huber: (rs.randn(3), rs.randn(10, 3), rs.randn(10) * 2),
    sinkhorn_cost: (rs.randn(4), np.abs(rs.randn(4, 3))),
    arm_reach: (rs.randn(3), np.array([1.0, 0.8, 0.5]), np.array([1.2, 0.7])),
    beam_deflection: (1.0 + np.abs(rs.randn(4)), rs.randn(4)),
    quantile_loss: (rs.randn(3, 3), rs.randn(8, 3), rs.randn(8)),
    hopfield_energy: (rs.randn(4), (lambda W: W + W.T)(rs.randn(4, 4)), rs.randn(4)),
    trapezoid_work: (np.array([1.0, 2.0, 0.5]), np.linspace(0, 2, 7)),
    gmm_nll: (
        {"means": rs.randn(2, 2), "log_stds": rs.randn(2, 2) * 0.1, "logits": rs.randn(2)},
        rs.randn(6, 2),
    ),
    mlp_by_activation: (
        {"W1": rs.randn(3, 4) * 0.5, "b1": rs.randn(4) * 0.1, "W2": rs.randn(4, 2) * 0.5, "b2": rs.randn(2)},
        rs.randn(5, 3),
    ),
    residual_stack: (rs.randn(4), np.array([0.5, -0.3, 0.2])),
    ray_sphere: (
        np.array([0.0, 0.0, 5.0]),
        np.zeros(3),
        np.array([0.1, 0.05, 1.0]) / np.linalg.norm([0.1, 0.05, 1.0]),
    ),
}
