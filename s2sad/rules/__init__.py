"""Derivative rules, one table per namespace.

``core`` says how rules are written; the tables are ``builtin`` (Python
operators and builtins), ``math``, ``numpy`` (elementwise functions and
reductions), ``arrays`` (shapes and axes), ``linalg`` (products and
``numpy.linalg``) and ``runtime`` (the helpers generated code may call).
``macros`` holds the template functions that expand by kind.
"""

# The tables register their rules when imported; macros before any template is used.
from . import arrays, builtin, linalg, macros, math, numpy, runtime  # noqa: F401
from .registry import RULES, Rule, lookup

__all__ = ["RULES", "Rule", "lookup"]
