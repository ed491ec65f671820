"""Newton's method on the Rosenbrock function, with the Hessian s2sad computes.

Run it with ``python examples/newton.py``. Each step solves H d = -g with the
exact Hessian (forward mode over the generated gradient) and lands on the
minimum at (1, 1, ..., 1) in a handful of steps.
"""

import numpy as np

import s2sad


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


def newton(x, steps=30, tol=1e-10):
    gradient = s2sad.grad(rosenbrock)
    hessian = s2sad.hessian(rosenbrock)
    for step in range(steps):
        g = gradient(x)
        print(f"step {step:2d}  f = {rosenbrock(x):.3e}  |g| = {np.linalg.norm(g):.3e}")
        if np.linalg.norm(g) < tol:
            break
        d = np.linalg.solve(hessian(x), -g)
        t = 1.0  # backtracking keeps each step downhill
        while rosenbrock(x + t * d) > rosenbrock(x) and t > 1e-4:
            t /= 2
        x = x + t * d
    return x


if __name__ == "__main__":
    x = newton(np.array([1.3, 0.7, 0.8, 1.9, 1.2]))  # the starting point of SciPy's tutorial
    print("x =", np.round(x, 6))
    assert np.allclose(x, 1.0, atol=1e-6), "Newton's method did not converge"
