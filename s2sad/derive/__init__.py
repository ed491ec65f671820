"""The derivation passes: an SSA function and its analyses in, the derivative's IR out.

``forward`` and ``reverse`` are the entry points the driver calls. The modules, in
the order they build on each other:

- ``request``: what to build (``grad``, ``vjp``, ``jvp``, ... with respect to what), and
  the callbacks for the derivatives of recursive calls (``Callees``);
- ``sweep``: what forward and reverse mode share: derived names and kinds, rules;
- ``forward``: forward mode, a tangent statement after each active statement;
- ``adjoints``: reverse mode's bookkeeping: adjoints set, then added to;
- ``tape``: what a reversed loop needs from its iterations: recomputed or kept;
- ``branches``, ``loops``, ``containers``, ``recursion``: reversing ``if``, ``for``
  and ``while``, displays, lists and arrays changed in place, recursive calls;
- ``reverse``: reverse mode, the primal sweep and the adjoint sweep, made of those;
- ``examples``: a pass run on a Python function and printed, for the examples.
"""

from .forward import forward
from .request import Callees, Request
from .reverse import reverse

__all__ = ["Callees", "Request", "forward", "reverse"]
