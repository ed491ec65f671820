"""s2sad: source-to-source automatic differentiation for plain Python and NumPy.

>>> import s2sad
>>> @s2sad.grad
... def f(x):
...     return x ** 4 + 3 * x ** 2 + 2 * x
>>> f(2.0)
46.0
"""

from .api import (
    check_grad,
    derivative,
    grad,
    hessian,
    hvp,
    jacobian,
    jvp,
    source,
    value_and_grad,
    vjp,
)
from .errors import DifferentiationError, MissingRuleError, NonScalarOutputError, UnsupportedSyntaxError

__version__ = "0.1.0"
__all__ = [
    "DifferentiationError",
    "MissingRuleError",
    "NonScalarOutputError",
    "UnsupportedSyntaxError",
    "check_grad",
    "derivative",
    "grad",
    "hessian",
    "hvp",
    "jacobian",
    "jvp",
    "source",
    "value_and_grad",
    "vjp",
]
