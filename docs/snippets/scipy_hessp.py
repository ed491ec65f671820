"""SciPy's Newton methods with s2sad's gradient and Hessian-vector product."""

import numpy as np
from scipy.optimize import minimize

import s2sad


def rosenbrock(x, a, b=100.0):
    return np.sum(b * (x[1:] - x[:-1] ** 2) ** 2 + (a - x[:-1]) ** 2)


x0 = np.array([1.3, 0.7, 0.8, 1.9, 1.2])
result = minimize(
    rosenbrock,
    x0,
    args=(1.0, 80.0),  # a and b: minimize passes them to f, jac and hessp
    method="trust-ncg",
    jac=s2sad.grad(rosenbrock),
    hessp=s2sad.hvp(rosenbrock, scipy=True),  # hessp(x, p, a, b)
)
print(result.message)
print("x =", result.x.round(4))
print(f"{result.nit} steps, {result.njev} gradients, {result.nhev} Hessian-vector products")
