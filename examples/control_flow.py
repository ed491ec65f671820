"""Reverse mode through loops, branches and calls, and the tape it keeps.

Run it with ``python examples/control_flow.py`` to print each derivative.
"""

import math

import numpy as np

import s2sad


def logistic(x, r, n):
    """n steps of the logistic map: the adjoint loop runs the steps backwards,
    and needs the x each step started from (one float per step on the tape)."""
    for i in range(n):
        x = r * x * (1 - x)
    return x


def piecewise(x):
    """A branch: the adjoint takes the branch the primal took."""
    if x > 1.0:
        y = math.log(x)
    else:
        y = x - 1.0
    return y * y


def newton_sqrt(a):
    """Newton's method with a `while` and a `break`: the tape records how many
    times the loop ran, and the adjoint loop runs that many times."""
    x = a
    while True:
        x = 0.5 * (x + a / x)
        if abs(x * x - a) < 1e-12:
            break
    return x


def softplus(z):
    return math.log(1.0 + math.exp(z))


def logistic_loss(w, b, x, y):
    """A call to a helper of the user's, differentiated where it is called."""
    return softplus(-y * (w * x + b))


def rnn(W, U, h, xs):
    """An RNN over time steps: the reversed loop reads the state each step made
    from the state the next step started with, so only h goes on the tape."""
    for x in xs:
        h = np.tanh(W @ h + U @ x)
    return np.sum(h**2)


def power(x, n):
    """A recursive helper: s2sad calls its generated vjp, which calls itself."""
    if n == 0:
        return 1.0
    return x * power(x, n - 1)


def polynomial(x):
    return power(x, 3) + 2.0 * power(x, 2)


def dense(params, x):
    """Parameters in a dict: the gradient is a dict with the same keys."""
    return np.sum(np.tanh(x @ params["W"] + params["b"]) ** 2)


def running_sum(x):
    """Assignment into an array the function makes."""
    out = np.zeros(x.shape[0])
    out[0] = x[0]
    for i in range(1, x.shape[0]):
        out[i] = out[i - 1] + x[i]
    return np.sum(out**2)


if __name__ == "__main__":
    print(s2sad.source(logistic, wrt=(0, 1), args=(0.2, 3.5, 10)))
    print(s2sad.source(piecewise))
    print(s2sad.source(newton_sqrt))
    print(s2sad.source(logistic_loss, wrt=(0, 1)))
    rng = np.random.default_rng(0)
    args = (rng.normal(size=(3, 3)), rng.normal(size=(3, 2)), np.zeros(3), rng.normal(size=(5, 2)))
    print(s2sad.source(rnn, wrt=(0, 1), args=args))
