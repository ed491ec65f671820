"""Names for generated code: fresh temporaries and versions that collide with nothing.

A variable keeps its own name for its first assignment; later ones get versions,
temporaries are numbered as in evaluation traces, derived names get a counter
only when taken:

>>> pool = NamePool({"x", "v1"})
>>> pool.version("x"), pool.version("x"), pool.temp(), pool.fresh("x_bar"), pool.fresh("x_bar")
('x', 'x_1', 'v2', 'x_bar', 'x_bar1')
"""

from __future__ import annotations

import gast


class NamePool:
    """Hands out names that collide with nothing in the function.

    Names spelled in the source are reserved: a variable keeps its own name
    for its first assignment, and nothing else may take it."""

    def __init__(self, reserved: set[str]):
        self.used = set(reserved)  # reserved or handed out: what a new name must avoid
        self.taken: set[str] = set()  # handed out
        self.temps = 0
        self.temp_names: list[str] = []

    def version(self, var: str) -> str:
        """The name for a new assignment to source variable ``var``."""
        if var not in self.taken:
            self.taken.add(var)
            self.used.add(var)
            return var
        return self.fresh(var + "_", start=1)

    def fresh(self, base: str, start: int | None = None) -> str:
        """``base`` if free, else ``base1``, ``base2``... (or from ``start``)."""
        name = base
        if start is not None or base in self.used:
            k = start or 1
            while f"{base}{k}" in self.used:
                k += 1
            name = f"{base}{k}"
        self.used.add(name)
        self.taken.add(name)
        return name

    def temp(self) -> str:
        while True:
            self.temps += 1
            name = f"v{self.temps}"
            if name not in self.used:
                self.used.add(name)
                self.taken.add(name)
                self.temp_names.append(name)
                return name


def identifiers(node: gast.AST) -> set[str]:
    """Every identifier spelled in a tree."""
    return {n.id for n in gast.walk(node) if isinstance(n, gast.Name)}
