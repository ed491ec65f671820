"""The user's rules of examples/extending.py, checked and differentiated again."""

import sys

sys.path.insert(0, "examples")
from extending import beta_binomial, centered, quantized_loss  # noqa: E402

import s2sad  # noqa: E402

grad_ab = s2sad.grad(beta_binomial, wrt=("a", "b"))
print("grad at a=2, b=3, k=4, n=10:", grad_ab(2.0, 3.0, 4.0, 10.0))
s2sad.check_grad(beta_binomial, 2.0, 3.0, 4.0, 10.0, wrt=("a", "b"))
print("check_grad: agrees with central differences")
print("d2/da2:", s2sad.hessian(beta_binomial)(2.0, 3.0, 4.0, 10.0))
print()
print("quantized_loss(0.3, 2.0) =", quantized_loss(0.3, 2.0), "(w is rounded to 0.25)")
print("its straight-through gradient:", s2sad.grad(quantized_loss)(0.3, 2.0))
print("centered(1.0, 3.0): gradient with the mean held still:", s2sad.grad(centered)(1.0, 3.0))
