"""Checking one program: s2sad in both modes and at second order, against finite differences.

``check(source)`` runs the program's ``f(x, a)`` at fixed inputs and returns an
``Outcome``, one of:

- ``pass``: every derivative agrees with central differences, and with autograd's
  exact derivatives to eight digits where autograd can run the program
  (``reference.py``);
- ``clear error``: s2sad refused, with a ``DifferentiationError``, or a
  ``TypeError``/``ValueError`` raised by its API (``s2sad/api/``);
- ``internal error``: any other exception from inside s2sad or the code it generated;
- ``wrong``: a number (or a gradient's type or shape) that disagrees;
- ``invalid``: the program itself is not a fair test at these inputs (it fails,
  overflows, or is not smooth there: central differences at two step sizes
  disagree, or the one-sided differences do, as at a tie of ``max`` within the step).
  Not a verdict on s2sad; the generators discard these.

>>> check('''
... import numpy as np
... def f(x, a):
...     return np.sum(np.sin(a) * x)
... ''').kind
'pass'

At ``a = [0.3, -0.5, 1.1]``, ``np.mean(a)`` is ``a[0]`` plus one rounding error: ``max`` of the
two has a kink there, which central differences average over (found by seed 22):

>>> check('''
... import numpy as np
... def f(x, a):
...     return max([-x, a[0], np.mean(a)])
... ''').kind
'invalid'
"""

from __future__ import annotations

import hashlib
import linecache
import traceback
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import s2sad

from . import reference

PASS, CLEAR, INTERNAL, WRONG, INVALID = "pass", "clear error", "internal error", "wrong", "invalid"
FAILURES = (INTERNAL, WRONG)

X = 0.7  # the inputs every program is checked at
A = np.array([0.3, -0.5, 1.1])
TANGENT_X, TANGENT_A = 0.6, np.array([-0.8, 0.25, 0.5])
TOL = 1e-5  # relative to the size of the expected value (at least 1)
EXACT_TOL = 1e-8  # the same, against autograd's exact derivatives

_PACKAGE = str(Path(s2sad.__file__).resolve().parent)
_API = str(Path(_PACKAGE) / "api")


@dataclass
class Outcome:
    kind: str
    check: str = ""  # which derivative: "grad", "jvp", "derivative", "hessian x", ...
    detail: str = ""  # the error, or expected against got
    exact: bool = False  # judged against autograd's exact derivatives, not differences alone

    @property
    def failed(self) -> bool:
        return self.kind in FAILURES

    def signature(self) -> tuple[str, str, str]:
        """What makes two failures the same failure, for shrinking: kind, check, exception type."""
        return (self.kind, self.check, self.detail.split(":", 1)[0] if self.kind != WRONG else "")

    def __str__(self) -> str:
        return f"{self.kind} in {self.check}: {self.detail}" if self.check else self.kind


def load(source: str):
    """The function ``f`` that ``source`` defines, with its lines in linecache (s2sad reads them)."""
    filename = f"<fuzz {hashlib.sha1(source.encode()).hexdigest()[:12]}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    namespace = {"__name__": "fuzz_program"}
    exec(compile(source, filename, "exec"), namespace)
    return namespace["f"]


def classify_exception(exc: BaseException) -> str:
    if isinstance(exc, s2sad.DifferentiationError):
        return CLEAR
    if isinstance(exc, (TypeError, ValueError)):
        frames = traceback.extract_tb(exc.__traceback__)
        if frames and frames[-1].filename.startswith(_API):
            return CLEAR
    return INTERNAL


def _close(got, expected, tol=TOL) -> bool:
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    if got.shape != expected.shape:
        return False
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    return (
        bool(np.all(np.isfinite(got))) and float(np.max(np.abs(got - expected), initial=0.0)) <= tol * scale
    )


def _differences(fn, x, a, h):
    """Central differences of ``fn`` (any output shape) in x and in each entry of a."""
    dx = (np.asarray(fn(x + h, a)) - np.asarray(fn(x - h, a))) / (2 * h)
    da = []
    for j in range(a.size):
        e = np.zeros_like(a)
        e[j] = h
        da.append((np.asarray(fn(x, a + e)) - np.asarray(fn(x, a - e))) / (2 * h))
    return dx, np.stack(da, axis=-1)


def _one_sided_gap(fn, x, a, h) -> float:
    """How far the forward and backward differences of ``fn`` are apart, in x or any entry of
    a: about ``h`` times the curvature where ``fn`` is smooth, the size of the jump at a kink
    (``max`` of two values equal to within the step, whose central difference is their mean)."""
    y = np.asarray(fn(x, a))
    gaps = [np.asarray(fn(x + h, a)) + np.asarray(fn(x - h, a)) - 2 * y]
    for j in range(a.size):
        e = np.zeros_like(a)
        e[j] = h
        gaps.append(np.asarray(fn(x, a + e)) + np.asarray(fn(x, a - e)) - 2 * y)
    return max(float(np.max(np.abs(g))) for g in gaps) / h


def _type_ok(g, arg) -> bool:
    if isinstance(arg, np.ndarray):
        return isinstance(g, np.ndarray) and g.shape == arg.shape
    return isinstance(g, float)


class _Wrong(Exception):
    pass


def check(source: str, second_order: bool = True) -> Outcome:
    """Differentiate ``f`` of ``source`` every way and compare; see the module docstring."""
    try:
        f = load(source)
        with np.errstate(all="raise"):
            value = float(f(X, A.copy()))
            fx, fa = _differences(f, X, A.copy(), 1e-6)
            cx, ca = _differences(f, X, A.copy(), 1e-4)
            gap = _one_sided_gap(f, X, A.copy(), 1e-6)
    except Exception as exc:  # the program is not a fair test, not s2sad's fault
        return Outcome(INVALID, detail=f"{type(exc).__name__}: {exc}")
    if not np.isfinite(value) or abs(value) > 1e6:
        return Outcome(INVALID, detail=f"value {value}")
    scale = max(1.0, float(np.max(np.abs(ca))), abs(float(cx)))
    if (
        abs(float(fx) - float(cx)) > 1e-4 * scale
        or np.max(np.abs(fa - ca)) > 1e-4 * scale
        or gap > 1e-2 * scale
    ):
        return Outcome(INVALID, detail="not smooth at the sample point")
    ref = reference.exact(f, X, A.copy())
    if ref is not None and not (_close(ref.gx, cx, 1e-4) and _close(ref.ga, ca, 1e-4)):
        ref = None  # autograd disagrees with the differences: not an oracle for this program
    tol = TOL if ref is None else EXACT_TOL
    if ref is not None:
        fx, fa = ref.gx, ref.ga

    step = "setup"

    def expect(got, expected, arg=None):
        if arg is not None and not _type_ok(got, arg):
            raise _Wrong(
                f"{type(got).__name__} {np.shape(got)} for an argument {type(arg).__name__} {np.shape(arg)}"
            )
        if not _close(got, expected, tol):
            raise _Wrong(f"expected {np.asarray(expected).tolist()}, got {np.asarray(got).tolist()}")

    try:
        step = "grad"
        gx, ga = s2sad.grad(f, wrt=(0, 1))(X, A.copy())
        expect(gx, fx, X)
        expect(ga, fa, A)
        step = "jvp"
        out, tangent = s2sad.jvp(f, (X, A.copy()), (TANGENT_X, TANGENT_A))
        expect(out, value)
        expect(tangent, fx * TANGENT_X + fa @ TANGENT_A)
        step = "derivative"
        expect(s2sad.derivative(f, wrt=0)(X, A.copy()), fx)
        if second_order:
            if ref is None:  # differences of s2sad's gradients, checked above
                hxx, _ = _differences(s2sad.grad(f, wrt=0), X, A.copy(), 1e-5)
                _, haa = _differences(s2sad.grad(f, wrt=1), X, A.copy(), 1e-5)
            else:
                hxx, haa = ref.hxx, ref.haa
            step = "hessian x"
            expect(s2sad.hessian(f, wrt=0)(X, A.copy()), hxx, X)
            step = "hessian a"
            expect(s2sad.hessian(f, wrt=1)(X, A.copy()), haa)
            step = "hvp a"
            expect(s2sad.hvp(f, wrt=1)(X, A.copy(), TANGENT_A), haa @ TANGENT_A)
            step = "grad of grad"
            expect(s2sad.grad(s2sad.grad(f, wrt=0), wrt=0)(X, A.copy()), hxx, X)
    except _Wrong as exc:
        return Outcome(WRONG, step, str(exc), ref is not None)
    except Exception as exc:
        kind = classify_exception(exc)
        return Outcome(kind, step, f"{type(exc).__name__}: {exc}".splitlines()[0][:300], ref is not None)
    return Outcome(PASS, exact=ref is not None)
