"""Rules for complex values in between: the parts of a complex number, and ``np.fft``.

Cotangents of complex values follow JAX's convention (``analysis.complex_values``):
a holomorphic function's rule is the real one, and the functions that are not
holomorphic have one for each case here. For a complex ``z`` with cotangent ``g``:
``np.real(z)`` sends back ``g``, ``np.imag(z)`` sends ``-1j * g``, ``np.conj(z)``
sends ``conj(g)``, ``np.abs(z)`` sends ``g * conj(z) / |z|`` (0 at 0, as for real
numbers), ``np.angle(z)`` sends ``-1j * g / z``.

The discrete Fourier transforms are linear, and their matrices are symmetric: the
VJP of ``fft`` is ``fft`` of the cotangent, with the cropping or padding of ``n=``
undone (``resize``). ``rfft`` keeps half the spectrum of a real signal: its VJP is the
real part of ``fft`` of the half spectrum padded with zeros. ``irfft`` reads half a
spectrum, each entry but the first (and the Nyquist one) standing for two: its VJP
weighs ``conj(rfft(g))`` by them, with the inverse scaling (``norm`` swapped).

>>> import numpy as np
>>> from s2sad import ir
>>> from s2sad.rules.registry import lookup
>>> lookup(ir.call_op(np.fft.fft, "np.fft.fft")).vjp["a"].split(" else ")[0]
'np.fft.fft(g, axis=axis, norm=norm) if n is None'
"""

from __future__ import annotations

import numpy as np

from .. import ir
from ..ir import Call, Const, Expr
from ..ir.kinds import FLOAT, Kind
from .instantiate import Context, np_call, runtime_call
from .kindrules import NOT_CONST, Arg, elementwise, numbers, same_as
from .registry import ZERO, linear, nondiff, rule, table
from .templates import macro

table("numpy")

_DUAL = {None: "forward", "backward": "forward", "ortho": "ortho", "forward": "backward"}


@macro
def dual_norm(ctx: Context, norm: Expr) -> Expr:
    """The ``norm`` whose scaling is the inverse one's: the adjoint of a transform scaled by
    ``1/n`` is scaled by ``1/n`` in the other direction."""
    if isinstance(norm, Const) and norm.value in _DUAL:
        return Const(_DUAL[norm.value])
    why = "no derivative rule for an inverse of np.fft's transforms with a `norm` known only when it runs"
    return runtime_call("fail", Const(why + ": pass norm as a constant"))


@macro
def transform_axes(ctx: Context, a: Expr, s: Expr, axes: Expr) -> Expr:
    """The axes an ``fftn``-style call transforms, written out when the call's are constants."""
    ndim = ctx.kind(a).ndim
    s_value, axes_value = _constant(s), _constant(axes)
    if ndim is not None and s_value is not _UNKNOWN and axes_value is not _UNKNOWN:
        if axes_value is not None:
            return Const(tuple(axes_value))
        if s_value is not None:
            return Const(tuple(range(ndim - len(s_value), ndim)))
        return Const(tuple(range(ndim)))
    return runtime_call("fft_axes", np_call("ndim", a), s, axes)


@macro
def transform_sizes(ctx: Context, a: Expr, s: Expr, axes: Expr) -> Expr:
    """The lengths of the transforms: ``s``, else ``a``'s along ``axes`` (``(x.shape[0],
    x.shape[2])``), written out where they are constants."""
    s_value, axes_value = _constant(s), _constant(axes)
    if s_value not in (None, _UNKNOWN):
        return Const(tuple(s_value))
    if s_value is None and axes_value not in (None, _UNKNOWN):
        shape = Call(ir.attr_op("shape"), (a,))
        return Call(ir.TUPLE, tuple(Call(ir.GETITEM, (shape, Const(i))) for i in axes_value))
    return runtime_call("fft_sizes", np_call("shape", a), s, axes)


_UNKNOWN = object()


def _constant(e: Expr) -> object:
    """The value of a constant, or of a display of constants (``[0, 2]``, also as
    ``np.asarray([0, 2])``); ``_UNKNOWN`` for anything else."""
    if isinstance(e, Call) and e.op.fn in (np.asarray, np.array) and len(e.args) == 1 and not e.kwargs:
        e = e.args[0]
    if isinstance(e, Const):
        return e.value
    if isinstance(e, Call) and e.op.form in ("tuple", "list") and all(isinstance(v, Const) for v in e.args):
        return tuple(v.value for v in e.args)
    return _UNKNOWN


@macro
def last(ctx: Context, axes: Expr) -> Expr:
    """The last of the axes, written out when they are constants."""
    if isinstance(axes, Const):
        return Const(axes.value[-1])
    return Call(ir.GETITEM, (axes, Const(-1)))


@macro
def is_number(ctx: Context, x: Expr) -> Expr:
    """Whether ``x`` is a Python number (a complex one included), from its kind."""
    return Const(ctx.kind(x).type in (bool, int, float, complex))


# ------------------------------------------------------------------ kinds
def _axis_list(a: dict[str, Arg], ndim: int) -> list[int] | None:
    if "axis" in a:
        axis = a["axis"].const
        return None if axis is NOT_CONST else [axis % ndim]
    axes, s = numbers(a["axes"]), numbers(a["s"])
    if axes is NOT_CONST or s is NOT_CONST:
        return None
    if axes is None:
        axes = range(ndim - len(s), ndim) if s is not None else range(ndim)
    return [ax % ndim for ax in axes]


def _spectrum(dtype: str, half: str = "") -> object:
    """The kind of a transform's result: the input's rank, its transformed axes as long as
    ``n``/``s`` says (``half``: the last one is a half spectrum, or a signal made of one)."""

    def kind(a: dict[str, Arg]) -> Kind:
        k = a["a"].kind
        if k.dims is None:
            return Kind(np.ndarray, None, dtype)
        dims = list(k.dims)
        axes = _axis_list(a, len(dims)) if dims else []
        if axes is None:
            return Kind(np.ndarray, tuple("?" for _ in dims), dtype)
        sizes = numbers(a["n"]) if "n" in a else numbers(a["s"])
        sizes = (sizes,) if isinstance(sizes, int) else sizes
        for i, ax in enumerate(axes):
            last = i == len(axes) - 1
            if sizes not in (None, NOT_CONST):
                n = sizes[i]
                dims[ax] = "1" if (n // 2 + 1 if half == "half" and last else n) == 1 else "n"
            elif sizes is NOT_CONST:
                dims[ax] = "?"
            elif half == "signal" and last:
                dims[ax] = "n"  # 2 (m - 1) entries: 0 or at least 2
        return Kind(np.ndarray, tuple(dims), dtype)

    return kind


# ------------------------------------------------------------------ parts of a number
_COMPLEX = "fail('{} of a complex value: s2sad differentiates real inputs here')"


def _part(param: str):
    """The kind of the real or imaginary part: a Python complex number's is a float."""
    real = same_as(param, "f")
    return lambda a: FLOAT if a[param].kind.type is complex else real(a)


for pattern, x, tangent in (("np.real(val)", "val", "np.real(val_dot)"), ("x.real", "x", "x_dot.real")):
    rule(
        pattern,
        vjp={x: "g"},
        jvp={x: f"{x}_dot if is_real({x}) else {tangent}"},  # real and imag are linear
        kind=_part(x),
        elementwise=True,
    )
rule(  # of a real array, the array itself
    "np.real_if_close(a, tol=100)",
    vjp={"a": f"g if is_real(a) else {_COMPLEX.format('np.real_if_close')}"},
    jvp={"a": f"a_dot if is_real(a) else {_COMPLEX.format('np.real_if_close')}"},
    kind=same_as("a", "f"),
    elementwise=True,
)
for pattern, x, tangent in (("np.imag(val)", "val", "np.imag(val_dot)"), ("x.imag", "x", "x_dot.imag")):
    rule(
        pattern,
        vjp={x: f"0.0 if is_real({x}) else -1j * g"},
        jvp={x: f"0.0 if is_real({x}) else {tangent}"},
        kind=_part(x),
        elementwise=True,
    )
# np.conj is np.conjugate, which makes a NumPy number of a Python one; the method does not
for pattern, kind, conj in (
    ("np.conjugate(x)", elementwise("x"), "np.conjugate({})"),
    ("x.conjugate()", same_as("x"), "{}.conjugate()"),
):
    rule(
        pattern,
        vjp={"x": f"g if is_real(x) else {conj.format('g')}"},
        jvp={"x": f"x_dot if is_real(x) else {conj.format('x_dot')}"},
        kind=kind,
        elementwise=True,
    )
rule(  # the angle of a real number is 0 or pi: constant; of a complex one, Im(log(z))
    "np.angle(z, deg=False)",
    vjp={"z": "0.0 if is_real(z) else -1j * g / z * (180 / np.pi if deg else 1.0)"},
    jvp={"z": "0.0 if is_real(z) else np.imag(z_dot / z) * (180 / np.pi if deg else 1.0)"},
    kind=elementwise("z", dtype="f"),
    elementwise=True,
)


def _modulus(numpy: bool):
    """The kind of ``|x|``: real, a NumPy number for ``np.abs`` of a Python one."""

    def kind(a: dict[str, Arg]) -> Kind:
        k = elementwise("x", numpy=numpy)(a)
        if k.type is complex:
            return FLOAT
        return Kind(k.type, k.dims, "f", shape=k.shape) if k.dtype == "c" else k

    return kind


# |z|'s derivatives divide by |z|; where it is 0, so is conj(z), and the derivative is 0:
# the division is by |z| + (|z| == 0), which is |z| everywhere else
_CONJ = "(x.conjugate() if is_number(x) else np.conj(x))"
_COMPLEX_VJP = f"g * {_CONJ} / (ans + (ans == 0.0))"
_COMPLEX_JVP = f"({_CONJ} * x_dot).real / (ans + (ans == 0.0))"
rule(
    "np.absolute(x)",
    vjp={"x": f"unbroadcast(g * np.sign(x), x) if is_real(x) else {_COMPLEX_VJP}"},
    jvp={"x": f"x_dot * np.sign(x) if is_real(x) else {_COMPLEX_JVP}"},
    kind=_modulus(numpy=True),
    elementwise=True,
)
rule(
    "abs(x)",
    vjp={"x": f"g * np.sign(x) if is_real(x) else {_COMPLEX_VJP}"},
    jvp={"x": f"x_dot * np.sign(x) if is_real(x) else {_COMPLEX_JVP}"},
    python_vjp={"x": "g * math.copysign(1.0, x)"},  # a Python int or float
    python_jvp={"x": "x_dot * math.copysign(1.0, x)"},
    kind=_modulus(numpy=False),
    elementwise=True,
)
rule(  # real + 1j * imag
    "complex(real=0.0, imag=0.0)",
    vjp={"real": "g.real", "imag": "-g.imag"},
    jvp={"real": "complex(real_dot, 0.0)", "imag": "complex(0.0, imag_dot)"},
    kind=lambda a: Kind(complex, (), "c"),
)

# ------------------------------------------------------------------ transforms
for name in ("fft", "ifft"):
    same = f"np.fft.{name}(g, axis=axis, norm=norm)"
    linear(
        f"np.fft.{name}(a, n=None, axis=-1, norm=None)",
        a=f"{same} if n is None else resize({same}, a, (axis,))",
        kind=_spectrum("c"),
    )
for name in ("fft2", "fftn", "ifft2", "ifftn"):
    axes = "(-2, -1)" if name.endswith("2") else "None"
    same = f"np.fft.{name}(g, axes=axes, norm=norm)"
    along = "transform_axes(a, s, axes)"
    linear(
        f"np.fft.{name}(a, s=None, axes={axes}, norm=None)",
        a=f"{same} if s is None else resize(np.fft.{name}(g, axes={along}, norm=norm), a, {along})",
        kind=_spectrum("c"),
    )
_PADDED = "np.fft.fft(g, n=a.shape[axis] if n is None else n, axis=axis, norm=norm)"
linear(
    "np.fft.rfft(a, n=None, axis=-1, norm=None)",
    a=f"np.real({_PADDED}) if n is None else np.real(resize({_PADDED}, a, (axis,)))",
    kind=_spectrum("c", "half"),
)
_HALF = "rfft_weights(ans, axis) * np.conj(np.fft.rfft(g, axis=axis, norm=dual_norm(norm)))"
linear(
    "np.fft.irfft(a, n=None, axis=-1, norm=None)",
    a=f"{_HALF} if n is None else resize({_HALF}, a, (axis,))",
    kind=_spectrum("f", "signal"),
)
for name in ("rfft2", "rfftn"):
    axes = "(-2, -1)" if name.endswith("2") else "None"
    along = "transform_axes(a, s, axes)"
    padded = f"np.fft.fftn(g, s=transform_sizes(a, s, {along}), axes={along}, norm=norm)"
    linear(
        f"np.fft.{name}(a, s=None, axes={axes}, norm=None)",
        a=f"np.real({padded}) if s is None else np.real(resize({padded}, a, {along}))",
        kind=_spectrum("c", "half"),
    )
for name in ("irfft2", "irfftn"):
    axes = "(-2, -1)" if name.endswith("2") else "None"
    along = "transform_axes(a, s, axes)"
    half = f"rfft_weights(ans, last({along})) * np.conj(np.fft.rfftn(g, axes={along}, norm=dual_norm(norm)))"
    linear(
        f"np.fft.{name}(a, s=None, axes={axes}, norm=None)",
        a=f"{half} if s is None else resize({half}, a, {along})",
        kind=_spectrum("f", "signal"),
    )
linear("np.fft.fftshift(x, axes=None)", x="np.fft.ifftshift(g, axes)", kind=same_as("x"))
linear("np.fft.ifftshift(x, axes=None)", x="np.fft.fftshift(g, axes)", kind=same_as("x"))

# ------------------------------------------------------------------ the helpers
table("runtime")


def _resized(a: dict[str, Arg]) -> Kind:
    like = a["like"].kind
    return Kind(np.ndarray, like.dims, a["x"].kind.dtype, shape=like.shape)


linear("resize(x, like, axes)", x="resize(g, x, axes)", like=ZERO, kind=_resized)


def _weights(a: dict[str, Arg]) -> Kind:
    dims = a["ans"].kind.dims
    return Kind(np.ndarray, None if dims is None else tuple("?" for _ in dims), "f")


nondiff("rfft_weights(ans, axis)", kind=_weights)
nondiff("fft_axes(ndim, s, axes)", kind=lambda a: Kind(tuple, None, "o"))
nondiff("fft_sizes(shape, s, axes)", kind=lambda a: Kind(tuple, None, "o"))
