"""Numerical differentiation: the error of a central difference for f'(2), f = x**4 + 3x**2 + 2x,
as the step shrinks. Truncation error falls as h**2 until rounding error takes over."""

import sys

sys.path.insert(0, "examples")
from quickstart import f  # noqa: E402

import s2sad  # noqa: E402

exact = s2sad.grad(f)(2.0)
print("     h      central difference     error")
for k in range(1, 13, 2):
    h = 10.0**-k
    fd = (f(2.0 + h) - f(2.0 - h)) / (2 * h)
    print(f"  1e-{k:02d}   {fd:20.12f}   {abs(fd - exact):.1e}")
print(f"s2sad.grad(f)(2.0) = {exact}")
