"""What autograd's test suite differentiates, and whether s2sad differentiates it too.

Each entry is one function of NumPy, SciPy or Python (an operator, a builtin, a
container idiom) that a test in autograd's ``tests/`` (github.com/HIPS/autograd)
differentiates, in one of the argument forms those tests use (axis, keepdims, shapes,
keywords). Each is written here as a small function with a scalar result, the way a
user would write a loss; every argument is differentiated. For each entry s2sad's
``grad`` (reverse mode), ``jvp`` (forward mode) and ``hessian`` (second order) are
compared with central differences of the function itself:

    python benchmarks/coverage/autograd_functions.py              # the table, in markdown
    python benchmarks/coverage/autograd_functions.py --only cumsum  # entries whose name has "cumsum"
    python benchmarks/coverage/autograd_functions.py --passing    # what passes, for the test
    python benchmarks/coverage/autograd_functions.py --readme     # the table into README.md

Any entry can be read as s2sad writes it:
``s2sad benchmarks/coverage/autograd_functions.py:cumsum_axis1 --args "np.ones((3, 4))"``.
The inputs and forms are chosen afresh here; the expressions are ours, not autograd's.
"""

from __future__ import annotations

import argparse
import functools
import math
import operator
import signal
import sys
import warnings
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.integrate
import scipy.linalg
import scipy.signal
import scipy.special
import scipy.stats

import s2sad

# ======================================================================================
# Entries and their inputs


@dataclass
class Entry:
    name: str  # the function's name in this file
    source: str  # the autograd test file it comes from
    function: str  # what is differentiated: "np.cumsum", "x * y", "dict.get"
    form: str  # the argument form: "axis=1, (3, 4)"
    fn: Callable
    specs: tuple  # one input maker per argument: rng -> value
    second: bool = True  # False where a Hessian has no meaning here (a container argument)

    def inputs(self):
        rng = np.random.default_rng(zlib.crc32(self.name.encode()))
        return [spec(rng) for spec in self.specs]


ENTRIES: list[Entry] = []


def entry(source, function, form, *specs, second=True):
    """Register the decorated function as an entry whose arguments are made by ``specs``."""

    def register(fn):
        name = fn.func.__name__ + "_partial" if isinstance(fn, functools.partial) else fn.__name__
        ENTRIES.append(Entry(name, source, function, form, fn, specs, second))
        return fn

    return register


def R(*shape):
    """Normal entries; with no shape a Python float."""
    return lambda rng: float(rng.normal()) if not shape else rng.normal(size=shape)


def U(lo, hi, *shape):
    """Uniform entries in (lo, hi); with no shape a Python float."""
    return lambda rng: float(rng.uniform(lo, hi)) if not shape else rng.uniform(lo, hi, size=shape)


def Z(lo=-1.0, hi=1.0):
    """A 0-d array."""
    return lambda rng: np.array(rng.uniform(lo, hi))


def V(value):
    """A fixed value (a fresh copy each time)."""
    return lambda rng: np.array(value, dtype=float) if isinstance(value, np.ndarray) else value


def WELL(*shape):
    """A well-conditioned square matrix (or a stack of them): normal plus n on the diagonal."""
    return lambda rng: rng.normal(size=shape) + shape[-1] * np.eye(shape[-1])


def SPD(*shape):
    """A symmetric positive definite matrix (or a stack of them)."""

    def make(rng):
        a = rng.normal(size=shape)
        return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])

    return make


def L(*specs):
    return lambda rng: [spec(rng) for spec in specs]


def T(*specs):
    return lambda rng: tuple(spec(rng) for spec in specs)


def D(**specs):
    return lambda rng: {key: spec(rng) for key, spec in specs.items()}


# Constants the entries close over (module globals, as in a user's module).
_rng = np.random.default_rng(13)
MASK45 = _rng.normal(size=(4, 5)) > 0
MASKS = [_rng.normal(size=(3, 4)) > 0 for _ in range(3)]
A54 = _rng.normal(size=(5, 4))
C32 = _rng.normal(size=(3, 2))
C10 = _rng.normal(size=10)
W5 = _rng.normal(size=5)
W44 = _rng.normal(size=(4, 4))
H5 = _rng.normal(size=(5, 5))
B43 = _rng.normal(size=(4, 3))
B4 = _rng.normal(size=4)
B543 = _rng.normal(size=(5, 4))
B546 = _rng.normal(size=(5, 4, 6))
A44 = _rng.normal(size=(4, 4)) + 4 * np.eye(4)
Z4 = _rng.normal(size=4)
RV = _rng.normal(size=6)
COEFFS = np.array([1.0, 2.0, 3.0])
NANS = np.array([0.0, np.nan, np.inf, -np.inf])
K4 = np.round(_rng.normal(size=4) ** 2)
K43 = np.round(_rng.normal(size=(4, 3)) ** 2)
T4 = np.linspace(0.1, 0.2, 4)
SINGULAR_COV = np.diag([1.0, 1.0, 0.0, 0.0])
IV_ORDERS = np.array([1.5, 2.0, 3.0, 4.5])
BASE = np.abs(_rng.normal(size=5)) + 0.5


# ======================================================================================
# tests/test_scalar_ops.py: NumPy functions of one Python float

SCALAR = "test_scalar_ops.py"


@entry(SCALAR, "np.abs", "float > 0", V(1.1))
def abs_positive(x):
    return 3.0 * np.abs(x)


@entry(SCALAR, "np.abs", "float < 0", V(-1.1))
def abs_negative(x):
    return 3.0 * np.abs(x)


@entry(SCALAR, "np.absolute", "float", V(-1.1))
def absolute_float(x):
    return 3.0 * np.absolute(x)


@entry(SCALAR, "np.sin", "float", R())
def sin_float(x):
    return 3.0 * np.sin(x)


@entry(SCALAR, "np.sign", "float", V(1.1))
def sign_float(x):
    return 3.0 * np.sign(x) * x


@entry(SCALAR, "np.exp", "float", R())
def exp_float(x):
    return 3.0 * np.exp(x)


@entry(SCALAR, "np.log", "float", U(0.2, 2.0))
def log_float(x):
    return 3.0 * np.log(x)


@entry(SCALAR, "np.log2", "float", U(0.2, 2.0))
def log2_float(x):
    return 3.0 * np.log2(x)


@entry(SCALAR, "np.log10", "float", U(0.2, 2.0))
def log10_float(x):
    return 3.0 * np.log10(x)


@entry(SCALAR, "np.log1p", "float", U(0.2, 2.0))
def log1p_float(x):
    return 3.0 * np.log1p(x)


@entry(SCALAR, "np.expm1", "float", U(0.2, 2.0))
def expm1_float(x):
    return 3.0 * np.expm1(x)


@entry(SCALAR, "np.exp2", "float", U(0.2, 2.0))
def exp2_float(x):
    return 3.0 * np.exp2(x)


@entry(SCALAR, "-x", "float", R())
def neg_float(x):
    return 3.0 * -x


@entry(SCALAR, "np.cos", "float", R())
def cos_float(x):
    return 3.0 * np.cos(x)


@entry(SCALAR, "np.tan", "float", U(-1.1, 1.1))
def tan_float(x):
    return 3.0 * np.tan(x)


@entry(SCALAR, "np.cosh", "float", R())
def cosh_float(x):
    return 3.0 * np.cosh(x)


@entry(SCALAR, "np.sinh", "float", R())
def sinh_float(x):
    return 3.0 * np.sinh(x)


@entry(SCALAR, "np.tanh", "float", R())
def tanh_float(x):
    return 3.0 * np.tanh(x)


@entry(SCALAR, "np.arccos", "float", V(0.1))
def arccos_float(x):
    return 3.0 * np.arccos(x)


@entry(SCALAR, "np.arcsin", "float", V(0.1))
def arcsin_float(x):
    return 3.0 * np.arcsin(x)


@entry(SCALAR, "np.arctan", "float", V(0.2))
def arctan_float(x):
    return 3.0 * np.arctan(x)


@entry(SCALAR, "np.arccosh", "float", U(1.2, 3.0))
def arccosh_float(x):
    return 3.0 * np.arccosh(x)


@entry(SCALAR, "np.arcsinh", "float", R())
def arcsinh_float(x):
    return 3.0 * np.arcsinh(x)


@entry(SCALAR, "np.arctanh", "float", V(0.2))
def arctanh_float(x):
    return 3.0 * np.arctanh(x)


@entry(SCALAR, "np.sqrt", "float", U(0.5, 10.0))
def sqrt_float(x):
    return 3.0 * np.sqrt(x)


@entry(SCALAR, "np.power", "float ** constant", U(1.0, 2.0))
def power_base(x):
    return np.power(x, 1.7)


@entry(SCALAR, "np.power", "x ** 0.0 at x = 0", V(0.0))
def power_zero_exponent(x):
    return np.power(x, 0.0)


@entry(SCALAR, "np.power", "constant ** float", U(0.1, 1.0))
def power_exponent(y):
    return np.power(1.3, y)


@entry(SCALAR, "np.power", "0.0 ** float", U(0.1, 1.0))
def power_zero_base(y):
    return np.power(0.0, y)


@entry(SCALAR, "np.reciprocal", "float", U(0.5, 1.0))
def reciprocal_float(x):
    return np.reciprocal(x)


@entry(SCALAR, "np.negative", "float", R())
def negative_float(x):
    return np.negative(x)


@entry(SCALAR, "np.rad2deg", "float", U(0.0, 10.0))
def rad2deg_float(x):
    return 3.0 * np.rad2deg(x)


@entry(SCALAR, "np.deg2rad", "float", U(0.0, 10.0))
def deg2rad_float(x):
    return 3.0 * np.deg2rad(x)


@entry(SCALAR, "np.radians", "float", U(0.0, 10.0))
def radians_float(x):
    return 3.0 * np.radians(x)


@entry(SCALAR, "np.degrees", "float", U(0.0, 10.0))
def degrees_float(x):
    return 3.0 * np.degrees(x)


@entry(SCALAR, "np.sinc", "float", U(0.0, 10.0))
def sinc_float(x):
    return 3.0 * np.sinc(x)


@entry(SCALAR, "np.mod", "float, float", V(0.7), V(0.3))
def mod_floats(x, y):
    return np.mod(x, y)


@entry(SCALAR, "np.divide", "float, float", U(0.2, 1.0), U(0.2, 1.0))
def divide_floats(x, y):
    return np.divide(x, y)


@entry(SCALAR, "np.multiply", "float, float", R(), R())
def multiply_floats(x, y):
    return np.multiply(x, y)


@entry(SCALAR, "np.true_divide", "float, float", U(0.2, 1.0), U(0.2, 1.0))
def true_divide_floats(x, y):
    return np.true_divide(x, y)


# ======================================================================================
# tests/test_systematic.py, unary ufuncs on arrays (autograd also tries complex inputs,
# outside s2sad's real-valued contract)

UFUNC = "test_systematic.py"


@entry(UFUNC, "np.sin", "(3, 2)", U(-2, 2, 3, 2))
def sin_array(x):
    return np.sum(np.sin(x))


@entry(UFUNC, "np.abs", "(3, 2)", U(0.1, 4.0, 3, 2))
def abs_array(x):
    return np.sum(np.abs(x) ** 1.5)


@entry(UFUNC, "np.absolute", "(3, 2)", U(0.1, 4.0, 3, 2))
def absolute_array(x):
    return np.sum(np.absolute(x) ** 1.5)


@entry(UFUNC, "np.arccosh", "(3, 2)", U(1.1, 4.0, 3, 2))
def arccosh_array(x):
    return np.sum(np.arccosh(x))


@entry(UFUNC, "np.arcsinh", "(3, 2)", U(-0.9, 0.9, 3, 2))
def arcsinh_array(x):
    return np.sum(np.arcsinh(x))


@entry(UFUNC, "np.arctanh", "(3, 2)", U(-0.9, 0.9, 3, 2))
def arctanh_array(x):
    return np.sum(np.arctanh(x))


@entry(UFUNC, "np.ceil", "(3, 2)", U(-1.5, 1.5, 3, 2))
def ceil_array(x):
    return np.sum(np.ceil(x) * x)


@entry(UFUNC, "np.cos", "(3, 2)", U(-2, 2, 3, 2))
def cos_array(x):
    return np.sum(np.cos(x))


@entry(UFUNC, "np.cosh", "(3, 2)", U(-2, 2, 3, 2))
def cosh_array(x):
    return np.sum(np.cosh(x))


@entry(UFUNC, "np.deg2rad", "(3, 2)", U(-2, 2, 3, 2))
def deg2rad_array(x):
    return np.sum(np.sin(np.deg2rad(x)))


@entry(UFUNC, "np.degrees", "(3, 2)", U(-2, 2, 3, 2))
def degrees_array(x):
    return np.sum(np.sin(np.degrees(x) / 50.0))


@entry(UFUNC, "np.exp", "(3, 2)", U(-2, 2, 3, 2))
def exp_array(x):
    return np.sum(np.exp(x))


@entry(UFUNC, "np.exp2", "(3, 2)", U(-2, 2, 3, 2))
def exp2_array(x):
    return np.sum(np.exp2(x))


@entry(UFUNC, "np.expm1", "(3, 2)", U(-2, 2, 3, 2))
def expm1_array(x):
    return np.sum(np.expm1(x))


@entry(UFUNC, "np.fabs", "(3, 2)", U(-2, 2, 3, 2))
def fabs_array(x):
    return np.sum(np.fabs(x) ** 1.5)


@entry(UFUNC, "np.floor", "(3, 2)", U(-1.5, 1.5, 3, 2))
def floor_array(x):
    return np.sum(np.floor(x) * x)


@entry(UFUNC, "np.log", "(3, 2)", U(0.2, 2.0, 3, 2))
def log_array(x):
    return np.sum(np.log(x))


@entry(UFUNC, "np.log10", "(3, 2)", U(0.2, 2.0, 3, 2))
def log10_array(x):
    return np.sum(np.log10(x))


@entry(UFUNC, "np.log1p", "(3, 2)", U(0.2, 2.0, 3, 2))
def log1p_array(x):
    return np.sum(np.log1p(x))


@entry(UFUNC, "np.log2", "(3, 2)", U(0.2, 2.0, 3, 2))
def log2_array(x):
    return np.sum(np.log2(x))


@entry(UFUNC, "np.rad2deg", "(3, 2)", U(-2, 2, 3, 2))
def rad2deg_array(x):
    return np.sum(np.sin(np.rad2deg(x) / 50.0))


@entry(UFUNC, "np.radians", "(3, 2)", U(-2, 2, 3, 2))
def radians_array(x):
    return np.sum(np.sin(np.radians(x)))


@entry(UFUNC, "np.sign", "(3, 2)", U(-2, 2, 3, 2))
def sign_array(x):
    return np.sum(np.sign(x) * x**2)


@entry(UFUNC, "np.sinh", "(3, 2)", U(-2, 2, 3, 2))
def sinh_array(x):
    return np.sum(np.sinh(x))


@entry(UFUNC, "np.sqrt", "(3, 2)", U(1.0, 3.0, 3, 2))
def sqrt_array(x):
    return np.sum(np.sqrt(x))


@entry(UFUNC, "np.square", "(3, 2)", U(-2, 2, 3, 2))
def square_array(x):
    return np.sum(np.sin(np.square(x)))


@entry(UFUNC, "np.tan", "(3, 2)", U(-1.1, 1.1, 3, 2))
def tan_array(x):
    return np.sum(np.tan(x))


@entry(UFUNC, "np.tanh", "(3, 2)", U(-2, 2, 3, 2))
def tanh_array(x):
    return np.sum(np.tanh(x))


@entry(UFUNC, "np.real", "(3, 2)", U(-2, 2, 3, 2))
def real_array(x):
    return np.sum(np.sin(np.real(x)))


@entry(UFUNC, "np.real_if_close", "(3, 2)", U(-2, 2, 3, 2))
def real_if_close_array(x):
    return np.sum(np.sin(np.real_if_close(x)))


@entry(UFUNC, "np.imag", "(3, 2)", U(-2, 2, 3, 2))
def imag_array(x):
    return np.sum(np.sin(x) + np.imag(x))


@entry(UFUNC, "np.conj", "(3, 2)", U(-2, 2, 3, 2))
def conj_array(x):
    return np.sum(np.sin(np.conj(x)))


@entry(UFUNC, "np.conjugate", "(3, 2)", U(-2, 2, 3, 2))
def conjugate_array(x):
    return np.sum(np.sin(np.conjugate(x)))


@entry(UFUNC, "np.angle", "(3, 2)", U(-2, 2, 3, 2))
def angle_array(x):
    return np.sum(np.angle(x) + x**2)


@entry(UFUNC, "np.add", "(3, 2) and (1, 2)", U(-2, 2, 3, 2), U(-2, 2, 1, 2))
def add_broadcast(x, y):
    return np.sum(np.sin(np.add(x, y)))


@entry(UFUNC, "np.add", "float and (2,)", U(-2, 2), U(-2, 2, 2))
def add_float_array(x, y):
    return np.sum(np.sin(np.add(x, y)))


@entry(UFUNC, "np.logaddexp", "(3, 2) and (1, 2)", U(-2, 2, 3, 2), U(-2, 2, 1, 2))
def logaddexp_broadcast(x, y):
    return np.sum(np.logaddexp(x, y))


@entry(UFUNC, "np.logaddexp", "float and (2,)", U(-2, 2), U(-2, 2, 2))
def logaddexp_float_array(x, y):
    return np.sum(np.logaddexp(x, y))


@entry(UFUNC, "np.logaddexp2", "(3, 2) and (1, 2)", U(-2, 2, 3, 2), U(-2, 2, 1, 2))
def logaddexp2_broadcast(x, y):
    return np.sum(np.logaddexp2(x, y))


@entry(UFUNC, "np.logaddexp2", "float and (2,)", U(-2, 2), U(-2, 2, 2))
def logaddexp2_float_array(x, y):
    return np.sum(np.logaddexp2(x, y))


@entry(UFUNC, "np.remainder", "(3, 2) and (1, 2)", U(-0.9, 0.9, 3, 2), U(0.7, 1.9, 1, 2))
def remainder_broadcast(x, y):
    return np.sum(np.sin(np.remainder(x, y)))


@entry(UFUNC, "np.remainder", "float and (2,)", U(-0.9, 0.9), U(0.7, 1.9, 2))
def remainder_float_array(x, y):
    return np.sum(np.sin(np.remainder(x, y)))


@entry(UFUNC, "np.true_divide", "(3, 2) and (1, 2)", U(-2, 2, 3, 2), U(0.8, 1.2, 1, 2))
def true_divide_broadcast(x, y):
    return np.sum(np.true_divide(x, y))


@entry(UFUNC, "np.true_divide", "float and (2,)", U(-2, 2), U(0.8, 1.2, 2))
def true_divide_float_array(x, y):
    return np.sum(np.true_divide(x, y))


@entry(UFUNC, "np.true_divide", "(3, 2) and (1, 2) (divisor < 0)", U(-2, 2, 3, 2), U(-2.0, -0.3, 1, 2))
def true_divide_negative_broadcast(x, y):
    return np.sum(np.true_divide(x, y))


@entry(UFUNC, "np.true_divide", "float and (2,) (divisor < 0)", U(-2, 2), U(-2.0, -0.3, 2))
def true_divide_negative_float_array(x, y):
    return np.sum(np.true_divide(x, y))


@entry(UFUNC, "np.mod", "(3, 2) and (1, 2)", U(-2, 2, 3, 2), U(0.8, 2.1, 1, 2))
def mod_broadcast(x, y):
    return np.sum(np.sin(np.mod(x, y)))


@entry(UFUNC, "np.mod", "float and (2,)", U(-2, 2), U(0.8, 2.1, 2))
def mod_float_array(x, y):
    return np.sum(np.sin(np.mod(x, y)))


@entry(UFUNC, "np.mod", "(3, 2) and (1, 2) (divisor < 0)", U(-2, 2, 3, 2), U(-2.0, -0.3, 1, 2))
def mod_negative_broadcast(x, y):
    return np.sum(np.sin(np.mod(x, y)))


@entry(UFUNC, "np.mod", "float and (2,) (divisor < 0)", U(-2, 2), U(-2.0, -0.3, 2))
def mod_negative_float_array(x, y):
    return np.sum(np.sin(np.mod(x, y)))


# ======================================================================================
# tests/test_binary_ops.py, test_truediv.py: Python operators and two-argument ufuncs,
# every pair of shapes among float, (4,), (3, 4), (1, 4)

BINARY = "test_binary_ops.py"


@entry(BINARY, "x * y", "float, float", R(), R())
def op_mul_floats(x, y):
    return math.sin(x * y)


@entry(BINARY, "x * y", "float, (3, 4)", R(), R(3, 4))
def op_mul_float_matrix(x, y):
    return np.sum(np.sin(x * y))


@entry(BINARY, "x * y", "(3, 4), (4,)", R(3, 4), R(4))
def op_mul_matrix_vector(x, y):
    return np.sum(np.sin(x * y))


@entry(BINARY, "x * y", "(1, 4), (3, 4)", R(1, 4), R(3, 4))
def op_mul_row_matrix(x, y):
    return np.sum(np.sin(x * y))


@entry(BINARY, "x + y", "float, float", R(), R())
def op_add_floats(x, y):
    return math.sin(x + y)


@entry(BINARY, "x + y", "float, (3, 4)", R(), R(3, 4))
def op_add_float_matrix(x, y):
    return np.sum(np.sin(x + y))


@entry(BINARY, "x + y", "(3, 4), (4,)", R(3, 4), R(4))
def op_add_matrix_vector(x, y):
    return np.sum(np.sin(x + y))


@entry(BINARY, "x + y", "(1, 4), (3, 4)", R(1, 4), R(3, 4))
def op_add_row_matrix(x, y):
    return np.sum(np.sin(x + y))


@entry(BINARY, "x - y", "float, float", R(), R())
def op_sub_floats(x, y):
    return math.sin(x - y)


@entry(BINARY, "x - y", "float, (3, 4)", R(), R(3, 4))
def op_sub_float_matrix(x, y):
    return np.sum(np.sin(x - y))


@entry(BINARY, "x - y", "(3, 4), (4,)", R(3, 4), R(4))
def op_sub_matrix_vector(x, y):
    return np.sum(np.sin(x - y))


@entry(BINARY, "x - y", "(1, 4), (3, 4)", R(1, 4), R(3, 4))
def op_sub_row_matrix(x, y):
    return np.sum(np.sin(x - y))


@entry(BINARY, "x / y", "float, float", U(0.8, 2.0), U(0.8, 2.0))
def op_div_floats(x, y):
    return math.sin(x / y)


@entry(BINARY, "x / y", "float, (3, 4)", U(0.8, 2.0), U(0.8, 2.0, 3, 4))
def op_div_float_matrix(x, y):
    return np.sum(np.sin(x / y))


@entry(BINARY, "x / y", "(3, 4), (4,)", U(0.8, 2.0, 3, 4), U(0.8, 2.0, 4))
def op_div_matrix_vector(x, y):
    return np.sum(np.sin(x / y))


@entry(BINARY, "x / y", "(1, 4), (3, 4)", U(0.8, 2.0, 1, 4), U(0.8, 2.0, 3, 4))
def op_div_row_matrix(x, y):
    return np.sum(np.sin(x / y))


@entry(BINARY, "x % y", "float, float", U(0.8, 2.0), U(0.8, 2.0))
def op_mod_floats(x, y):
    return math.sin(x % y)


@entry(BINARY, "x % y", "float, (3, 4)", U(0.8, 2.0), U(0.8, 2.0, 3, 4))
def op_mod_float_matrix(x, y):
    return np.sum(np.sin(x % y))


@entry(BINARY, "x % y", "(3, 4), (4,)", U(0.8, 2.0, 3, 4), U(0.8, 2.0, 4))
def op_mod_matrix_vector(x, y):
    return np.sum(np.sin(x % y))


@entry(BINARY, "x % y", "(1, 4), (3, 4)", U(0.8, 2.0, 1, 4), U(0.8, 2.0, 3, 4))
def op_mod_row_matrix(x, y):
    return np.sum(np.sin(x % y))


@entry(BINARY, "x ** y", "float, float", U(1.1, 2.0), R())
def op_pow_floats(x, y):
    return math.sin(x**y)


@entry(BINARY, "x ** y", "float, (3, 4)", U(1.1, 2.0), R(3, 4))
def op_pow_float_matrix(x, y):
    return np.sum(np.sin(x**y))


@entry(BINARY, "x ** y", "(3, 4), (4,)", U(1.1, 2.0, 3, 4), R(4))
def op_pow_matrix_vector(x, y):
    return np.sum(np.sin(x**y))


@entry(BINARY, "x ** y", "(1, 4), (3, 4)", U(1.1, 2.0, 1, 4), R(3, 4))
def op_pow_row_matrix(x, y):
    return np.sum(np.sin(x**y))


@entry(BINARY, "np.arctan2", "float, float", R(), R())
def arctan2_floats(x, y):
    return np.sum(np.arctan2(x, y))


@entry(BINARY, "np.arctan2", "float, (3, 4)", R(), R(3, 4))
def arctan2_float_matrix(x, y):
    return np.sum(np.arctan2(x, y))


@entry(BINARY, "np.arctan2", "(3, 4), (4,)", R(3, 4), R(4))
def arctan2_matrix_vector(x, y):
    return np.sum(np.arctan2(x, y))


@entry(BINARY, "np.arctan2", "(1, 4), (3, 4)", R(1, 4), R(3, 4))
def arctan2_row_matrix(x, y):
    return np.sum(np.arctan2(x, y))


@entry(BINARY, "np.hypot", "float, float", R(), R())
def hypot_floats(x, y):
    return np.sum(np.hypot(x, y))


@entry(BINARY, "np.hypot", "float, (3, 4)", R(), R(3, 4))
def hypot_float_matrix(x, y):
    return np.sum(np.hypot(x, y))


@entry(BINARY, "np.hypot", "(3, 4), (4,)", R(3, 4), R(4))
def hypot_matrix_vector(x, y):
    return np.sum(np.hypot(x, y))


@entry(BINARY, "np.hypot", "(1, 4), (3, 4)", R(1, 4), R(3, 4))
def hypot_row_matrix(x, y):
    return np.sum(np.hypot(x, y))


@entry(BINARY, "x < y", "(3, 4), (4,), counted", R(3, 4), R(4))
def compare_lt(x, y):
    return np.sum(x < y) + 0.0


@entry(BINARY, "x <= y", "(3, 4), (4,), counted", R(3, 4), R(4))
def compare_le(x, y):
    return np.sum(x <= y) + 0.0


@entry(BINARY, "x > y", "(3, 4), (4,), counted", R(3, 4), R(4))
def compare_gt(x, y):
    return np.sum(x > y) + 0.0


@entry(BINARY, "x >= y", "(3, 4), (4,), counted", R(3, 4), R(4))
def compare_ge(x, y):
    return np.sum(x >= y) + 0.0


@entry(BINARY, "x == y", "(3, 4), (4,), counted", R(3, 4), R(4))
def compare_eq(x, y):
    return np.sum(x == y) + 0.0


@entry(BINARY, "x != y", "(3, 4), (4,), counted", R(3, 4), R(4))
def compare_ne(x, y):
    return np.sum(x != y) + 0.0


# ======================================================================================
# tests/test_core.py: the operators on Python floats, without NumPy

CORE = "test_core.py"


@entry(CORE, "x + y", "floats (0.7, 1.8)", V(0.7), V(1.8))
def core_add(x, y):
    return x + y


@entry(CORE, "x - y", "floats (0.7, 1.8)", V(0.7), V(1.8))
def core_sub(x, y):
    return x - y


@entry(CORE, "x / y", "floats (0.7, 1.8)", V(0.7), V(1.8))
def core_div(x, y):
    return x / y


@entry(CORE, "x * y", "floats (0.7, 1.8)", V(0.7), V(1.8))
def core_mul(x, y):
    return x * y


@entry(CORE, "x ** y", "floats (0.7, 1.8)", V(0.7), V(1.8))
def core_pow(x, y):
    return x**y


@entry(CORE, "x % y", "floats (0.7, 1.8)", V(0.7), V(1.8))
def core_mod(x, y):
    return x % y


@entry(CORE, "x == y", "floats, a bool result", V(0.7), V(1.8))
def core_eq(x, y):
    return x == y


@entry(CORE, "x != y", "floats, a bool result", V(0.7), V(1.8))
def core_ne(x, y):
    return x != y


@entry(CORE, "x <= y", "floats, a bool result", V(0.7), V(1.8))
def core_le(x, y):
    return x <= y


@entry(CORE, "x >= y", "floats, a bool result", V(0.7), V(1.8))
def core_ge(x, y):
    return x >= y


@entry(CORE, "x < y", "floats, a bool result", V(0.7), V(1.8))
def core_lt(x, y):
    return x < y


@entry(CORE, "x > y", "floats, a bool result", V(0.7), V(1.8))
def core_gt(x, y):
    return x > y


# ======================================================================================
# tests/test_numpy.py

NUMPY = "test_numpy.py"


@entry(NUMPY, "np.dot", "(3, 4) . (4,)", R(3, 4), R(4))
def dot_matrix_vector(x, y):
    return np.sum(np.sin(np.dot(x, y)))


@entry(NUMPY, "np.dot", "(3, 4) . (4, 3)", R(3, 4), R(4, 3))
def dot_matrix_matrix(x, y):
    return np.sum(np.sin(np.dot(x, y)))


@entry(NUMPY, "np.dot", "(3,) . (3, 4)", R(3), R(3, 4))
def dot_vector_matrix(x, y):
    return np.sum(np.sin(np.dot(x, y)))


@entry(NUMPY, "np.dot", "(4,) . (4,)", R(4), R(4))
def dot_vector_vector(x, y):
    return np.sin(np.dot(x, y))


@entry(NUMPY, "np.dot", "(3, 4) . float", R(3, 4), R())
def dot_matrix_float(x, y):
    return np.sum(np.sin(np.dot(x, y)))


@entry(NUMPY, "np.dot", "float . (3, 4)", R(), R(3, 4))
def dot_float_matrix(x, y):
    return np.sum(np.sin(np.dot(x, y)))


@entry(NUMPY, "np.dot", "(4,) . float", R(4), R())
def dot_vector_float(x, y):
    return np.sum(np.sin(np.dot(x, y)))


@entry(NUMPY, "np.outer", "(3,), (4,)", R(3), R(4))
def outer_vectors(x, y):
    return np.sum(np.sin(np.outer(x, y)))


@entry(NUMPY, "np.max", "all, (3, 4)", R(3, 4))
def max_all(x):
    return np.max(x) ** 2


@entry(NUMPY, "np.max", "axis=1, (2, 3, 4)", R(2, 3, 4))
def max_axis1(x):
    return np.sum(np.sin(np.max(x, axis=1)))


@entry(NUMPY, "np.max", "axis=1, keepdims, (2, 3, 4)", R(2, 3, 4))
def max_axis1_keepdims(x):
    return np.sum(np.sin(np.max(x, axis=1, keepdims=True)))


@entry(NUMPY, "np.min", "all, (3, 4)", R(3, 4))
def min_all(x):
    return np.min(x) ** 2


@entry(NUMPY, "np.min", "axis=1, (2, 3, 4)", R(2, 3, 4))
def min_axis1(x):
    return np.sum(np.sin(np.min(x, axis=1)))


@entry(NUMPY, "np.min", "axis=1, keepdims, (2, 3, 4)", R(2, 3, 4))
def min_axis1_keepdims(x):
    return np.sum(np.sin(np.min(x, axis=1, keepdims=True)))


@entry(NUMPY, "np.sum", "all, (3, 4)", R(3, 4))
def sum_all(x):
    return np.sin(np.sum(x))


@entry(NUMPY, "np.sum", "axis=0, (3, 4)", R(3, 4))
def sum_axis0(x):
    return np.sum(np.sin(np.sum(x, axis=0)))


@entry(NUMPY, "np.sum", "axis=0, keepdims, (3, 4)", R(3, 4))
def sum_axis0_keepdims(x):
    return np.sum(np.sin(np.sum(x, axis=0, keepdims=True)))


@entry(NUMPY, "np.sum", "axis=(1, 2), (3, 4, 2)", R(3, 4, 2))
def sum_axis_tuple(x):
    return np.sum(np.sin(np.sum(x, axis=(1, 2))))


@entry(NUMPY, "np.flipud", "(3, 4)", R(3, 4))
def flipud_matrix(x):
    return np.sum(np.sin(np.flipud(x)) * A54[:3])


@entry(NUMPY, "np.fliplr", "(3, 4)", R(3, 4))
def fliplr_matrix(x):
    return np.sum(np.sin(np.fliplr(x)) * A54[:3])


@entry(NUMPY, "np.rot90", "(3, 4)", R(3, 4))
def rot90_matrix(x):
    return np.sum(np.sin(np.rot90(x)) * A54[:4, :3])


@entry(NUMPY, "np.cumsum", "axis=0, (3, 4)", R(3, 4))
def cumsum_axis0(x):
    return np.sum(np.sin(np.cumsum(x, axis=0)))


@entry(NUMPY, "np.cumsum", "axis=1, (3, 4)", R(3, 4))
def cumsum_axis1(x):
    return np.sum(np.sin(np.cumsum(x, axis=1)))


@entry(NUMPY, "np.cumsum", "(5,)", R(5))
def cumsum_vector(x):
    return np.sum(np.sin(np.cumsum(x)))


@entry(NUMPY, "np.cumsum", "no axis, (3, 4) (flattened)", R(3, 4))
def cumsum_flat(x):
    return np.sum(np.sin(np.cumsum(x)))


@entry(NUMPY, "sum (builtin)", "sum([x, y]) of arrays", R(3, 4), R(3, 4))
def builtin_sum_arrays(x, y):
    return np.sum(np.sin(sum([x, y])))


@entry(NUMPY, "np.mean", "all, (3, 4)", R(3, 4))
def mean_all(x):
    return np.sin(np.mean(x))


@entry(NUMPY, "np.mean", "axis=0, (3, 4)", R(3, 4))
def mean_axis0(x):
    return np.sum(np.sin(np.mean(x, axis=0)))


@entry(NUMPY, "np.mean", "axis=0, keepdims, (3, 4)", R(3, 4))
def mean_axis0_keepdims(x):
    return np.sum(np.sin(np.mean(x, axis=0, keepdims=True)))


@entry(NUMPY, "np.mean", "a list of floats", V(0.0))
def mean_list(x):
    return np.mean([x, x + 2.0])


@entry(NUMPY, "np.mean", "a tuple of floats", V(0.0))
def mean_tuple(x):
    return np.mean((x, x + 2.0))


@entry(NUMPY, "np.std", "a list of floats", V(0.5))
def std_list(x):
    return np.std([x, x + 2.0, 3.0 * x])


@entry(NUMPY, "np.var", "a tuple of floats", V(0.5))
def var_tuple(x):
    return np.var((x, x + 2.0, 3.0 * x))


@entry(NUMPY, "x[i, j, k]", "integers, (5, 6, 4)", R(5, 6, 4))
def index_ints(x):
    return np.sin(x[3, 0, 1])


@entry(NUMPY, "x[a:b]", "x[::-1, 2:4, :], (5, 6, 4)", R(5, 6, 4))
def index_slices(x):
    return np.sum(np.sin(x[::-1, 2:4, :]))


@entry(NUMPY, "x[list]", "x[[0, 1, 2], :, :]", R(5, 6, 4))
def index_list(x):
    return np.sum(np.sin(x[[0, 1, 2], :, :]))


@entry(NUMPY, "x[mixed]", "x[3, 2:, [1, 3]]", R(5, 6, 4))
def index_mixed(x):
    return np.sum(np.sin(x[3, 2:, [1, 3]]))


@entry(NUMPY, "x[a:b]", "x[2:4], (5,)", R(5))
def index_vector_slice(x):
    return np.sum(np.sin(x[2:4]))


@entry(NUMPY, "x[a:b]", "two slices added (fan-out)", R(5, 6, 4))
def index_slice_fanout(x):
    y = x[::-1, 2:4, :]
    z = x[::-1, 3:5, :]
    return np.sum(np.sin(y + z))


@entry(NUMPY, "x[a:b]", "a slice of a slice", R(7))
def index_slice_of_slice(x):
    y = x[2:6]
    z = y[1:3]
    return np.sum(np.sin(z))


@entry(NUMPY, "x[list]", "repeated index x[[0, 0]]", R(3))
def index_repeated(x):
    return np.sum(np.sin(x[[0, 0]]))


@entry(NUMPY, "x[list]", "repeated index x[[0, 1, 0]]", R(3))
def index_repeated_3(x):
    return np.sum(np.sin(x[[0, 1, 0]]))


@entry(NUMPY, "np.dot", "of two slices x[:2], x[2:]", R(4))
def dot_of_slices(x):
    return np.dot(x[:2], x[2:])


@entry(NUMPY, "ndarray.reshape", "x.reshape((20, 6)), (5, 6, 4)", R(5, 6, 4))
def reshape_method_tuple(x):
    return np.sum(np.sin(x.reshape((5 * 4, 6))) * np.arange(6))


@entry(NUMPY, "np.reshape", "np.reshape(x, (20, 6))", R(5, 6, 4))
def reshape_call(x):
    return np.sum(np.sin(np.reshape(x, (5 * 4, 6))) * np.arange(6))


@entry(NUMPY, "ndarray.reshape", "x.reshape(20, 6)", R(5, 6, 4))
def reshape_method_ints(x):
    return np.sum(np.sin(x.reshape(5 * 4, 6)) * np.arange(6))


@entry(NUMPY, "ndarray.ravel", "x.ravel()", R(5, 6, 4))
def ravel_method(x):
    return np.sum(np.sin(x.ravel()) * np.arange(120))


@entry(NUMPY, "np.ravel", "np.ravel(x)", R(5, 6, 4))
def ravel_call(x):
    return np.sum(np.sin(np.ravel(x)) * np.arange(120))


@entry(NUMPY, "ndarray.flatten", "x.flatten()", R(5, 6, 4))
def flatten_method(x):
    return np.sum(np.sin(x.flatten()) * np.arange(120))


@entry(NUMPY, "np.append", "a list of floats and a float", L(R(), R(), R()), R(), second=False)
def append_list(a, b):
    return np.sum(np.sin(np.append(a, b)) * np.arange(4))


@entry(NUMPY, "np.append", "(3,) and a float", R(3), R())
def append_array(a, b):
    return np.sum(np.sin(np.append(a, b)) * np.arange(4))


@entry(NUMPY, "np.append", "(2, 3) and (1, 3), axis=0", R(2, 3), R(1, 3))
def append_axis0(a, b):
    return np.sum(np.sin(np.append(a, b, axis=0)) * np.arange(3))


@entry(NUMPY, "np.concatenate", "(constant, x)", R(4, 4, 6))
def concatenate_constant_first(x):
    return np.sum(np.sin(np.concatenate((B546, x))) * np.arange(6))


@entry(NUMPY, "np.concatenate", "(c, x, c), axis 0", R(5, 4, 6))
def concatenate_axis0(x):
    return np.sum(np.sin(np.concatenate((B546, x, B546))) * np.arange(6))


@entry(NUMPY, "np.concatenate", "(c, x, c), axis=1", R(5, 4, 6))
def concatenate_axis1(x):
    return np.sum(np.sin(np.concatenate((B546, x, B546), axis=1)) * np.arange(6))


@entry(NUMPY, "np.concatenate", "(c, x, c), 1 by position", R(5, 4, 6))
def concatenate_axis1_positional(x):
    return np.sum(np.sin(np.concatenate((B546, x, B546), 1)) * np.arange(6))


@entry(NUMPY, "np.trace", "offset=1, (4, 5)", R(4, 5))
def trace_offset(x):
    return np.sin(np.trace(x, offset=1))


@entry(NUMPY, "np.trace", "offset=-2, (5, 4)", R(5, 4))
def trace_negative_offset(x):
    return np.sin(np.trace(x, offset=-2))


@entry(NUMPY, "np.trace", "offset=1, (3, 4, 2, 2)", R(3, 4, 2, 2))
def trace_4d(x):
    return np.sum(np.sin(np.trace(x, offset=1)))


@entry(NUMPY, "np.diag", "of a (4, 4) matrix", R(4, 4))
def diag_extract(x):
    return np.sum(np.sin(np.diag(x)))


@entry(NUMPY, "ndarray.T", "x.T, (4, 4)", R(4, 4))
def transpose_attribute(x):
    return np.sum(np.sin(x.T) * W44)


@entry(NUMPY, "np.roll", "shift 2, axis=1, (4, 5)", R(4, 5))
def roll_axis1(x):
    return np.sum(np.sin(np.roll(x, 2, axis=1)) * A54.T)


@entry(NUMPY, "np.roll", "shift 2, no axis (flattened)", R(4, 5))
def roll_flat(x):
    return np.sum(np.sin(np.roll(x, 2)) * A54.T)


@entry(NUMPY, "np.triu", "k=2, (5, 5)", R(5, 5))
def triu_k2(x):
    return np.sum(np.sin(np.triu(x, k=2)) * H5)


@entry(NUMPY, "np.tril", "k=2, (5, 5)", R(5, 5))
def tril_k2(x):
    return np.sum(np.sin(np.tril(x, k=2)) * H5)


@entry(NUMPY, "np.clip", "a_min=0.1, a_max=1.1 by keyword", R(5, 5))
def clip_keywords(x):
    return np.sum(np.clip(x, a_min=0.1, a_max=1.1) ** 2)


@entry(NUMPY, "np.prod", "all, (2, 3)", U(0.3, 1.5, 2, 3))
def prod_all(x):
    return np.prod(x)


@entry(NUMPY, "np.prod", "axis=0, (2, 3)", U(0.3, 1.5, 2, 3))
def prod_axis0(x):
    return np.sum(np.sin(np.prod(x, axis=0)))


@entry(NUMPY, "np.prod", "axis=0, keepdims, (2, 3)", U(0.3, 1.5, 2, 3))
def prod_axis0_keepdims(x):
    return np.sum(np.sin(np.prod(x, axis=0, keepdims=True)))


@entry(NUMPY, "np.prod", "(7,)", U(0.3, 1.5, 7))
def prod_vector(x):
    return np.prod(x)


@entry(NUMPY, "np.array", "[x, x * 1.0, x + 2.5] from a float", V(3.0))
def array_1d_from_float(x):
    return np.sum(np.sin(np.array([x, x * 1.0, x + 2.5])) * COEFFS)


@entry(NUMPY, "np.array", "nested lists of floats (2, 3)", V(3.0))
def array_2d_from_floats(x):
    return np.sum(np.sin(np.array([[x, x * 1.0, x + 2.5], [x**2, x, x / 2.0]])) * C32.T)


@entry(NUMPY, "np.array", "A + A (fan-out)", V(3.0))
def array_fanout(x):
    a = np.array([[x, x * 1.0, x + 2.5], [x**2, x, x / 2.0]])
    return np.sum(np.sin(a + a))


@entry(NUMPY, "np.array", "np.array(x) of a float", V(3.0))
def array_of_float(x):
    return np.sin(np.array(x))


@entry(NUMPY, "np.array", "[x, x] of (3, 2) arrays", R(3, 2))
def array_of_arrays(x):
    return np.sum(np.sin(np.array([x, x])) * C32)


@entry(NUMPY, "np.array", "[[2 * x, x + 1], [x, x]] of arrays", R(3, 2))
def array_of_arrays_2d(x):
    return np.sum(np.sin(np.array([[2 * x, x + 1], [x, x]])) * C32)


@entry(NUMPY, "len", "len(x) in an assert", R(3, 2))
def len_in_assert(x):
    assert len(x) == 3
    return np.sum(np.sin(x))


@entry(NUMPY, "np.r_", "np.r_[x]", R(3, 2))
def r_single(x):
    return np.sum(np.sin(np.r_[x]) * C32)


@entry(NUMPY, "np.r_", "np.r_[x, x]", R(3, 2))
def r_double(x):
    return np.sum(np.sin(np.r_[x, x]) * np.arange(2))


@entry(NUMPY, "np.r_", "np.r_[x, c]", R(3, 2))
def r_with_constant(x):
    return np.sum(np.sin(np.r_[x, C32]) * np.arange(2))


@entry(NUMPY, "np.r_", "np.r_[x, c, x]", R(3, 2))
def r_mixed(x):
    return np.sum(np.sin(np.r_[x, C32, x]) * np.arange(2))


@entry(NUMPY, "np.r_", "np.r_[x, c, 1:10] with a slice", R(10))
def r_slice(x):
    return np.sum(np.sin(np.r_[x, C10, 1:10]))


@entry(NUMPY, "np.c_", "np.c_[x, c, x]", R(3, 2))
def c_mixed(x):
    return np.sum(np.sin(np.c_[x, C32, x]) * np.arange(6))


@entry(NUMPY, "np.var", "(3,)", R(3))
def var_vector(x):
    return np.var(x)


@entry(NUMPY, "np.var", "ddof=1, keepdims, (3, 4)", R(3, 4))
def var_ddof1_keepdims(x):
    return np.sum(np.var(x, ddof=1, keepdims=True))


@entry(NUMPY, "np.var", "axis=1, ddof=2, (3, 4)", R(3, 4))
def var_axis1_ddof2(x):
    return np.sum(np.sin(np.var(x, axis=1, ddof=2)))


@entry(NUMPY, "np.var", "axis=1, ddof=2, keepdims, (1, 3)", R(1, 3))
def var_row_ddof2(x):
    return np.sum(np.sin(np.var(x, axis=1, ddof=2, keepdims=True)))


@entry(NUMPY, "np.std", "(3,)", R(3))
def std_vector(x):
    return np.std(x)


@entry(NUMPY, "np.std", "ddof=1, keepdims, (3, 4)", R(3, 4))
def std_ddof1_keepdims(x):
    return np.sum(np.std(x, ddof=1, keepdims=True))


@entry(NUMPY, "np.std", "axis=1, ddof=2, (3, 4)", R(3, 4))
def std_axis1_ddof2(x):
    return np.sum(np.sin(np.std(x, axis=1, ddof=2)))


@entry(NUMPY, "np.where", "constant mask, two arrays", R(4, 5), R(4, 5))
def where_mask(x, y):
    return np.sum(np.sin(np.where(MASK45, x, y)) * A54.T)


@entry(NUMPY, "np.squeeze", "np.squeeze(x), (3, 1, 4)", R(3, 1, 4))
def squeeze_call(x):
    return np.sum(np.sin(np.squeeze(x)) * B43.T)


@entry(NUMPY, "ndarray.squeeze", "x.squeeze()", R(3, 1, 4))
def squeeze_method(x):
    return np.sum(np.sin(x.squeeze()) * B43.T)


@entry(NUMPY, "np.repeat", "2, axis=1, (3, 2, 4)", R(3, 2, 4))
def repeat_axis1(x):
    return np.sum(np.sin(np.repeat(x, 2, axis=1)) * np.arange(4))


@entry(NUMPY, "np.repeat", "1, axis=1, (3, 2, 4)", R(3, 2, 4))
def repeat_once_axis1(x):
    return np.sum(np.sin(np.repeat(x, 1, axis=1)) * np.arange(4))


@entry(NUMPY, "np.repeat", "2, axis=0, (5, 3)", R(5, 3))
def repeat_axis0(x):
    return np.sum(np.sin(np.repeat(x, 2, axis=0)) * np.arange(3))


@entry(NUMPY, "np.repeat", "2, axis=0, (5,)", R(5))
def repeat_vector(x):
    return np.sum(np.sin(np.repeat(x, 2, axis=0)) * np.arange(10))


@entry(NUMPY, "np.repeat", "1, axis=0, (5, 1)", R(5, 1))
def repeat_once_column(x):
    return np.sum(np.sin(np.repeat(x, 1, axis=0)) * W5[:, None])


@entry(NUMPY, "np.expand_dims", "axis 2, (3, 1, 4)", R(3, 1, 4))
def expand_dims_2(x):
    return np.sum(np.sin(np.expand_dims(x, 2)) * B43.T[:, None, :, None])


@entry(NUMPY, "np.tensordot", "axes 2 by position, of x * ones", R())
def tensordot_axes_positional(x):
    return np.tensordot(x * np.ones((2, 2)), x * np.ones((2, 2)), 2)


@entry(
    NUMPY,
    "np.int64",
    "a column cast to int used as an index",
    V(np.c_[_rng.normal(size=(5, 4)), [0.5, 1.5, 2.5, 3.5, 4.5]]),
)
def int_cast_index(w):
    idx = np.int64(w[:, -1])
    return np.sin(w[:, :-1][idx]).sum()


@entry(NUMPY, "np.diagonal", "axis1=-1, axis2=-2, (4, 4)", R(4, 4))
def diagonal_last_axes(x):
    return np.sum(np.sin(np.diagonal(x, axis1=-1, axis2=-2)) * Z4)


@entry(NUMPY, "np.diagonal", "axis1=-1, axis2=-2, (3, 4, 4)", R(3, 4, 4))
def diagonal_stacked(x):
    return np.sum(np.sin(np.diagonal(x, axis1=-1, axis2=-2)) * Z4)


@entry(NUMPY, "np.nan_to_num", "of x + [0, nan, inf, -inf]", R(4))
def nan_to_num_sum(x):
    return np.sum(np.sin(np.nan_to_num(x + NANS)))


@entry(NUMPY, "np.max", "equal values [x, x]", V(1.0))
def max_ties(x):
    return np.max(np.array([x, x]))


@entry(NUMPY, "np.max", "equal values, axis=1, (2, 2)", V(1.0))
def max_ties_axis1(x):
    return np.sum(np.sin(np.max(np.array([[x, x], [x, 0.5]]), axis=1)))


@entry(NUMPY, "np.min", "three-way ties, axis=0, (4, 3)", V(-1.0))
def min_ties_axis0(x):
    a = np.array([[x, x, x], [x, 0.5, 0.5], [0.5, 0.5, 0.5], [x, x, 0.5]])
    return np.sum(np.sin(np.min(a, axis=0)) * COEFFS)


@entry(NUMPY, "np.maximum", "maximum(x, x)", V(1.0))
def maximum_same(x):
    return np.maximum(x, x)


@entry(NUMPY, "np.maximum", "ties, broadcast (3,) with (2, 3)", V(2.0))
def maximum_ties_broadcast(x):
    return np.sum(np.sin(np.maximum(np.array([x, x, 0.5]), np.array([[x, 0.5, x], [x, x, 0.5]]))))


@entry(NUMPY, "np.linspace", "linspace(x, y, 5)", R(), R())
def linspace_5(x, y):
    return np.sum(np.sin(np.linspace(x, y, 5)) * W5)


@entry(NUMPY, "np.linspace", "linspace(x, y, 1)", R(), R())
def linspace_1(x, y):
    return np.sum(np.sin(np.linspace(x, y, 1)))


@entry(NUMPY, "np.linspace", "linspace(x, y, 0) (empty)", R(), R())
def linspace_0(x, y):
    return np.sum(np.sin(np.linspace(x, y, 0))) + 0.0 * x


@entry(NUMPY, "ndarray.astype", "x.astype('float64')", R(3))
def astype_float64(x):
    return np.sum(np.sin(x.astype("float64")))


@entry(NUMPY, "np.gradient", "(6,)", R(6))
def gradient_vector(x):
    return np.sum(np.sin(np.gradient(x)))


@entry(NUMPY, "np.gradient", "(4, 5): a tuple of two arrays", R(4, 5))
def gradient_matrix(x):
    gy, gx = np.gradient(x)
    return np.sum(np.sin(gy)) + np.sum(np.cos(gx))


@entry(NUMPY, "np.gradient", "axis=-1, (3, 4, 5)", R(3, 4, 5))
def gradient_last_axis(x):
    return np.sum(np.sin(np.gradient(x, axis=-1)))


@entry(NUMPY, "np.gradient", "axis=(0, -1), (3, 4, 5)", R(3, 4, 5))
def gradient_two_axes(x):
    g0, g2 = np.gradient(x, axis=(0, -1))
    return np.sum(np.sin(g0)) + np.sum(np.cos(g2))


@entry(NUMPY, "np.sum", "of a float times a constant array", V(0.7))
def sum_of_scaled(a):
    return np.sum(np.exp(a) * BASE)


@entry(NUMPY, "np.prod", "of a float times a constant array", V(0.7))
def prod_of_scaled(a):
    return np.prod(np.exp(a) * BASE)


@entry(NUMPY, "np.max", "of a float times a constant array", V(0.7))
def max_of_scaled(a):
    return np.max(np.exp(a) * BASE)


@entry(NUMPY, "np.min", "of a float times a constant array", V(0.7))
def min_of_scaled(a):
    return np.min(np.exp(a) * BASE)


# ======================================================================================
# tests/test_systematic.py (stat_check): reductions over floats, 0-d arrays, 1-D and 2-D
# arrays with axis None/0/1 and keepdims

SYSTEMATIC = "test_systematic.py"


@entry(SYSTEMATIC, "np.max", "a Python float", V(3.5))
def stat_max_float(x):
    return math.sin(np.max(x))


@entry(SYSTEMATIC, "np.max", "a 0-d array", Z())
def stat_max_0d(x):
    return np.sin(np.max(x))


@entry(SYSTEMATIC, "np.max", "(3,)", U(0.3, 1.5, 3))
def stat_max_vector(x):
    return np.sin(np.max(x))


@entry(SYSTEMATIC, "np.max", "axis=0, keepdims, (3,)", U(0.3, 1.5, 3))
def stat_max_vector_keepdims(x):
    return np.sum(np.sin(np.max(x, axis=0, keepdims=True)))


@entry(SYSTEMATIC, "np.max", "axis=0, (2, 3)", U(0.3, 1.5, 2, 3))
def stat_max_matrix_axis0(x):
    return np.sum(np.sin(np.max(x, axis=0)))


@entry(SYSTEMATIC, "np.max", "axis=1, keepdims, (2, 3)", U(0.3, 1.5, 2, 3))
def stat_max_matrix_axis1_keepdims(x):
    return np.sum(np.sin(np.max(x, axis=1, keepdims=True)))


@entry(SYSTEMATIC, "np.max", "axis=0, (1, 3)", U(0.3, 1.5, 1, 3))
def stat_max_row_axis0(x):
    return np.sum(np.sin(np.max(x, axis=0)))


@entry(SYSTEMATIC, "np.max", "keepdims, (1, 3)", U(0.3, 1.5, 1, 3))
def stat_max_row_keepdims(x):
    return np.sum(np.sin(np.max(x, keepdims=True)))


@entry(SYSTEMATIC, "np.min", "a Python float", V(3.5))
def stat_min_float(x):
    return math.sin(np.min(x))


@entry(SYSTEMATIC, "np.min", "a 0-d array", Z())
def stat_min_0d(x):
    return np.sin(np.min(x))


@entry(SYSTEMATIC, "np.min", "(3,)", U(0.3, 1.5, 3))
def stat_min_vector(x):
    return np.sin(np.min(x))


@entry(SYSTEMATIC, "np.min", "axis=0, keepdims, (3,)", U(0.3, 1.5, 3))
def stat_min_vector_keepdims(x):
    return np.sum(np.sin(np.min(x, axis=0, keepdims=True)))


@entry(SYSTEMATIC, "np.min", "axis=0, (2, 3)", U(0.3, 1.5, 2, 3))
def stat_min_matrix_axis0(x):
    return np.sum(np.sin(np.min(x, axis=0)))


@entry(SYSTEMATIC, "np.min", "axis=1, keepdims, (2, 3)", U(0.3, 1.5, 2, 3))
def stat_min_matrix_axis1_keepdims(x):
    return np.sum(np.sin(np.min(x, axis=1, keepdims=True)))


@entry(SYSTEMATIC, "np.min", "axis=0, (1, 3)", U(0.3, 1.5, 1, 3))
def stat_min_row_axis0(x):
    return np.sum(np.sin(np.min(x, axis=0)))


@entry(SYSTEMATIC, "np.min", "keepdims, (1, 3)", U(0.3, 1.5, 1, 3))
def stat_min_row_keepdims(x):
    return np.sum(np.sin(np.min(x, keepdims=True)))


@entry(SYSTEMATIC, "np.mean", "a Python float", V(3.5))
def stat_mean_float(x):
    return math.sin(np.mean(x))


@entry(SYSTEMATIC, "np.mean", "a 0-d array", Z())
def stat_mean_0d(x):
    return np.sin(np.mean(x))


@entry(SYSTEMATIC, "np.mean", "(3,)", U(0.3, 1.5, 3))
def stat_mean_vector(x):
    return np.sin(np.mean(x))


@entry(SYSTEMATIC, "np.mean", "axis=0, keepdims, (3,)", U(0.3, 1.5, 3))
def stat_mean_vector_keepdims(x):
    return np.sum(np.sin(np.mean(x, axis=0, keepdims=True)))


@entry(SYSTEMATIC, "np.mean", "axis=0, (2, 3)", U(0.3, 1.5, 2, 3))
def stat_mean_matrix_axis0(x):
    return np.sum(np.sin(np.mean(x, axis=0)))


@entry(SYSTEMATIC, "np.mean", "axis=1, keepdims, (2, 3)", U(0.3, 1.5, 2, 3))
def stat_mean_matrix_axis1_keepdims(x):
    return np.sum(np.sin(np.mean(x, axis=1, keepdims=True)))


@entry(SYSTEMATIC, "np.mean", "axis=0, (1, 3)", U(0.3, 1.5, 1, 3))
def stat_mean_row_axis0(x):
    return np.sum(np.sin(np.mean(x, axis=0)))


@entry(SYSTEMATIC, "np.mean", "keepdims, (1, 3)", U(0.3, 1.5, 1, 3))
def stat_mean_row_keepdims(x):
    return np.sum(np.sin(np.mean(x, keepdims=True)))


@entry(SYSTEMATIC, "np.sum", "a Python float", V(3.5))
def stat_sum_float(x):
    return math.sin(np.sum(x))


@entry(SYSTEMATIC, "np.sum", "a 0-d array", Z())
def stat_sum_0d(x):
    return np.sin(np.sum(x))


@entry(SYSTEMATIC, "np.sum", "(3,)", U(0.3, 1.5, 3))
def stat_sum_vector(x):
    return np.sin(np.sum(x))


@entry(SYSTEMATIC, "np.sum", "axis=0, keepdims, (3,)", U(0.3, 1.5, 3))
def stat_sum_vector_keepdims(x):
    return np.sum(np.sin(np.sum(x, axis=0, keepdims=True)))


@entry(SYSTEMATIC, "np.sum", "axis=0, (2, 3)", U(0.3, 1.5, 2, 3))
def stat_sum_matrix_axis0(x):
    return np.sum(np.sin(np.sum(x, axis=0)))


@entry(SYSTEMATIC, "np.sum", "axis=1, keepdims, (2, 3)", U(0.3, 1.5, 2, 3))
def stat_sum_matrix_axis1_keepdims(x):
    return np.sum(np.sin(np.sum(x, axis=1, keepdims=True)))


@entry(SYSTEMATIC, "np.sum", "axis=0, (1, 3)", U(0.3, 1.5, 1, 3))
def stat_sum_row_axis0(x):
    return np.sum(np.sin(np.sum(x, axis=0)))


@entry(SYSTEMATIC, "np.sum", "keepdims, (1, 3)", U(0.3, 1.5, 1, 3))
def stat_sum_row_keepdims(x):
    return np.sum(np.sin(np.sum(x, keepdims=True)))


@entry(SYSTEMATIC, "np.prod", "a Python float", V(3.5))
def stat_prod_float(x):
    return math.sin(np.prod(x))


@entry(SYSTEMATIC, "np.prod", "a 0-d array", Z())
def stat_prod_0d(x):
    return np.sin(np.prod(x))


@entry(SYSTEMATIC, "np.prod", "(3,)", U(0.3, 1.5, 3))
def stat_prod_vector(x):
    return np.sin(np.prod(x))


@entry(SYSTEMATIC, "np.prod", "axis=0, keepdims, (3,)", U(0.3, 1.5, 3))
def stat_prod_vector_keepdims(x):
    return np.sum(np.sin(np.prod(x, axis=0, keepdims=True)))


@entry(SYSTEMATIC, "np.prod", "axis=0, (2, 3)", U(0.3, 1.5, 2, 3))
def stat_prod_matrix_axis0(x):
    return np.sum(np.sin(np.prod(x, axis=0)))


@entry(SYSTEMATIC, "np.prod", "axis=1, keepdims, (2, 3)", U(0.3, 1.5, 2, 3))
def stat_prod_matrix_axis1_keepdims(x):
    return np.sum(np.sin(np.prod(x, axis=1, keepdims=True)))


@entry(SYSTEMATIC, "np.prod", "axis=0, (1, 3)", U(0.3, 1.5, 1, 3))
def stat_prod_row_axis0(x):
    return np.sum(np.sin(np.prod(x, axis=0)))


@entry(SYSTEMATIC, "np.prod", "keepdims, (1, 3)", U(0.3, 1.5, 1, 3))
def stat_prod_row_keepdims(x):
    return np.sum(np.sin(np.prod(x, keepdims=True)))


@entry(SYSTEMATIC, "np.var", "a Python float", V(3.5))
def stat_var_float(x):
    return np.var(x)


@entry(SYSTEMATIC, "np.var", "a 0-d array", Z())
def stat_var_0d(x):
    return np.var(x)


@entry(SYSTEMATIC, "np.var", "(3,)", U(0.3, 1.5, 3))
def stat_var_vector(x):
    return np.sin(np.var(x))


@entry(SYSTEMATIC, "np.var", "axis=0, keepdims, (3,)", U(0.3, 1.5, 3))
def stat_var_vector_keepdims(x):
    return np.sum(np.sin(np.var(x, axis=0, keepdims=True)))


@entry(SYSTEMATIC, "np.var", "axis=0, (2, 3)", U(0.3, 1.5, 2, 3))
def stat_var_matrix_axis0(x):
    return np.sum(np.sin(np.var(x, axis=0)))


@entry(SYSTEMATIC, "np.var", "axis=1, keepdims, (2, 3)", U(0.3, 1.5, 2, 3))
def stat_var_matrix_axis1_keepdims(x):
    return np.sum(np.sin(np.var(x, axis=1, keepdims=True)))


@entry(SYSTEMATIC, "np.var", "axis=0, (1, 3)", U(0.3, 1.5, 1, 3))
def stat_var_row_axis0(x):
    return np.sum(np.sin(np.var(x, axis=0)))


@entry(SYSTEMATIC, "np.var", "keepdims, (1, 3)", U(0.3, 1.5, 1, 3))
def stat_var_row_keepdims(x):
    return np.sum(np.sin(np.var(x, keepdims=True)))


@entry(SYSTEMATIC, "np.std", "a Python float", V(3.5))
def stat_std_float(x):
    return np.std(x)


@entry(SYSTEMATIC, "np.std", "a 0-d array", Z())
def stat_std_0d(x):
    return np.std(x)


@entry(SYSTEMATIC, "np.std", "(3,)", U(0.3, 1.5, 3))
def stat_std_vector(x):
    return np.sin(np.std(x))


@entry(SYSTEMATIC, "np.std", "axis=0, keepdims, (3,)", U(0.3, 1.5, 3))
def stat_std_vector_keepdims(x):
    return np.sum(np.sin(np.std(x, axis=0, keepdims=True)))


@entry(SYSTEMATIC, "np.std", "axis=0, (2, 3)", U(0.3, 1.5, 2, 3))
def stat_std_matrix_axis0(x):
    return np.sum(np.sin(np.std(x, axis=0)))


@entry(SYSTEMATIC, "np.std", "axis=1, keepdims, (2, 3)", U(0.3, 1.5, 2, 3))
def stat_std_matrix_axis1_keepdims(x):
    return np.sum(np.sin(np.std(x, axis=1, keepdims=True)))


@entry(SYSTEMATIC, "np.std", "axis=0, (1, 3)", U(0.3, 1.5, 1, 3))
def stat_std_row_axis0(x):
    return np.sum(np.sin(np.std(x, axis=0)))


@entry(SYSTEMATIC, "np.std", "keepdims, (1, 3)", U(0.3, 1.5, 1, 3))
def stat_std_row_keepdims(x):
    return np.sum(np.sin(np.std(x, keepdims=True)))


# ======================================================================================
# tests/test_systematic.py (combo_check): shapes, products, einsum, splitting and stacking


@entry(SYSTEMATIC, "np.transpose", "no axes, (2, 3, 4)", R(2, 3, 4))
def transpose_default(x):
    return np.sum(np.sin(np.transpose(x)) * np.arange(2))


@entry(SYSTEMATIC, "np.transpose", "axes=[0, 2, 1] (a list)", R(2, 3, 4))
def transpose_list(x):
    return np.sum(np.sin(np.transpose(x, axes=[0, 2, 1])) * np.arange(3))


@entry(SYSTEMATIC, "np.transpose", "axes=(2, 0, 1)", R(2, 3, 4))
def transpose_201(x):
    return np.sum(np.sin(np.transpose(x, axes=(2, 0, 1))) * np.arange(3))


@entry(SYSTEMATIC, "np.transpose", "(1, 2, 0) by position", R(2, 3, 4))
def transpose_120(x):
    return np.sum(np.sin(np.transpose(x, (1, 2, 0))) * np.arange(2))


@entry(SYSTEMATIC, "np.moveaxis", "source=0, destination=2", R(2, 3, 4))
def moveaxis_0_2(x):
    return np.sum(np.sin(np.moveaxis(x, source=0, destination=2)) * np.arange(2))


@entry(SYSTEMATIC, "np.moveaxis", "source=2, destination=0", R(2, 3, 4))
def moveaxis_2_0(x):
    return np.sum(np.sin(np.moveaxis(x, 2, 0)) * np.arange(3))


@entry(SYSTEMATIC, "np.repeat", "repeats=2, no axis (flattened)", R(2, 3, 4))
def repeat_flat(x):
    return np.sum(np.sin(np.repeat(x, repeats=2)) * np.arange(48))


@entry(SYSTEMATIC, "np.repeat", "repeats=0, axis=0 (empty)", R(2, 3, 4))
def repeat_zero(x):
    return np.sum(np.sin(np.repeat(x, repeats=0, axis=0))) + 0.0 * np.sum(x)


@entry(SYSTEMATIC, "np.repeat", "repeats=2, axis=1, (3, 1)", R(3, 1))
def repeat_column(x):
    return np.sum(np.sin(np.repeat(x, repeats=2, axis=1)) * C32)


@entry(SYSTEMATIC, "np.diff", "(5, 5)", R(5, 5))
def diff_default(x):
    return np.sum(np.sin(np.diff(x)) * H5[:, :4])


@entry(SYSTEMATIC, "np.diff", "n=2, axis=0, (5, 5)", R(5, 5))
def diff_n2_axis0(x):
    return np.sum(np.sin(np.diff(x, n=2, axis=0)) * H5[:3])


@entry(SYSTEMATIC, "np.diff", "axis=1, (3, 4, 5)", R(3, 4, 5))
def diff_axis1_3d(x):
    return np.sum(np.sin(np.diff(x, axis=1)) * W5)


@entry(SYSTEMATIC, "np.diff", "axis=0, (1,) (empty)", R(1))
def diff_empty(x):
    return np.sum(np.sin(np.diff(x, axis=0))) + 0.0 * np.sum(x)


@entry(SYSTEMATIC, "np.tile", "reps=(1, 4, 1, 2), (2, 1, 3, 1)", R(2, 1, 3, 1))
def tile_4d(x):
    return np.sum(np.sin(np.tile(x, reps=(1, 4, 1, 2))) * np.arange(2))


@entry(SYSTEMATIC, "np.tile", "reps=(3, 2, 1), (1, 2)", R(1, 2))
def tile_more_reps(x):
    return np.sum(np.sin(np.tile(x, (3, 2, 1))) * np.arange(2))


@entry(SYSTEMATIC, "np.tile", "reps=2, (1,)", R(1))
def tile_int(x):
    return np.sum(np.sin(np.tile(x, 2)) * np.arange(2))


@entry(SYSTEMATIC, "np.kron", "(3, 3) with (2, 2)", R(3, 3), R(2, 2))
def kron_matrices(x, y):
    return np.sum(np.sin(np.kron(x, y)) * np.arange(6))


@entry(SYSTEMATIC, "np.kron", "(3,) with (2,)", R(3), R(2))
def kron_vectors(x, y):
    return np.sum(np.sin(np.kron(x, y)) * np.arange(6))


@entry(SYSTEMATIC, "np.kron", "(3, 1) with (1, 2)", R(3, 1), R(1, 2))
def kron_column_row(x, y):
    return np.sum(np.sin(np.kron(x, y)) * np.arange(2))


@entry(SYSTEMATIC, "np.kron", "floats", R(), R())
def kron_floats(x, y):
    return np.sum(np.sin(np.kron(x, y)))


@entry(SYSTEMATIC, "np.inner", "(3,) with (3,)", R(3), R(3))
def inner_vectors(x, y):
    return np.sin(np.inner(x, y))


@entry(SYSTEMATIC, "np.inner", "(2, 3) with (4, 3)", R(2, 3), R(4, 3))
def inner_matrices(x, y):
    return np.sum(np.sin(np.inner(x, y)) * np.arange(4))


@entry(SYSTEMATIC, "np.inner", "float with (3,)", R(), R(3))
def inner_float(x, y):
    return np.sum(np.sin(np.inner(x, y)) * COEFFS)


@entry(SYSTEMATIC, "np.dot", "(2, 2, 3) . (3, 4)", R(2, 2, 3), R(3, 4))
def dot_3d_matrix(x, y):
    return np.sum(np.sin(np.dot(x, y)) * np.arange(4))


@entry(SYSTEMATIC, "np.dot", "(2, 3) . (2, 3, 4)", R(2, 3), R(2, 3, 4))
def dot_matrix_3d(x, y):
    return np.sum(np.sin(np.dot(x, y)) * np.arange(4))


@entry(SYSTEMATIC, "np.matmul", "(3,) @ (3,)", R(3), R(3))
def matmul_vectors(x, y):
    return np.sin(np.matmul(x, y))


@entry(SYSTEMATIC, "np.matmul", "(2, 3) @ (3, 4)", R(2, 3), R(3, 4))
def matmul_matrices(x, y):
    return np.sum(np.sin(np.matmul(x, y)) * np.arange(4))


@entry(SYSTEMATIC, "np.matmul", "(2, 2, 3) @ (2, 3, 4)", R(2, 2, 3), R(2, 3, 4))
def matmul_stacked(x, y):
    return np.sum(np.sin(np.matmul(x, y)) * np.arange(4))


@entry(SYSTEMATIC, "np.matmul", "(3,) @ (3, 4)", R(3), R(3, 4))
def matmul_vector_matrix(x, y):
    return np.sum(np.sin(np.matmul(x, y)) * np.arange(4))


@entry(SYSTEMATIC, "np.matmul", "(2, 3) @ (3,)", R(2, 3), R(3))
def matmul_matrix_vector(x, y):
    return np.sum(np.sin(np.matmul(x, y)) * np.arange(2))


@entry(SYSTEMATIC, "np.matmul", "broadcast (1, 2, 2) @ (3, 2, 1)", R(1, 2, 2), R(3, 2, 1))
def matmul_broadcast(x, y):
    return np.sum(np.sin(np.matmul(x, y)) * np.arange(3)[:, None, None])


@entry(SYSTEMATIC, "x @ y", "operator, (2, 3) @ (3, 4)", R(2, 3), R(3, 4))
def matmul_operator(x, y):
    return np.sum(np.sin(x @ y) * np.arange(4))


@entry(SYSTEMATIC, "np.tensordot", "axes=((1,), (0,)), (2, 3, 2) with (3, 4, 2)", R(2, 3, 2), R(3, 4, 2))
def tensordot_pairs(x, y):
    return np.sum(np.sin(np.tensordot(x, y, axes=((1,), (0,)))) * np.arange(2))


@entry(SYSTEMATIC, "np.tensordot", "axes=[(0,), (1,)], (3, 4, 2) with (2, 3, 2)", R(3, 4, 2), R(2, 3, 2))
def tensordot_pairs_list(x, y):
    return np.sum(np.sin(np.tensordot(x, y, axes=[(0,), (1,)])) * np.arange(2))


@entry(SYSTEMATIC, "np.tensordot", "axes=((1, 0), (2, 1)), (2, 3) with (1, 2, 3)", R(2, 3), R(1, 2, 3))
def tensordot_two_pairs(x, y):
    return np.sum(np.sin(np.tensordot(x, y, axes=((1, 0), (2, 1)))))


@entry(SYSTEMATIC, "np.tensordot", "axes=1, (4, 2, 2) with (2, 2, 4)", R(4, 2, 2), R(2, 2, 4))
def tensordot_axes1(x, y):
    return np.sum(np.sin(np.tensordot(x, y, axes=1)) * np.arange(4))


@entry(SYSTEMATIC, "np.tensordot", "axes=2, (4, 2, 2) with (2, 2, 4)", R(4, 2, 2), R(2, 2, 4))
def tensordot_axes2(x, y):
    return np.sum(np.sin(np.tensordot(x, y, axes=2)) * np.arange(4))


@entry(SYSTEMATIC, "np.tensordot", "axes=0, (4,) with a float", R(4), R())
def tensordot_axes0(x, y):
    return np.sum(np.sin(np.tensordot(x, y, axes=0)) * np.arange(4))


@entry(SYSTEMATIC, "np.tensordot", "axes=[[-1], [0]], (2, 6) with (6, 3)", R(2, 6), R(6, 3))
def tensordot_negative_axis(x, y):
    return np.sum(np.sin(np.tensordot(x, y, axes=[[-1], [0]])) * np.arange(3))


@entry(SYSTEMATIC, "np.tensordot", "axes=[-1, 0] (one axis each)", R(2, 6), R(6, 3))
def tensordot_int_pair(x, y):
    return np.sum(np.sin(np.tensordot(x, y, axes=[-1, 0])) * np.arange(3))


@entry(SYSTEMATIC, "np.tensordot", "axes=[0, 1], (2,) with (2, 2)", R(2), R(2, 2))
def tensordot_0_1(x, y):
    return np.sum(np.sin(np.tensordot(x, y, axes=[0, 1])) * np.arange(2))


@entry(SYSTEMATIC, "np.maximum", "(3, 4) with (3, 4)", R(3, 4), R(3, 4))
def maximum_same_shape(x, y):
    return np.sum(np.sin(np.maximum(x, y)))


@entry(SYSTEMATIC, "np.maximum", "(3, 4) with (1, 4)", R(3, 4), R(1, 4))
def maximum_broadcast(x, y):
    return np.sum(np.sin(np.maximum(x, y)))


@entry(SYSTEMATIC, "np.fmax", "(3, 4) with (1,)", R(3, 4), R(1))
def fmax_broadcast(x, y):
    return np.sum(np.sin(np.fmax(x, y)))


@entry(SYSTEMATIC, "np.minimum", "(1, 4) with (3, 4)", R(1, 4), R(3, 4))
def minimum_broadcast(x, y):
    return np.sum(np.sin(np.minimum(x, y)))


@entry(SYSTEMATIC, "np.fmin", "(3, 4) with (3, 4)", R(3, 4), R(3, 4))
def fmin_same_shape(x, y):
    return np.sum(np.sin(np.fmin(x, y)))


@entry(SYSTEMATIC, "np.sort", "(7,)", R(7))
def sort_vector(x):
    return np.sum(np.sin(np.sort(x)) * np.arange(7))


@entry(SYSTEMATIC, "np.sort", "(1,)", R(1))
def sort_single(x):
    return np.sum(np.sin(np.sort(x)))


@entry(SYSTEMATIC, "np.partition", "kth=3, (7,)", R(7))
def partition_kth3(x):
    return np.sum(np.sin(np.partition(x, kth=3)[:4]) * np.arange(4)) + np.sum(np.partition(x, 3)[4:])


@entry(SYSTEMATIC, "np.atleast_1d", "a float", R())
def atleast_1d_float(x):
    return np.sum(np.sin(np.atleast_1d(x)))


@entry(SYSTEMATIC, "np.atleast_1d", "(2, 4)", R(2, 4))
def atleast_1d_matrix(x):
    return np.sum(np.sin(np.atleast_1d(x)) * np.arange(4))


@entry(SYSTEMATIC, "np.atleast_2d", "(7,)", R(7))
def atleast_2d_vector(x):
    return np.sum(np.sin(np.atleast_2d(x)) * np.arange(7))


@entry(SYSTEMATIC, "np.atleast_2d", "a float", R())
def atleast_2d_float(x):
    return np.sum(np.sin(np.atleast_2d(x)))


@entry(SYSTEMATIC, "np.atleast_3d", "(2, 4)", R(2, 4))
def atleast_3d_matrix(x):
    return np.sum(np.sin(np.atleast_3d(x)) * np.arange(4)[:, None])


@entry(SYSTEMATIC, "np.atleast_3d", "(7,)", R(7))
def atleast_3d_vector(x):
    return np.sum(np.sin(np.atleast_3d(x)) * np.arange(7)[:, None])


@entry(SYSTEMATIC, "np.einsum", "'ij->ji'", R(3, 4))
def einsum_transpose(x):
    return np.sum(np.sin(np.einsum("ij->ji", x)) * np.arange(3))


@entry(SYSTEMATIC, "np.einsum", "'ij,jk->ik'", R(2, 3), R(3, 4))
def einsum_matmul(x, y):
    return np.sum(np.sin(np.einsum("ij,jk->ik", x, y)) * np.arange(4))


@entry(SYSTEMATIC, "np.einsum", "'...ij,...jk->...ik', (2, 2, 3), (2, 3, 4)", R(2, 2, 3), R(2, 3, 4))
def einsum_batched_matmul(x, y):
    return np.sum(np.sin(np.einsum("...ij,...jk->...ik", x, y)) * np.arange(4))


@entry(SYSTEMATIC, "np.einsum", "'...ij,...jk->...ik', broadcast (2, 3), (2, 3, 4)", R(2, 3), R(2, 3, 4))
def einsum_broadcast_matmul(x, y):
    return np.sum(np.sin(np.einsum("...ij,...jk->...ik", x, y)) * np.arange(4))


@entry(SYSTEMATIC, "np.einsum", "'...ij,...jk->...ik', empty batch (0, 2, 3)", R(0, 2, 3), R(0, 3, 4))
def einsum_empty_batch(x, y):
    return np.sum(np.sin(np.einsum("...ij,...jk->...ik", x, y))) + 0.0


@entry(SYSTEMATIC, "np.einsum", "'ijk,lji->lki'", R(3, 4, 4), R(4, 4, 3))
def einsum_covsum(x, y):
    return np.sum(np.sin(np.einsum("ijk,lji->lki", x, y)) * np.arange(3))


@entry(SYSTEMATIC, "np.einsum", "'...jk,...lj->...lk'", R(3, 4, 4), R(3, 4, 4))
def einsum_ellipsis(x, y):
    return np.sum(np.sin(np.einsum("...jk,...lj->...lk", x, y)) * np.arange(4))


@entry(SYSTEMATIC, "np.einsum", "'...,...->...'", R(3, 4), R(4))
def einsum_ellipsis_product(x, y):
    return np.sum(np.sin(np.einsum("...,...->...", x, y)))


@entry(SYSTEMATIC, "np.einsum", "'jk...,lj...->lk...' (ellipsis last)", R(3, 2, 4), R(2, 3, 4))
def einsum_ellipsis_tail(x, y):
    return np.sum(np.sin(np.einsum("jk...,lj...->lk...", x, y)) * np.arange(4))


@entry(SYSTEMATIC, "np.einsum", "'j...k,lj...->lk...' (ellipsis inside)", R(2, 2, 2), R(2, 2, 2))
def einsum_ellipsis_center(x, y):
    return np.sum(np.sin(np.einsum("j...k,lj...->lk...", x, y)) * np.arange(2))


@entry(SYSTEMATIC, "np.einsum", "'ijk,lji,lli->lki' (three operands)", R(3, 4, 4), R(4, 4, 3), R(4, 4, 3))
def einsum_three(x, y, z):
    return np.sum(np.sin(np.einsum("ijk,lji,lli->lki", x, y, z)) * np.arange(3))


@entry(SYSTEMATIC, "np.einsum", "sublists x, [0, 1], [1, 0]", R(3, 4))
def einsum_sublist_transpose(x):
    return np.sum(np.sin(np.einsum(x, [0, 1], [1, 0])) * np.arange(3))


@entry(SYSTEMATIC, "np.einsum", "sublists x, [0, 1], y, [1, 2], [0, 2]", R(2, 3), R(3, 4))
def einsum_sublist_matmul(x, y):
    return np.sum(np.sin(np.einsum(x, [0, 1], y, [1, 2], [0, 2])) * np.arange(4))


@entry(SYSTEMATIC, "np.einsum", "sublists with Ellipsis", R(2, 2, 3), R(2, 3, 4))
def einsum_sublist_ellipsis(x, y):
    return np.sum(
        np.sin(np.einsum(x, [Ellipsis, 0, 1], y, [Ellipsis, 1, 2], [Ellipsis, 0, 2])) * np.arange(4)
    )


@entry(SYSTEMATIC, "np.einsum", "'k,nk->' (a full sum)", R(5), R(4, 5))
def einsum_full_sum(x, y):
    return np.sin(np.einsum("k,nk->", x, y))


@entry(SYSTEMATIC, "np.einsum", "'abcd->bd'", R(3, 2, 3, 2))
def einsum_partial_sum(x):
    return np.sum(np.sin(np.einsum("abcd->bd", x)) * np.arange(2))


@entry(SYSTEMATIC, "np.einsum", "'...k,...nk->...'", R(3, 5), R(3, 4, 5))
def einsum_ellipsis_sum(x, y):
    return np.sum(np.sin(np.einsum("...k,...nk->...", x, y)) * COEFFS)


@entry(SYSTEMATIC, "np.einsum", "'ij,k' (no output given)", R(3, 4), R(3))
def einsum_implicit(x, y):
    return np.sum(np.sin(np.einsum("ij,k", x, y)) * np.arange(3))


@entry(SYSTEMATIC, "np.trace", "offset=-1, (5, 5)", R(5, 5))
def trace_minus1(x):
    return np.sin(np.trace(x, offset=-1))


@entry(SYSTEMATIC, "np.trace", "(4, 5)", R(4, 5))
def trace_wide(x):
    return np.sin(np.trace(x))


@entry(SYSTEMATIC, "np.trace", "offset=1, (3, 4, 5)", R(3, 4, 5))
def trace_3d(x):
    return np.sum(np.sin(np.trace(x, offset=1)) * W5)


@entry(SYSTEMATIC, "np.diag", "k=-1, of (5, 5)", R(5, 5))
def diag_extract_k(x):
    return np.sum(np.sin(np.diag(x, k=-1)) * Z4)


@entry(SYSTEMATIC, "np.diag", "k=1, of (5,): builds a matrix", R(5))
def diag_build_k(x):
    return np.sum(np.sin(np.diag(x, k=1)) * np.arange(6))


@entry(SYSTEMATIC, "np.diag", "of (5,): builds a matrix", R(5))
def diag_build(x):
    return np.sum(np.sin(np.diag(x)) * H5)


@entry(SYSTEMATIC, "np.tril", "k=-1, (5, 5)", R(5, 5))
def tril_minus1(x):
    return np.sum(np.sin(np.tril(x, k=-1)) * H5)


@entry(SYSTEMATIC, "np.triu", "k=1, (5, 5)", R(5, 5))
def triu_1(x):
    return np.sum(np.sin(np.triu(x, k=1)) * H5)


@entry(SYSTEMATIC, "np.tril", "(5, 5, 4)", R(5, 5, 4))
def tril_3d(x):
    return np.sum(np.sin(np.tril(x)) * Z4)


@entry(SYSTEMATIC, "np.triu", "k=-1, (5, 5, 4)", R(5, 5, 4))
def triu_3d(x):
    return np.sum(np.sin(np.triu(x, k=-1)) * Z4)


@entry(SYSTEMATIC, "np.swapaxes", "axis1=0, axis2=2", R(3, 4, 5))
def swapaxes_0_2(x):
    return np.sum(np.sin(np.swapaxes(x, axis1=0, axis2=2)) * COEFFS)


@entry(SYSTEMATIC, "np.swapaxes", "1, 1 (no change)", R(3, 4, 5))
def swapaxes_same(x):
    return np.sum(np.sin(np.swapaxes(x, 1, 1)) * W5)


@entry(SYSTEMATIC, "np.rollaxis", "axis=2, start=0", R(2, 3, 4))
def rollaxis_2_0(x):
    return np.sum(np.sin(np.rollaxis(x, axis=2, start=0)) * COEFFS)


@entry(SYSTEMATIC, "np.rollaxis", "axis=0, start=2", R(2, 3, 4))
def rollaxis_0_2(x):
    return np.sum(np.sin(np.rollaxis(x, 0, 2)) * np.arange(4))


@entry(SYSTEMATIC, "np.cross", "(3, 3) with (3, 3)", R(3, 3), R(3, 3))
def cross_default(x, y):
    return np.sum(np.sin(np.cross(x, y)) * COEFFS)


@entry(SYSTEMATIC, "np.cross", "axisa=0, axisb=1, axisc=0", R(3, 3), R(3, 3))
def cross_axes(x, y):
    return np.sum(np.sin(np.cross(x, y, axisa=0, axisb=1, axisc=0)) * COEFFS)


@entry(SYSTEMATIC, "np.cross", "axis=0", R(3, 3), R(3, 3))
def cross_axis0(x, y):
    return np.sum(np.sin(np.cross(x, y, axis=0)) * COEFFS)


@entry(SYSTEMATIC, "np.vsplit", "2 sections, (4, 4)", R(4, 4))
def vsplit_sections(x):
    a, b = np.vsplit(x, 2)
    return np.sum(np.sin(a)) + 2.0 * np.sum(np.sin(b))


@entry(SYSTEMATIC, "np.vsplit", "at [1, 2], (4, 4, 4)", R(4, 4, 4))
def vsplit_indices(x):
    a, b, c = np.vsplit(x, [1, 2])
    return np.sum(np.sin(a)) + 2.0 * np.sum(np.sin(c))


@entry(SYSTEMATIC, "np.hsplit", "4 sections, (4, 8)", R(4, 8))
def hsplit_sections(x):
    parts = np.hsplit(x, 4)
    return np.sum(np.sin(parts[0])) + 2.0 * np.sum(np.sin(parts[3]))


@entry(SYSTEMATIC, "np.hsplit", "at [1, 2], (4, 4, 4)", R(4, 4, 4))
def hsplit_indices(x):
    a, b, c = np.hsplit(x, [1, 2])
    return np.sum(np.sin(b)) + 2.0 * np.sum(np.sin(c))


@entry(SYSTEMATIC, "np.dsplit", "2 sections, (4, 4, 4)", R(4, 4, 4))
def dsplit_sections(x):
    a, b = np.dsplit(x, 2)
    return np.sum(np.sin(a)) + 2.0 * np.sum(np.sin(b))


@entry(SYSTEMATIC, "np.split", "1 section, axis=0, (7,)", R(7))
def split_one(x):
    (a,) = np.split(x, 1, axis=0)
    return np.sum(np.sin(a) * np.arange(7))


@entry(SYSTEMATIC, "np.split", "at [1, 2], axis=1, (4, 8)", R(4, 8))
def split_indices_axis1(x):
    a, b, c = np.split(x, [1, 2], axis=1)
    return np.sum(np.sin(a)) + 2.0 * np.sum(np.sin(c))


@entry(SYSTEMATIC, "np.split", "2 sections, axis=2, (4, 4, 4)", R(4, 4, 4))
def split_axis2(x):
    a, b = np.split(x, 2, axis=2)
    return np.sum(np.sin(a)) + 2.0 * np.sum(np.sin(b))


@entry(SYSTEMATIC, "np.array_split", "3 uneven sections, (7,)", R(7))
def array_split_uneven(x):
    a, b, c = np.array_split(x, 3)
    return np.sum(np.sin(a)) + 2.0 * np.sum(np.sin(b)) + 3.0 * np.sum(np.sin(c))


@entry(SYSTEMATIC, "np.array_split", "at [3, 5], axis=1, (7, 7)", R(7, 7))
def array_split_indices(x):
    a, b, c = np.array_split(x, [3, 5], axis=1)
    return np.sum(np.sin(a)) + 2.0 * np.sum(np.sin(c))


@entry(SYSTEMATIC, "np.array_split", "4 sections, axis=2, (3, 3, 7)", R(3, 3, 7))
def array_split_axis2(x):
    parts = np.array_split(x, 4, axis=2)
    return np.sum(np.sin(parts[0])) + 2.0 * np.sum(np.sin(parts[3]))


@entry(SYSTEMATIC, "np.concatenate", "a list [x, y], (1,) and (3,)", R(1), R(3))
def concatenate_list(x, y):
    return np.sum(np.sin(np.concatenate([x, y], axis=0)) * np.arange(4))


@entry(SYSTEMATIC, "np.concatenate", "(x, y), axis=1, (2, 2)", R(2, 2), R(2, 2))
def concatenate_2d_axis1(x, y):
    return np.sum(np.sin(np.concatenate((x, y), axis=1)) * np.arange(4))


@entry(SYSTEMATIC, "np.concatenate", "(x, y), axis=2, (2, 2, 2)", R(2, 2, 2), R(2, 2, 2))
def concatenate_3d_axis2(x, y):
    return np.sum(np.sin(np.concatenate((x, y), axis=2)) * np.arange(4))


@entry(SYSTEMATIC, "np.vstack", "(2,) alone", R(2))
def vstack_single(x):
    return np.sum(np.sin(np.vstack(x)) * np.arange(2)[:, None])


@entry(SYSTEMATIC, "np.vstack", "(x, y) of (2,)", R(2), R(2))
def vstack_vectors(x, y):
    return np.sum(np.sin(np.vstack((x, y))) * np.arange(2)[:, None])


@entry(SYSTEMATIC, "np.vstack", "(x, y) of (2, 4) and (1, 4)", R(2, 4), R(1, 4))
def vstack_matrices(x, y):
    return np.sum(np.sin(np.vstack((x, y))) * np.arange(3)[:, None])


@entry(SYSTEMATIC, "np.vstack", "(x, y) of (2, 3, 4) and (1, 3, 4)", R(2, 3, 4), R(1, 3, 4))
def vstack_3d(x, y):
    return np.sum(np.sin(np.vstack((x, y))) * np.arange(4))


@entry(SYSTEMATIC, "np.hstack", "(x, y) of (2,)", R(2), R(2))
def hstack_vectors(x, y):
    return np.sum(np.sin(np.hstack((x, y))) * np.arange(4))


@entry(SYSTEMATIC, "np.hstack", "(x, y) of (3, 4) and (3, 5)", R(3, 4), R(3, 5))
def hstack_matrices(x, y):
    return np.sum(np.sin(np.hstack((x, y))) * np.arange(9))


@entry(SYSTEMATIC, "np.hstack", "(x, y) of (2, 1, 4) and (2, 5, 4)", R(2, 1, 4), R(2, 5, 4))
def hstack_3d(x, y):
    return np.sum(np.sin(np.hstack((x, y))) * np.arange(4))


@entry(SYSTEMATIC, "np.stack", "(x,), axis=0", R(2))
def stack_single(x):
    return np.sum(np.sin(np.stack((x,), axis=0)) * np.arange(2))


@entry(SYSTEMATIC, "np.stack", "(x, y), axis=1", R(2), R(2))
def stack_axis1(x, y):
    return np.sum(np.sin(np.stack((x, y), axis=1)) * np.arange(2))


@entry(SYSTEMATIC, "np.row_stack", "(x, y) of (2, 4) and (1, 4)", R(2, 4), R(1, 4))
def row_stack_matrices(x, y):
    return np.sum(np.sin(np.row_stack((x, y))) * np.arange(3)[:, None])


@entry(SYSTEMATIC, "np.column_stack", "(x, y) of (2,)", R(2), R(2))
def column_stack_vectors(x, y):
    return np.sum(np.sin(np.column_stack((x, y))) * np.arange(2))


@entry(SYSTEMATIC, "np.column_stack", "(x, y) of (2, 2)", R(2, 2), R(2, 2))
def column_stack_matrices(x, y):
    return np.sum(np.sin(np.column_stack((x, y))) * np.arange(4))


@entry(SYSTEMATIC, "np.select", "three masks, default=1.1", R(3, 4), R(3, 4))
def select_masks(x, y):
    return np.sum(np.sin(np.select(MASKS, [x, 2.0 * y, x * y], default=1.1)))


@entry(SYSTEMATIC, "np.pad", "3, 'constant'", R(2, 2))
def pad_int(x):
    return np.sum(np.sin(np.pad(x, 3, "constant") + 0.5) * np.arange(8))


@entry(SYSTEMATIC, "np.pad", "0, 'constant'", R(2, 2))
def pad_zero(x):
    return np.sum(np.sin(np.pad(x, 0, "constant")) * np.arange(2))


@entry(SYSTEMATIC, "np.pad", "(3, 2), 'constant'", R(2, 2))
def pad_pair(x):
    return np.sum(np.sin(np.pad(x, (3, 2), "constant") + 0.5) * np.arange(7))


@entry(SYSTEMATIC, "np.pad", "((1, 2), (3, 4)), 'constant'", R(2, 2))
def pad_per_axis(x):
    return np.sum(np.sin(np.pad(x, ((1, 2), (3, 4)), "constant") + 0.5) * np.arange(9))


@entry(SYSTEMATIC, "np.pad", "((3, 2),), default mode", R(2, 2))
def pad_nested_pair(x):
    return np.sum(np.sin(np.pad(x, ((3, 2),)) + 0.5) * np.arange(7))


# ======================================================================================
# tests/test_linalg.py (autograd checks these in reverse mode only, except norm)

LINALG = "test_linalg.py"


@entry(LINALG, "np.linalg.inv", "(4, 4)", WELL(4, 4))
def inv_matrix(x):
    return np.sum(np.sin(np.linalg.inv(x)) * W44)


@entry(LINALG, "np.linalg.inv", "stacked (2, 3, 3)", WELL(2, 3, 3))
def inv_stacked(x):
    return np.sum(np.sin(np.linalg.inv(x)) * COEFFS)


@entry(LINALG, "np.linalg.inv", "stacked (2, 2, 3, 3)", WELL(2, 2, 3, 3))
def inv_stacked_4d(x):
    return np.sum(np.sin(np.linalg.inv(x)) * COEFFS)


@entry(LINALG, "np.linalg.pinv", "tall (4, 3)", R(4, 3))
def pinv_tall(x):
    return np.sum(np.sin(np.linalg.pinv(x)) * np.arange(4))


@entry(LINALG, "np.linalg.pinv", "wide (3, 4)", R(3, 4))
def pinv_wide(x):
    return np.sum(np.sin(np.linalg.pinv(x)) * COEFFS)


@entry(LINALG, "np.linalg.pinv", "stacked (2, 4, 3)", R(2, 4, 3))
def pinv_stacked(x):
    return np.sum(np.sin(np.linalg.pinv(x)) * np.arange(4))


@entry(LINALG, "np.linalg.pinv", "of x.T @ x, rank 3 of 4", R(3, 4))
def pinv_low_rank(x):
    return np.sum(np.sin(np.linalg.pinv(x.T @ x)) * W44)


@entry(LINALG, "np.linalg.solve", "wrt a, b (4, 3) constant", WELL(4, 4))
def solve_wrt_a(a):
    return np.sum(np.sin(np.linalg.solve(a, B43)))


@entry(LINALG, "np.linalg.solve", "wrt a, b (4,) constant", WELL(4, 4))
def solve_wrt_a_vector(a):
    return np.sum(np.sin(np.linalg.solve(a, B4)))


@entry(LINALG, "np.linalg.solve", "wrt b (4, 3), a constant", R(4, 3))
def solve_wrt_b(b):
    return np.sum(np.sin(np.linalg.solve(A44, b)))


@entry(LINALG, "np.linalg.solve", "wrt both, (4, 4) and (4,)", WELL(4, 4), R(4))
def solve_both(a, b):
    return np.sum(np.sin(np.linalg.solve(a, b)))


@entry(LINALG, "np.linalg.solve", "stacked a (5, 4, 4), b[..., None]", WELL(5, 4, 4))
def solve_stacked_vector(a):
    return np.sum(np.sin(np.linalg.solve(a, B543[..., None])[..., 0]))


@entry(LINALG, "np.linalg.solve", "stacked a (5, 4, 4), b (5, 4, 6)", WELL(5, 4, 4))
def solve_stacked_matrix(a):
    return np.sum(np.sin(np.linalg.solve(a, B546)))


@entry(LINALG, "np.linalg.det", "(4, 4)", R(4, 4))
def det_matrix(x):
    return np.linalg.det(x)


@entry(LINALG, "np.linalg.det", "stacked (3, 3, 3)", R(3, 3, 3))
def det_stacked(x):
    return np.sum(np.sin(np.linalg.det(x)))


@entry(LINALG, "np.linalg.slogdet", "sign, logdet = ..., (4, 4)", R(4, 4))
def slogdet_matrix(x):
    sign, logdet = np.linalg.slogdet(x)
    return logdet


@entry(LINALG, "np.linalg.slogdet", "[1] of a stack (3, 4, 4)", SPD(3, 4, 4))
def slogdet_stacked(x):
    return np.sum(np.linalg.slogdet(x)[1])


@entry(LINALG, "np.linalg.norm", "vector, (6,)", R(6))
def norm_vector(x):
    return np.linalg.norm(x)


@entry(LINALG, "np.linalg.norm", "Frobenius, (4, 3)", R(4, 3))
def norm_frobenius(x):
    return np.linalg.norm(x)


@entry(LINALG, "np.linalg.norm", "Frobenius, axis=(0, 1), (4, 3, 2)", R(4, 3, 2))
def norm_frobenius_axes(x):
    return np.sum(np.sin(np.linalg.norm(x, axis=(0, 1))))


@entry(LINALG, "np.linalg.norm", "ord=2, (6,)", R(6))
def norm_ord2(x):
    return np.linalg.norm(x, ord=2)


@entry(LINALG, "np.linalg.norm", "ord=3, (6,)", R(6))
def norm_ord3(x):
    return np.linalg.norm(x, ord=3)


@entry(LINALG, "np.linalg.norm", "ord=4, (6,)", R(6))
def norm_ord4(x):
    return np.linalg.norm(x, ord=4)


@entry(LINALG, "np.linalg.norm", "axis=0, (4, 3, 2)", R(4, 3, 2))
def norm_axis0(x):
    return np.sum(np.sin(np.linalg.norm(x, axis=0)) * np.arange(2))


@entry(LINALG, "np.linalg.norm", "axis=2, (4, 3, 2)", R(4, 3, 2))
def norm_axis2(x):
    return np.sum(np.sin(np.linalg.norm(x, axis=2)) * COEFFS)


@entry(LINALG, "np.linalg.norm", "ord='nuc', (4, 3)", R(4, 3))
def norm_nuclear(x):
    return np.linalg.norm(x, ord="nuc")


@entry(LINALG, "np.linalg.norm", "ord='nuc', axis=(0, 1), (4, 3, 2)", R(4, 3, 2))
def norm_nuclear_axes(x):
    return np.sum(np.sin(np.linalg.norm(x, ord="nuc", axis=(0, 1))))


@entry(LINALG, "np.linalg.norm", "a list of floats", V(0.0))
def norm_list(x):
    return np.linalg.norm([x, x + 2.0])


@entry(LINALG, "np.linalg.eigh", "of (x + x.T) / 2, (4, 4)", SPD(4, 4))
def eigh_symmetrized(x):
    w, v = np.linalg.eigh((x + x.T) / 2)
    return np.sum(np.sin(w)) + np.sum(np.sin(v**2) * W44)


@entry(LINALG, "np.linalg.eigh", "of x: the lower triangle, (4, 4)", SPD(4, 4))
def eigh_lower(x):
    w, v = np.linalg.eigh(x)
    return np.sum(np.sin(w)) + np.sum(np.sin(v**2) * W44)


@entry(LINALG, "np.linalg.eigh", "UPLO 'U': the upper triangle", SPD(4, 4))
def eigh_upper(x):
    w, v = np.linalg.eigh(x, "U")
    return np.sum(np.sin(w)) + np.sum(np.sin(v**2) * W44)


@entry(LINALG, "np.linalg.eigh", "stacked (2, 4, 4)", SPD(2, 4, 4))
def eigh_stacked(x):
    w, v = np.linalg.eigh(x)
    return np.sum(np.sin(w)) + np.sum(np.sin(v**2) * W44)


@entry(
    LINALG,
    "np.linalg.eig",
    "real eigenvalues, (4, 4)",
    lambda rng: np.diag([1.0, 2.0, 3.0, 4.0]) + 0.1 * rng.normal(size=(4, 4)),
)
def eig_real(x):
    w, v = np.linalg.eig(x)
    return np.sum(np.sin(w)) + np.sum(np.sin(v**2) * W44)


@entry(LINALG, "np.linalg.cholesky", "of (x + x.T) / 2, (4, 4)", SPD(4, 4))
def cholesky_symmetrized(x):
    return np.sum(np.sin(np.linalg.cholesky((x + x.T) / 2)) * W44)


@entry(LINALG, "np.linalg.cholesky", "stacked (3, 4, 4)", SPD(3, 4, 4))
def cholesky_stacked(x):
    return np.sum(np.sin(np.linalg.cholesky((x + np.swapaxes(x, -1, -2)) / 2)) * W44)


@entry(LINALG, "np.linalg.cholesky", "reparameterisation: norm(L @ z)", SPD(4, 4))
def cholesky_reparameterised(x):
    z = np.dot(np.linalg.cholesky((x + x.T) / 2), Z4)
    return np.linalg.norm(z)


@entry(LINALG, "np.linalg.svd", "full_matrices=False, wide (3, 4)", R(3, 4))
def svd_wide(x):
    u, s, vt = np.linalg.svd(x, full_matrices=False)
    return np.sum(np.sin(s)) + np.sum(np.sin(u**2)) + np.sum(np.cos(vt**2) * np.arange(4))


@entry(LINALG, "np.linalg.svd", "full_matrices=False, tall (4, 3)", R(4, 3))
def svd_tall(x):
    u, s, vt = np.linalg.svd(x, full_matrices=False)
    return np.sum(np.sin(s)) + np.sum(np.sin(u**2) * COEFFS) + np.sum(np.cos(vt**2))


@entry(LINALG, "np.linalg.svd", "full_matrices=False, square (3, 3)", R(3, 3))
def svd_square(x):
    u, s, vt = np.linalg.svd(x, full_matrices=False)
    return np.sum(np.sin(s)) + np.sum(np.sin(u**2) * COEFFS) + np.sum(np.cos(vt**2))


@entry(LINALG, "np.linalg.svd", "full_matrices=False, stacked (2, 3, 4)", R(2, 3, 4))
def svd_stacked(x):
    u, s, vt = np.linalg.svd(x, full_matrices=False)
    return np.sum(np.sin(s)) + np.sum(np.sin(u**2)) + np.sum(np.cos(vt**2) * np.arange(4))


@entry(LINALG, "np.linalg.svd", "compute_uv=False, (4, 3)", R(4, 3))
def svd_values(x):
    return np.sum(np.sin(np.linalg.svd(x, full_matrices=False, compute_uv=False)))


@entry(LINALG, "np.linalg.svd", "compute_uv=False, stacked (2, 4, 3)", R(2, 4, 3))
def svd_values_stacked(x):
    return np.sum(np.sin(np.linalg.svd(x, compute_uv=False)) * COEFFS)


# ======================================================================================
# tests/test_scipy.py: scipy.stats, scipy.special, scipy.signal, scipy.integrate,
# scipy.linalg (autograd checks these in reverse mode only, except logsumexp)

SCIPY = "test_scipy.py"
POS = "U(1.1, 3.0, 4)"


@entry(SCIPY, "scipy.stats.chi2.pdf", "wrt x, df=1", U(1.1, 3.0, 4))
def chi2_pdf_df1(x):
    return np.sum(scipy.stats.chi2.pdf(x, 1))


@entry(SCIPY, "scipy.stats.chi2.cdf", "wrt x, df=1", U(1.1, 3.0, 4))
def chi2_cdf_df1(x):
    return np.sum(scipy.stats.chi2.cdf(x, 1))


@entry(SCIPY, "scipy.stats.chi2.logpdf", "wrt x, df=1", U(1.1, 3.0, 4))
def chi2_logpdf_df1(x):
    return np.sum(scipy.stats.chi2.logpdf(x, 1))


@entry(SCIPY, "scipy.stats.chi2.pdf", "wrt x, df=3", U(1.1, 3.0, 4))
def chi2_pdf_df3(x):
    return np.sum(scipy.stats.chi2.pdf(x, 3))


@entry(SCIPY, "scipy.stats.chi2.cdf", "wrt x, df=3", U(1.1, 3.0, 4))
def chi2_cdf_df3(x):
    return np.sum(scipy.stats.chi2.cdf(x, 3))


@entry(SCIPY, "scipy.stats.chi2.logpdf", "wrt x, df=3", U(1.1, 3.0, 4))
def chi2_logpdf_df3(x):
    return np.sum(scipy.stats.chi2.logpdf(x, 3))


@entry(SCIPY, "scipy.stats.beta.cdf", "wrt x, a and b constant", U(0.1, 0.9, 4))
def beta_cdf(x):
    return np.sum(scipy.stats.beta.cdf(x, 2.5, 1.7))


@entry(SCIPY, "scipy.stats.beta.pdf", "wrt x, a, b", U(0.1, 0.9, 4), U(1.1, 3.0, 4), U(1.1, 3.0, 4))
def beta_pdf(x, a, b):
    return np.sum(scipy.stats.beta.pdf(x, a, b))


@entry(SCIPY, "scipy.stats.beta.logpdf", "wrt x, a, b", U(0.1, 0.9, 4), U(1.1, 3.0, 4), U(1.1, 3.0, 4))
def beta_logpdf(x, a, b):
    return np.sum(scipy.stats.beta.logpdf(x, a, b))


@entry(SCIPY, "scipy.stats.gamma.cdf", "wrt x, a constant", U(1.1, 3.0, 4))
def gamma_cdf(x):
    return np.sum(scipy.stats.gamma.cdf(x, 2.3))


@entry(SCIPY, "scipy.stats.gamma.pdf", "wrt x, a", U(1.1, 3.0, 4), U(1.1, 3.0, 4))
def gamma_pdf(x, a):
    return np.sum(scipy.stats.gamma.pdf(x, a))


@entry(SCIPY, "scipy.stats.gamma.logpdf", "wrt x, a", U(1.1, 3.0, 4), U(1.1, 3.0, 4))
def gamma_logpdf(x, a):
    return np.sum(scipy.stats.gamma.logpdf(x, a))


@entry(SCIPY, "scipy.stats.norm.pdf", "wrt x, loc, scale, (4,)", R(4), R(4), U(1.1, 3.0, 4))
def norm_pdf(x, loc, scale):
    return np.sum(scipy.stats.norm.pdf(x, loc, scale))


@entry(SCIPY, "scipy.stats.norm.pdf", "broadcast (4, 3), (1, 3), (4, 1)", R(4, 3), R(1, 3), U(1.1, 3.0, 4, 1))
def norm_pdf_broadcast(x, loc, scale):
    return np.sum(scipy.stats.norm.pdf(x, loc, scale))


@entry(SCIPY, "scipy.stats.norm.cdf", "wrt x, loc, scale, (4,)", R(4), R(4), U(1.1, 3.0, 4))
def norm_cdf(x, loc, scale):
    return np.sum(scipy.stats.norm.cdf(x, loc, scale))


@entry(SCIPY, "scipy.stats.norm.cdf", "broadcast (4, 3), (1, 3), (4, 1)", R(4, 3), R(1, 3), U(1.1, 3.0, 4, 1))
def norm_cdf_broadcast(x, loc, scale):
    return np.sum(scipy.stats.norm.cdf(x, loc, scale))


@entry(SCIPY, "scipy.stats.norm.sf", "wrt x, loc, scale, (4,)", R(4), R(4), U(1.1, 3.0, 4))
def norm_sf(x, loc, scale):
    return np.sum(scipy.stats.norm.sf(x, loc, scale))


@entry(SCIPY, "scipy.stats.norm.sf", "broadcast (4, 3), (1, 3), (4, 1)", R(4, 3), R(1, 3), U(1.1, 3.0, 4, 1))
def norm_sf_broadcast(x, loc, scale):
    return np.sum(scipy.stats.norm.sf(x, loc, scale))


@entry(SCIPY, "scipy.stats.norm.logpdf", "wrt x, loc, scale, (4,)", R(4), R(4), U(1.1, 3.0, 4))
def norm_logpdf(x, loc, scale):
    return np.sum(scipy.stats.norm.logpdf(x, loc, scale))


@entry(
    SCIPY, "scipy.stats.norm.logpdf", "broadcast (4, 3), (1, 3), (4, 1)", R(4, 3), R(1, 3), U(1.1, 3.0, 4, 1)
)
def norm_logpdf_broadcast(x, loc, scale):
    return np.sum(scipy.stats.norm.logpdf(x, loc, scale))


@entry(SCIPY, "scipy.stats.norm.logcdf", "wrt x, loc, scale, (4,)", R(4), R(4), U(1.1, 3.0, 4))
def norm_logcdf(x, loc, scale):
    return np.sum(scipy.stats.norm.logcdf(x, loc, scale))


@entry(
    SCIPY, "scipy.stats.norm.logcdf", "broadcast (4, 3), (1, 3), (4, 1)", R(4, 3), R(1, 3), U(1.1, 3.0, 4, 1)
)
def norm_logcdf_broadcast(x, loc, scale):
    return np.sum(scipy.stats.norm.logcdf(x, loc, scale))


@entry(SCIPY, "scipy.stats.norm.logsf", "wrt x, loc, scale, (4,)", R(4), R(4), U(1.1, 3.0, 4))
def norm_logsf(x, loc, scale):
    return np.sum(scipy.stats.norm.logsf(x, loc, scale))


@entry(
    SCIPY, "scipy.stats.norm.logsf", "broadcast (4, 3), (1, 3), (4, 1)", R(4, 3), R(1, 3), U(1.1, 3.0, 4, 1)
)
def norm_logsf_broadcast(x, loc, scale):
    return np.sum(scipy.stats.norm.logsf(x, loc, scale))


@entry(SCIPY, "scipy.stats.norm.logpdf", "loc=, scale= by keyword", R(4), R(), U(1.1, 3.0))
def norm_logpdf_keywords(x, mu, sigma):
    return np.sum(scipy.stats.norm.logpdf(x, loc=mu, scale=sigma))


@entry(SCIPY, "scipy.stats.poisson.cdf", "wrt mu, k constant, (4,)", U(1.1, 3.0, 4))
def poisson_cdf(mu):
    return np.sum(scipy.stats.poisson.cdf(K4, mu))


@entry(SCIPY, "scipy.stats.poisson.cdf", "wrt mu (4, 1), k (4, 3)", U(1.1, 3.0, 4, 1))
def poisson_cdf_broadcast(mu):
    return np.sum(scipy.stats.poisson.cdf(K43, mu))


@entry(SCIPY, "scipy.stats.poisson.logpmf", "wrt mu, k constant, (4,)", U(1.1, 3.0, 4))
def poisson_logpmf(mu):
    return np.sum(scipy.stats.poisson.logpmf(K4, mu))


@entry(SCIPY, "scipy.stats.poisson.logpmf", "wrt mu (4, 1), k (4, 3)", U(1.1, 3.0, 4, 1))
def poisson_logpmf_broadcast(mu):
    return np.sum(scipy.stats.poisson.logpmf(K43, mu))


@entry(SCIPY, "scipy.stats.poisson.pmf", "wrt mu, k constant, (4,)", U(1.1, 3.0, 4))
def poisson_pmf(mu):
    return np.sum(scipy.stats.poisson.pmf(K4, mu))


@entry(SCIPY, "scipy.stats.poisson.pmf", "wrt mu (4, 1), k (4, 3)", U(1.1, 3.0, 4, 1))
def poisson_pmf_broadcast(mu):
    return np.sum(scipy.stats.poisson.pmf(K43, mu))


@entry(SCIPY, "scipy.stats.t.pdf", "wrt x, df, loc, scale", R(4), U(2.1, 4.0, 4), R(4), U(2.1, 4.0, 4))
def t_pdf(x, df, loc, scale):
    return np.sum(scipy.stats.t.pdf(x, df, loc, scale))


@entry(
    SCIPY,
    "scipy.stats.t.pdf",
    "broadcast (4, 3), (1, 3), (4, 3), (4, 1)",
    R(4, 3),
    U(2.1, 4.0, 1, 3),
    R(4, 3),
    U(2.1, 4.0, 4, 1),
)
def t_pdf_broadcast(x, df, loc, scale):
    return np.sum(scipy.stats.t.pdf(x, df, loc, scale))


@entry(SCIPY, "scipy.stats.t.logpdf", "wrt x, df, loc, scale", R(4), U(2.1, 4.0, 4), R(4), U(2.1, 4.0, 4))
def t_logpdf(x, df, loc, scale):
    return np.sum(scipy.stats.t.logpdf(x, df, loc, scale))


@entry(
    SCIPY,
    "scipy.stats.t.logpdf",
    "broadcast (4, 3), (1, 3), (4, 3), (4, 1)",
    R(4, 3),
    U(2.1, 4.0, 1, 3),
    R(4, 3),
    U(2.1, 4.0, 4, 1),
)
def t_logpdf_broadcast(x, df, loc, scale):
    return np.sum(scipy.stats.t.logpdf(x, df, loc, scale))


@entry(SCIPY, "scipy.stats.t.cdf", "wrt x and loc, df and scale constant", R(4), R(4))
def t_cdf(x, loc):
    return np.sum(scipy.stats.t.cdf(x, 3.5, loc, 1.7))


@entry(SCIPY, "scipy.stats.t.cdf", "wrt x (4, 3) and loc (4, 3)", R(4, 3), R(4, 3))
def t_cdf_broadcast(x, loc):
    return np.sum(scipy.stats.t.cdf(x, 3.5, loc, 1.7))


@entry(SCIPY, "scipy.stats.t.logcdf", "wrt x and loc, df and scale constant", R(4), R(4))
def t_logcdf(x, loc):
    return np.sum(scipy.stats.t.logcdf(x, 3.5, loc, 1.7))


@entry(SCIPY, "scipy.stats.t.logcdf", "wrt x (4, 3) and loc (4, 3)", R(4, 3), R(4, 3))
def t_logcdf_broadcast(x, loc):
    return np.sum(scipy.stats.t.logcdf(x, 3.5, loc, 1.7))


@entry(SCIPY, "scipy.stats.multivariate_normal.pdf", "wrt x, mean, cov", R(4), R(4), SPD(4, 4))
def mvn_pdf(x, mean, cov):
    return scipy.stats.multivariate_normal.pdf(x, mean, (cov + cov.T) / 2, allow_singular=False)


@entry(SCIPY, "scipy.stats.multivariate_normal.pdf", "x of shape (5, 4)", R(5, 4), R(4), SPD(4, 4))
def mvn_pdf_broadcast(x, mean, cov):
    return np.sum(scipy.stats.multivariate_normal.pdf(x, mean, (cov + cov.T) / 2))


@entry(SCIPY, "scipy.stats.multivariate_normal.pdf", "singular cov, allow_singular=True", R(2), R(4))
def mvn_pdf_singular(x, mean):
    return scipy.stats.multivariate_normal.pdf(
        np.concatenate([x, mean[2:]]), mean, SINGULAR_COV, allow_singular=True
    )


@entry(SCIPY, "scipy.stats.multivariate_normal.logpdf", "wrt x, mean, cov", R(4), R(4), SPD(4, 4))
def mvn_logpdf(x, mean, cov):
    return scipy.stats.multivariate_normal.logpdf(x, mean, (cov + cov.T) / 2, allow_singular=False)


@entry(SCIPY, "scipy.stats.multivariate_normal.logpdf", "x of shape (5, 4)", R(5, 4), R(4), SPD(4, 4))
def mvn_logpdf_broadcast(x, mean, cov):
    return np.sum(scipy.stats.multivariate_normal.logpdf(x, mean, (cov + cov.T) / 2))


@entry(SCIPY, "scipy.stats.multivariate_normal.logpdf", "singular cov, allow_singular=True", R(2), R(4))
def mvn_logpdf_singular(x, mean):
    return scipy.stats.multivariate_normal.logpdf(
        np.concatenate([x, mean[2:]]), mean, SINGULAR_COV, allow_singular=True
    )


@entry(SCIPY, "scipy.stats.multivariate_normal.entropy", "wrt mean, cov", R(4), SPD(4, 4))
def mvn_entropy(mean, cov):
    return scipy.stats.multivariate_normal.entropy(mean, (cov + cov.T) / 2)


@entry(SCIPY, "scipy.stats.dirichlet.pdf", "wrt x (normalised by sum)", U(0.2, 1.0, 4))
def dirichlet_pdf_x(x):
    return scipy.stats.dirichlet.pdf(x / sum(x), np.array([1.5, 2.0, 1.3, 2.2]))


@entry(SCIPY, "scipy.stats.dirichlet.pdf", "wrt alpha", U(1.2, 2.2, 4))
def dirichlet_pdf_alpha(alpha):
    return scipy.stats.dirichlet.pdf(np.array([0.1, 0.2, 0.3, 0.4]), alpha)


@entry(SCIPY, "scipy.stats.dirichlet.logpdf", "wrt x (normalised by sum)", U(0.2, 1.0, 4))
def dirichlet_logpdf_x(x):
    return scipy.stats.dirichlet.logpdf(x / sum(x), np.array([1.5, 2.0, 1.3, 2.2]))


@entry(SCIPY, "scipy.stats.dirichlet.logpdf", "wrt alpha", U(1.2, 2.2, 4))
def dirichlet_logpdf_alpha(alpha):
    return scipy.stats.dirichlet.logpdf(np.array([0.1, 0.2, 0.3, 0.4]), alpha)


@entry(SCIPY, "scipy.special.logsumexp", "(1,)", R(1))
def logsumexp_single(x):
    return scipy.special.logsumexp(x)


@entry(SCIPY, "scipy.special.logsumexp", "(4,)", R(4))
def logsumexp_vector(x):
    return scipy.special.logsumexp(x)


@entry(SCIPY, "scipy.special.logsumexp", "axis=0, (3, 4)", R(3, 4))
def logsumexp_axis0(x):
    return np.sum(np.sin(scipy.special.logsumexp(x, axis=0)))


@entry(SCIPY, "scipy.special.logsumexp", "axis=1, keepdims, (3, 4)", R(3, 4))
def logsumexp_axis1_keepdims(x):
    return np.sum(np.sin(scipy.special.logsumexp(x, axis=1, keepdims=True)))


@entry(SCIPY, "scipy.special.logsumexp", "axis=1, (3, 4, 5)", R(3, 4, 5))
def logsumexp_3d(x):
    return np.sum(np.sin(scipy.special.logsumexp(x, axis=1)))


@entry(SCIPY, "scipy.special.logsumexp", "keepdims, (1, 5)", R(1, 5))
def logsumexp_keepdims_all(x):
    return np.sum(scipy.special.logsumexp(x, axis=1, keepdims=True))


@entry(SCIPY, "scipy.special.logsumexp", "b= weights, (4,)", R(4))
def logsumexp_weights(x):
    return scipy.special.logsumexp(x, b=np.exp(Z4))


@entry(SCIPY, "scipy.special.logsumexp", "b= weights, axis=0, keepdims, (3, 4)", R(3, 4))
def logsumexp_weights_axis(x):
    return np.sum(np.sin(scipy.special.logsumexp(x, b=np.exp(B43.T), axis=0, keepdims=True)))


@entry(SCIPY, "scipy.special.beta", "wrt a, b", U(1.1, 3.0, 4), U(1.1, 3.0, 4))
def special_beta(a, b):
    return np.sum(scipy.special.beta(a, b))


@entry(SCIPY, "scipy.special.betaln", "wrt a, b", U(1.1, 3.0, 4), U(1.1, 3.0, 4))
def special_betaln(a, b):
    return np.sum(scipy.special.betaln(a, b))


@entry(SCIPY, "scipy.special.betainc", "wrt x", U(0.1, 0.9, 4))
def special_betainc(x):
    return np.sum(scipy.special.betainc(2.1, 1.4, x))


@entry(SCIPY, "scipy.special.gammainc", "wrt x, a = 1", U(1.3, 3.0, 4))
def special_gammainc(x):
    return np.sum(scipy.special.gammainc(1, x))


@entry(SCIPY, "scipy.special.gammaincc", "wrt x, a = 1", U(1.3, 3.0, 4))
def special_gammaincc(x):
    return np.sum(scipy.special.gammaincc(1, x))


@entry(SCIPY, "scipy.special.polygamma", "n = 0, wrt x", U(1.3, 3.0, 4))
def special_polygamma(x):
    return np.sum(scipy.special.polygamma(0, x))


@entry(SCIPY, "scipy.special.jn", "n = 2, wrt x", U(1.3, 3.0, 4))
def special_jn(x):
    return np.sum(scipy.special.jn(2, x))


@entry(SCIPY, "scipy.special.yn", "n = 2, wrt x", U(1.3, 3.0, 4))
def special_yn(x):
    return np.sum(scipy.special.yn(2, x))


@entry(SCIPY, "scipy.special.iv", "wrt x, v constant", U(1.3, 3.0, 4))
def special_iv(x):
    return np.sum(scipy.special.iv(IV_ORDERS, x))


@entry(SCIPY, "scipy.special.ive", "wrt x, v constant", U(1.3, 3.0, 4))
def special_ive(x):
    return np.sum(scipy.special.ive(IV_ORDERS, x))


@entry(SCIPY, "scipy.special.multigammaln", "float, d = 2", U(4.0, 5.0))
def special_multigammaln(a):
    return scipy.special.multigammaln(a, 2)


@entry(SCIPY, "scipy.special.multigammaln", "(2, 3), d = 3", U(4.0, 5.0, 2, 3))
def special_multigammaln_array(a):
    return np.sum(scipy.special.multigammaln(a, 3))


@entry(SCIPY, "scipy.special.psi", "(3, 2)", U(0.3, 2.0, 3, 2))
def special_psi(x):
    return np.sum(scipy.special.psi(x))


@entry(SCIPY, "scipy.special.digamma", "(3, 2)", U(0.3, 2.0, 3, 2))
def special_digamma(x):
    return np.sum(scipy.special.digamma(x))


@entry(SCIPY, "scipy.special.gamma", "(3, 2)", U(0.3, 2.0, 3, 2))
def special_gamma(x):
    return np.sum(scipy.special.gamma(x))


@entry(SCIPY, "scipy.special.gammaln", "(3, 2)", U(0.3, 2.0, 3, 2))
def special_gammaln(x):
    return np.sum(scipy.special.gammaln(x))


@entry(SCIPY, "scipy.special.gammasgn", "(3, 2)", U(0.3, 2.0, 3, 2))
def special_gammasgn(x):
    return np.sum(scipy.special.gammasgn(x) * x)


@entry(SCIPY, "scipy.special.rgamma", "(3, 2)", U(0.3, 2.0, 3, 2))
def special_rgamma(x):
    return np.sum(scipy.special.rgamma(x))


@entry(SCIPY, "scipy.special.j0", "(3, 2)", U(0.2, 20.0, 3, 2))
def special_j0(x):
    return np.sum(scipy.special.j0(x))


@entry(SCIPY, "scipy.special.j1", "(3, 2)", U(0.2, 20.0, 3, 2))
def special_j1(x):
    return np.sum(scipy.special.j1(x))


@entry(SCIPY, "scipy.special.y0", "(3, 2)", U(0.2, 20.0, 3, 2))
def special_y0(x):
    return np.sum(scipy.special.y0(x))


@entry(SCIPY, "scipy.special.y1", "(3, 2)", U(0.2, 20.0, 3, 2))
def special_y1(x):
    return np.sum(scipy.special.y1(x))


@entry(SCIPY, "scipy.special.i0", "(3, 2)", U(0.2, 20.0, 3, 2))
def special_i0(x):
    return np.sum(scipy.special.i0(x))


@entry(SCIPY, "scipy.special.i1", "(3, 2)", U(0.2, 20.0, 3, 2))
def special_i1(x):
    return np.sum(scipy.special.i1(x))


@entry(SCIPY, "scipy.special.erf", "(3, 2)", U(-3.0, 3.0, 3, 2))
def special_erf(x):
    return np.sum(scipy.special.erf(x))


@entry(SCIPY, "scipy.special.erfc", "(3, 2)", U(-3.0, 3.0, 3, 2))
def special_erfc(x):
    return np.sum(scipy.special.erfc(x))


@entry(SCIPY, "scipy.special.erfinv", "(3, 2)", U(-0.95, 0.95, 3, 2))
def special_erfinv(x):
    return np.sum(scipy.special.erfinv(x))


@entry(SCIPY, "scipy.special.erfcinv", "(3, 2)", U(0.05, 1.95, 3, 2))
def special_erfcinv(x):
    return np.sum(scipy.special.erfcinv(x))


@entry(SCIPY, "scipy.special.logit", "(3, 2)", U(0.1, 0.9, 3, 2))
def special_logit(x):
    return np.sum(scipy.special.logit(x))


@entry(SCIPY, "scipy.special.expit", "(3, 2)", U(-4.05, 4.95, 3, 2))
def special_expit(x):
    return np.sum(scipy.special.expit(x))


@entry(SCIPY, "scipy.signal.convolve", "mode='full', (4,) with (3,)", R(4), R(3))
def convolve_full(x, y):
    return np.sum(np.sin(scipy.signal.convolve(x, y, mode="full")) * np.arange(6))


@entry(SCIPY, "scipy.signal.convolve", "mode='full', (4, 3) with (2, 2)", R(4, 3), R(2, 2))
def convolve_2d_full(x, y):
    return np.sum(np.sin(scipy.signal.convolve(x, y, mode="full")))


@entry(SCIPY, "scipy.signal.convolve", "mode='valid', (4,) with (3,)", R(4), R(3))
def convolve_valid(x, y):
    return np.sum(np.sin(scipy.signal.convolve(x, y, mode="valid")) * np.arange(2))


@entry(SCIPY, "scipy.signal.convolve", "mode='valid', (4, 3) with (2, 2)", R(4, 3), R(2, 2))
def convolve_2d_valid(x, y):
    return np.sum(np.sin(scipy.signal.convolve(x, y, mode="valid")))


@entry(SCIPY, "scipy.signal.convolve", "mode='same', (4,) with (3,)", R(4), R(3))
def convolve_same(x, y):
    return np.sum(np.sin(scipy.signal.convolve(x, y, mode="same")) * np.arange(4))


@entry(SCIPY, "scipy.signal.convolve", "mode='same', (4, 3) with (2, 2)", R(4, 3), R(2, 2))
def convolve_2d_same(x, y):
    return np.sum(np.sin(scipy.signal.convolve(x, y, mode="same")))


def decay(y, t, a, b):
    """The right-hand side of an ODE, dy/dt (the state y is a (3,) array)."""
    return -np.sqrt(t) - y + a - np.mean((y + b) ** 2)


@entry(SCIPY, "scipy.integrate.odeint", "wrt y0 and args=(a, b)", R(3), R(3), R(3))
def odeint_final_state(y0, a, b):
    ys = scipy.integrate.odeint(decay, y0, T4, args=(a, b), rtol=1e-12, atol=1e-12)
    return np.sum(np.sin(ys[-1]))


@entry(SCIPY, "scipy.linalg.sqrtm", "of (x + x.T) / 2, SPD (3, 3)", SPD(3, 3))
def sqrtm_symmetric(x):
    return np.sum(np.sin(scipy.linalg.sqrtm((x + x.T) / 2)) * COEFFS)


@entry(SCIPY, "scipy.linalg.solve_sylvester", "wrt a, b, q, (3, 3)", WELL(3, 3), WELL(3, 3), R(3, 3))
def solve_sylvester_all(a, b, q):
    return np.sum(np.sin(scipy.linalg.solve_sylvester(a, b, q)) * COEFFS)


@entry(
    SCIPY,
    "scipy.linalg.solve_banded",
    "(1, 1), wrt ab (3, 5) and b (5,)",
    lambda rng: rng.normal(size=(3, 5)) + [[0.0], [5.0], [0.0]],
    R(5),
)
def solve_banded_tridiagonal(ab, b):
    return np.sum(np.sin(scipy.linalg.solve_banded((1, 1), ab, b)))


# ======================================================================================
# tests/test_fft.py: np.fft on real inputs, the complex result read through np.real/np.imag
# (autograd checks these in reverse mode only)

FFT = "test_fft.py"


@entry(FFT, "np.fft.fft", "(4, 4)", R(4, 4))
def fft_default(x):
    y = np.fft.fft(x)
    return np.sum(np.sin(np.real(y))) + np.sum(np.cos(np.imag(y)))


@entry(FFT, "np.fft.fft", "power spectrum np.abs(...) ** 2", R(4, 4))
def fft_power(x):
    return np.sum(np.abs(np.fft.fft(x)) ** 2 * W44)


@entry(FFT, "np.fft.fft", "norm='ortho'", R(4, 4))
def fft_ortho(x):
    y = np.fft.fft(x, norm="ortho")
    return np.sum(np.sin(np.real(y))) + np.sum(np.cos(np.imag(y)))


@entry(FFT, "np.fft.fft", "axis=0", R(4, 4))
def fft_axis0(x):
    y = np.fft.fft(x, axis=0)
    return np.sum(np.sin(np.real(y))) + np.sum(np.cos(np.imag(y)))


@entry(FFT, "np.fft.fft", "n=3 (cropped)", R(4, 4))
def fft_n_smaller(x):
    y = np.fft.fft(x, 3)
    return np.sum(np.sin(np.real(y))) + np.sum(np.cos(np.imag(y)))


@entry(FFT, "np.fft.fft", "n=6 (padded)", R(4, 4))
def fft_n_bigger(x):
    y = np.fft.fft(x, 6)
    return np.sum(np.sin(np.real(y))) + np.sum(np.cos(np.imag(y)))


@entry(FFT, "np.fft.ifft", "(4, 4)", R(4, 4))
def ifft_default(x):
    y = np.fft.ifft(x)
    return np.sum(np.sin(np.real(y))) + np.sum(np.cos(np.imag(y)))


@entry(FFT, "np.fft.ifft", "n=6 (padded)", R(4, 4))
def ifft_n_bigger(x):
    y = np.fft.ifft(x, 6)
    return np.sum(np.sin(np.real(y))) + np.sum(np.cos(np.imag(y)))


@entry(FFT, "np.fft.rfft", "(4, 4)", R(4, 4))
def rfft_default(x):
    y = np.fft.rfft(x)
    return np.sum(np.sin(np.real(y))) + np.sum(np.cos(np.imag(y)))


@entry(FFT, "np.fft.rfft", "norm='ortho'", R(4, 4))
def rfft_ortho(x):
    y = np.fft.rfft(x, norm="ortho")
    return np.sum(np.sin(np.real(y))) + np.sum(np.cos(np.imag(y)))


@entry(FFT, "np.fft.rfft", "axis=0", R(4, 4))
def rfft_axis0(x):
    y = np.fft.rfft(x, axis=0)
    return np.sum(np.sin(np.real(y))) + np.sum(np.cos(np.imag(y)))


@entry(FFT, "np.fft.rfft", "n=2 (cropped)", R(4, 4))
def rfft_n_smaller(x):
    y = np.fft.rfft(x, 2)
    return np.sum(np.sin(np.real(y))) + np.sum(np.cos(np.imag(y)))


@entry(FFT, "np.fft.irfft", "of np.fft.rfft(x)", R(4, 4))
def irfft_of_rfft(x):
    return np.sum(np.sin(np.fft.irfft(np.fft.rfft(x))) * Z4)


@entry(FFT, "np.fft.irfft", "n=6, norm='ortho'", R(4, 4))
def irfft_n_ortho(x):
    return np.sum(np.sin(np.fft.irfft(np.fft.rfft(x), 6, norm="ortho")) * np.arange(6))


@entry(FFT, "np.fft.fft2", "(4, 4)", R(4, 4))
def fft2_default(x):
    y = np.fft.fft2(x)
    return np.sum(np.sin(np.real(y))) + np.sum(np.cos(np.imag(y)))


@entry(FFT, "np.fft.fft2", "s=[6, 2], axes=[0, 2], (4, 4, 4)", R(4, 4, 4))
def fft2_s_axes(x):
    y = np.fft.fft2(x, s=[6, 2], axes=[0, 2])
    return np.sum(np.sin(np.real(y))) + np.sum(np.cos(np.imag(y)))


@entry(FFT, "np.fft.ifft2", "(4, 4)", R(4, 4))
def ifft2_default(x):
    y = np.fft.ifft2(x)
    return np.sum(np.sin(np.real(y))) + np.sum(np.cos(np.imag(y)))


@entry(FFT, "np.fft.fftn", "(4, 4)", R(4, 4))
def fftn_default(x):
    y = np.fft.fftn(x)
    return np.sum(np.sin(np.real(y))) + np.sum(np.cos(np.imag(y)))


@entry(FFT, "np.fft.ifftn", "s=[6, 2], axes=[0, 2], (4, 4, 4)", R(4, 4, 4))
def ifftn_s_axes(x):
    y = np.fft.ifftn(x, s=[6, 2], axes=[0, 2])
    return np.sum(np.sin(np.real(y))) + np.sum(np.cos(np.imag(y)))


@entry(FFT, "np.fft.rfft2", "(4, 4)", R(4, 4))
def rfft2_default(x):
    y = np.fft.rfft2(x)
    return np.sum(np.sin(np.real(y))) + np.sum(np.cos(np.imag(y)))


@entry(FFT, "np.fft.irfft2", "of np.fft.rfft2(x)", R(4, 4))
def irfft2_of_rfft2(x):
    return np.sum(np.sin(np.fft.irfft2(np.fft.rfft2(x))) * W44)


@entry(FFT, "np.fft.rfftn", "(4, 4, 4)", R(4, 4, 4))
def rfftn_default(x):
    y = np.fft.rfftn(x)
    return np.sum(np.sin(np.real(y))) + np.sum(np.cos(np.imag(y)))


@entry(FFT, "np.fft.rfftn", "axes=(0, 2)", R(4, 4, 4))
def rfftn_axes(x):
    y = np.fft.rfftn(x, axes=(0, 2))
    return np.sum(np.sin(np.real(y))) + np.sum(np.cos(np.imag(y)))


@entry(FFT, "np.fft.rfftn", "indexed [(0, 1, 0), (3, 3, 2)]", R(4, 4, 4))
def rfftn_subset(x):
    y = np.fft.rfftn(x)[(0, 1, 0), (3, 3, 2)]
    return np.sum(np.sin(np.real(y))) + np.sum(np.cos(np.imag(y)))


@entry(FFT, "np.fft.irfftn", "of np.fft.rfftn(x)", R(4, 4, 4))
def irfftn_of_rfftn(x):
    return np.sum(np.sin(np.fft.irfftn(np.fft.rfftn(x))) * Z4)


@entry(FFT, "np.fft.fftshift", "(5, 5)", R(5, 5))
def fftshift_odd(x):
    return np.sum(np.sin(np.fft.fftshift(x)) * H5)


@entry(FFT, "np.fft.fftshift", "axes=1, (4, 4)", R(4, 4))
def fftshift_axes(x):
    return np.sum(np.sin(np.fft.fftshift(x, axes=1)) * W44)


@entry(FFT, "np.fft.ifftshift", "(5, 5)", R(5, 5))
def ifftshift_odd(x):
    return np.sum(np.sin(np.fft.ifftshift(x)) * H5)


@entry(FFT, "np.fft.ifftshift", "axes=1, (4, 4)", R(4, 4))
def ifftshift_axes(x):
    return np.sum(np.sin(np.fft.ifftshift(x, axes=1)) * W44)


# ======================================================================================
# tests/test_graphs.py, test_wrappers.py, test_jacobian.py, test_direct.py: the shapes of
# programs (fan-out, closures, derivatives inside the function, size-1 outputs)

GRAPHS = "test_graphs.py"
WRAPPERS = "test_wrappers.py"
JACOBIAN = "test_jacobian.py"
DIRECT = "test_direct.py"


@entry(GRAPHS, "fan-out", "sin(sin(x) + sin(x))", R())
def fanout(x):
    return np.sin(np.sin(x) + np.sin(x))


@entry(GRAPHS, "s2sad.grad inside", "the gradient of fanout (third derivative)", U(0.0, 1.0))
def fanout_gradient(x):
    return s2sad.grad(fanout)(x)


@entry(GRAPHS, "a constant", "return 1.0", V(2.0))
def constant_output(x):
    return 1.0


@entry(GRAPHS, "the identity", "return x", V(2.0))
def identity(x):
    return x


def sin_dot(x):
    return np.sin(np.dot(x, RV))


@entry(GRAPHS, "s2sad.grad inside", "sin(v . grad(f)(x)), Hessian-vector", R(6), R(6))
def gradient_vector_product(x, v):
    return np.sin(np.dot(v, s2sad.grad(sin_dot)(x)))


@entry(GRAPHS, "s2sad.grad inside", "of a lambda closing over x", V(1.0))
def closure_gradient(x):
    inner = lambda y: x * y  # noqa: E731
    return x * s2sad.grad(inner)(2.0)


@entry(GRAPHS, "fan-out", "values reused by later sums", R(5))
def reused_values(a):
    b = a + 1.0
    c = b + 1.5
    d = a + b
    e = d + c
    return np.sum(np.sin(e))


@entry(GRAPHS, "fan-out", "an indexed value reused", R(5))
def reused_index(a):
    b = a + 1.0
    c = b[0] + 1.5
    d = a + b
    e = d + c
    return np.sum(np.sin(e))


@entry(GRAPHS, "complex intermediate", "a + 1j, then np.real", R(5))
def complex_intermediate(a):
    b = a + 1.0j
    c = b[0] + 1.5
    d = a + b
    e = d + c
    return np.sum(np.sin(np.real(e)))


@entry(GRAPHS, "complex intermediate", "np.abs(x + 1j * c) ** 2", R(3))
def abs_of_complex(x):
    return np.sum(np.abs(x + 1j * COEFFS) ** 2)


@entry(GRAPHS, "s2sad.grad inside", "grad of a two-argument function, wrt 1", R(), R())
def third_derivative_other_args(x, y):
    return s2sad.grad(lambda a, b: np.sin(np.sin(a) + np.sin(b)), wrt=1)(x, y)


@entry(GRAPHS, "size-1 output", "np.sum(..., keepdims=True), (3, 3)", R(3, 3))
def keepdims_output(x):
    return np.sum(np.sin(x), keepdims=True)


@entry(GRAPHS, "size-1 output", "np.sum(..., axis=0) of (3, 1)", R(3, 1))
def axis0_output(x):
    return np.sum(np.sin(x), axis=0, keepdims=False)


@entry(GRAPHS, "size-1 output", "np.sum(..., axis=1, keepdims=True) of (1, 3)", R(1, 3))
def axis1_keepdims_output(x):
    return np.sum(np.sin(x), axis=1, keepdims=True)


@entry(GRAPHS, "a[i] = y", "item assignment into a copy (autograd refuses it)", R(5), R())
def item_assignment(x, y):
    a = x.copy()
    a[1] = y
    return np.sum(np.sin(a) * W5)


def sum_sin_squared(x):
    return np.sum(np.sin(x) ** 2)


@entry(WRAPPERS, "s2sad.value_and_grad inside", "its value, [0]", R(5))
def value_and_grad_value(x):
    return s2sad.value_and_grad(sum_sin_squared)(x)[0]


@entry(WRAPPERS, "s2sad.value_and_grad inside", "its gradient, [1]", R(5))
def value_and_grad_gradient(x):
    return np.sum(s2sad.value_and_grad(sum_sin_squared)(x)[1] * W5)


@entry(WRAPPERS, "np.dot", "a quadratic form x . H . x", R(5))
def quadratic_form(x):
    return np.dot(np.dot(x, H5), x)


@entry(WRAPPERS, "many arguments", "five floats and keyword defaults", R(), R(), R(), R(), U(-1.0, 1.0))
def many_arguments(a, b, c, d, e, f=1.1, g=9.0):
    return a + np.sin(b) + np.cosh(c) + np.cos(d) + np.tan(e) + f + g


@entry(WRAPPERS, "elementwise", "a + sin(a) + cosh(a), summed", R(10))
def elementwise_sum(a):
    return np.sum(a + np.sin(a) + np.cosh(a))


def two_arguments(x, y):
    return np.sin(x) * y


entry(WRAPPERS, "functools.partial", "partial(f, y=1.5)", R())(functools.partial(two_arguments, y=1.5))


@entry(WRAPPERS, "np.roll", "roll(sin(a), 1), (5, 4)", R(5, 4))
def roll_sin(a):
    return np.sum(np.roll(np.sin(a), 1) * A54)


@entry(WRAPPERS, "np.tanh", "tanh(A @ x)", R(4))
def tanh_layer(x):
    return np.sum(np.tanh(np.dot(A54, x)) ** 2)


@entry(JACOBIAN, "np.sum", "axis=1, keepdims, (1, 3): size-1 output", R(1, 3))
def jacobian_keepdims(x):
    return np.sum(np.sin(x), axis=1, keepdims=True)


@entry(JACOBIAN, "np.array", "[x, x ** 2, x ** 3] of a float", R())
def powers_array(x):
    return np.sum(np.sin(np.array([x, x**2, x**3])) * COEFFS)


@entry(JACOBIAN, "np.prod", "prod(sin(x) + sin(x))", R(5))
def prod_of_sum(x):
    return np.prod(np.sin(x) + np.sin(x))


@entry(JACOBIAN, "s2sad.grad inside", "of a lambda reading x[0], at x[1]", R(5))
def gradient_of_closure(x):
    return s2sad.grad(lambda y: np.exp(y) * np.tanh(x[0]))(x[1])


def outer_then_dot(x):
    return np.sin(np.outer(x, x)) + np.cos(np.dot(x, x))


@entry(JACOBIAN, "s2sad.jacobian inside", "sum(sin(jacobian(f)(x)))", R(2))
def jacobian_inside(x):
    return np.sum(np.sin(s2sad.jacobian(outer_then_dot)(x)))


def cube_sum(x):
    return np.sum(x**3)


def prod_sin(x):
    return np.prod(np.sin(x) + np.sin(x))


SCALAR_FUNCTIONS = (cube_sum, prod_sin)


@entry(JACOBIAN, "functions in a tuple", "np.array([g(x) for g in functions])", R(5))
def functions_in_a_tuple(x):
    return np.sum(np.sin(np.array([g(x) for g in SCALAR_FUNCTIONS])))


@entry(DIRECT, "a polynomial", "(x + sin(x ** 2)) * x at 1.3", V(1.3))
def direct_expression(x):
    return (x + np.sin(x**2)) * x


# ======================================================================================
# tests/test_logic.py, test_builtins.py, test_ufunc_dispatch.py

LOGIC = "test_logic.py"
BUILTINS = "test_builtins.py"
DISPATCH = "test_ufunc_dispatch.py"


@entry(LOGIC, "np.allclose", "in an assert", R(3))
def allclose_assert(x):
    assert np.allclose(x, (x * 3.0) / 3.0)
    return np.sum(np.sin(x))


@entry(LOGIC, "np.iscomplex", "in a conditional expression", V(2.0))
def iscomplex_branch(x):
    return np.real(x**2 if np.iscomplex(x) else np.sum(x))


@entry(BUILTINS, "isinstance", "in a branch", R(3))
def isinstance_branch(x):
    if isinstance(x, np.ndarray):
        return np.sum(x**2)
    return x**2


@entry(DISPATCH, "x * constant array", "a float times (3,)", R())
def float_times_array(x):
    return np.sum(x * COEFFS)


@entry(DISPATCH, "constant array * x", "(3,) times a float", R())
def array_times_float(x):
    return np.sum(COEFFS * x)


@entry(DISPATCH, "x * constant array", "(3,) times (3,)", R(3))
def array_times_array(x):
    return np.sum(x * COEFFS)


@entry(DISPATCH, "np.multiply", "multiply(v, v)", R(3))
def multiply_self(v):
    return np.sum(np.multiply(v, v))


@entry(DISPATCH, "np.sin", "sin(v) + 2.0 * v", R(3))
def sin_plus_linear(v):
    return np.sum(np.sin(v) + 2.0 * v)


# ======================================================================================
# tests/test_list.py, test_tuple.py, test_dict.py: containers as arguments (no Hessian:
# s2sad's hessian takes arrays and numbers)

LISTS = "test_list.py"
TUPLES = "test_tuple.py"
DICTS = "test_dict.py"


@entry(LISTS, "list[i]", "items of a list of arrays, one unused", L(R(3, 4), R(4, 3), R(2, 4)), second=False)
def list_items(xs):
    return np.sum(xs[0]) + np.sum(xs[1]) + np.sum(xs[1])


@entry(LISTS, "list[i]", "sin and cos of items", L(R(3, 4), R(4, 3), R(2, 4)), second=False)
def list_sin_cos(xs):
    return np.sum(np.sin(xs[0])) + np.sum(np.cos(xs[1]))


@entry(LISTS, "slice", "a slice(None, -1) object, then [0]", L(R(), R(), R()), second=False)
def list_slice_object(x):
    s = slice(None, -1, None)
    y = x[s]
    return y[0] * y[1]


@entry(LISTS, "list[a:b]", "x[1:3][0]", L(R(), R(), R()), second=False)
def list_slice(x):
    y = x[1:3]
    return y[0] * x[0]


@entry(LISTS, "list[a:b]", "nested list [[a], b, c], x[1:][0]", L(L(R()), R(), R()), second=False)
def nested_list_slice(x):
    return x[1:][0] * x[0][0]


@entry(LISTS, "list", "list((x, x))", R())
def list_builtin(x):
    ys = list((x, x))
    return ys[0] * ys[1]


@entry(LISTS, "isinstance", "isinstance(x, list) in an assert", L(R(), R(), R()), second=False)
def list_isinstance(x):
    assert isinstance(x, list)
    return x[0] * x[2]


@entry(
    TUPLES, "tuple[i]", "items of a tuple of arrays, one unused", T(R(3, 4), R(4, 3), R(2, 4)), second=False
)
def tuple_items(xs):
    return np.sum(xs[0]) + np.sum(xs[1]) + np.sum(xs[1])


@entry(TUPLES, "tuple[i]", "sin and cos of items", T(R(3, 4), R(4, 3), R(2, 4)), second=False)
def tuple_sin_cos(xs):
    return np.sum(np.sin(xs[0])) + np.sum(np.cos(xs[1]))


def tuple_product(y):
    return y[0] * y[1]


@entry(TUPLES, "s2sad.grad inside", "grad wrt a tuple (x, x), then np.array", R())
def tuple_gradient_inside(x):
    return np.sum(np.sin(np.array(s2sad.grad(tuple_product)((x, x)))))


@entry(TUPLES, "isinstance", "isinstance(x, tuple) in an assert", T(R(), R(), R()), second=False)
def tuple_isinstance(x):
    assert isinstance(x, tuple)
    return x[0] * x[2]


@entry(
    DICTS,
    "dict[key]",
    "items of a dict of arrays, one unused",
    D(item_1=R(3, 4), item_2=R(4, 3), item_x=R(2, 4)),
    second=False,
)
def dict_items(d):
    return np.sum(d["item_1"]) + np.sum(d["item_2"]) + np.sum(d["item_2"])


@entry(
    DICTS,
    "dict[key]",
    "sin and cos of items",
    D(item_1=R(3, 4), item_2=R(4, 3), item_x=R(2, 4)),
    second=False,
)
def dict_sin_cos(d):
    return np.sum(np.sin(d["item_1"])) + np.sum(np.cos(d["item_2"]))


@entry(
    DICTS,
    "sorted, enumerate",
    "for i, k in enumerate(sorted(d))",
    D(item_1=R(3, 4), item_2=R(4, 3), item_x=R(2, 4)),
    second=False,
)
def dict_enumerate_sorted(d):
    a = 0.0
    b = 0.0
    for i, k in enumerate(sorted(d)):
        a = a + np.sum(np.sin(d[k])) * (i + 1.0)
        b = b + np.sum(np.cos(d[k]))
    return a + b


@entry(
    DICTS,
    "dict.items",
    "sorted(d.items(), key=operator.itemgetter(0))",
    D(item_1=R(3, 4), item_2=R(4, 3), item_x=R(2, 4)),
    second=False,
)
def dict_items_sorted(d):
    a = 0.0
    for i, (_key, v) in enumerate(sorted(d.items(), key=operator.itemgetter(0))):
        a = a + np.sum(np.sin(v)) * (i + 1.0)
    return a


@entry(
    DICTS,
    "dict.values",
    "for v in d.values()",
    D(item_1=R(3, 4), item_2=R(4, 3), item_x=R(2, 4)),
    second=False,
)
def dict_values(d):
    a = 0.0
    for v in d.values():
        a = a + np.sum(np.sin(v))
    return a


@entry(
    DICTS,
    "dict.keys",
    "for k in sorted(d.keys())",
    D(item_1=R(3, 4), item_2=R(4, 3), item_x=R(2, 4)),
    second=False,
)
def dict_keys(d):
    a = 0.0
    for k in sorted(d.keys()):
        a = a + np.sum(np.cos(d[k]))
    return a


@entry(DICTS, "dict.get", "the key is there", D(item_1=V(3.0)), V(2.0), second=False)
def dict_get_present(d, x):
    return d.get("item_1", x) ** 2


@entry(DICTS, "dict.get", "the default is used", D(item_2=V(4.0)), V(2.0), second=False)
def dict_get_default(d, x):
    return d.get("item_1", x) ** 2


@entry(DICTS, "dict", "dict([('a', x)], b=x)", R())
def dict_builtin(x):
    d = dict([("a", x)], b=x)
    return d["a"] * np.sin(d["b"])


@entry(DICTS, "dict", "dict({'a': x})", R())
def dict_copy(x):
    d = dict({"a": x})
    return np.sin(d["a"])


@entry(DICTS, "isinstance", "isinstance(x, dict) in an assert", D(x=R()), second=False)
def dict_isinstance(d):
    assert isinstance(d, dict)
    return np.sin(d["x"])


# ======================================================================================
# Checking an entry against central differences

MODES = ("reverse", "forward", "second")
TOL = 1e-5  # first order, against central differences with a step of 1e-6
TOL_SECOND = 1e-4  # the Hessian times a random vector, against second differences (step 1e-4)
TIMEOUT = 60  # seconds per derivative; a derivative that takes longer counts as failing


@dataclass
class Result:
    reverse: str = "—"  # "ok", "wrong", "n/a", or the class of the exception raised
    forward: str = "—"
    second: str = "—"
    error: str = ""  # the first failure's first line

    def note(self, mode, cell, message):
        setattr(self, mode, cell)
        if message and not self.error:
            self.error = f"{mode}: {message}"


def _leaves(tree):
    if isinstance(tree, dict):
        return [leaf for key in tree for leaf in _leaves(tree[key])]
    if isinstance(tree, (list, tuple)):
        return [leaf for item in tree for leaf in _leaves(item)]
    return [tree]


def _rebuild(tree, pieces):
    if isinstance(tree, dict):
        return {key: _rebuild(item, pieces) for key, item in tree.items()}
    if isinstance(tree, (list, tuple)):
        return type(tree)(_rebuild(item, pieces) for item in tree)
    piece = next(pieces)
    return piece.reshape(np.shape(tree)) if isinstance(tree, np.ndarray) else float(piece[0])


def _flat(tree):
    leaves = _leaves(tree)
    if any(np.iscomplexobj(leaf) and np.any(np.imag(leaf)) for leaf in leaves):
        raise _Complex
    pieces = [np.ravel(np.real(np.asarray(leaf))).astype(float) for leaf in leaves]
    return np.concatenate(pieces) if pieces else np.zeros(0)


def _unflat(tree, vector):
    sizes = [np.size(leaf) for leaf in _leaves(tree)]
    return _rebuild(tree, iter(np.split(vector, np.cumsum(sizes)[:-1])))


class _Complex(Exception):
    """A derivative came back complex for a real function."""


class _Timeout(Exception):
    pass


def _value(out):
    """The number a function returned (a float, a 0-d or size-1 array, a bool)."""
    return float(np.ravel(np.asarray(out, dtype=float))[0])


def _numeric_gradient(fv, x0, h=1e-6):
    g = np.zeros(x0.size)
    for j in range(x0.size):
        e = np.zeros(x0.size)
        e[j] = h * max(1.0, abs(x0[j]))
        g[j] = (_value(fv(x0 + e)) - _value(fv(x0 - e))) / (2 * e[j])
    return g


def _numeric_hessian_along(fv, x0, v, h=1e-4):
    """The Hessian times ``v`` by second differences: 4 n values instead of the 4 n ** 2 of a
    whole Hessian; a random ``v`` shows any wrong entry of the Hessian just as well."""
    hv = np.zeros(x0.size)
    for i in range(x0.size):
        a = np.zeros(x0.size)
        a[i] = h
        b = h * v
        d = fv(x0 + a + b), fv(x0 + a - b), fv(x0 - a + b), fv(x0 - a - b)
        hv[i] = (_value(d[0]) - _value(d[1]) - _value(d[2]) + _value(d[3])) / (4 * h * h)
    return hv


def _mismatch(actual, expected, tol):
    """Why ``actual`` is not ``expected`` (a flat vector), or None when they agree."""
    if actual.shape != expected.shape:
        return f"{actual.size} numbers, expected {expected.size}"
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    err = float(np.max(np.abs(actual - expected), initial=0.0))
    return None if err <= tol * scale else f"off by {err:.2g} (scale {scale:.2g})"


def _kinds(g, args):
    """Why the gradient's leaves do not have their arguments' kinds and shapes, or None."""
    if isinstance(args, (tuple, list, dict)) and type(g) is not type(args):
        return f"gradient is a {type(g).__name__}, argument a {type(args).__name__}"
    gs, xs = _leaves(g), _leaves(args)
    if len(gs) != len(xs):
        return f"gradient has {len(gs)} leaves, argument {len(xs)}"
    for gl, xl in zip(gs, xs):
        if isinstance(xl, np.ndarray) and np.shape(gl) != xl.shape:
            return f"gradient of shape {np.shape(gl)} for an argument of shape {xl.shape}"
        if isinstance(xl, float) and not isinstance(gl, float):
            return f"gradient of a float is a {type(gl).__name__}"
    return None


def _timed(fn):
    """``fn()``, stopped after TIMEOUT seconds where the platform allows it."""
    if not hasattr(signal, "setitimer") or not _in_main_thread():
        return fn()

    def stop(signum, frame):
        raise _Timeout(f"no answer within {TIMEOUT} s")

    old = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, TIMEOUT)
    try:
        return fn()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _in_main_thread():
    import threading

    return threading.current_thread() is threading.main_thread()


def _first_line(exc):
    text = str(exc).strip().splitlines()
    line = text[0] if text else ""
    for prefix in sys.path:
        if prefix and prefix != "/":
            line = line.replace(prefix.rstrip("/") + "/", "")
    return f"{type(exc).__name__}: {line}"[:180]


def _attempt(result, mode, compute):
    """Run one mode's check; ``compute`` returns None when it agrees, else why not."""
    try:
        why = _timed(compute)
    except _Complex:
        result.note(mode, "wrong", "a complex derivative for a real function")
    except Exception as exc:  # every failure is a row of the table, whatever it is
        result.note(mode, type(exc).__name__, _first_line(exc))
    else:
        result.note(mode, "wrong" if why else "ok", why)


def run(e: Entry) -> Result:
    """Reverse mode, forward mode and the Hessian of entry ``e`` against central differences."""
    result = Result()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        args = tuple(e.inputs())
        try:
            value = _value(e.fn(*args))
        except Exception as exc:
            result.error = f"the function itself fails: {_first_line(exc)}"
            return result
        x0 = _flat(args)

        def fv(v):
            return e.fn(*_unflat(args, v))

        expected = _numeric_gradient(fv, x0)
        wrt = tuple(range(len(args))) if len(args) > 1 else 0

        def reverse():
            g = s2sad.grad(e.fn, wrt=wrt)(*args)
            g = g if isinstance(wrt, tuple) else (g,)
            return _kinds(g, args) or _mismatch(_flat(g), expected, TOL)

        def forward():
            direction = np.random.default_rng(1).normal(size=x0.size)
            out, tangent = s2sad.jvp(e.fn, args, tuple(_unflat(args, direction)))
            if abs(_value(out) - value) > 1e-9 * max(1.0, abs(value)):
                return f"primal {_value(out)!r}, expected {value!r}"
            return _mismatch(_flat(tangent), np.atleast_1d(expected @ direction), TOL)

        def second():
            hess = s2sad.hessian(e.fn, wrt=wrt)(*args)
            sizes = [np.size(a) for a in args]
            if isinstance(wrt, tuple):
                hess = np.block(
                    [[np.reshape(b, (m, n)) for b, n in zip(row, sizes)] for row, m in zip(hess, sizes)]
                )
            if np.size(hess) != x0.size**2:
                return f"a Hessian of {np.size(hess)} numbers, expected {x0.size**2}"
            direction = np.random.default_rng(2).normal(size=x0.size)
            expected = _numeric_hessian_along(fv, x0, direction)
            scale_f = max(1.0, abs(value))  # second differences lose about eps * |f| / h ** 2
            return _mismatch(
                _flat(hess).reshape(x0.size, x0.size) @ direction, expected, TOL_SECOND * scale_f
            )

        _attempt(result, "reverse", reverse)
        _attempt(result, "forward", forward)
        if e.second:
            _attempt(result, "second", second)
        else:
            result.second = "n/a"
    return result


# ======================================================================================
# The table


def _cell(text):
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(rows) -> str:
    """The results as markdown: a summary, then one table per autograd test file."""
    n = len(rows)
    count = {mode: sum(getattr(r, mode) == "ok" for _, r in rows) for mode in MODES}
    second_n = sum(r.second != "n/a" for _, r in rows)
    every = sum(all(getattr(r, m) in ("ok", "n/a") for m in MODES) for _, r in rows)
    lines = [
        f"{n} entries: reverse ok {count['reverse']}, forward ok {count['forward']}, "
        f"second order ok {count['second']} of {second_n}; all three ok {every}.",
        "",
    ]
    for source in dict.fromkeys(e.source for e, _ in rows):
        lines += [f"### {source}", ""]
        lines += ["| entry | function | form | reverse | forward | second order | error (first line) |"]
        lines += ["| --- | --- | --- | --- | --- | --- | --- |"]
        for e, r in rows:
            if e.source == source:
                cells = [f"`{e.name}`", f"`{e.function}`", e.form, r.reverse, r.forward, r.second, r.error]
                lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        lines.append("")
    return "\n".join(lines)


def passing(rows) -> str:
    """The modes that pass, per entry, as the Python literal tests/test_autograd_coverage.py keeps."""
    lines = ["PASSING = {"]
    for e, r in rows:
        modes = tuple(m for m in MODES if getattr(r, m) == "ok")
        if modes:
            lines.append(f"    {e.name!r}: {modes!r},")
    lines.append("}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="entries whose name or function contains this text")
    parser.add_argument("--passing", action="store_true", help="print the modes that pass, per entry")
    parser.add_argument("--progress", action="store_true", help="name each entry on stderr as it runs")
    parser.add_argument(
        "--readme", action="store_true", help="write the table into README.md, next to this file"
    )
    options = parser.parse_args(argv)
    chosen = [e for e in ENTRIES if not options.only or options.only in e.name or options.only in e.function]
    rows = []
    for e in chosen:
        if options.progress:
            print(e.name, file=sys.stderr, flush=True)
        rows.append((e, run(e)))
    if options.readme:
        write_readme(markdown(rows))
    else:
        print(passing(rows) if options.passing else markdown(rows))


BEGIN, END = "<!-- table: autograd_functions.py --readme -->", "<!-- end of table -->"


def write_readme(table):
    """Replace the table between the two markers of README.md with ``table``."""
    from pathlib import Path

    readme = Path(__file__).resolve().parent / "README.md"
    text = readme.read_text()
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    readme.write_text(f"{head}{BEGIN}\n\n{table}\n{END}{tail}")


if __name__ == "__main__":
    main()
