"""elementwise_grad: the derivative at each entry of a function applied entry by entry."""

import numpy as np

import s2sad


def softplus(x, beta=1.0):
    return np.log1p(np.exp(beta * x)) / beta


np.set_printoptions(precision=4, suppress=True)
x = np.linspace(-2.0, 2.0, 5)
print("x          ", x)
d = np.tanh
for order in range(1, 5):
    d = s2sad.elementwise_grad(d)  # the derivative of the last one, entry by entry
    print(f"tanh order {order}", d(x))
print("softplus'  ", s2sad.elementwise_grad(softplus)(x))  # the logistic function
print("beta = 4   ", s2sad.elementwise_grad(softplus)(x, 4.0))
print(f"d/d beta    {s2sad.elementwise_grad(softplus, wrt='beta')(x):.4f}")  # of the sum over x
