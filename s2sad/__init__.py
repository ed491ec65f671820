"""s2sad: source-to-source automatic differentiation for plain Python and NumPy.

>>> import s2sad
>>> @s2sad.grad
... def f(x):
...     return x ** 4 + 3 * x ** 2 + 2 * x
>>> f(2.0)
46.0

The subpackages are the stages of the pipeline, in order; each imports only from
the ones before it (tests/layout/test_layers.py checks):

- ``ir``: the IR every stage reads and writes, kinds, names, printing;
- ``frontend``: the function's source, parsed and checked; what its free names mean;
- ``lower``: SSA three-address form;
- ``rules``: derivative rules, one table per namespace (a new rule goes there);
- ``analysis``: which values are active, the kind of every value;
- ``derive``: forward mode and reverse mode (tapes, loops, branches, calls);
- ``simplify``: the passes that make derivative code read as a person would write it;
- ``backend``: compiling generated source; standalone modules;
- ``driver``: the pipeline, specialisation and dispatch, Hessian programs;
- ``api``: ``grad``, ``jvp``, ``hessian``, ... (a new public function goes there);
- ``tools``: the command line and evaluation traces.

``errors`` and ``runtime`` (the helpers generated code calls) sit below them all.
"""

from .api import (
    check_grad,
    custom_jvp,
    custom_vjp,
    defjvp,
    defvjp,
    derivative,
    elementwise_grad,
    grad,
    hessian,
    hvp,
    jacobian,
    jvp,
    source,
    stop_gradient,
    value_and_grad,
    vjp,
)
from .checkpointing import checkpoint
from .errors import (
    CompileWarning,
    DifferentiationError,
    MissingRuleError,
    NonScalarOutputError,
    UndefinedNameError,
    UnsupportedSyntaxError,
)

__version__ = "0.1.0"
__all__ = [
    "CompileWarning",
    "DifferentiationError",
    "MissingRuleError",
    "NonScalarOutputError",
    "UndefinedNameError",
    "UnsupportedSyntaxError",
    "check_grad",
    "checkpoint",
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
    "source",
    "stop_gradient",
    "value_and_grad",
    "vjp",
]
