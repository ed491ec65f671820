"""What the derivation passes need to know about a function in SSA form, found before they run.

- ``activity``: which values need a derivative (they depend on a ``wrt`` input and
  reach the output);
- ``infer``: the kind of every value (a float, a 2-D float array, a list of them, ...);
- ``sequences``: ``+`` and ``*`` of lists and tuples, which join and repeat them;
- ``views``: which array an expression may be a view of;
- ``aliases``: changes in place that the reverse sweep cannot follow, refused with a fix;
- ``sharing``: names (and containers) that see an array changed in place, read after it;
- ``inplace``: calls that change a value in place unseen (``b.sort()``, ``out=``), refused;
- ``examples``: a Python function lowered to SSA, for the examples in these docstrings.
"""
