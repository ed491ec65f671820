"""Local functions where paths join: what a name bound to a ``def`` or ``lambda`` means after
an ``if`` or a loop.

A local function is not a value of the generated code: it is inlined where it is
called (``inline``). After an ``if`` whose branches bind a name to different
functions, the name is a *choice*: an ``int`` join name says which branch ran,
and a call is an ``if`` on it, each function inlined in its branch:

>>> from s2sad.lower import lower_source
>>> print(lower_source('''
... def f(x, c):
...     if c > 0:
...         g = lambda t: t * t
...     else:
...         def g(t):
...             return 2.0 * t
...     return g(x)
... '''))
def f(x, c):
    v1 = c > 0
    if v1:
        g_choice = 0
    else:
        g_choice = 1
    v3 = g_choice == 0
    if v3:
        v4 = x * x
        v2 = v4
    else:
        v5 = 2.0 * x
        v2 = v5
    return v2

A function defined in a loop is the same function on every iteration, so it is
not carried by the loop; after the loop the name is that function, unless which
one it is depends on the iterations (a default computed in the loop, a function
of the same name from before): then a call is refused, at the user's line.
"""

from __future__ import annotations

import gast

from .. import ir
from ..ir import Call, Const, Expr, Name
from .expressions import LocalChoice, LocalFunction, UnsettledFunction


class LocalFunctions:
    """The part of the lowering that follows local functions through ``if`` and loops."""

    def enter_functions(self, node: gast.For | gast.While) -> set[str]:
        """The names the loop binds to functions only; what they are at the top of its body."""
        functions = _functions_only(node.body)
        self.function_vars.append({var: self.env.get(var) for var in functions})
        for var in sorted(functions):
            if var in self.env:  # the function from before on the first iteration, then the new one
                self.env[var] = UnsettledFunction(
                    f"`{var}` is redefined in the loop: which function it is depends on the iteration",
                    "Give the function defined in the loop a name of its own.",
                )
        return functions

    def join_functions(self, var, values, blocks, joins, origin) -> LocalFunction | LocalChoice | None:
        """What ``var`` is after an ``if`` when a branch binds it to a local function: that
        function when the other binds nothing, else a choice, the selector set in each branch."""
        present = [v for v in values if v is not None]
        if len(present) == 1:
            return present[0]
        if not all(isinstance(v, (LocalFunction, LocalChoice)) for v in values):
            return UnsettledFunction(
                f"`{var}` is a function on one path and something else on another",
                "Give the function and the value different names.",
            )
        selector, options = self.pool.fresh(f"{var}_choice"), []
        for value, block in zip(values, blocks):
            if isinstance(value, LocalFunction):
                which: Expr = Const(len(options))
                options.append(value)
            else:
                which = value.selector
                if options:  # its options come after those of the first branch
                    which = Name(self.pool.temp())
                    block.append(ir.Assign(which, Call(ir.ADD, (value.selector, Const(len(options))))))
                options.extend(value.options)
            block.append(self.copy(selector, which, origin))
        joins.append(selector)
        return LocalChoice(Name(selector), tuple(options))

    def settle_functions(self, before: dict[str, object], env_end: dict[str, object]) -> None:
        """What the names the loop binds to local functions are after it: the function the
        body defines, when nothing computed in the body is needed to call it."""
        for var, old in before.items():
            new = env_end.get(var)
            if new is None or new is old:
                self.env[var] = old
            elif old is not None:
                self.env[var] = UnsettledFunction(
                    f"`{var}` is redefined in the loop: which function it is after it depends on "
                    "whether the loop ran",
                    "Give the function defined in the loop a name of its own.",
                )
            elif isinstance(new, LocalFunction) and all(isinstance(d, Const) for d in new.defaults.values()):
                self.env[var] = new
            else:
                self.env[var] = UnsettledFunction(
                    f"`{var}` is defined in the loop from values computed in it: it can only be "
                    "called inside the loop",
                    "Define the function before the loop.",
                )


def _functions_only(stmts: list[gast.stmt]) -> set[str]:
    """Names a block binds to a ``def`` or a ``lambda`` and to nothing else."""
    functions, others, bound = set(), set(), set()
    for node in (n for s in stmts for n in gast.walk(s)):
        if isinstance(node, gast.FunctionDef):
            functions.add(node.name)
        elif isinstance(node, gast.Assign) and isinstance(node.value, gast.Lambda):
            targets = [t for t in node.targets if isinstance(t, gast.Name)]
            functions |= {t.id for t in targets}
            bound |= {id(t) for t in targets}
        elif isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store) and id(node) not in bound:
            others.add(node.id)
        elif isinstance(node, gast.NamedExpr):
            others.add(node.target.id)
    return functions - others
