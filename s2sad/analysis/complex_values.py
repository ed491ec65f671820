"""Complex values in between: which operations may carry a derivative through them.

s2sad differentiates real functions of real inputs; on the way, a value may be
complex (``np.fft.rfft(x)``, ``np.exp(1j * theta)``), as long as what the function
returns is real. Derivatives of complex values follow JAX's convention: the
tangent of ``z`` is ``dz``; its cotangent is ``dL/dRe(z) - 1j * dL/dIm(z)``, so
that every holomorphic operation (``+``, ``*``, ``np.exp``, ``np.fft.fft``, a
matrix product) keeps the rule it has for real numbers, the cotangent times the
derivative, with no conjugate. The functions that are not holomorphic have rules
of their own (``np.real``, ``np.imag``, ``np.conj``, ``np.abs``, ``np.angle``), and a
real input's cotangent is the real part of what reaches it.

Every other operation on a complex value with a derivative is refused where it is
written: its real rule would be silently wrong (``np.maximum`` compares complex
numbers by their real parts first; the derivative of ``np.sign`` is not zero off
the real line).

>>> import numpy as np
>>> from s2sad.analysis.examples import lowered
>>> from s2sad.analysis.infer import infer
>>> from s2sad.ir.kinds import kind_of
>>> c = np.array([1j, 2.0])
>>> def power(x):
...     return np.sum(np.abs(np.exp(x * c)) ** 2)
>>> fn = lowered(power)
>>> kinds = infer(fn, {"x": kind_of(np.ones(2))})
>>> check_complex(fn, kinds, {"x", "v1", "v2", "v3", "v4", "v5"}, {"x"})  # exp and abs: allowed
>>> def biggest(x):
...     return np.real(np.max(np.exp(x * c)))
>>> fn = lowered(biggest)
>>> check_complex(fn, infer(fn, {"x": kind_of(np.ones(2))}), {"x", "v1", "v2", "v3", "v4"}, {"x"})
Traceback (most recent call last):
...
s2sad.errors.UnsupportedSyntaxError: <doctest ...>:2:20: `np.max` of a complex value that has a derivative ...
...
"""

from __future__ import annotations

import builtins
import dataclasses
import operator

import numpy as np

from .. import ir, runtime
from ..errors import UnsupportedSyntaxError
from ..ir.kinds import UNKNOWN, Kind
from ..rules.registry import lookup

# operations whose derivative rule is right for complex values (holomorphic, linear in
# their complex argument, or with a complex case of their own)
_FUNCTIONS = {
    operator.add,
    operator.sub,
    operator.mul,
    operator.truediv,
    operator.neg,
    operator.pos,
    operator.pow,
    operator.matmul,
    operator.getitem,
    builtins.complex,
    builtins.abs,
    builtins.sum,
}
_NUMPY = """
    add subtract multiply divide true_divide negative positive power square reciprocal
    exp log sqrt sin cos tan sinh cosh tanh exp2 expm1 log1p log2 log10
    real imag conj conjugate absolute angle where
    sum mean cumsum prod dot vdot inner outer matmul einsum tensordot kron trace diag diagonal
    transpose reshape ravel squeeze expand_dims swapaxes moveaxis flip fliplr flipud roll rot90
    concatenate stack hstack vstack column_stack array asarray atleast_1d atleast_2d atleast_3d
    tile repeat broadcast_to take pad zeros ones empty full zeros_like ones_like empty_like full_like copy
"""
_NUMPY_FUNCTIONS = {getattr(np, name) for name in _NUMPY.split() if hasattr(np, name)}
_FFT = "fft ifft fft2 ifft2 fftn ifftn rfft irfft rfft2 irfft2 rfftn irfftn fftshift ifftshift"
_FFT_FUNCTIONS = {getattr(np.fft, name) for name in _FFT.split()}
# s2sad's helpers that are linear (or products) in what they move: undoing broadcasting,
# stacking, padding, ...
_RUNTIME = """
    broadcast_like unbroadcast unreduce expand_reduced reduced_size matmul_vjp prod_others
    prod_others_jvp zero_like zeros_of add_leaves spread as_lists at_index unspread unstack
    unrepeat untile undiag unconcatenate unhstack unvstack uncolumn_stack undiff unpad rolled_to
    undiagonal kron_vjp tensordot_vjp untake untake_along_axis take_like untake_like fail
    last_written written_back saved_item restore_item fft_axes fft_sizes resize rfft_weights
"""
_RUNTIME_FUNCTIONS = {getattr(runtime, name) for name in _RUNTIME.split()}
_METHODS = {
    "sum", "mean", "cumsum", "prod", "dot", "conj", "conjugate", "reshape", "ravel", "flatten",
    "transpose", "squeeze", "copy", "astype", "trace", "diagonal", "repeat", "take", "append", "pop",
}  # fmt: skip
_ATTRIBUTES = {"real", "imag", "T", "shape", "ndim", "size", "dtype"}
_FORMS = ("tuple", "list", "dict", "subscript", "ifexp")


def allows_complex(op: ir.Op, result: Kind) -> bool:
    """Whether ``op`` may read or make a complex value that has a derivative (``result`` is the
    kind of what it makes)."""
    if op.form in _FORMS:
        return True
    rule = lookup(op)
    if rule is not None and not rule.differentiable and result.dtype in ("b", "i", "o"):
        return True  # np.shape, len, comparisons: no derivative (np.sign of a complex z has one)
    if op.form == "method":
        return op.symbol in _METHODS
    if op.form == "attr":
        return op.symbol in _ATTRIBUTES
    fn = op.fn
    try:
        return any(
            fn in table for table in (_FUNCTIONS, _NUMPY_FUNCTIONS, _FFT_FUNCTIONS, _RUNTIME_FUNCTIONS)
        )
    except TypeError:  # an unhashable callable
        return False


def check_complex(fn: ir.Function, kinds: dict[str, Kind], active: set[str], wrt: set[str]) -> None:
    """Refuse an operation on a complex value with a derivative (``active``) that has no complex
    rule, a rule that says "no derivative" applied to a complex value that varies with ``wrt``
    (``np.sign`` of a complex number is not constant), and a complex result: s2sad's functions
    return real values."""
    varied = _varied(fn, wrt)

    def is_complex(name: str, among: set[str]) -> bool:
        k = kinds.get(name)
        return name in among and k is not None and k.dtype == "c"

    for stmt in ir.walk(fn.body):
        if isinstance(stmt, ir.Return):
            if any(is_complex(n, active) for n in stmt.reads()):
                _refuse("a complex result", fn, stmt, "return its real part, imaginary part or modulus")
            continue
        if not any(is_complex(n, varied) for n in (*stmt.reads(), *stmt.writes())):
            continue
        for e in stmt.exprs():
            for call in _calls(e):
                made = isinstance(stmt, ir.Assign) and call is stmt.value
                result = kinds.get(stmt.target.id, UNKNOWN) if made else UNKNOWN
                operands = [a.id for a in _operands(call) if isinstance(a, ir.Name)]
                if (
                    any(is_complex(n, active) for n in operands)
                    or made
                    and is_complex(stmt.target.id, active)
                ):
                    allowed = allows_complex(call.op, result)
                else:  # a complex value that varies, where its derivative is dropped
                    allowed = not any(is_complex(n, varied) for n in operands) or allows_complex(
                        call.op, result
                    )
                if not allowed:
                    _refuse(
                        f"`{_spelling(call.op)}` of a complex value that has a derivative",
                        fn,
                        stmt,
                        "complex values in between are differentiated through arithmetic, "
                        "NumPy's holomorphic functions, np.real, np.imag, np.conj, np.abs, "
                        "np.angle and np.fft; write this step on real and imaginary parts",
                        call,
                    )


def _varied(fn: ir.Function, wrt: set[str]) -> set[str]:
    """The names whose values depend on ``wrt``, through any operation."""
    varied = set(wrt)
    stmts = list(ir.walk(fn.body))
    changed = True
    while changed:
        changed = False
        for stmt in stmts:
            if isinstance(stmt, (ir.If, ir.While)):
                continue  # a condition's value does not flow into what the branches compute
            if any(n in varied for n in stmt.reads()):
                new = set(stmt.writes()) - varied
                if new:
                    varied |= new
                    changed = True
    return varied


def _calls(e: ir.Expr):
    if isinstance(e, ir.Call):
        yield e
        for a in (*e.args, *(v for _, v in e.kwargs)):
            yield from _calls(a)


def _operands(call: ir.Call) -> tuple[ir.Expr, ...]:
    return (*call.args, *(v for _, v in call.kwargs))


def _spelling(op: ir.Op) -> str:
    if op.form == "method":
        return f".{op.symbol}()"
    if op.form == "attr":
        return f".{op.symbol}"
    return op.symbol


def _refuse(what: str, fn: ir.Function, stmt: ir.Stmt, hint: str, call: ir.Call | None = None) -> None:
    origin = stmt.origin
    if call is not None and call.pos is not None and origin is not None:
        origin = dataclasses.replace(origin, at=call.pos)
    where = ir.location(fn, origin)
    raise UnsupportedSyntaxError(f"{what} is not supported", where, hint)
