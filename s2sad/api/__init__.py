"""The public API, re-exported by ``s2sad``; one module per kind of use:

- ``reverse_mode``: ``grad``, ``value_and_grad``, ``elementwise_grad``, ``vjp``;
- ``forward_mode``: ``jvp``, ``derivative``;
- ``jacobians``: ``jacobian``;
- ``second_order``: ``hessian``, ``hvp`` (the Hessian programs are built by ``s2sad.driver.hessian``);
- ``inspection``: ``source``, and ``program`` behind it and the command line;
- ``checking``: ``check_grad``, ``numerical_gradient``;
- ``extending``: ``defvjp``, ``defjvp``, ``custom_vjp``, ``custom_jvp``, ``stop_gradient``;
- ``arguments``: what they all check first (the function, ``wrt``), and how a call binds;
- ``wrappers``: the small functions with source built around the user's for s2sad to read.

No module is named after a function in it: the package re-exports the functions
under their names, which would hide such a module (``s2sad.api.hessian`` is the function).

>>> from s2sad.api import grad
>>> grad(lambda x: x ** 4 + 3 * x ** 2 + 2 * x)(2.0)
46.0
"""

from ..lower.lifting import TRANSFORM
from ..runtime.integrate import differentiate_with
from .checking import check_grad, numerical_gradient
from .extending import custom_jvp, custom_vjp, defjvp, defvjp, stop_gradient
from .forward_mode import derivative, jvp
from .inspection import Program, program, source
from .jacobians import jacobian
from .nested import nested_rule  # noqa: F401  (registers the rules of what s2sad returned)
from .reverse_mode import elementwise_grad, grad, value_and_grad, vjp
from .second_order import hessian, hvp

differentiate_with(vjp, jvp)  # the ODE rules' helpers differentiate the user's func with them
for _transform in (grad, value_and_grad, elementwise_grad, derivative, jacobian, hessian, hvp):
    setattr(_transform, TRANSFORM, True)  # s2sad.grad(g) in differentiated code is made while lowering
setattr(hvp, TRANSFORM, "direction last")  # hvp(g)(*args, v): the values of a lifted g cannot follow

__all__ = [
    "check_grad",
    "custom_jvp",
    "custom_vjp",
    "defjvp",
    "defvjp",
    "derivative",
    "elementwise_grad",
    "grad",
    "hessian",
    "hvp",
    "jacobian",
    "jvp",
    "numerical_gradient",
    "program",
    "Program",
    "source",
    "stop_gradient",
    "value_and_grad",
    "vjp",
]
