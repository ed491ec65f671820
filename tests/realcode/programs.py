"""Programs written the way people write them: models and simulations from ML and science.

Each is differentiated with respect to its first argument; ``CASES`` gives the arguments.
Written for this corpus (facts about what users do, from the examples and tests of autograd
and JAX: MLPs with a list of layers, mixture models, Gaussian processes, filters, stencils,
integrators, recurrent cells, attention, normalisation, convolutions by loops, option greeks).
"""

import math

import numpy as np

# ----------------------------------------------------------------------------- machine learning


def mlp_loss(params, x, y):
    """An MLP with a list of (W, b) layers, tanh in between, squared error."""
    h = x
    for W, b in params[:-1]:
        h = np.tanh(h @ W + b)
    W, b = params[-1]
    out = h @ W + b
    return np.mean((out - y) ** 2)


def logistic_nll(w, X, t):
    """Logistic regression: the negative log-likelihood, written with log1p."""
    z = X @ w
    return np.sum(np.log1p(np.exp(-t * z)))


def softmax_cross_entropy(W, X, labels):
    """A linear classifier: log-softmax with the max subtracted, picked by label."""
    logits = X @ W
    logits = logits - np.max(logits, axis=1, keepdims=True)
    log_probs = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    total = 0.0
    for i in range(len(labels)):
        total = total - log_probs[i, labels[i]]
    return total / len(labels)


def vae_style_loss(enc, x, eps):
    """A VAE-style loss: a Gaussian encoder, the reparameterisation, a KL term."""
    W_mu, W_logvar = enc
    mu = x @ W_mu
    logvar = x @ W_logvar
    z = mu + np.exp(0.5 * logvar) * eps
    recon = np.sum((np.tanh(z) - 0.5) ** 2)
    kl = -0.5 * np.sum(1.0 + logvar - mu**2 - np.exp(logvar))
    return recon + kl


def gan_discriminator_loss(theta, real, fake):
    """A GAN discriminator's loss: log sigmoid of real scores, log(1 - sigmoid) of fake."""
    w, b = theta["w"], theta["b"]

    def score(v):
        return 1.0 / (1.0 + np.exp(-(v @ w + b)))

    return -np.mean(np.log(score(real))) - np.mean(np.log(1.0 - score(fake)))


def layer_norm(x, gamma, beta):
    """Layer normalisation over the last axis, then a scale and a shift."""
    mu = np.mean(x, axis=-1, keepdims=True)
    var = np.mean((x - mu) ** 2, axis=-1, keepdims=True)
    xhat = (x - mu) / np.sqrt(var + 1e-5)
    return np.sum((gamma * xhat + beta) ** 2)


def batch_norm(x, gamma):
    """Batch normalisation over the first axis."""
    mu = x.mean(axis=0)
    sigma = np.sqrt(x.var(axis=0) + 1e-3)
    return np.sum(np.sin(gamma * (x - mu) / sigma))


def attention(q, K, V):
    """Scaled dot-product attention of one query over keys and values."""
    scores = K @ q / np.sqrt(q.shape[0])
    weights = np.exp(scores - np.max(scores))
    weights = weights / np.sum(weights)
    return np.sum((weights @ V) ** 2)


def lstm_loss(Wx, xs, h0):
    """An LSTM cell run over a sequence, the last hidden state's squared norm."""
    n = h0.shape[0]
    h = h0
    c = np.zeros(n)
    for x in xs:
        gates = Wx @ np.concatenate([x, h])
        i = 1.0 / (1.0 + np.exp(-gates[:n]))
        f = 1.0 / (1.0 + np.exp(-gates[n : 2 * n]))
        o = 1.0 / (1.0 + np.exp(-gates[2 * n : 3 * n]))
        g = np.tanh(gates[3 * n :])
        c = f * c + i * g
        h = o * np.tanh(c)
    return np.sum(h**2)


def rnn_loss(W, xs, h):
    """A vanilla RNN, a loss summed over the steps."""
    loss = 0.0
    for x in xs:
        h = np.tanh(W @ h + x)
        loss = loss + np.sum(h**2)
    return loss


def conv1d_loss(kernel, signal):
    """A 1-D convolution written with loops, then a squared-error loss."""
    k = kernel.shape[0]
    out = np.zeros(signal.shape[0] - k + 1)
    for i in range(out.shape[0]):
        out[i] = np.sum(signal[i : i + k] * kernel)
    return np.sum((out - 1.0) ** 2)


def conv2d_loss(kernel, image):
    """A 2-D convolution (valid, no padding) written with loops, then a ReLU-free mean."""
    kh, kw = kernel.shape
    rows, cols = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            out[i, j] = np.sum(image[i : i + kh, j : j + kw] * kernel)
    return np.mean(np.tanh(out) ** 2)


def mixture_loglik(means, data, weights):
    """A 1-D Gaussian mixture's log-likelihood with log-sum-exp."""
    total = 0.0
    for x in data:
        log_terms = np.log(weights) - 0.5 * (x - means) ** 2 - 0.5 * np.log(2 * np.pi)
        m = np.max(log_terms)
        total = total + m + np.log(np.sum(np.exp(log_terms - m)))
    return total


def gp_marginal_likelihood(log_lengthscale, X, y):
    """A Gaussian process's log marginal likelihood under an RBF kernel."""
    ell = np.exp(log_lengthscale)
    d = X[:, None] - X[None, :]
    K = np.exp(-0.5 * d**2 / ell**2) + 0.1 * np.eye(X.shape[0])
    alpha = np.linalg.solve(K, y)
    return -0.5 * y @ alpha - 0.5 * np.log(np.linalg.det(K))


def ridge_regression(w, X, y, lam=0.1):
    """Least squares with an L2 penalty, the penalty a default argument."""
    r = X @ w - y
    return r @ r + lam * w @ w


def hmm_forward(log_trans, obs_lik):
    """An HMM's forward algorithm in probability space, normalised each step."""
    T = np.exp(log_trans)
    T = T / np.sum(T, axis=1, keepdims=True)
    alpha = obs_lik[0] / np.sum(obs_lik[0])
    loglik = 0.0
    for t in range(1, obs_lik.shape[0]):
        alpha = (alpha @ T) * obs_lik[t]
        s = np.sum(alpha)
        loglik = loglik + np.log(s)
        alpha = alpha / s
    return loglik


def kalman_filter(q, ys):
    """A scalar Kalman filter's log-likelihood, process noise q."""
    m, P, r = 0.0, 1.0, 0.5
    ll = 0.0
    for y in ys:
        P = P + q
        S = P + r
        ll = ll - 0.5 * (math.log(2 * math.pi * S) + (y - m) ** 2 / S)
        K = P / S
        m = m + K * (y - m)
        P = (1 - K) * P
    return ll


# ------------------------------------------------------------------------------------ science


def heat_stencil(u, steps):
    """Explicit heat equation with periodic boundaries: np.roll."""
    for _ in range(steps):
        u = u + 0.1 * (np.roll(u, 1) - 2 * u + np.roll(u, -1))
    return np.sum(u**3)


def heat_with_copies(u, steps):
    """The same stencil on the interior, written with a copy each step."""
    for _ in range(steps):
        new = u.copy()
        new[1:-1] = u[1:-1] + 0.2 * (u[:-2] - 2 * u[1:-1] + u[2:])
        u = new
    return np.sum(u**2)


def rk4_pendulum(theta0, dt, n):
    """A pendulum integrated with RK4; the final angle."""

    def f(state):
        th, om = state
        return np.array([om, -np.sin(th)])

    s = np.array([theta0, 0.0])
    for _ in range(n):
        k1 = f(s)
        k2 = f(s + 0.5 * dt * k1)
        k3 = f(s + 0.5 * dt * k2)
        k4 = f(s + dt * k3)
        s = s + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return s[0]


def leapfrog(q, p, steps, eps):
    """Leapfrog integration of a particle in a quartic well; the Hamiltonian at the end."""

    def grad_u(x):
        return x**3

    p = p - 0.5 * eps * grad_u(q)
    for _ in range(steps - 1):
        q = q + eps * p
        p = p - eps * grad_u(q)
    q = q + eps * p
    p = p - 0.5 * eps * grad_u(q)
    return np.sum(0.25 * q**4 + 0.5 * p**2)


def projectile_range(v0, angle, drag):
    """A projectile with drag, integrated until it lands (a while loop)."""
    x, y = 0.0, 0.0
    vx, vy = v0 * math.cos(angle), v0 * math.sin(angle)
    dt = 0.01
    steps = 0
    while y >= 0.0 and steps < 10000:
        speed = math.sqrt(vx * vx + vy * vy)
        vx = vx - drag * speed * vx * dt
        vy = vy - (9.81 + drag * speed * vy) * dt
        x = x + vx * dt
        y = y + vy * dt
        steps += 1
    return x


def black_scholes_call(S, K, T, r, sigma):
    """The Black-Scholes price of a call: its gradient is the greeks."""
    d1 = (math.log(S / K) + (r + 0.5 * sigma**2) * T) / (sigma * math.sqrt(T))
    d2 = d1 - sigma * math.sqrt(T)

    def cdf(z):
        return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))

    return S * cdf(d1) - K * math.exp(-r * T) * cdf(d2)


def newton_sqrt(a, iters=6):
    """Square root by Newton's method: the derivative through the iteration."""
    x = a
    for _ in range(iters):
        x = 0.5 * (x + a / x)
    return x


def rosenbrock(x):
    """The Rosenbrock function in n dimensions, with slices."""
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


def spring_chain_energy(pos, k):
    """Energy of masses on springs: a loop over neighbours, a Python list of terms."""
    terms = []
    for i in range(len(pos) - 1):
        stretch = pos[i + 1] - pos[i] - 1.0
        terms.append(0.5 * k * stretch**2)
    return sum(terms)


def lennard_jones(coords):
    """Pairwise Lennard-Jones energy of a few atoms in 2-D."""
    energy = 0.0
    n = coords.shape[0]
    for i in range(n):
        for j in range(i + 1, n):
            d = coords[i] - coords[j]
            r2 = np.sum(d * d)
            inv6 = 1.0 / r2**3
            energy = energy + 4.0 * (inv6 * inv6 - inv6)
    return energy


def nbody_step_energy(pos, vel, dt):
    """One velocity-Verlet step of three bodies under gravity, then the kinetic energy."""

    def accelerations(p):
        acc = np.zeros_like(p)
        for i in range(p.shape[0]):
            for j in range(p.shape[0]):
                if i != j:
                    d = p[j] - p[i]
                    acc[i] = acc[i] + d / np.sum(d * d) ** 1.5
        return acc

    a0 = accelerations(pos)
    pos = pos + dt * vel + 0.5 * dt**2 * a0
    vel = vel + 0.5 * dt * (a0 + accelerations(pos))
    return 0.5 * np.sum(vel**2)


def logistic_map_lyapunov(r, x0, n):
    """The Lyapunov exponent estimate of the logistic map."""
    x = x0
    total = 0.0
    for _ in range(n):
        x = r * x * (1 - x)
        total += math.log(abs(r * (1 - 2 * x)))
    return total / n


def polynomial_fit_loss(coeffs, xs, ys):
    """A polynomial fit with Horner's rule and a dict of settings."""
    settings = {"scale": 0.5, "offset": 0.1}
    loss = 0.0
    for x, y in zip(xs, ys):
        p = 0.0
        for c in coeffs:
            p = p * x + c
        loss = loss + (settings["scale"] * p + settings["offset"] - y) ** 2
    return loss


def piecewise_activation(x):
    """Softplus where positive, a quadratic where negative, elementwise by np.where."""
    return np.sum(np.where(x > 0, np.log1p(np.exp(x)), 0.5 * x**2 + math.log(2.0)))


# ------------------------------------------------------------------------------------- inputs

_rs = np.random.RandomState(0)


def _layers(sizes):
    return [(0.3 * _rs.randn(m, n), 0.1 * _rs.randn(n)) for m, n in zip(sizes[:-1], sizes[1:])]


CASES = {
    mlp_loss: (_layers([3, 4, 2]), _rs.randn(5, 3), _rs.randn(5, 2)),
    logistic_nll: (_rs.randn(3), _rs.randn(6, 3), np.sign(_rs.randn(6))),
    softmax_cross_entropy: (0.5 * _rs.randn(3, 4), _rs.randn(5, 3), np.array([0, 1, 3, 2, 1])),
    vae_style_loss: ((0.3 * _rs.randn(4, 2), 0.3 * _rs.randn(4, 2)), _rs.randn(3, 4), _rs.randn(3, 2)),
    gan_discriminator_loss: ({"w": 0.5 * _rs.randn(3), "b": 0.1}, _rs.randn(4, 3), _rs.randn(4, 3)),
    layer_norm: (_rs.randn(3, 4), 1.0 + 0.1 * _rs.randn(4), 0.1 * _rs.randn(4)),
    batch_norm: (_rs.randn(5, 3), 1.0 + 0.1 * _rs.randn(3)),
    attention: (_rs.randn(4), _rs.randn(5, 4), _rs.randn(5, 3)),
    lstm_loss: (0.3 * _rs.randn(8, 4), [_rs.randn(2) for _ in range(3)], 0.1 * _rs.randn(2)),
    rnn_loss: (0.4 * _rs.randn(3, 3), [_rs.randn(3) for _ in range(4)], np.zeros(3)),
    conv1d_loss: (_rs.randn(3), _rs.randn(8)),
    conv2d_loss: (_rs.randn(2, 2), _rs.randn(4, 5)),
    mixture_loglik: (np.array([-1.0, 0.5, 2.0]), _rs.randn(6), np.array([0.2, 0.5, 0.3])),
    gp_marginal_likelihood: (0.2, np.linspace(-1.0, 1.0, 5), _rs.randn(5)),
    ridge_regression: (_rs.randn(3), _rs.randn(6, 3), _rs.randn(6)),
    hmm_forward: (_rs.randn(3, 3), np.exp(_rs.randn(5, 3))),
    kalman_filter: (0.3, [0.1, 0.5, -0.2, 0.4]),
    heat_stencil: (np.sin(np.linspace(0.0, 3.0, 8)), 5),
    heat_with_copies: (np.cos(np.linspace(0.0, 3.0, 7)), 4),
    rk4_pendulum: (0.8, 0.1, 10),
    leapfrog: (np.array([0.5, -0.3]), np.array([0.1, 0.2]), 8, 0.05),
    projectile_range: (12.0, 0.7, 0.05),
    black_scholes_call: (100.0, 95.0, 0.5, 0.02, 0.25),
    newton_sqrt: (2.0,),
    rosenbrock: (np.array([0.5, 1.2, -0.3, 0.8]),),
    spring_chain_energy: (np.array([0.0, 1.1, 2.3, 3.2]), 2.0),
    lennard_jones: (np.array([[0.0, 0.0], [1.1, 0.1], [0.3, 1.2]]),),
    nbody_step_energy: (np.array([[0.0, 0.0], [1.0, 0.2], [0.1, 1.3]]), 0.1 * _rs.randn(3, 2), 0.05),
    logistic_map_lyapunov: (3.7, 0.3, 20),
    polynomial_fit_loss: (np.array([0.5, -1.0, 2.0]), [0.1, 0.4, 0.9], [1.0, 1.5, 2.5]),
    piecewise_activation: (np.array([-1.0, 0.5, 2.0, -0.3]),),
}
