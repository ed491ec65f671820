"""Values the lowering knows whole when the function is transformed: they never reach
generated code as themselves, only through what is done with them.

A tuple of a helper's ``*args``, the dict of its ``**kwargs``, a list of functions, a
``functools.partial``: calling, indexing, spreading (``f(*xs)``) and iterating them is done
while lowering, so the derivative reads as if the user had written the items out.
Used as a plain value (returned, passed to NumPy), a container of data becomes the
display it stands for.

>>> items = Items("tuple", (1.0, 2.0))
>>> items.form, len(items.items)
('tuple', 2)
"""

from __future__ import annotations

from dataclasses import dataclass


class Static:
    """A value known when the function is transformed (see the module docstring)."""


@dataclass(eq=False)
class Items(Static):
    """A tuple or a list of known length: its items are atoms of generated code, or
    function values (``Function``, ``LocalFunction``, ``Static``)."""

    form: str  # "tuple" or "list"
    items: tuple
    nodes: tuple = ()  # where each item was written, for errors


@dataclass(eq=False)
class Keyed(Static):
    """A dict with known string keys (a helper's ``**kwargs``, a dict of functions)."""

    entries: dict


@dataclass(eq=False)
class Partial(Static):
    """``functools.partial(fn, *args, **kwargs)``: ``fn`` a function value, the arguments
    evaluated where the partial was made."""

    fn: object
    args: tuple
    kwargs: dict


@dataclass(eq=False)
class Chosen(Static):
    """One of the functions of a container known whole, picked by a key known only when it
    runs (``acts[kind]``, ``fs[i]``): ``which`` is the position of the one picked, an atom
    of generated code; calling it is an ``if`` on ``which``, each function called in its branch."""

    which: object
    options: tuple
