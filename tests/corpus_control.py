"""Functions with loops, branches, calls and containers, written the way users write them.

test_corpus differentiates each one and compares with autograd (the module is
executed again with ``np`` bound to ``autograd.numpy``) or with central
differences where autograd cannot follow (assignment into arrays, helpers in
another module). ``CASES`` maps each function to its arguments, the
arguments to differentiate with respect to, and the oracle.
"""

import math

import corpus_helpers
import numpy as np
from corpus_helpers import pair, scaled

# ---------------------------------------------------------------- branches


def branch(x):
    if x > 0:
        y = x * x
    else:
        y = -x
    return y


def elif_chain(x):
    if x < -1.0:
        y = -x
    elif x < 0.5:
        y = x * x
    elif x < 2.0:
        y = np.sin(x)
    else:
        y = 0.25 * x
    return y * x


def ternary(x):
    return x if x > 0 else 0.1 * x


def and_or(x, y):
    z = x > 0 and y > 0
    if z or x > 10:
        return x * y
    return x + y


def early_return(x):
    if x < 0:
        return -x * 2.0
    y = x * x
    if y > 4.0:
        return y
    return x


def nested_branches(x, y):
    if x > 0:
        if y > 0:
            z = x * y
        else:
            z = x - y
        z = z * 2.0
    else:
        z = np.exp(x) + y
    return z * z


def branch_on_array(w, x):
    s = np.dot(w, x)
    if s > 0:
        out = np.sum(w**2) * s
    else:
        out = np.sum(np.abs(w)) - s
    return out


def flag_from_int(x, mode):
    if mode == 0:
        return x * 3.0
    elif mode == 1:
        return x**2
    return np.tanh(x)


# ---------------------------------------------------------------- for loops


def logistic(x, r, n):
    for i in range(n):
        x = r * x * (1 - x)
    return x


def nested(x, n, m):
    s = 0.0
    for i in range(n):
        for j in range(m):
            s = s + x ** (i + 1) * (j + 1)
    return s


def loop_if(xs):
    s = 0.0
    for x in xs:
        if x > 0:
            s = s + x * x
        else:
            s = s - x
    return s


def rnn(W, U, b, X, h0):
    h = h0
    for t in range(X.shape[0]):
        h = np.tanh(W @ h + U @ X[t] + b)
    return np.sum(h**2)


def euler(k, y0, dt, n):
    y = y0
    for i in range(n):
        y = y + dt * (-k * y)
    return y


def rk4(k, y0, dt, n):
    y = y0
    for i in range(n):
        k1 = -k * y
        k2 = -k * (y + 0.5 * dt * k1)
        k3 = -k * (y + 0.5 * dt * k2)
        k4 = -k * (y + dt * k3)
        y = y + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    return y


def ode_vector(y0, A, dt, n):
    y = y0.copy()
    for i in range(n):
        y = y + dt * (A @ y)
    return y @ y


def pendulum(theta, omega, g, dt, steps):
    for step in range(steps):
        omega = omega - dt * g * math.sin(theta)
        theta = theta + dt * omega
    return theta * theta + 0.1 * omega * omega


def horner(coeffs, x):
    y = 0.0
    for c in coeffs:
        y = y * x + c
    return y


def horner_list(coeffs, x):
    y = 0.0
    for c in coeffs:
        y = y * x + c
    return y


def train_logistic(w, X, y, lr, steps):
    for step in range(steps):
        p = 1.0 / (1.0 + np.exp(-(X @ w)))
        g = X.T @ (p - y) / y.shape[0]
        w = w - lr * g
    p = 1.0 / (1.0 + np.exp(-(X @ w)))
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def train_softmax(W, X, Y, lr, steps):
    n = X.shape[0]
    for step in range(steps):
        logits = X @ W
        logits = logits - np.max(logits, axis=1, keepdims=True)
        probs = np.exp(logits)
        probs = probs / np.sum(probs, axis=1, keepdims=True)
        W = W - lr * (X.T @ (probs - Y)) / n
    logits = X @ W
    log_z = np.log(np.sum(np.exp(logits), axis=1))
    return np.mean(log_z - np.sum(Y * logits, axis=1))


def matrix_power(A, n):
    B = A
    for i in range(n - 1):
        B = B @ A
    return np.trace(B)


def rows_loop(X, w):
    s = 0.0
    for row in X:
        s = s + np.tanh(row @ w)
    return s


def clip_loop(x, n):
    for i in range(n):
        x = np.clip(x * 1.5, -2.0, 2.0)
    return np.sum(x)


def zip_loop(a, b):
    s = 0.0
    for u, v in zip(a, b):
        s = s + u * v
    return s


def enumerate_weights(xs):
    s = 0.0
    for i, x in enumerate(xs, start=1):
        s = s + x / i
    return s


def reversed_loop(xs, decay):
    acc = 0.0
    for x in reversed(xs):
        acc = acc * decay + x
    return acc


def range_steps(x, n):
    s = 0.0
    for i in range(n, 0, -2):
        s = s + x**i
    for j in range(1, n, 3):
        s = s * x + j
    return s


def over_tuple(a, b, c):
    s = 1.0
    for v in (a, b, c):
        s = s * v + 1.0
    return s


def loop_with_print_assert(x, n):
    for i in range(n):
        assert i < n
        x = np.sin(x) + 0.5 * x
        if i == n - 1:
            print("last step", i)
    return x


def moving_average(x, decay, n):
    avg = x[0]
    for i in range(1, n):
        avg = decay * avg + (1 - decay) * x[i]
    return avg * avg


def exponential_series(x, terms):
    total = 1.0
    term = 1.0
    for k in range(1, terms):
        term = term * x / k
        total = total + term
    return total


def loop_carried_pair(x, y, n):
    for i in range(n):
        x, y = y, x * y + 0.1
    return x + y


# ---------------------------------------------------------------- while, break, continue


def newton_sqrt(x, tol):
    while True:
        x = x - (x * x - 2.0) / (2 * x)
        if abs(x * x - 2.0) < tol:
            break
    return x


def newton_cubic(a, x0):
    x = x0
    for i in range(50):
        fx = x**3 - a
        if abs(fx) < 1e-12:
            break
        x = x - fx / (3 * x**2)
    return x


def refine(x, a):
    while abs(x * x - a) > 1e-12:
        x = 0.5 * (x + a / x)
    return x


def while_count(x):
    n = 0
    while x > 1.0:
        x = x / 2.0
        n = n + 1
    return x * n


def while_counter(x, n):
    i = 0
    s = 0.0
    while i < n:
        s = s + math.cos(x * i)
        i += 1
    return s


def break_nested(x, n):
    total = 0.0
    for i in range(n):
        for j in range(n):
            if j > i:
                break
            total = total + x * i * j
        if total > 50.0:
            break
    return total


def with_continue(xs, t):
    s = 0.0
    for i, x in enumerate(xs):
        if x < t:
            continue
        s += x * i
    return s


def return_in_loop(xs):
    total = 0.0
    for x in xs:
        if x > 3.0:
            return total
        total = total + x * x
    return -total


def find_first_large(xs, threshold):
    for x in xs:
        if x * x > threshold:
            return x * 2.0
    return 0.0


def while_else_style(x):
    steps = 0
    while x < 10.0:
        x = x * 1.7 + 0.3
        steps += 1
        if steps > 100:
            break
    return x / steps


# ---------------------------------------------------------------- calls


def cube(x):
    return x * x * x


def uses_helper(x):
    return cube(x) + cube(2.0 * x)


def uses_other_module(x):
    return scaled(x) + corpus_helpers.square(x) + scaled(x, k=1.5)


def tuple_helper(x, y):
    s, p = pair(x, y)
    return s * p


def step(x, r):
    return r * x * (1 - x)


def logistic_helper(x, r, n):
    for i in range(n):
        x = step(x, r)
    return x


def branchy(x):
    if x > 1.0:
        return x * x
    return -x


def calls_branchy(x):
    return branchy(x) + branchy(x - 2.0)


def local_helpers(x, y):
    def g(u, v=2.0):
        return u * v + y

    h = lambda w: w**2 + x
    return g(x) + h(y) + g(y, v=x)


def closure_over_param(a, x):
    def scale(v):
        return a * v

    return scale(scale(x)) + scale(1.0)


def mlp_layers(W1, W2, x):
    h = corpus_helpers.relu(W1 @ x)
    return np.sum(np.tanh(W2 @ h))


def keyword_call(x, y):
    return weighted(y=y, x=x) + weighted(x, y, w=0.5)


def weighted(x, y, w=2.0):
    return w * x + (1 - w) * y * y


def helper_in_loop(xs):
    s = 0.0
    for x in xs:
        s = s + softplus(x)
    return s


def softplus(x):
    if x > 20.0:
        return x
    return math.log1p(math.exp(x))


def power(x, n):
    if n == 0:
        return 1.0
    return x * power(x, n - 1)


def uses_power(x):
    return power(x, 3) + power(2.0 * x, 2)


def even_poly(x, n):
    if n == 0:
        return x
    return odd_poly(x * 1.1, n - 1)


def odd_poly(x, n):
    if n == 0:
        return x * x
    return even_poly(np.sin(x), n - 1)


def tree_sum(x, depth):
    if depth == 0:
        return np.sum(x**2)
    half = x.shape[0] // 2
    return tree_sum(x[:half], depth - 1) + tree_sum(x[half:] * 2.0, depth - 1)


def recursion_in_loop(x, n):
    s = 0.0
    for i in range(n):
        s = s + power(x, i)
    return s


def factorial_like(x, n):
    if n <= 1:
        return x
    return n * x * factorial_like(x * 0.9, n - 1)


# ---------------------------------------------------------------- containers


def params_tuple(params, x):
    W1, b1, W2 = params
    h = np.tanh(x @ W1 + b1)
    return np.sum((h @ W2) ** 2)


def params_dict(p, x):
    return np.sum((x @ p["W"] + p["b"]) ** 2) + p["scale"] * 2.0


def params_list(layers, x):
    h = x
    for W in layers:
        h = np.tanh(W @ h)
    return np.sum(h)


def nested_params(p, x):
    (a, b), c = p["ab"], p["c"]
    return np.sum(a * x + b) * c


def vector_from_scalars(a, b):
    v = np.array([a, b * b, a * b])
    return np.sum(v**2)


def tuple_display(x):
    t = (x * 2.0, x + 1.0)
    return t[0] * t[1]


def append_loop(x, n):
    ys = []
    for i in range(n):
        ys.append(x ** (i + 1))
    return sum(ys)


def comprehension(xs):
    squares = [x * x for x in xs if x > 0]
    return sum(squares) + sum(x * 2.0 for x in xs)


def nested_comprehension(xs, ys):
    products = [x * y for x in xs for y in ys]
    return sum(products)


def list_indexing(x):
    powers = [x, x * x, x**3]
    return powers[0] + powers[-1] * powers[1]


def stack_concat(a, b):
    s = np.stack([a, b * 2.0])
    c = np.concatenate([a, b, a * b])
    return np.sum(s**2) + np.sum(c * np.arange(c.size))


def rnn_outputs(W, xs, h):
    outs = []
    for x in xs:
        h = np.tanh(W @ h + x)
        outs.append(h)
    return np.sum(np.stack(outs) ** 2)


def rearrange(x):
    y = np.flip(x) * np.cumsum(x) + np.repeat(x, 2)[: x.size]
    m = np.outer(x, x)
    diag_part = np.sum(np.diag(m) * np.diag(x)[0])
    return (
        np.sum(y) + np.sum(np.triu(m) * 2.0) + np.sum(np.tril(m, -1)) + diag_part + np.sum(np.tile(x, 2) ** 2)
    )


def hv(a, b):
    return np.sum(np.hstack([a, b]) ** 2) + np.sum(np.vstack([a, b]) * 3.0)


def swap_unpack(x, y):
    a, b = y, x
    a, b = a * b, a - b
    return a * b


# ---------------------------------------------------------------- arrays


def slices(x):
    return np.sum(x[::2] * x[1::2]) + x[-1] * x[-3] + np.sum(x[-3:-1] ** 2) + np.sum(x[::-1][:2])


def columns(X):
    return np.sum(X[:, 0] * X[:, -1]) + np.sum(X[1:, 1:] ** 2) + X[0, 1]


def fancy_indexing(x, idx):
    return np.sum(x[idx] ** 2) + np.sum(x[x > 0])


def setitem_loop(x, n):
    y = np.zeros(n)
    for i in range(n):
        y[i] = x * i
    y[1:3] += x
    return np.sum(y * y)


def copy_then_assign(x):
    y = x.copy()
    y[0] = y[0] * 3.0
    y[1:] = np.sin(y[1:])
    return np.sum(y**2)


def cumsum_loop(x):
    out = np.zeros(x.shape[0])
    out[0] = x[0]
    for i in range(1, x.shape[0]):
        out[i] = out[i - 1] + x[i]
    return np.sum(out**2)


def cumprod_loop(x):
    out = np.ones(x.shape[0])
    out[0] = x[0]
    for i in range(1, x.shape[0]):
        out[i] = out[i - 1] * x[i]
    return np.sum(out)


def build_matrix(a, b):
    M = np.eye(3)
    M[0, 1] = a
    M[1, 0] = -a
    M[2, :] = b * np.arange(3)
    return np.sum(M @ M)


def constructors(x):
    z = np.zeros_like(x) + np.ones_like(x) * x
    grid = np.linspace(0.0, 1.0, x.size)
    ramp = np.arange(x.size).astype(float)
    return np.sum(z * grid + ramp * x) + np.sum(np.full(3, 2.0) * x[0]) + np.sum(np.ones(2)) * x[1]


def dims(x):
    col = np.expand_dims(x, 1)
    row = np.expand_dims(x, axis=0)
    return np.sum(col * row) + np.sum(np.squeeze(col) * x)


def integer_labels(W, X, labels):
    logits = X @ W
    picked = logits[np.arange(X.shape[0]), labels]
    return np.sum(np.log(np.sum(np.exp(logits), axis=1)) - picked)


def masked_update(x):
    y = x.copy()
    y[y < 0] = 0.0
    return np.sum(y * x)


def scatter_add(v, w):
    y = np.zeros(4)
    np.add.at(y, np.array([0, 2, 2, 3]), v * w)
    return np.sum(np.sin(y) * y)


def column_loop(X):
    total = 0.0
    for j in range(X.shape[1]):
        col = X[:, j]
        total = total + np.max(col) * np.sum(col)
    return total


rng = np.random.default_rng(7)
X6x3 = rng.normal(size=(6, 3))
Y6 = (rng.uniform(size=6) > 0.5).astype(float)
ONEHOT = np.eye(3)[[0, 2, 1, 1, 0, 2]]
AG, FD = "autograd", "fd"

CASES = {
    branch: ((1.3,), (0,), AG),
    elif_chain: ((0.2,), (0,), AG),
    ternary: ((-0.7,), (0,), AG),
    and_or: ((2.0, 3.0), (0, 1), AG),
    early_return: ((1.5,), (0,), AG),
    nested_branches: ((0.5, -0.3), (0, 1), AG),
    branch_on_array: ((rng.normal(size=4), rng.normal(size=4)), (0, 1), AG),
    flag_from_int: ((0.4, 1), (0,), AG),
    logistic: ((0.3, 3.1, 6), (0, 1), AG),
    nested: ((0.7, 3, 2), (0,), AG),
    loop_if: ((rng.normal(size=6),), (0,), AG),
    rnn: (
        (
            rng.normal(size=(3, 3)) * 0.5,
            rng.normal(size=(3, 2)),
            rng.normal(size=3),
            rng.normal(size=(4, 2)),
            rng.normal(size=3),
        ),
        (0, 1, 2, 3, 4),
        AG,
    ),  # fmt: skip
    euler: ((0.5, 2.0, 0.1, 10), (0, 1, 2), AG),
    rk4: ((0.5, 2.0, 0.1, 10), (0, 1, 2), AG),
    ode_vector: (
        (rng.normal(size=3), rng.normal(size=(3, 3)), 0.1, 5),
        (0, 1, 2),
        FD,
    ),  # autograd: no .copy()
    pendulum: ((0.8, 0.0, 9.81, 0.01, 20), (0, 1, 2), FD),
    horner: ((rng.normal(size=5), 0.8), (0, 1), AG),
    horner_list: (([0.5, -1.0, 2.0, 0.3], 0.8), (0, 1), AG),
    train_logistic: ((rng.normal(size=3), X6x3, Y6, 0.5, 4), (0, 1, 3), AG),
    train_softmax: ((rng.normal(size=(3, 3)) * 0.1, X6x3, ONEHOT, 0.3, 3), (0, 1, 3), AG),
    matrix_power: ((rng.normal(size=(3, 3)), 4), (0,), AG),
    rows_loop: ((rng.normal(size=(4, 3)), rng.normal(size=3)), (0, 1), AG),
    clip_loop: ((rng.normal(size=5), 3), (0,), AG),
    zip_loop: ((rng.normal(size=4), rng.normal(size=4)), (0, 1), AG),
    enumerate_weights: ((rng.normal(size=4),), (0,), AG),
    reversed_loop: ((rng.normal(size=5), 0.7), (0, 1), AG),
    range_steps: ((0.9, 5), (0,), AG),
    over_tuple: ((0.5, -1.2, 2.0), (0, 1, 2), AG),
    loop_with_print_assert: ((0.3, 3), (0,), AG),
    moving_average: ((rng.normal(size=6), 0.8, 6), (0, 1), AG),
    exponential_series: ((0.7, 8), (0,), AG),
    loop_carried_pair: ((0.5, 0.8, 4), (0, 1), AG),
    newton_sqrt: ((1.0, 1e-10), (0,), AG),
    newton_cubic: ((5.0, 2.0), (0, 1), AG),
    refine: ((1.0, 2.0), (0, 1), AG),
    while_count: ((9.0,), (0,), AG),
    while_counter: ((0.3, 5), (0,), FD),
    break_nested: ((1.3, 5), (0,), AG),
    with_continue: ((rng.normal(size=6), 0.1), (0,), AG),
    return_in_loop: ((np.array([0.5, 1.0, 4.0, 2.0]),), (0,), AG),
    find_first_large: ((np.array([0.5, -1.5, 2.0]), 1.0), (0,), AG),
    while_else_style: ((0.5,), (0,), AG),
    uses_helper: ((0.7,), (0,), AG),
    uses_other_module: ((0.7,), (0,), FD),
    tuple_helper: ((0.7, 1.3), (0, 1), FD),
    logistic_helper: ((0.3, 3.1, 5), (0, 1), AG),
    calls_branchy: ((1.5,), (0,), AG),
    local_helpers: ((0.7, 1.2), (0, 1), AG),
    closure_over_param: ((1.5, 0.7), (0, 1), AG),
    mlp_layers: ((rng.normal(size=(4, 3)), rng.normal(size=(2, 4)), rng.normal(size=3)), (0, 1, 2), FD),
    keyword_call: ((0.7, 1.3), (0, 1), AG),
    helper_in_loop: ((np.array([0.5, -2.0, 25.0]),), (0,), FD),
    uses_power: ((1.3,), (0,), AG),
    even_poly: ((0.7, 4), (0,), AG),
    tree_sum: ((rng.normal(size=8), 2), (0,), AG),
    recursion_in_loop: ((0.8, 4), (0,), AG),
    factorial_like: ((0.9, 4), (0,), AG),
    params_tuple: (((rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(4, 2))), X6x3), (0,), AG),
    params_dict: (({"W": rng.normal(size=(3, 2)), "b": rng.normal(size=2), "scale": 0.5}, X6x3), (0,), AG),
    params_list: (([rng.normal(size=(3, 3)), rng.normal(size=(2, 3))], rng.normal(size=3)), (0, 1), AG),
    nested_params: (({"ab": (rng.normal(size=3), 0.5), "c": 2.0}, rng.normal(size=3)), (0, 1), AG),
    vector_from_scalars: ((0.5, 1.5), (0, 1), AG),
    tuple_display: ((0.7,), (0,), AG),
    append_loop: ((0.7, 4), (0,), AG),
    comprehension: ((rng.normal(size=5),), (0,), AG),
    nested_comprehension: (([0.5, 1.5], [2.0, -1.0, 0.3]), (0, 1), AG),
    list_indexing: ((0.7,), (0,), AG),
    stack_concat: ((rng.normal(size=3), rng.normal(size=3)), (0, 1), AG),
    rnn_outputs: (
        (rng.normal(size=(3, 3)) * 0.5, rng.normal(size=(4, 3)), rng.normal(size=3)),
        (0, 1, 2),
        AG,
    ),
    rearrange: ((rng.normal(size=4),), (0,), FD),  # autograd has no VJP for np.flip
    hv: ((rng.normal(size=3), rng.normal(size=3)), (0, 1), AG),
    swap_unpack: ((0.7, 1.3), (0, 1), AG),
    slices: ((rng.normal(size=8),), (0,), AG),
    columns: ((rng.normal(size=(3, 4)),), (0,), AG),
    fancy_indexing: ((rng.normal(size=5), np.array([0, 2, 2, 4])), (0,), AG),
    setitem_loop: ((0.7, 5), (0,), FD),
    copy_then_assign: ((rng.normal(size=4),), (0,), FD),
    cumsum_loop: ((rng.normal(size=5),), (0,), FD),
    cumprod_loop: ((rng.normal(size=5),), (0,), FD),
    build_matrix: ((0.7, 1.3), (0, 1), FD),
    constructors: ((rng.normal(size=4),), (0,), AG),
    dims: ((rng.normal(size=3),), (0,), AG),
    integer_labels: ((rng.normal(size=(3, 3)), X6x3, np.array([0, 2, 1, 1, 0, 2])), (0, 1), AG),
    masked_update: ((rng.normal(size=5),), (0,), FD),
    column_loop: ((rng.normal(size=(3, 4)),), (0,), AG),
    scatter_add: ((rng.normal(size=4), 1.5), (0, 1), FD),
}
