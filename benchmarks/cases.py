"""The benchmarks: each primal is written once, as a function of a NumPy-like namespace
``np`` (and ``m`` for the scalar math), so s2sad, autograd, JAX and PyTorch all run the
same code; each has a gradient written by hand, the reference every system is checked
against and the yardstick s2sad is measured with.

The hand-written gradients are what a careful person would write for the same
algorithm: backpropagation by hand for the array code, the tangent carried along the
loop for a loop with one scalar input, a backward loop where the input is an array.
Where a person who knows the answer would write something faster than the algorithm's
derivative (Horner's coefficients have the closed form ``x ** (n - 1 - i)``), that is
the *sharper* reference, timed beside the first and the one s2sad's target is set
against.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Case:
    name: str
    title: str
    make: Callable  # make(np, m) -> the primal function, written with that namespace
    inputs: Callable[[np.random.Generator], tuple]
    wrt: tuple[int, ...]
    hand: Callable  # the hand-written gradient (or Hessian), with NumPy and math
    kind: str = "grad"  # or "hessian"
    target: float = 1.0  # s2sad / the sharpest hand-written reference, at most
    sharper: Callable | None = None  # a faster hand-written reference than the algorithm's derivative
    steps: int = 0  # iterations of the primal's loop: the tape's memory is reported per step
    compiled_target: float | None = None  # s2sad compiled with numba / compiled_against, at most
    compiled_against: str = "hand"  # or "jax.jit"
    notes: list[str] = field(default_factory=list)


# --- the primals --------------------------------------------------------------------


def make_scalar(np, m):
    def scalar(x1, x2):
        a = m.sin(x1) * m.exp(x2)
        r = m.sqrt(x1**2 + x2**2)
        return a + x1**3 / r

    return scalar


def make_logistic(np, m):
    def logistic(r, x):
        for _ in range(1000):
            x = r * x * (1 - x)
        return x

    return logistic


def make_horner(np, m):
    def horner(c, x):
        p = c[0]
        for i in range(1, len(c)):
            p = p * x + c[i]
        return p

    return horner


def make_mlp(np, m):
    def mlp(W1, b1, W2, b2, X, Y):
        H = np.tanh(X @ W1 + b1)
        P = H @ W2 + b2
        return np.mean((P - Y) ** 2)

    return mlp


def make_rosenbrock(np, m):
    def rosenbrock(x):
        return np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)

    return rosenbrock


def make_rnn(np, m):
    def rnn(Wh, Wx, b, xs, h):
        for t in range(len(xs)):
            h = np.tanh(Wh @ h + Wx @ xs[t] + b)
        return np.sum(h**2)

    return rnn


def make_square(np, m):
    def square(x):
        return x * x

    return square


# --- the gradients by hand ------------------------------------------------------------


def scalar_grad(x1, x2):
    e = math.exp(x2)
    r2 = x1 * x1 + x2 * x2
    r = math.sqrt(r2)
    q = x1**3 / (r2 * r)
    return math.cos(x1) * e + 3 * x1 * x1 / r - q * x1, math.sin(x1) * e - q * x2


def scalar_hessian(x1, x2):
    s, c, e = math.sin(x1), math.cos(x1), math.exp(x2)
    r2 = x1 * x1 + x2 * x2
    w = 1 / math.sqrt(r2)  # 1/r, and its derivatives through w3 = 1/r^3, w5 = 1/r^5
    w3 = w / r2
    w5 = w3 / r2
    u = x1**3
    h11 = -s * e + 6 * x1 * w - 6 * x1**3 * w3 + u * (3 * x1 * x1 * w5 - w3)
    h12 = c * e - 3 * x1 * x1 * x2 * w3 + 3 * u * x1 * x2 * w5
    h22 = s * e + u * (3 * x2 * x2 * w5 - w3)
    return ((h11, h12), (h12, h22))


def logistic_grad(r, x):
    """d x_1000 / d r: the tangent carried along the loop (no tape needed)."""
    dx = 0.0
    for _ in range(1000):
        dx = dx * r * (1 - 2 * x) + x * (1 - x)
        x = r * x * (1 - x)
    return dx


def logistic_grad_both(r, x):
    """d x_1000 / d r and d x_1000 / d x_0: both tangents carried along the loop."""
    dr = dx = 0.0
    for _ in range(1000):
        slope = r * (1 - 2 * x)
        dr, dx = dr * slope + x * (1 - x), dx * slope
        x = r * x * (1 - x)
    return dr, dx


def horner_grad_x(c, x):
    p, dp = c[0], 0.0
    for i in range(1, len(c)):
        dp = dp * x + p
        p = p * x + c[i]
    return dp


def horner_grad_c(c, x):
    n = len(c)
    dc = np.empty(n)
    g = 1.0
    for i in range(n - 1, 0, -1):
        dc[i] = g
        g = g * x
    dc[0] = g
    return dc


def horner_grad_c_closed(c, x):
    """The closed form: p = sum(c[i] * x ** (n - 1 - i)), so dp/dc[i] = x ** (n - 1 - i)."""
    return x ** np.arange(len(c) - 1, -1, -1.0)


def mlp_grad(W1, b1, W2, b2, X, Y):
    H = np.tanh(X @ W1 + b1)
    P = H @ W2 + b2
    dP = 2 * (P - Y) / P.size
    dH = dP @ W2.T
    dZ = dH * (1 - H**2)
    return X.T @ dZ, dZ.sum(axis=0), H.T @ dP, dP.sum(axis=0)


def rosenbrock_grad(x):
    d = x[1:] - x[:-1] ** 2
    g = np.zeros_like(x)
    g[:-1] = -400 * x[:-1] * d - 2 * (1 - x[:-1])
    g[1:] += 200 * d
    return g


def rosenbrock_hessian(x):
    n = len(x)
    diagonal = np.zeros(n)
    diagonal[:-1] = 1200 * x[:-1] ** 2 - 400 * x[1:] + 2
    diagonal[1:] += 200
    H = np.diag(diagonal)
    i = np.arange(n - 1)
    H[i, i + 1] = H[i + 1, i] = -400 * x[:-1]
    return H


def rnn_grad(Wh, Wx, b, xs, h):
    hs = [h]
    for t in range(len(xs)):
        h = np.tanh(Wh @ h + Wx @ xs[t] + b)
        hs.append(h)
    dWh, dWx, db = np.zeros_like(Wh), np.zeros_like(Wx), np.zeros_like(b)
    dh = 2 * h
    for t in range(len(xs) - 1, -1, -1):
        da = dh * (1 - hs[t + 1] ** 2)
        dWh += np.outer(da, hs[t])
        dWx += np.outer(da, xs[t])
        db += da
        dh = Wh.T @ da
    return dWh, dWx, db


def square_grad(x):
    return 2 * x


# --- inputs ---------------------------------------------------------------------------


def _mlp_inputs(rng):
    X = rng.standard_normal((64, 784))
    W1 = rng.standard_normal((784, 256)) / 28
    W2 = rng.standard_normal((256, 10)) / 16
    return (
        W1,
        rng.standard_normal(256) * 0.1,
        W2,
        rng.standard_normal(10) * 0.1,
        X,
        rng.standard_normal((64, 10)),
    )


def _horner_inputs(rng):
    return rng.standard_normal(201) / 200, 0.99


def _rnn_inputs(rng):
    hidden, inputs, steps = 32, 8, 50
    Wh = rng.standard_normal((hidden, hidden)) / math.sqrt(hidden)
    Wx = rng.standard_normal((hidden, inputs)) / math.sqrt(inputs)
    b = rng.standard_normal(hidden) * 0.1
    return Wh, Wx, b, rng.standard_normal((steps, inputs)), np.zeros(hidden)


def _rosenbrock_point(n):
    return lambda rng: (rng.uniform(-1, 1, n),)


# Targets (issue 14): every gradient within 1.1x of the sharpest hand-written reference but
# Horner's coefficients (1.5x their closed form), a call of x * x within 1.3x, Hessians within
# 1.5x (2x2, n = 20) and 3x (n = 400); compiled with numba, the loops at 0.1x the NumPy code.
CASES = [
    Case(
        "scalar",
        "scalar function of two floats",
        make_scalar,
        lambda rng: (0.7, 1.3),
        (0, 1),
        scalar_grad,
        target=1.1,
    ),
    Case(
        "logistic",
        "logistic map, 1000 steps (d/dr)",
        make_logistic,
        lambda rng: (2.9, 0.3),
        (0,),
        logistic_grad,
        target=1.1,
        steps=1000,
        compiled_target=0.1,
    ),
    Case(
        "logistic_both",
        "logistic map, 1000 steps (d/dr, d/dx0)",
        make_logistic,
        lambda rng: (2.9, 0.3),
        (0, 1),
        logistic_grad_both,
        target=1.1,
        steps=1000,
        compiled_target=0.1,
    ),
    Case(
        "horner_x",
        "Horner, degree 200 (d/dx)",
        make_horner,
        _horner_inputs,
        (1,),
        horner_grad_x,
        target=1.1,
        steps=200,
        compiled_target=0.1,
    ),
    Case(
        "horner_c",
        "Horner, degree 200 (d/dcoefficients)",
        make_horner,
        _horner_inputs,
        (0,),
        horner_grad_c,
        target=1.5,
        sharper=horner_grad_c_closed,
        steps=200,
        compiled_target=0.1,
    ),
    Case(
        "mlp", "MLP 64x784 -> 256 tanh -> 10, MSE", make_mlp, _mlp_inputs, (0, 1, 2, 3), mlp_grad, target=1.1
    ),
    Case(
        "rosenbrock",
        "Rosenbrock, n = 10,000",
        make_rosenbrock,
        _rosenbrock_point(10_000),
        (0,),
        rosenbrock_grad,
        target=1.1,
    ),
    Case(
        "rnn",
        "RNN, 50 steps, hidden 32",
        make_rnn,
        _rnn_inputs,
        (0, 1, 2),
        rnn_grad,
        target=1.1,
        steps=50,
        compiled_target=1.0,
        compiled_against="jax.jit",
    ),
    Case("square", "x * x (call overhead)", make_square, lambda rng: (1.5,), (0,), square_grad, target=1.3),
    Case(
        "scalar_hessian",
        "Hessian of the scalar function (2x2)",
        make_scalar,
        lambda rng: (0.7, 1.3),
        (0, 1),
        scalar_hessian,
        kind="hessian",
        target=1.5,
    ),
    Case(
        "rosenbrock_hessian",
        "Hessian of Rosenbrock, n = 20",
        make_rosenbrock,
        _rosenbrock_point(20),
        (0,),
        rosenbrock_hessian,
        kind="hessian",
        target=1.5,
    ),
    Case(
        "rosenbrock_hessian_100",
        "Hessian of Rosenbrock, n = 100",
        make_rosenbrock,
        _rosenbrock_point(100),
        (0,),
        rosenbrock_hessian,
        kind="hessian",
        target=2.0,
    ),
    Case(
        "rosenbrock_hessian_400",
        "Hessian of Rosenbrock, n = 400",
        make_rosenbrock,
        _rosenbrock_point(400),
        (0,),
        rosenbrock_hessian,
        kind="hessian",
        target=3.0,
    ),
]

BY_NAME = {case.name: case for case in CASES}


# --- checkpointing: memory against time ---------------------------------------------------
# Not timed against the hand-written gradient: the checkpointed loop's gradient is measured
# against the same loop's taped gradient, for peak memory (tracemalloc) and time per call.


@dataclass
class MemoryCase:
    name: str
    title: str
    make_taped: Callable  # make(np) -> the loop, reversed with a tape
    make_checkpointed: Callable  # make(np, checkpoint) -> the same loop, checkpointed
    inputs: Callable[[np.random.Generator, int], tuple]
    wrt: tuple[int, ...]
    steps: int
    memory_target: float  # checkpointed peak / taped peak, at most
    time_target: float  # checkpointed time / taped time, at most


def make_long_rnn_taped(np):
    def long_rnn(W, b, h, steps):
        for _ in range(steps):
            h = np.tanh(W @ h + b)
        return np.sum(h**2)

    return long_rnn


def make_long_rnn_checkpointed(np, checkpoint):
    def long_rnn_checkpointed(W, b, h, steps):
        for _ in checkpoint(range(steps)):
            h = np.tanh(W @ h + b)
        return np.sum(h**2)

    return long_rnn_checkpointed


def _long_rnn_inputs(rng: np.random.Generator, steps: int) -> tuple:
    n = 100
    W = rng.normal(size=(n, n)) / math.sqrt(n) * 0.9
    return W, rng.normal(size=n) * 0.1, rng.normal(size=n), steps


MEMORY_CASES = [
    MemoryCase(
        "long_rnn",
        "RNN step h = tanh(W @ h + b), state of 100 floats, 20,000 steps",
        make_long_rnn_taped,
        make_long_rnn_checkpointed,
        _long_rnn_inputs,
        (0, 1, 2),
        steps=20_000,
        memory_target=1 / 20,
        time_target=8.0,
    ),
]
