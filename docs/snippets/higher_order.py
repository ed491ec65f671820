"""Second derivatives: forward mode over the gradient s2sad generated."""

import sys

sys.path.insert(0, "examples")
from quickstart import f  # noqa: E402

import s2sad  # noqa: E402

df = s2sad.grad(f)
print(s2sad.source(df, mode="forward"))  # the tangent program of the gradient program
print("hessian(f)(2.0) =", s2sad.hessian(f)(2.0))
print("grad(grad(f))(2.0) =", s2sad.grad(df)(2.0))
print("derivative(derivative(f))(2.0) =", s2sad.derivative(s2sad.derivative(f))(2.0))
