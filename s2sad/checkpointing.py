"""Checkpointing: ``checkpoint`` as the user's code sees it, and the binomial schedule.

A reversed loop keeps on its tape what every iteration overwrites: memory grows
with the number of steps. ``checkpoint`` marks a loop (or a call) whose forward
values are to be computed again in the reverse sweep instead. Run as plain
Python it changes nothing:

>>> [t for t in checkpoint(range(3))]
[0, 1, 2]

The reverse sweep of a checkpointed loop follows Griewank and Walther's
binomial schedule (Revolve): with ``s`` copies of the loop's state, the state
at the start among them, it advances from a copy without a tape, takes new
copies on the way, and reverses each step (the step again with its tape, then
its adjoint) last to first. Four steps, two copies:

>>> for action in schedule(4, 2):
...     print(*action)
advance 0 1
store 1
advance 1 3
reverse 3
restore 1
advance 1 2
reverse 2
restore 1
reverse 1
free 1
restore 0
reverse 0

``forward_steps(n, s)`` is the fewest steps any schedule with ``s`` copies
advances (Griewank 1992): here 4, as the schedule above does.

>>> forward_steps(4, 2)
4
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator

__all__ = ["checkpoint", "default_snapshots", "forward_steps", "reverse_steps", "schedule", "show_schedule"]


def checkpoint(iterable, snapshots=None):  # or checkpoint(f): a function in place of the iterable
    """``checkpoint(range(n), snapshots=s)`` in a ``for`` header: the loop is reversed with at
    most ``s`` copies of its state instead of a tape. ``checkpoint(f)``: a call ``checkpoint(f)(x)``
    keeps only ``f``'s arguments, and computes ``f``'s forward values again in the reverse sweep.

    Run as Python, the iterable iterates as itself, and ``checkpoint(f)`` calls ``f``:

    >>> import math
    >>> checkpoint(math.sin)(0.0)
    0.0
    >>> checkpoint(range(4), snapshots=0)
    Traceback (most recent call last):
    ...
    ValueError: checkpoint: snapshots must be a whole number >= 1 (or None for about log2 of the steps), not 0
    """
    if snapshots is not None and (
        isinstance(snapshots, bool) or not isinstance(snapshots, int) or snapshots < 1
    ):
        raise ValueError(
            "checkpoint: snapshots must be a whole number >= 1 (or None for about log2 of the steps), "
            f"not {snapshots!r}"
        )
    if callable(iterable):
        if snapshots is not None:
            raise TypeError("checkpoint: snapshots applies to a loop's iterable, not to a function")
        fn = iterable

        @functools.wraps(fn)
        def checkpointed(*args, **kwargs):
            return fn(*args, **kwargs)

        return checkpointed
    try:
        iter(iterable)
    except TypeError:
        raise TypeError(
            "checkpoint: iterable must be an iterable (for t in checkpoint(range(n)):) or a "
            f"function (checkpoint(f)(x)), not {type(iterable).__name__}"
        ) from None
    return iterable


def default_snapshots(n: int) -> int:
    """About log2 of the number of steps, at least 1: ``default_snapshots(20000) == 15``."""
    return max(1, math.ceil(math.log2(n))) if n > 1 else 1


def _repetitions(n: int, s: int) -> int:
    """The fewest times r any step runs forward again, with s copies: C(s + r, s) >= n."""
    r = 0
    while math.comb(s + r, s) < n:
        r += 1
    return r


def forward_steps(n: int, s: int) -> int:
    """The fewest forward steps (without a tape) that reverse n steps with s copies of the
    state, the start among them: r n - C(s + r, s + 1), r the repetitions (Griewank 1992).

    >>> [forward_steps(n, 1) for n in range(1, 6)]  # one copy: from the start every time
    [0, 1, 3, 6, 10]
    """
    if n <= 1:
        return 0
    r = _repetitions(n, s)
    return r * n - math.comb(s + r, s + 1)


def _split(n: int, s: int) -> int:
    """Where to take the next copy, reversing n steps from a copy with s copies in all: the m
    that makes m + T(n - m, s - 1) + T(m, s) least (convex in m, so a binary search)."""

    def cost(m: int) -> int:
        return m + forward_steps(n - m, s - 1) + forward_steps(m, s)

    lo, hi = 1, n - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cost(mid + 1) < cost(mid):
            lo = mid + 1
        else:
            hi = mid
    return lo


def schedule(n: int, snapshots: int | None = None) -> Iterator[tuple]:
    """The actions that reverse ``n`` steps from the state at 0 with at most ``snapshots`` copies
    of the state (the start counts): ``("advance", i, j)`` runs steps i..j-1 without a tape,
    ``("store", j)`` copies the state, ``("restore", i)`` takes copy i back, ``("reverse", i)``
    runs step i with its tape and then its adjoint, ``("free", j)`` drops copy j."""
    s = default_snapshots(n) if snapshots is None else snapshots

    def reverse(i: int, j: int, s: int, current: int) -> Iterator[tuple]:
        # the state at i is copy i; the current state is at ``current``
        while j > i:
            if current != i:
                yield ("restore", i)
            if j - i == 1:
                yield ("reverse", i)
                return
            if s == 1:  # no copy to spare: from i to the last step, every time
                yield ("advance", i, j - 1)
                yield ("reverse", j - 1)
                j, current = j - 1, -1
                continue
            m = i + _split(j - i, s)
            yield ("advance", i, m)
            if j - m == 1:  # the last step reversed at once: no copy of its state needed
                yield ("reverse", m)
                j, current = m, -1
                continue
            yield ("store", m)
            yield from reverse(m, j, s - 1, m)
            yield ("free", m)
            j, current = m, -1

    if n > 0:
        yield from reverse(0, n, s, 0)


def show_schedule(n: int, snapshots: int | None = None) -> None:
    """Print the schedule as a picture, a line per action: the steps ``.``, the copies held ``S``,
    the steps run ``>`` (without a tape) or ``<`` (with their tape, then their adjoint).

    >>> show_schedule(4, 2)
    advance 0 1    >...   copies at 0
    store 1        ....   copies at 0 1
    advance 1 3    .>>.   copies at 0 1
    reverse 3      ...<   copies at 0 1
    restore 1      ....   copies at 0 1
    advance 1 2    .>..   copies at 0 1
    reverse 2      ..<.   copies at 0 1
    restore 1      ....   copies at 0 1
    reverse 1      .<..   copies at 0 1
    free 1         ....   copies at 0
    restore 0      ....   copies at 0
    reverse 0      <...   copies at 0
    """
    held = [0]
    for action in schedule(n, snapshots):
        row = ["."] * n
        kind = action[0]
        if kind == "advance":
            row[action[1] : action[2]] = ">" * (action[2] - action[1])
        elif kind == "reverse":
            row[action[1]] = "<"
        elif kind == "store":
            held.append(action[1])
        elif kind == "free":
            held.remove(action[1])
        label = " ".join(str(a) for a in action)
        print(f"{label:<14} {''.join(row)}   copies at {' '.join(map(str, held))}")


def reverse_steps(
    step: Callable, step_adjoint: Callable, items, start: tuple, bars: tuple, snapshots: int | None = None
) -> tuple:
    """Reverse a loop by the binomial schedule: ``step(item, *state)`` returns the next state,
    ``step_adjoint(item, *state, *bars)`` the adjoints before the step from those after it.

    >>> import math
    >>> step = lambda t, x: (math.sin(x),)
    >>> step_adjoint = lambda t, x, x_bar: (x_bar * math.cos(x),)
    >>> (x_bar,) = reverse_steps(step, step_adjoint, range(3), (0.5,), (1.0,), snapshots=2)
    >>> x1 = math.sin(0.5); x2 = math.sin(x1)
    >>> abs(x_bar - math.cos(x2) * math.cos(x1) * math.cos(0.5)) < 1e-15
    True
    """
    if not (hasattr(items, "__len__") and hasattr(items, "__getitem__")):
        items = list(items)
    copies = {0: tuple(start)}
    state = copies[0]
    for action in schedule(len(items), snapshots):
        kind = action[0]
        if kind == "advance":
            for k in range(action[1], action[2]):
                state = step(items[k], *state)
        elif kind == "reverse":
            bars = step_adjoint(items[action[1]], *state, *bars)
        elif kind == "store":
            copies[action[1]] = state
        elif kind == "restore":
            state = copies[action[1]]
        else:
            del copies[action[1]]
    return bars
