"""Forward mode with dual numbers: a + b*eps with eps**2 = 0 carries a value and its tangent."""

import math


class Dual:
    def __init__(self, value, tangent=0.0):
        self.value, self.tangent = value, tangent

    def __add__(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(self.value + other.value, self.tangent + other.tangent)

    def __sub__(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(self.value - other.value, self.tangent - other.tangent)

    def __mul__(self, other):
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(self.value * other.value, self.tangent * other.value + self.value * other.tangent)


def log(d):
    return Dual(math.log(d.value), d.tangent / d.value)


def sin(d):
    return Dual(math.sin(d.value), math.cos(d.value) * d.tangent)


def baydin(x1, x2):
    return log(x1) + x1 * x2 - sin(x2)


y = baydin(Dual(2.0, 1.0), Dual(5.0, 0.0))  # seed: the direction (1, 0)
print(f"value {y.value:.3f}, derivative along x1 {y.tangent:.3f}")
