"""Programs written the way users write them with SciPy: a Gaussian process fitted by its
marginal likelihood (``cho_factor``/``cho_solve``), and a classifier trained with ``expit``
and ``logsumexp``. Each is differentiated with respect to its first argument.
"""

import numpy as np
from scipy.linalg import cho_factor, cho_solve
from scipy.special import expit, logsumexp

rs = np.random.RandomState(5)


def gp_neg_log_marginal_likelihood(log_params, X, y):
    """A GP with an RBF kernel: log length-scale, log signal std and log noise std."""
    length_scale = np.exp(log_params[0])
    signal_var = np.exp(2 * log_params[1])
    noise_var = np.exp(2 * log_params[2])
    sq_dists = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    K = signal_var * np.exp(-0.5 * sq_dists / length_scale**2) + noise_var * np.eye(len(y))
    c, lower = cho_factor(K, lower=True)
    alpha = cho_solve((c, lower), y)
    n = len(y)
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(c))) + 0.5 * n * np.log(2 * np.pi)


def classifier_loss(W, X, labels, V):
    """Softmax cross-entropy over logits from a sigmoid hidden layer, with weight decay."""
    hidden = expit(X @ W)
    logits = hidden @ V
    log_normalizers = logsumexp(logits, axis=1)
    picked = logits[np.arange(len(labels)), labels]
    return np.mean(log_normalizers - picked) + 1e-2 * np.sum(W**2)


CASES = {
    gp_neg_log_marginal_likelihood: (np.array([0.1, -0.2, -1.0]), rs.randn(6, 2), rs.randn(6)),
    classifier_loss: (0.5 * rs.randn(3, 4), rs.randn(5, 3), np.array([0, 2, 1, 2, 0]), rs.randn(4, 3)),
}
