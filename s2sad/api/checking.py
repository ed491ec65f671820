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
        fd = numerical_gradient(f, args, i)
        _compare(f"d{f.__name__}/d{name}", np.asarray(g, dtype=float), fd, rtol, atol)


def numerical_gradient(f: Callable, args: Sequence[Any], i: int, step: float = 1e-6) -> np.ndarray:
    """Central differences of scalar ``f`` in argument ``i`` (any shape).

    >>> g = numerical_gradient(lambda x, y: x * y ** 2, (2.0, 3.0), 1)
    >>> round(float(g), 6)
    12.0
    """
    x0 = args[i]
    x = np.array(x0, dtype=float)
    grad_fd = np.zeros_like(x)

    def call(value):
        new = list(args)
        new[i] = float(value) if np.ndim(x0) == 0 and not isinstance(x0, np.ndarray) else value
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
            f"{what}{where} = {ad.reshape(-1)[j]!r} by AD but {fd.reshape(-1)[j]!r} "
            f"by central differences (error {err.reshape(-1)[j]:.3g})"
        )


__all__ = ["check_grad", "numerical_gradient"]
