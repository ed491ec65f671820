"""s2sad's transforms written in the differentiated function: ``s2sad.grad(g)(x)`` in ``f``.

``s2sad.grad(g)`` of functions and constants known now is made while lowering, once; its
call is a call of the function it returns, whose derivative s2sad gives again (``api.nested``).

A lambda or a ``def`` of ``f`` reads ``f``'s values, which exist only when it runs. So it is
lifted: the same body as a function of its own, the values it reads as parameters after its
own, and the call passes them. ``wrt`` still counts its own parameters, which come first:

>>> from s2sad.lower import lower_source
>>> print(lower_source('''
... import numpy as np
... import s2sad
...
... def f(x):
...     bump = lambda y: np.sin(x * y) * x
...     return s2sad.grad(bump)(2.0 * x)
... '''))
def f(x):
    v1 = 2.0 * x
    v2 = bump_grad(v1, x)
    return v2

as if the user had written ``def bump(y, x): return np.sin(x * y) * x`` at module level
and called ``s2sad.grad(bump)(2.0 * x, x)``. The derivative of that call is s2sad's again,
in ``y`` and in ``x`` alike: in ``x``, the cross derivative of ``bump``. The lifted function
has a source of its own (in ``linecache``) and one identity per text and per the cells it
reads, so its derivatives are built once. Made first and called later
(``dg = s2sad.grad(inner)``, then ``dg(x)``), the values are read where it is called, as
Python's closures read them. A local function that reads another local function (or an
object ``f`` made) is not lifted: that is an error at the user's line.
"""

from __future__ import annotations

import ast
import threading
import types
from dataclasses import dataclass

import gast

from ..frontend.namespaces import rule_name
from ..ir import Const, Expr, Ref
from ..ir.printer import gast_text
from .expressions import Function, LocalChoice, LocalFunction, Module, UnsettledFunction
from .lifted import as_def, cell, compiled, free_names, lambda_name, nested_def, source
from .static import Static

_lock = threading.Lock()
TRANSFORM = "__s2sad_transform__"  # on grad, hessian, ...: what they return is made while lowering
_NOT_KNOWN = object()
_MADE: dict[tuple, tuple[list, object]] = {}


def _made(maker, known: list, named: dict) -> object:
    """``maker(*known, **named)``, made once: the same function each time ``f`` is lowered, so
    generated code names it the same (``inner_grad``, not ``inner_grad_2``)."""
    values = [maker, *known, *named.values()]
    try:  # functions by identity (kept alive in the entry), literals by value and type
        key = tuple(id(v) if callable(v) else (type(v), v) for v in values) + tuple(named)
        with _lock:
            hit = _MADE.get(key)
    except TypeError:  # a literal that is no key (a list): made again
        return maker(*known, **named)
    if hit is None or any(callable(a) and a is not b for a, b in zip(hit[0], values)):
        made = maker(*known, **named)
        with _lock:
            if len(_MADE) > 4096:
                _MADE.clear()
            hit = _MADE.setdefault(key, (values, made))
            if any(callable(a) and a is not b for a, b in zip(hit[0], values)):  # a stale entry
                hit = _MADE[key] = (values, made)
    return hit[1]


_WRT_HINT = "Name one of its own parameters: the values it reads from the function are not among them."


@dataclass(eq=False)
class Transformed(Static):
    """``s2sad.grad(inner)`` of a function ``inner`` of this one, not called where it is made
    (``dg = s2sad.grad(inner)``): the values ``inner`` reads are read where ``dg`` is called."""

    made: Function
    local: LocalFunction
    node: gast.Call
    lifted: types.FunctionType  # what was made of: the same where it is called


class Lifting:
    """The part of the lowering that makes s2sad's transforms, lifting local functions."""

    def _Call(self, node: gast.Call) -> object:
        func = node.func
        starred = any(isinstance(a, gast.Starred) for a in node.args) or any(
            k.arg is None for k in node.keywords
        )
        if starred:
            return super()._Call(node)
        if isinstance(func, gast.Name) and isinstance(self.local(func.id), Transformed):
            made = self.local(func.id)  # dg = s2sad.grad(inner), then dg(x): inner's values now
            lifted, params, values = self.lift(made.node.args[0], made.local)
            if lifted is not made.lifted:  # a name it reads was bound since, or a function changed
                raise self.error(
                    node,
                    f"`{func.id}` reads values of this function bound after `{func.id}` was made",
                    f"Make `{func.id}` after them, or where it is called.",
                )
            with self.holding():
                return self.call(self.lifted_call(node, made.local, params, values), made.made)
        made = self.made_by_api(func) if isinstance(func, gast.Call) else None
        if isinstance(made, tuple):  # of a function of this one, lifted: the values it reads passed
            made, local, params, values, _ = made
            with self.holding():
                return self.call(self.lifted_call(node, local, params, values), made)
        if made is not None:
            return self.call(node, made)
        made = self.made_by_api(node)
        if isinstance(made, tuple):  # bound to a name, to be called later
            if self.total_depth() > 0:
                written = self.written(node, self.value(node.func))
                raise self.error(
                    node,
                    f"`{written}` of a function defined in this one, made in a branch or a "
                    "loop and not called there, is not supported",
                    f"Call it where it is made: `{written}(...)`, or make it before the branch or loop.",
                )
            return Transformed(made[0], made[1], node, made[4])
        return made if made is not None else super()._Call(node)

    def made_by_api(self, node: gast.Call) -> Function | tuple | None:
        """``s2sad.grad(g)``, one of s2sad's transforms of functions and constants known now:
        made once, while lowering; a call of it is a call of the function it returns (whose
        derivative s2sad gives again: ``api.nested``). Of a function defined in this one, the
        function lifted (``lifting``): what is made, the local function, its parameters and
        the values it reads."""
        maker = self.maker(node.func)
        if maker is None:
            return None
        local = self.local_argument(node, maker)
        if local is not None:
            lifted, params, values = self.lift(node.args[0], local)
            known = [lifted] + [self.known_now(a) for a in node.args[1:]]
        else:
            known = [self.known_now(a) for a in node.args]
        named = {k.arg: self.known_now(k.value) for k in node.keywords}
        if any(v is _NOT_KNOWN for v in known + list(named.values())) or None in named:
            raise self.error(
                node,
                f"`{gast_text(node)}` of values known only when it runs is not supported",
                "Make the derivative outside the function: dg = s2sad.grad(g), then call dg.",
            )
        if local is not None:
            self.lifted_options(node, known, named, params)
        made = _made(maker.fn, known, named)
        function = Function(made, rule_name(getattr(made, "__name__", "made"), made), True)
        return function if local is None else (function, local, params, values, lifted)

    def maker(self, func: gast.expr) -> Function | None:
        """``s2sad.grad`` (or ``grad`` imported), when ``func`` names one of s2sad's transforms;
        read only where it is a name or a module's attribute (a method of a value is not)."""
        head = func
        while isinstance(head, gast.Attribute):
            head = head.value
        if not isinstance(head, gast.Name) or head is not func and not isinstance(self.value(head), Module):
            return None
        maker = self.value(func)
        return maker if isinstance(maker, Function) and getattr(maker.fn, TRANSFORM, False) else None

    def written(self, node: gast.Call, maker: Function) -> str:
        """``s2sad.grad(inner, wrt=1)`` as written (the module's name may be held by now)."""
        call = gast.Call(gast.Name("__maker", gast.Load(), None, None), node.args, node.keywords)
        text = source(call)
        return maker.path + text[len("__maker") :]

    def local_argument(self, node: gast.Call, maker: Function) -> LocalFunction | None:
        """The function of this one a transform is given (``s2sad.grad(inner)``), if it is."""
        first = node.args[0] if node.args else None
        if not isinstance(first, (gast.Name, gast.Lambda)):
            return None
        value = self.value(first)
        if isinstance(value, UnsettledFunction):
            raise self.error(first, value.why, value.hint)
        if isinstance(value, LocalChoice):
            raise self.error(
                first,
                f"`{source(first)}` is one of several functions, which one known only when it runs: "
                f"`{self.written(node, maker)}` of it is not supported",
                "Give each function its own name and transform each where it is chosen.",
            )
        if not isinstance(value, LocalFunction):
            return None
        if getattr(maker.fn, TRANSFORM) is not True:  # hvp: (*args, v), the direction last
            raise self.error(
                node,
                f"`{self.written(node, maker)}` of a function defined in this one is not supported",
                "Define the function at module level, taking the values it reads as arguments.",
            )
        return value

    def known_now(self, node: gast.expr) -> object:
        """The value of a function's name or of a literal (``g``, ``np.sin``, ``1``, ``(0, 1)``)."""
        if isinstance(node, (gast.Name, gast.Attribute)):
            v = self.value(node)
            return v.fn if isinstance(v, Function) else _NOT_KNOWN
        try:
            return ast.literal_eval(gast_text(node))
        except (ValueError, SyntaxError):
            return _NOT_KNOWN

    def lift(self, node: gast.expr, local: LocalFunction) -> tuple[types.FunctionType, list[str], list[Expr]]:
        """The lifted function of ``local``, its own parameters, and the values it closes over
        (passed after them, in that order)."""
        h = local.node
        args = h.args
        if args.vararg or args.kwarg or args.kwonlyargs:
            raise self.error(
                node,
                f"`{source(node)}`, a function of this one with *args, **kwargs or keyword-only "
                "parameters, given to an s2sad transform is not supported",
                "Give it positional parameters only.",
            )
        if isinstance(h, gast.FunctionDef) and h.decorator_list:
            raise self.error(
                node, f"`{h.name}` has decorators: lifting it out of the function is not supported"
            )
        params = [a.id for a in args.posonlyargs + args.args]
        name = h.name if isinstance(h, gast.FunctionDef) else lambda_name(node, self.root.parsed.name)
        fdef = self.with_local_functions(node, local, as_def(h, name, params))
        base = local.owner
        while base.enclosing is not None:
            base = base.enclosing
        cells, closed, values = {}, [], []
        for free in free_names(fdef):
            value = local.owner.local(free)
            if value is None:
                if free in base.resolver.cells:  # a cell of the function around: read live, as there
                    cells[free] = base.resolver.cells[free]
                continue
            passed = self.passed(node, value)
            if isinstance(passed, Ref) and callable(passed.value) or isinstance(passed, (Function, Module)):
                known = passed.value if isinstance(passed, Ref) else getattr(passed, "fn", None)
                cells[free] = cell(known if known is not None else passed.module)
            elif isinstance(passed, Expr):
                closed.append(free)
                values.append(passed)
            else:
                raise self.error(
                    node,
                    f"`{name}` reads `{free}`, a function or an object made in this function: giving "
                    f"`{name}` to an s2sad transform here is not supported",
                    f"Define `{free}` at module level, or pass what `{name}` needs as arguments.",
                )
        fdef.args.args += [ast.arg(arg=c) for c in closed]
        where = local.owner.parsed.location(h)
        lifted = compiled(fdef, base.resolver.globals, cells, f"{name} lifted from {where.path}:{where.line}")
        return lifted, params, values

    def with_local_functions(self, node: gast.expr, local: LocalFunction, fdef: ast.FunctionDef):
        """``fdef`` with the functions of ``f`` it calls (and they call) defined inside it, as
        they are written: what they read of ``f`` becomes what the lifted function reads."""
        done: set[str] = set()
        while True:
            called = [
                free
                for free in free_names(fdef)
                if isinstance(local.owner.local(free), LocalFunction) and free not in done
            ]
            if not called:
                return fdef
            for free in called:
                g = local.owner.local(free)
                if g is local or g.owner is not local.owner:
                    why = "itself" if g is local else "a function defined in another function"
                    raise self.error(
                        node,
                        f"`{fdef.name}` calls `{free}`, {why}: giving `{fdef.name}` to an s2sad "
                        "transform here is not supported",
                        "Define the functions at module level, taking the values they read as arguments.",
                    )
                if not all(isinstance(d, Const) for d in g.defaults.values()):
                    raise self.error(
                        node,
                        f"`{fdef.name}` calls `{free}`, whose defaults are computed in the function: "
                        f"giving `{fdef.name}` to an s2sad transform here is not supported",
                        f"Pass those values to `{free}` as arguments.",
                    )
                fdef.body.insert(0, nested_def(g.node, free))
                done.add(free)

    def lifted_options(self, node: gast.Call, known: list, named: dict, params: list[str]) -> None:
        """``wrt`` (the second argument of every transform, or by name) counted in the local
        function's own parameters: a negative position from their end, not the values after."""
        n, fn = len(params), source(node.args[0])

        def own(item: object) -> object:
            if isinstance(item, str) and item not in params:
                raise ValueError(
                    f"{self.parsed.location(node)}: wrt={item!r} is not a parameter of {fn}. {_WRT_HINT}"
                )
            if isinstance(item, int) and not isinstance(item, bool):
                if not -n <= item < n:
                    raise ValueError(
                        f"{self.parsed.location(node)}: wrt={item} is out of range: {fn} has {n} "
                        f"positional parameters. {_WRT_HINT}"
                    )
                return item % n
            return item

        def shifted(wrt: object) -> object:
            return type(wrt)(own(w) for w in wrt) if isinstance(wrt, (tuple, list)) else own(wrt)

        if len(known) > 1:
            known[1] = shifted(known[1])
        if "wrt" in named:
            named["wrt"] = shifted(named["wrt"])

    def lifted_call(
        self, node: gast.Call, local: LocalFunction, params: list[str], values: list[Expr]
    ) -> gast.Call:
        """The call of what a transform made of the lifted function: the arguments bound to the
        local function's parameters, each by position, then the values it closes over."""
        bound = dict(zip(params, node.args))
        if len(node.args) > len(params):
            raise TypeError(
                f"{self.parsed.location(node)}: {source(node.func)} takes {len(params)} positional "
                f"arguments but {len(node.args)} were given"
            )
        for k in node.keywords:
            if k.arg not in params or k.arg in bound:
                raise TypeError(f"{self.parsed.location(node)}: unexpected or repeated argument '{k.arg}'")
            bound[k.arg] = k.value
        for p in params:
            if p not in bound:
                if p not in local.defaults:
                    raise TypeError(f"{self.parsed.location(node)}: missing the argument '{p}'")
                bound[p] = self.hold(local.defaults[p], node)
        args = [bound[p] for p in params] + [self.hold(v, node) for v in values]
        return gast.copy_location(gast.Call(node.func, args, []), node)
