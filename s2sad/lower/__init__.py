"""Lowering: a parsed function to SSA three-address form (``lower``).

The modules, in the order a function goes through them:

- ``restructure``: on the gast tree, every ``return``, ``break`` and ``continue`` moved to the
  end of a block;
- ``expressions``: Python expressions to IR expression trees (``ExprBuilder``), and what free
  names are (``Module``, ``Function``, ``LocalFunction``);
- ``flatten``: expression trees to three-address statements, one operation each;
- ``assign``: assignment targets: names, unpacking, items of arrays, augmented assignment;
- ``control``: ``if``, ``for``, ``while`` with join names; comprehensions, ``and``/``or`` and
  ``a if c else b``;
- ``functions``: local functions where paths join: a ``def`` or ``lambda`` in a branch or a loop;
- ``inline``: calls to the user's own functions, inlined; binding arguments to parameters;
- ``statements``: ``Lowering``, the statements of a function, made of the four concerns above
  over ``ExprBuilder``; ``lower()`` and ``lower_source()``.

>>> from s2sad.frontend.parse import parse_source
>>> from s2sad.frontend.resolve import Resolver
>>> from s2sad.ir.printer import function_source
>>> parsed = parse_source("def f(x):\\n    return x * x + 1.0")
>>> ssa, free = lower(parsed, Resolver(parsed.fn), inlinable=lambda fn: False)
>>> print(function_source(ssa), end="")
def f(x):
    v1 = x * x
    v2 = v1 + 1.0
    return v2
"""

from .statements import lower, lower_source

__all__ = ["lower", "lower_source"]
