"""Complex values in between: real functions of real inputs that are complex on the way, as
people write them (a power spectrum, a filter in the frequency domain, a convolution by FFT, a
Fourier series, a phasor turned in a loop), in both modes and at second order, against
central differences and against autograd; and the operations that stay refused, each where it
is written."""

from __future__ import annotations

import numpy as np
import pytest
from checks import central_difference, check_forward, check_reverse
from conftest import make_function

import s2sad
from s2sad import UnsupportedSyntaxError
from s2sad.analysis.examples import lowered
from s2sad.analysis.infer import infer
from s2sad.ir import Return
from s2sad.ir.kinds import kind_of

# a real input's cotangent is the real part of a complex one, taken by the generated code
pytestmark = pytest.mark.filterwarnings("error::numpy.exceptions.ComplexWarning")


def power(x):
    return np.sum(np.abs(np.fft.rfft(x)) ** 2) / x.size


def lowpass_error(x, target):
    spectrum = np.fft.rfft(x)
    keep = np.arange(spectrum.size) < 3
    smooth = np.fft.irfft(spectrum * keep, n=x.size)
    return np.mean((smooth - target) ** 2)


def fft_convolution(a, b):
    n = a.size + b.size - 1
    full = np.fft.irfft(np.fft.rfft(a, n) * np.fft.rfft(b, n), n)
    return np.sum(np.sin(full))


def fourier_series(coefficients, t):
    k = np.arange(coefficients.size)
    waves = np.exp(2j * np.pi * np.outer(t, k))
    values = np.real(waves @ coefficients)
    return np.sum(values**2)


def phasor(w, x):
    z = 1.0 + 0.0j
    total = 0.0
    for _ in range(4):
        z = z * np.exp(1j * w) * x
        total += z.real
    return total


def quaternion_like(x, y):
    z = complex(x, y)
    return abs(z**3 - 1.0) + (z * z.conjugate()).real


def image_energy(image):
    spectrum = np.fft.fftshift(np.fft.fft2(image))
    return np.sum(np.log1p(np.abs(spectrum)))


def heat(u0, nu):
    """Diffusion in the frequency domain, stepped in a loop (the spectrum is taped)."""
    uh = np.fft.rfft(u0)
    k = np.arange(uh.size)
    for _ in range(5):
        uh = uh * np.exp(-nu * k**2 * 0.01)
    return np.sum(np.fft.irfft(uh, n=u0.size) ** 3)


def complex_layer(w_re, w_im, x):
    w = w_re + 1j * w_im
    return np.sum(np.abs(np.tanh(w @ x)))


def escape(a, b):
    c = complex(a, b)
    z = 0j
    for _ in range(3):
        z = z * z + c
    return abs(z)


def stored_in_place(x):
    z = np.zeros(3, dtype=complex)
    z[0] = x[0] + 1j * x[1]
    z[1:] = np.exp(1j * x[1:])
    return np.sum(np.angle(z)) + np.sum(np.imag(z) ** 2)


def made_complex_then_set(x):
    """A complex copy of a real array, changed in place: its tangent is complex from the start."""
    z = x + 0j
    z[0] = z[1] * 1j
    return np.sum(np.imag(z) ** 2 + np.real(z))


def set_in_a_loop(x):
    z = np.zeros(3) + 0j
    for i in range(3):
        z[i] = np.exp(1j * x[i]) * x[(i + 1) % 3]
    return np.sum(np.angle(z + 2.0))


def complex_in_a_branch(x):
    z = complex(x, 1.0)
    if x > 0:
        z = z * z
    return z.imag


RNG = np.random.default_rng(7)
PROGRAMS = {
    "power": (power, [RNG.normal(size=8)]),
    "lowpass_error": (lowpass_error, [RNG.normal(size=9), RNG.normal(size=9)]),
    "fft_convolution": (fft_convolution, [RNG.normal(size=5), RNG.normal(size=3)]),
    "fourier_series": (fourier_series, [RNG.normal(size=4), np.linspace(0.0, 1.0, 6)]),
    "phasor": (phasor, [0.7, 0.9]),
    "quaternion_like": (quaternion_like, [0.4, -1.3]),
    "image_energy": (image_energy, [RNG.normal(size=(4, 5))]),
    "stored_in_place": (stored_in_place, [RNG.uniform(0.5, 1.5, size=3)]),
    "heat": (heat, [RNG.normal(size=8), 0.7]),
    "complex_layer": (complex_layer, [RNG.normal(size=(3, 4)), RNG.normal(size=(3, 4)), RNG.normal(size=4)]),
    "escape": (escape, [0.3, -0.2]),
    "made_complex_then_set": (made_complex_then_set, [RNG.normal(size=3)]),
    "set_in_a_loop": (set_in_a_loop, [RNG.uniform(0.5, 1.5, size=3)]),
    "complex_in_a_branch": (complex_in_a_branch, [0.7]),
}


@pytest.mark.parametrize("name", PROGRAMS)
def test_both_modes_against_central_differences(name):
    f, args = PROGRAMS[name]
    wrt = list(range(len(args)))
    check_reverse(f, args, wrt, tol=1e-5)
    check_forward(f, args, wrt, tol=1e-5)


@pytest.mark.parametrize(
    "name", ["power", "lowpass_error", "fourier_series", "phasor", "image_energy", "heat", "complex_layer"]
)
def test_hessians_against_differences_of_the_gradient(name):
    f, args = PROGRAMS[name]
    x = args[0]
    h = s2sad.hessian(f)(*args)
    g = s2sad.grad(f)

    def gradient(v):
        return g(v, *args[1:])

    fd = central_difference(gradient, [x], 0, h=1e-5)
    assert np.allclose(h, fd, atol=1e-5 * max(1.0, np.max(np.abs(fd))))


def test_against_autograd():
    ag = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")

    def power_ag(x):
        return anp.sum(anp.abs(anp.fft.rfft(x)) ** 2) / x.size

    def spectrum_ag(x):
        return anp.sum(anp.real(anp.fft.fft(x) * anp.array([1.0, 2j, -1.0, 0.5j])) ** 3)

    def spectrum(x):
        return np.sum(np.real(np.fft.fft(x) * np.array([1.0, 2j, -1.0, 0.5j])) ** 3)

    x = RNG.normal(size=4)
    assert np.allclose(s2sad.grad(power)(x), ag.grad(power_ag)(x))
    assert np.allclose(s2sad.grad(spectrum)(x), ag.grad(spectrum_ag)(x))
    assert np.allclose(s2sad.hessian(spectrum)(x), ag.hessian(spectrum_ag)(x))


def test_parseval():
    """The power of a signal is the same in both domains, and so is its gradient, 2 x."""
    x = RNG.normal(size=16)

    def spectral_power(x):
        return np.sum(np.abs(np.fft.fft(x)) ** 2) / x.size

    assert np.allclose(s2sad.grad(spectral_power)(x), 2 * x)


def test_readable():
    text = s2sad.source(power, args=(np.ones(8),))
    assert "np.fft.fft(" in text and "np.real(" in text
    assert "asarray" not in text  # the complex adjoint is only made complex where it is added to


def maximum_of_complex(x):
    return np.real(np.maximum(x * 1j, x + 0j))


def sign_of_complex(x):
    return np.sum(np.real(np.sign(x * (1 + 1j) + 0.5j)))


def complex_result(x):
    return np.sum(np.exp(1j * x))


def sorted_complex(x):
    return np.real(np.sort(x * (1 + 2j))[0])


@pytest.mark.parametrize(
    "f,what",
    [
        (maximum_of_complex, "`np.maximum` of a complex value"),
        (sign_of_complex, "`np.sign` of a complex value"),
        (complex_result, "a complex result"),
        (sorted_complex, "`np.sort` of a complex value"),
    ],
)
def test_what_stays_refused(f, what):
    x = np.array([0.3, -0.4])
    for call in (lambda: s2sad.grad(f)(x), lambda: s2sad.jvp(f, (x,), (np.ones(2),))):
        with pytest.raises(UnsupportedSyntaxError, match=what) as info:
            call()
        assert "test_complex_values.py" in str(info.value)


def test_complex_constants_stay_constants():
    """A complex value that does not depend on the input needs no rule: np.sort is fine."""

    def f(x):
        roots = np.sort(np.roots([1.0, 0.0, 1.0]))
        return x * np.real(roots[0] * roots[1])

    assert s2sad.grad(f)(2.0) == pytest.approx(1.0)


# The rules of complex values read the kinds: a complex value whose kind said float would get
# the real rule of np.real, np.abs, ... silently. Every operation that may carry a complex
# value's derivative keeps its kind complex (or unknown, decided when the code runs).
CARRIERS = [
    "z + w", "z * 2.0", "z / w", "-z", "z ** 2", "np.exp(z)", "np.sqrt(z)", "np.square(z)",
    "np.sum(z)", "np.mean(m, axis=1)", "np.cumsum(z)", "np.prod(z)", "np.dot(z, w)", "z @ w",
    "np.outer(z, w)", "np.einsum('i,i->', z, w)", "np.tensordot(m, m, 1)", "np.kron(z, w)",
    "np.trace(m)", "np.diag(z)", "np.transpose(m)", "np.reshape(m, (4,))", "np.flip(z)",
    "np.roll(z, 1)", "np.concatenate([z, w])", "np.stack([z, w])", "np.array([z, w])",
    "np.broadcast_to(z, (3, 2))", "np.take(z, [0, 1])", "np.pad(z, 1)", "np.where(z == z, z, w)",
    "np.conj(z)", "m.T", "z.sum()", "m.reshape(4)", "z.copy()", "z[0]", "m[:, 0]",
    "np.fft.fft(z)", "np.fft.fftn(m)", "np.fft.fftshift(z)", "np.zeros_like(z)",
    "np.full_like(z, 1.0)", "np.zeros(2, dtype=complex)", "z.astype(complex)",
]  # fmt: skip


@pytest.mark.parametrize("expr", CARRIERS)
def test_complex_values_keep_complex_kinds(expr):
    f = make_function(f"def f(z, w, m):\n    return {expr}\n", "f")
    values = {"z": np.array([1j, 2.0]), "w": np.array([0.5, 1j]), "m": np.ones((2, 2)) * 1j}
    fn = lowered(f)
    kinds = infer(fn, {name: kind_of(v) for name, v in values.items()})
    returned = next(s for s in reversed(fn.body) if isinstance(s, Return)).value
    expected = np.asarray(f(**values)).dtype.kind
    assert kinds[returned.id].dtype in (expected, "?"), kinds[returned.id].describe()


def test_a_norm_known_only_when_it_runs():
    """The VJP of irfft swaps its norm: a norm passed as an argument is refused in reverse mode
    (forward mode, linear in the spectrum, takes it)."""

    def f(x, mode):
        return np.sum(np.fft.irfft(np.fft.rfft(x), norm=mode) ** 2)

    x = np.array([1.0, 2.0, 3.0, 4.0])
    with pytest.raises(s2sad.MissingRuleError, match="pass norm as a constant"):
        s2sad.grad(f)(x, "ortho")
    _, tangent = s2sad.jvp(f, (x, "ortho"), (np.ones(4), None))
    assert np.isclose(tangent, 8 * np.sum(x))  # irfft with "ortho" of rfft is 2 x for 4 entries
