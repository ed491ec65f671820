"""Rules for ``scipy.signal``: loaded when the user's code has imported it (SciPy is optional).

A convolution is linear in each operand: its tangent is the convolution with the
tangent, and the cotangent of one operand is the full convolution of ``g`` with the other
flipped, of which the mode keeps a part (``runtime.signal`` says which). Every mode and
number of axes is the same formula; ``fftconvolve`` and ``oaconvolve`` compute the same
convolution (without ``axes``), and ``correlate(a, v)`` is ``convolve(a, flip(v))``.

>>> from s2sad import ir
>>> from s2sad.rules import lookup
>>> convolve = lookup(ir.call_op(scipy.signal.convolve, "scipy.signal.convolve"))
>>> print(convolve.vjp["in1"].split(", rt.convolution_cuts")[0])
rt.cut_ends(scipy.signal.convolve(g, np.flip(in2), method=method)
"""

import numpy as np
import scipy.signal  # noqa: F401  (in sys.modules, templates can name it)

from ..ir.kinds import Kind
from .kindrules import Arg, always
from .registry import ZERO, linear, nondiff, rule, table

table("scipy.signal")


def _kind(a: dict[str, Arg]) -> Kind:
    """An array of as many axes as the operands, of lengths set by the mode."""
    k1, k2 = a["in1"].kind, a["in2"].kind
    ndim = k1.ndim if k1.ndim is not None else k2.ndim
    if ndim is None:
        return Kind(np.ndarray, None, "f")
    if ndim == 0:  # two 0-d arrays: their product, a NumPy number
        return Kind(np.generic, (), "f")
    if a["mode"].const == "same" and k1.dims is not None:
        return Kind(np.ndarray, k1.dims, "f", shape=k1.shape)
    return Kind(np.ndarray, ("?",) * ndim, "f")


def _cut(convolved: str, which: int) -> str:
    """The cotangent of operand ``which``: a part of a full convolution."""
    return f"rt.cut_ends({convolved}, rt.convolution_cuts(np.shape(in1), np.shape(in2), mode, {which}))"


_MODES = "(mode == 'full' or mode == 'same' or mode == 'valid')"
_COVERS = "the rule covers the modes full, same and valid"
for _name, _option in (("convolve", "method"), ("fftconvolve", "axes"), ("oaconvolve", "axes")):
    _fn = f"scipy.signal.{_name}"
    if _option == "method":  # the same method for the cotangents
        _ok, _pass, _default = _MODES, ", method=method", "'auto'"
        _only = f"fail('{_fn}: {_COVERS}')"
    else:  # over every axis (with axes, the others broadcast: not written)
        _ok, _pass, _default = f"{_MODES} and axes is None", "", "None"
        _only = f"fail('{_fn}: {_COVERS}, without axes')"
    rule(
        f"{_fn}(in1, in2, mode='full', {_option}={_default})",
        vjp={
            "in1": f"{_cut(f'{_fn}(g, np.flip(in2){_pass})', 0)} if {_ok} else {_only}",
            "in2": f"{_cut(f'{_fn}(g, np.flip(in1){_pass})', 1)} if {_ok} else {_only}",
        },
        jvp={  # linear: the convolution with the tangent
            "in1": f"{_fn}(in1_dot, in2, mode=mode{_pass}) if {_ok} else {_only}",
            "in2": f"{_fn}(in1, in2_dot, mode=mode{_pass}) if {_ok} else {_only}",
        },
        kind=_kind,
    )

# correlate(in1, in2) = convolve(in1, flip(in2)): the cotangent of flip(in2), flipped back
_CORRELATE_ONLY = "fail('scipy.signal.correlate: the rule covers the modes full, same and valid')"
linear(
    "scipy.signal.correlate(in1, in2, mode='full', method='auto')",
    in1=f"{_cut('scipy.signal.convolve(g, in2, method=method)', 0)} if {_MODES} else {_CORRELATE_ONLY}",
    in2=f"np.flip({_cut('scipy.signal.convolve(g, np.flip(in1), method=method)', 1)}) if {_MODES} "
    f"else {_CORRELATE_ONLY}",
    kind=_kind,
)

# the helpers of runtime.signal, for derivatives of derivatives
table("runtime")
nondiff("convolution_cuts(shape1, shape2, mode, which)", kind=always(Kind(np.ndarray, ("?", "?"), "i")))
rule(
    "cut_ends(value, widths)",
    vjp={"value": "rt.cut_ends(g, -widths)", "widths": ZERO},
    jvp={"value": "rt.cut_ends(value_dot, widths)", "widths": ZERO},
    kind=lambda a: Kind(
        np.ndarray, None if a["value"].kind.ndim is None else ("?",) * a["value"].kind.ndim, "f"
    ),
)
