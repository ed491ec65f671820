"""Derivative rules, one table per namespace.

``core`` says how rules are written; the tables are ``builtin`` (Python
operators and builtins), ``math``, ``numpy`` (elementwise functions and
reductions), ``arrays`` (shapes and axes) and ``linalg`` (products and
``numpy.linalg``). ``macros`` holds the template functions that expand by kind.
"""

from . import (  # noqa: F401
    arrays,
    builtin,
    linalg,
    macros,  # noqa: F401  (registers the macros before templates parse)
    math,
    numpy,
)
from .core import RULES, Rule, lookup

__all__ = ["RULES", "Rule", "lookup"]
