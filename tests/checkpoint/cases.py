"""Checkpointed programs, each written as the user writes it; ``plain`` drops the checkpoint.

Each case: source with ``checkpoint(...)``, the arguments, the positions to differentiate.
"""

import numpy as np

RNG = np.random.default_rng(3)
W = RNG.normal(size=(4, 4)) * 0.5
B = RNG.normal(size=4) * 0.1
H = RNG.normal(size=4)
X = RNG.normal(size=(5, 4))

CASES = {
    "logistic": (
        """
        def f(x, r, n):
            for i in checkpoint(range(n), snapshots=2):
                x = r * x * (1 - x)
            return x
        """,
        (0.3, 3.1, 7),
        (0, 1),
    ),
    "rnn": (
        """
        def f(h, W, b, n):
            for t in checkpoint(range(n), snapshots=3):
                h = np.tanh(W @ h + b)
            return np.sum(h ** 2)
        """,
        (H, W, B, 9),
        (0, 1, 2),
    ),
    "several_carried": (
        """
        def f(x, y, n):
            for t in checkpoint(range(n)):
                x, y = y, x * y + np.sin(x)
            return x + 2.0 * y
        """,
        (0.4, 0.7, 6),
        (0, 1),
    ),
    "tuple_state": (
        """
        def f(h, c, W, n):
            state = (h, c)
            for t in checkpoint(range(n), snapshots=2):
                h, c = state
                c = 0.5 * c + np.tanh(W @ h)
                state = (np.tanh(c) * 0.9, c)
            return np.sum(state[0] * state[1])
        """,
        (H, H * 0.5, W, 5),
        (0, 1, 2),
    ),
    "read_after": (
        """
        def f(x, w, n):
            s = 0.0
            for t in checkpoint(range(n), snapshots=2):
                x = np.sin(w * x) + 0.1 * t
                s = s + x * x
            return s * x + s
        """,
        (0.5, 1.3, 8),
        (0, 1),
    ),
    "range_step": (
        """
        def f(x, w, a, b):
            for t in checkpoint(range(a, b, 3), snapshots=2):
                x = np.cos(w * x + t)
            return x
        """,
        (0.5, 0.8, 2, 17),
        (0, 1),
    ),
    "rows": (
        """
        def f(h, W, X):
            for row in checkpoint(X, snapshots=2):
                h = np.tanh(W @ h + row)
            return np.sum(h)
        """,
        (H, W, X),
        (0, 1),
    ),
    "indexed_rows": (
        """
        def f(h, W, X):
            for t in checkpoint(range(len(X)), snapshots=2):
                h = np.tanh(W @ h + X[t])
            return np.sum(h)
        """,
        (H, W, X),
        (0, 1, 2),
    ),
    "nested": (
        """
        def f(x, w, n):
            for t in checkpoint(range(n), snapshots=2):
                for k in range(3):
                    x = np.sin(w * x + k)
                x = x * 1.1
            return x
        """,
        (0.5, 0.9, 5),
        (0, 1),
    ),
    "branch": (
        """
        def f(x, w, n):
            for t in checkpoint(range(n), snapshots=3):
                if x > 0.5:
                    x = np.sin(w * x)
                else:
                    x = x * w + 0.7
            return x
        """,
        (0.3, 1.7, 9),
        (0, 1),
    ),
    "continue": (
        """
        def f(x, w, n):
            for t in checkpoint(range(n), snapshots=2):
                if t % 2 == 0:
                    continue
                x = np.sin(w * x + t)
            return x
        """,
        (0.3, 1.7, 7),
        (0, 1),
    ),
    "enumerate": (
        """
        def f(x, ws):
            for i, w in checkpoint(enumerate(ws), snapshots=2):
                x = np.sin(w * x) + i * x
            return x
        """,
        (0.3, np.array([0.5, 1.5, -0.7, 0.2])),
        (0,),
    ),
    "inside_a_taped_loop": (
        """
        def f(x, w, n):
            for j in range(3):
                for t in checkpoint(range(n), snapshots=2):
                    x = np.sin(w * x + j)
                x = x * 1.2
            return x
        """,
        (0.4, 1.1, 4),
        (0, 1),
    ),
    "inside_a_checkpointed_loop": (
        """
        def f(x, w, n):
            for j in checkpoint(range(3), snapshots=2):
                for t in checkpoint(range(n), snapshots=2):
                    x = np.sin(w * x + j)
                x = x * 1.2
            return x
        """,
        (0.4, 1.1, 4),
        (0, 1),
    ),
    "first_bound_in_the_loop": (
        """
        def f(x, w, n):
            s = 0.0
            for j in checkpoint(range(n)):
                y = x * j
                s = s + np.sin(y * w)
            return s + y
        """,
        (0.4, 1.1, 4),
        (0, 1),
    ),
    "comprehension_in_the_step": (
        """
        def f(x, w, n):
            for t in checkpoint(range(n), snapshots=2):
                x = np.sum(np.array([np.sin(w * x + k) for k in range(3)])) * 0.3
            return x
        """,
        (0.4, 1.1, 4),
        (0, 1),
    ),
    "array_made_and_written_in_the_step": (
        """
        def f(x, w, n):
            for t in checkpoint(range(n), snapshots=2):
                y = np.zeros(3)
                y[0] = x * w
                y[1] = np.sin(x)
                x = np.sum(y) * 0.5
            return x
        """,
        (0.4, 1.1, 4),
        (0, 1),
    ),
    "list_made_and_appended_in_the_step": (
        """
        def f(x, w, n):
            for t in checkpoint(range(n), snapshots=2):
                items = []
                for k in range(2):
                    items.append(x * k + w)
                x = np.sin(sum(items)) * 0.4
            return x
        """,
        (0.4, 1.1, 4),
        (0, 1),
    ),
    "assigned_on_one_path": (
        """
        def f(x, w, n):
            for i in checkpoint(range(n), snapshots=1):
                if i % 2:
                    s = x * w
                    t = s * x
                else:
                    t = x
                x = 0.5 * x + np.sin(t)
            return x
        """,
        (0.3, 1.4, 5),
        (0, 1),
    ),
    "module_spelling": (
        """
        def f(x, w, n):
            for t in s2sad.checkpoint(range(n), snapshots=1):
                x = np.sin(w * x)
            return x
        """,
        (0.3, 1.7, 6),
        (0, 1),
    ),
}

# the same loop for n = 0, 1, 2, ... and every number of snapshots up to past n
SIZES = [(n, s) for n in (0, 1, 2, 3, 7) for s in (None, 1, 2, 3, 9)]
SIZED = """
def f(x, w, n, s):
    for t in checkpoint(range(n), snapshots=s):
        x = np.sin(w * x) + 0.3 * x
    return x
"""
