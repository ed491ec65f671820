"""Derivative rules, one table per namespace.

How rules are written and used, in the order each builds on the last:

- ``kindrules``: what a rule says of its result's kind;
- ``templates``: rule patterns and templates parsed to IR;
- ``registry``: ``scalar``, ``linear``, ``rule``, ``nondiff`` register rules; ``lookup`` finds them;
- ``algebra``: local rewriting that keeps kinds (``g * (1.0 / x)`` is ``g / x``);
- ``instantiate``: a template bound to a call's arguments and simplified by kinds;
- ``macros``: template functions that expand by kind (``unbroadcast``).

The tables, one per namespace: ``builtin`` (Python operators and builtins),
``math``, ``numpy`` (elementwise functions and reductions), ``arrays`` (shapes
and axes), ``linalg`` (products and ``numpy.linalg``), ``decompositions``
(``numpy.linalg``'s eigen, singular value and QR decompositions), ``matrix_functions``
(``pinv``, ``matrix_power``, ``lstsq``), ``einsum`` (``np.einsum``, a variadic rule) and
``runtime`` (the helpers generated code may call); ``numeric`` adds NumPy's numeric
functions (``cumprod``, ``interp``, the ``nan`` reductions, ...) to ``numpy``. A new rule is
a row in one of them.

SciPy's tables, ``scipy_special``, ``scipy_linalg``, ``scipy_stats``, ``scipy_signal`` and
``scipy_integrate``, load when the user's code has imported the module they cover and
s2sad first meets it (``frontend.namespaces.on_load``): ``import s2sad`` does not import
SciPy.
"""

# The tables register their rules when imported; macros before any template is used.
from ..frontend.namespaces import on_load
from . import (  # noqa: F401
    arrays,
    builtin,
    decompositions,
    einsum,
    gradients,
    linalg,
    macros,
    math,
    matrix_functions,
    norms,
    numeric,
    numpy,
    runtime,
    selecting,
    shaping,
    shaping_helpers,
    spectral,
    stacking,
    tensors,
    user,
)
from .registry import RULES, Rule, lookup


def load_tables(module_name: str) -> None:
    """Load the rules for ``module_name`` (``scipy.special``), which the user's code imported."""
    if module_name == "scipy.special":
        from . import scipy_special  # noqa: F401
    elif module_name == "scipy.linalg":
        from . import scipy_linalg  # noqa: F401
    elif module_name == "scipy.stats":
        from . import scipy_stats  # noqa: F401
    elif module_name == "scipy.signal":
        from . import scipy_signal  # noqa: F401
    elif module_name == "scipy.integrate":
        from . import scipy_integrate  # noqa: F401


on_load(load_tables)

__all__ = ["RULES", "Rule", "load_tables", "lookup"]
