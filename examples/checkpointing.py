"""Checkpointing: a long loop reversed with a few copies of its state instead of a tape.

Run it with ``python examples/checkpointing.py`` to compare the gradient of a
checkpointed RNN with the taped one, and the memory each keeps.
"""

import tracemalloc

import numpy as np

import s2sad


def rnn(W, b, h, steps):
    """The taped loop: the reverse sweep pops one state per step."""
    for t in range(steps):
        h = np.tanh(W @ h + b)
    return np.sum(h**2)


def rnn_checkpointed(W, b, h, steps):
    """The same loop, reversed by the binomial schedule from about log2(steps) copies."""
    for t in s2sad.checkpoint(range(steps)):
        h = np.tanh(W @ h + b)
    return np.sum(h**2)


def logistic(x, r, n):
    """A small checkpointed loop, to read its generated code."""
    for i in s2sad.checkpoint(range(n), snapshots=3):
        x = r * x * (1 - x)
    return x


def block(h, W):
    """Two layers: their forward values are what checkpoint(block) does not keep."""
    for k in range(2):
        h = np.tanh(W @ h)
    return h


def deep(h, W):
    """A call whose forward values are computed again in the reverse sweep."""
    h = s2sad.checkpoint(block)(h, W)
    return np.sum(s2sad.checkpoint(block)(h, W) ** 2)


def peak(fn, *args):
    """The most memory ``fn(*args)`` held at once, in bytes (tracemalloc)."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    fn(*args)
    most = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return most


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    n = 100
    W, b, h = rng.normal(size=(n, n)) / np.sqrt(n) * 0.9, rng.normal(size=n) * 0.1, rng.normal(size=n)
    steps = 5000
    taped = s2sad.grad(rnn, wrt=(0, 1, 2))
    checkpointed = s2sad.grad(rnn_checkpointed, wrt=(0, 1, 2))
    same = all(
        np.allclose(a, c, rtol=1e-12, atol=1e-14)
        for a, c in zip(taped(W, b, h, steps), checkpointed(W, b, h, steps))
    )
    print(f"the same gradient, {steps} steps: {same}")
    ratio = peak(taped, W, b, h, steps) / peak(checkpointed, W, b, h, steps)
    print(f"the taped loop holds {ratio:.0f} times the memory of the checkpointed one")
    print(s2sad.source(logistic, wrt=("x", "r")))
    g = s2sad.grad(deep, wrt=(0, 1))(h[:4], W[:4, :4])
    print("gradient of the checkpointed calls:", np.round(g[0], 6))
