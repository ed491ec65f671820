"""Rules of your own: a C function s2sad cannot read, a straight-through estimator, and a
value held still.

    s2sad examples/extending.py:beta_binomial --wrt a,b
    s2sad examples/extending.py:quantized_loss
    s2sad examples/extending.py:centered
"""

import math

import numpy as np
import scipy.special

import s2sad

# math.lgamma is written in C: s2sad cannot read it, so it needs a rule.
# d/dx log Gamma(x) is the digamma function.
s2sad.defvjp(math.lgamma, lambda g, ans, x: g * scipy.special.digamma(x))
s2sad.defjvp(math.lgamma, lambda t, ans, x: t * scipy.special.digamma(x))


def beta_binomial(a, b, k, n):
    """Log-probability of k successes in n trials when the success rate is Beta(a, b)."""
    log_choose = math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
    log_beta_ratio = (
        math.lgamma(k + a) + math.lgamma(n - k + b) - math.lgamma(n + a + b)
        + math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    )
    return log_choose + log_beta_ratio


@s2sad.custom_vjp
def quantize(w):
    """Round to the nearest quarter. Its derivative is zero almost everywhere, so training
    through it would stop: a straight-through estimator lets the gradient pass as if it
    were the identity."""
    return np.round(w * 4.0) / 4.0


quantize.defvjp(lambda g, ans, w: g)
quantize.defjvp(lambda t, ans, w: t)


def quantized_loss(w, x):
    return (quantize(w) * x - 1.0) ** 2


def centered(x, y):
    """Squared distance of x from the mean, with the mean held still: its dependence on
    x is not differentiated."""
    mean = s2sad.stop_gradient(0.5 * (x + y))
    return (x - mean) ** 2 + (y - mean) ** 2


if __name__ == "__main__":
    # Fit w so that quantize(w) * x = 1 at x = 2: the straight-through gradient trains w
    # although quantize itself has a derivative of zero wherever it is defined.
    w, step = 0.05, 0.05
    dloss = s2sad.grad(quantized_loss)
    for _ in range(40):
        w -= step * dloss(w, 2.0)
    print(f"trained w = {w:.3f}, quantized to {quantize(w)}, loss {quantized_loss(w, 2.0)}")
    print("d/da beta_binomial(2, 3, 4, 10) =", s2sad.grad(beta_binomial)(2.0, 3.0, 4.0, 10.0))
