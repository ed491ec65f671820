"""``check_grad``: the gradient s2sad computes, against central finite differences."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..frontend.resolve import parameters
from .arguments import Wrt, wrt_names
from .reverse_mode import grad


def check_grad(f: Callable, *args: Any, wrt: Wrt = 0, rtol: float = 1e-5, atol: float = 1e-7) -> None:
    """Compare ``grad(f, wrt)(*args)`` with central finite differences.

    Raises ``AssertionError`` naming the worst entry when they disagree.

    >>> check_grad(lambda x: x ** 3, 2.0)
    """
    names, single = wrt_names(f, wrt, "check_grad")
    positional, _, _ = parameters(f)
    ad = grad(f, wrt)(*args)
    ad = (ad,) if single else ad
    for name, g in zip(names, ad):
        i = positional.index(name)
        for keys, _leaf in _leaves(args[i]):  # a container leaf by leaf: [(W, b), ...]
            fd = numerical_gradient(f, args, i, keys)
            part = _get(g, keys)
            part = np.zeros_like(fd) if part is None else np.asarray(part, dtype=float)
            where = "".join(f"[{k!r}]" for k in keys)
            _compare(f"d{f.__name__}/d{name}{where}", part, fd, rtol, atol)


def numerical_gradient(
    f: Callable, args: Sequence[Any], i: int, keys: tuple = (), step: float = 1e-6
) -> np.ndarray:
    """Central differences of scalar ``f`` in argument ``i`` (any shape); with ``keys``, in
    the leaf of a container argument they lead to (``(0, 1)``: ``args[i][0][1]``).

    >>> g = numerical_gradient(lambda x, y: x * y ** 2, (2.0, 3.0), 1)
    >>> round(float(g), 6)
    12.0
    """
    x0 = _get(args[i], keys)
    x = np.array(x0, dtype=float)
    grad_fd = np.zeros_like(x)

    def call(value):
        new = list(args)
        leaf = float(value) if np.ndim(x0) == 0 and not isinstance(x0, np.ndarray) else value
        new[i] = _put(args[i], keys, leaf)
        return float(f(*new))

    flat = x.reshape(-1)
    out = grad_fd.reshape(-1)
    for j in range(flat.size):
        h = step * max(1.0, abs(flat[j]))
        plus, minus = flat.copy(), flat.copy()
        plus[j] += h
        minus[j] -= h
        out[j] = (call(plus.reshape(x.shape)) - call(minus.reshape(x.shape))) / (2 * h)
    return grad_fd


def _leaves(x: Any, keys: tuple = ()):
    """``(keys, leaf)`` for each number or array in ``x``, through dicts, lists and tuples."""
    if isinstance(x, dict):
        for k, v in x.items():
            yield from _leaves(v, keys + (k,))
    elif isinstance(x, (list, tuple)):
        for k, v in enumerate(x):
            yield from _leaves(v, keys + (k,))
    elif not isinstance(x, bool) and isinstance(x, (int, float, np.ndarray, np.number)):
        yield keys, x


def _get(x: Any, keys: tuple) -> Any:
    for k in keys:
        x = None if x is None else x[k]
    return x


def _put(x: Any, keys: tuple, value: Any) -> Any:
    """``x`` with the leaf at ``keys`` replaced (containers copied on the way, not changed)."""
    if not keys:
        return value
    k, rest = keys[0], keys[1:]
    if isinstance(x, dict):
        return {**x, k: _put(x[k], rest, value)}
    items = list(x)
    items[k] = _put(items[k], rest, value)
    return type(x)(items)


def _compare(what: str, ad: np.ndarray, fd: np.ndarray, rtol: float, atol: float) -> None:
    if ad.shape != fd.shape:
        raise AssertionError(f"{what}: the gradient has shape {ad.shape}, expected {fd.shape}")
    scale = max(1.0, float(np.max(np.abs(fd), initial=0.0)))
    err = np.abs(ad - fd)
    bound = atol * scale + rtol * np.maximum(np.abs(fd), scale * 1e-3)
    bad = err > np.maximum(bound, 1e-5 * scale)
    if np.any(bad) or not np.all(np.isfinite(ad)) and np.all(np.isfinite(fd)):
        j = int(np.argmax(np.where(np.isfinite(err), err, math.inf)))
        idx = np.unravel_index(j, ad.shape) if ad.shape else ()
        where = f"[{', '.join(map(str, idx))}]" if idx else ""
        raise AssertionError(
            f"{what}{where} = {float(ad.reshape(-1)[j])!r} by AD but {float(fd.reshape(-1)[j])!r} "
            f"by central differences (error {err.reshape(-1)[j]:.3g})"
        )


__all__ = ["check_grad", "numerical_gradient"]
