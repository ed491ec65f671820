"""Exact derivatives of a fuzz program from autograd, where autograd can run it.

Central differences judge every program, but only to about five digits. When
autograd (a tracing AD library, independent of s2sad) can differentiate the
program, its gradient and Hessians are exact, and ``oracle.check`` holds s2sad
to them at a much tighter tolerance. The program runs unchanged with its
``np`` and ``math`` globals swapped for autograd's NumPy; programs autograd
cannot trace (array item writes, ``.copy()``) fall back to differences alone.

>>> import numpy as np
>>> namespace = {"np": np}
>>> exec("def f(x, a):\\n    return x * np.sum(a * a)", namespace)
>>> r = exact(namespace["f"], 2.0, np.array([1.0, 3.0]))
>>> r.gx, r.ga.tolist(), r.haa.tolist()
(10.0, [4.0, 12.0], [[4.0, 0.0], [0.0, 4.0]])
"""

from __future__ import annotations

import types
import warnings
from dataclasses import dataclass

import numpy as np

try:
    import autograd
    import autograd.numpy as anp
except ImportError:  # autograd is in the dev extra; without it the oracle uses differences only
    autograd = anp = None


@dataclass
class Exact:
    gx: float
    ga: np.ndarray
    hxx: float
    haa: np.ndarray


def _math_module():
    """``math`` as the programs use it, on autograd's boxes."""
    shim = types.ModuleType("math")
    for name in ("sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "sinh", "cosh", "arctan"):
        setattr(shim, name, getattr(anp, name))
    shim.atan = anp.arctan
    shim.pi, shim.e = np.pi, np.e
    return shim


def exact(f, x: float, a: np.ndarray) -> Exact | None:
    """autograd's derivatives of ``f`` at ``(x, a)``, or None where autograd cannot run it.

    ``np`` and ``math`` in the globals of ``f`` (which its helpers share) are
    swapped for autograd's while the derivatives are taken.
    """
    if autograd is None:
        return None
    namespace = f.__globals__
    saved = {k: namespace[k] for k in ("np", "math") if k in namespace}
    namespace.update(np=anp, math=_math_module())
    try:
        with np.errstate(all="raise"), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Output seems independent of input"
            gx = float(autograd.grad(f, 0)(x, a.copy()))
            ga = np.asarray(autograd.grad(f, 1)(x, a.copy()), dtype=float)
            hxx = float(autograd.hessian(f, 0)(x, a.copy()))
            haa = np.asarray(autograd.hessian(f, 1)(x, a.copy()), dtype=float)
    except Exception:  # autograd cannot trace this program: differences alone judge it
        return None
    finally:
        namespace.update(saved)
    if ga.shape != a.shape or haa.shape != a.shape * 2:
        return None
    return Exact(gx, ga, hxx, haa)
