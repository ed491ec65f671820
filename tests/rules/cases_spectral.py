"""Cases for the rules of ``s2sad/rules/spectral.py``: the parts of real and complex numbers,
complex values in between (a real function of real inputs that is complex on the way), and
the discrete Fourier transforms of ``np.fft``."""

from __future__ import annotations

import re

import numpy as np

from s2sad import UnsupportedSyntaxError

from .rule_cases import A, I, S, V, add, case

# complex constants are written into the expressions: a case's arguments are real
C3 = "np.array([0.5 + 1.0j, -1.0 + 0.25j, 0.3 - 0.7j])"
C = "(0.6 - 0.8j)"
W4 = "np.array([1.0, -0.5 + 0.5j, 2.0j, 0.25])"  # weights on a spectrum

# ------------------------------------------------------------------ parts of real numbers
add(
    "np.real(val)",
    [
        case("np.real(x) * x", x=A((3,))),
        case("np.real(x)", x=S()),
        case(f"np.real(x * {C3}) * np.imag(x * {C3} + x)", x=A((3,))),
        case("np.real(np.exp(1j * x))", x=S()),
    ],
)
add(
    "np.real_if_close(a, tol=100)",
    [
        case("np.real_if_close(x) * x", x=A((3, 2))),
        case("np.real_if_close(x)", x=S()),
        case("np.real_if_close(x * (1 + 2j))", x=A((2,)), error=UnsupportedSyntaxError),  # complex stays
    ],
)
add("x.real", [case("x.real * x", x=A((2, 3))), case(f"(x * {C3}).real ** 2", x=A((3,)))])
add(
    "np.imag(val)",
    [
        case("np.imag(x) + x", x=A((3,))),
        case("np.imag(x) + x", x=S()),
        case(f"np.imag(np.exp(x * {C3}))", x=A((2, 3))),
        case(f"np.imag(x * {C}) * x", x=S()),
    ],
)
add("x.imag", [case("x.imag + x", x=A((3,))), case(f"(x * {C3}).imag * x", x=A((3,)))])
add(
    "np.conjugate(x)",
    [
        case("np.conj(x) * x", x=A((3,))),
        case("np.conjugate(x)", x=S()),
        case("x.conj()", x=A((2, 2))),
        case(f"np.real(np.conj(x * {C3}) * (x * x * {C3}))", x=A((3,))),
        case(f"np.imag(np.conjugate(np.sin(x * {C3})))", x=A((3,))),
    ],
)
add(
    "x.conjugate()",
    [
        case("x.conjugate() * x", x=A((3,))),
        case("x.conjugate() * x", x=S()),
        case(f"((x * {C}).conjugate() * {C}).imag", x=S()),
    ],
)
add(
    "np.angle(z, deg=False)",
    [
        case("np.angle(x) + x", x=A((4,))),
        case("np.angle(x, deg=True) * x", x=S(0.5, 2.0)),
        case("np.angle(x * (1 + 2j) + y)", x=A((2,)), y=A((2,))),
        case("np.angle(x + 1j * y, deg=True)", x=A((3,)), y=A((3,))),
    ],
)
add(
    "np.absolute(x)",
    [
        case("np.abs(x + 1j * y)", x=A((3,)), y=A((3,))),
        case(f"np.abs(np.exp(x * {C3})) ** 2", x=A((2, 3))),
        case(f"np.abs(x * {C} + 1.0)", x=S()),
        # |z| at z = 0: 0, as for real numbers (no 0 / 0)
        case(f"np.abs(x * m * {C3}) ** 2", x=A((3,)), m=V(np.array([0.0, 1.0, 1.0]))),
    ],
)
add("abs(x)", [case(f"abs(x * {C} + y)", x=S(), y=S()), case("abs(complex(x, y)) ** 3", x=S(), y=S())])
add(
    "complex(real=0.0, imag=0.0)",
    [
        case("(complex(x, y) ** 2).real", x=S(), y=S()),
        case("(complex(x, y) * complex(y, 0.5)).imag", x=S(), y=S()),
        case("np.abs(complex(x))", x=S(0.5, 2.0)),
    ],
)

# ------------------------------------------------------------------ what stays refused
for expr in (
    "np.real(np.maximum(x * c, x))",  # complex numbers have no order
    "np.real(np.sign(x * c))",  # not holomorphic
    "x * c",  # a complex result
    "np.real(np.linalg.inv(np.outer(x, x) * c + np.eye(3)))",
):
    add("np.real(val)", [case(re.sub(r"\bc\b", C3, expr), x=A((3,)), error=UnsupportedSyntaxError)])

# ------------------------------------------------------------------ transforms


def spectrum(expr: str) -> str:
    """A real loss of a complex result, so that both its parts count."""
    return f"np.sum(np.real({expr}) ** 2 + np.sin(np.imag({expr})))"


for name in ("fft", "ifft"):
    add(
        f"np.fft.{name}(a, n=None, axis=-1, norm=None)",
        [
            case(spectrum(f"np.fft.{name}(x)"), x=A((4,))),
            case(spectrum(f"np.fft.{name}(x, axis=0)"), x=A((3, 2))),
            case(spectrum(f"np.fft.{name}(x, n=3)"), x=A((2, 4))),
            case(spectrum(f"np.fft.{name}(x, 6, norm='ortho')"), x=A((4,))),
            case(spectrum(f"np.fft.{name}(x * {W4}, norm='forward')"), x=A((4,))),
            case(f"np.real(np.fft.{name}(np.fft.fft(x) * {W4}))", x=A((4,))),
        ],
    )
for name in ("fft2", "fftn", "ifft2", "ifftn"):
    add(
        f"np.fft.{name}(a, s=None, axes={'(-2, -1)' if name.endswith('2') else 'None'}, norm=None)",
        [
            case(spectrum(f"np.fft.{name}(x)"), x=A((3, 4))),
            case(spectrum(f"np.fft.{name}(x, s=[4, 2], axes=[0, 2])"), x=A((3, 2, 3))),
            case(spectrum(f"np.fft.{name}(x, s=(2, 5), norm='ortho')"), x=A((3, 4))),
            case(spectrum(f"np.fft.{name}(x, axes=(0,))"), x=A((3, 2))),
        ],
    )
add(
    "np.fft.rfft(a, n=None, axis=-1, norm=None)",
    [
        case(spectrum("np.fft.rfft(x)"), x=A((5,))),
        case(spectrum("np.fft.rfft(x)"), x=A((2, 4))),
        case(spectrum("np.fft.rfft(x, axis=0, norm='ortho')"), x=A((4, 3))),
        case(spectrum("np.fft.rfft(x, n=3)"), x=A((5,))),
        case(spectrum("np.fft.rfft(x, n=8, norm='forward')"), x=A((5,))),
        case("np.sum(np.abs(np.fft.rfft(x)) ** 2)", x=A((6,))),  # a power spectrum
    ],
)
add(
    "np.fft.irfft(a, n=None, axis=-1, norm=None)",
    [
        case(f"np.fft.irfft(np.fft.rfft(x) * {W4}[:3])", x=A((4,))),
        case(f"np.fft.irfft(np.fft.rfft(x) * {W4}[:3])", x=A((5,))),  # odd: no Nyquist entry
        case(f"np.sin(np.fft.irfft(x * {W4}[:3] + y, n=5, norm='ortho'))", x=A((3,)), y=A((3,))),
        case("np.fft.irfft(x + 1j * y, n=4, axis=0, norm='forward')", x=A((3, 2)), y=A((3, 2))),
        case("np.fft.irfft(x + 1j * y, n=8)", x=A((3,)), y=A((3,))),  # padded
        case("np.fft.irfft(x + 1j * y, n=3)", x=A((4,)), y=A((4,))),  # cropped
        # a convolution by the spectrum: irfft(rfft(x) * rfft(k))
        case("np.fft.irfft(np.fft.rfft(x) * np.fft.rfft(k), n=6)", x=A((6,)), k=A((6,))),
    ],
)
for name in ("rfft2", "rfftn"):
    add(
        f"np.fft.{name}(a, s=None, axes={'(-2, -1)' if name.endswith('2') else 'None'}, norm=None)",
        [
            case(spectrum(f"np.fft.{name}(x)"), x=A((3, 4))),
            case(spectrum(f"np.fft.{name}(x, s=[4, 3], axes=[0, 2])"), x=A((3, 2, 5))),
            case(spectrum(f"np.fft.{name}(x, axes=(0, 1), norm='ortho')"), x=A((3, 2, 2))),
        ],
    )
for name in ("irfft2", "irfftn"):
    axes = "(-2, -1)" if name.endswith("2") else "None"
    add(
        f"np.fft.{name}(a, s=None, axes={axes}, norm=None)",
        [
            case(f"np.fft.{name}(np.fft.rfft2(x) * {W4}[:3])", x=A((3, 4))),
            case(f"np.sin(np.fft.{name}(x + 1j * y, s=(4, 5)))", x=A((3, 3)), y=A((3, 3))),
            case(f"np.fft.{name}(x + 1j * y, axes=(0, 1), norm='ortho')", x=A((2, 3, 2)), y=A((2, 3, 2))),
        ],
    )
for name in ("fftshift", "ifftshift"):
    add(
        f"np.fft.{name}(x, axes=None)",
        [
            case(f"np.sin(np.fft.{name}(x)) * x", x=A((5,))),
            case(f"np.sin(np.fft.{name}(x, axes=1))", x=A((3, 4))),
            case(spectrum(f"np.fft.{name}(np.fft.fft2(x))"), x=A((3, 3))),
        ],
    )

# ------------------------------------------------------------------ their helpers
add(
    "resize(x, like, axes)",
    [
        case("np.sin(resize(x, np.zeros((2, 5)), (0, 1)))", x=A((3, 4))),
        case("np.sin(resize(x, np.zeros(3), (-1,)))", x=A((3,))),
        case("np.sin(resize(x, np.zeros((3, 6)), (1,)))", x=A((3, 4))),
    ],
)
add("rfft_weights(ans, axis)", [case("x * rfft_weights(np.zeros(n), 0)", x=A((3,)), n=I(4))])
add("fft_axes(ndim, s, axes)", [case("x * len(fft_axes(3, None, None))", x=S())])
add("fft_sizes(shape, s, axes)", [case("x * fft_sizes((3, 5), None, (0, 1))[1]", x=S())])
