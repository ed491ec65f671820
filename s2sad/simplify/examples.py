"""Python read as IR just as written, to show and test one pass at a time.

The pipeline's own frontend lowers a function to SSA three-address form, which
is not the code the simplification passes meet: they work on derivative code,
with ``+=``, tapes and names used many times. ``read`` turns a few lines of such
code into IR as they stand, and ``run`` applies one pass to them and prints the
result, so that each pass's docstring shows its effect as a doctest:

>>> from s2sad.simplify.dce import live_code
>>> print(run(live_code, '''
... v1 = x * 2.0
... v2 = np.sin(x)
... return v1
... '''))
v1 = x * 2.0
return v1

In an example, names spelled ``v1`` (a temporary) or ending in ``_bar``, ``_dot``
(an adjoint, a tangent) are names the transformer made up, which passes may fold
away; a name read before anything assigns it is a parameter.
"""

from __future__ import annotations

import textwrap

import gast

from .. import ir
from ..analysis.infer import infer
from ..derive.request import AS_GRADIENT
from ..ir import Call, Expr, Name
from ..ir.kinds import kind_of
from ..ir.printer import body_source
from ..rules.templates import TemplateBuilder
from .state import Pass, State


def read(source: str) -> list[ir.Stmt]:
    """The statements of ``source`` as IR, one statement for each."""
    return _block(gast.parse(textwrap.dedent(source)).body)


def run(pass_: Pass, source: str, tapes: tuple[str, ...] = (), **samples: object) -> str:
    """``source`` after ``pass_`` alone, printed. ``samples`` are values of parameters that
    give them their kinds (``x=np.ones(3)``); the kinds of the other names are inferred."""
    body = read(source)
    return body_source(pass_(body, state(body, tapes, **samples))).rstrip("\n")


def state(body: list[ir.Stmt], tapes: tuple[str, ...] = (), **samples: object) -> State:
    """The state a pass on ``body`` starts from, as ``run`` makes it."""
    assigned: set[str] = set()
    params: list[str] = list(samples)
    for stmt in ir.walk(body):
        params += [n for n in stmt.reads() if n not in assigned and n not in params]
        assigned.update(stmt.writes())
    made_up = {n for n in assigned if _made_up(n)}
    fn = ir.Function("f", [ir.Param(p) for p in params], body, temps=made_up, tapes=set(tapes))
    kinds = {}
    for name, value in samples.items():
        k = kind_of(value)
        kinds[name] = k.with_shape(name) if k.is_array else k
    return State.of(fn, infer(fn, kinds))


def _made_up(name: str) -> bool:
    return name[:1] == "v" and name[1:].isdigit() or name.endswith(("_bar", "_dot"))


# ----------------------------------------------------------------------- statements


def _block(nodes: list[gast.stmt]) -> list[ir.Stmt]:
    return [_stmt(node) for node in nodes if not isinstance(node, gast.Pass)]


def _stmt(node: gast.stmt) -> ir.Stmt:
    if isinstance(node, (gast.Assign, gast.AugAssign)):
        accumulate = isinstance(node, gast.AugAssign)
        if accumulate and not isinstance(node.op, gast.Add):
            raise ValueError("only += accumulates")
        target = node.target if accumulate else node.targets[0]
        value = _expr(node.value)
        if isinstance(target, gast.Name):
            return ir.Assign(Name(target.id), value, accumulate)
        if isinstance(target, gast.Subscript):
            return ir.SetItem(Name(target.value.id), _expr(target.slice), value, accumulate)
        return ir.Unpack(tuple(Name(t.id) for t in target.elts), value)
    if isinstance(node, gast.Return):
        return ir.Return(_expr(node.value))
    if isinstance(node, gast.Expr):
        return ir.Effect(_expr(node.value))
    if isinstance(node, gast.If):
        return ir.If(_expr(node.test), _block(node.body), _block(node.orelse))
    if isinstance(node, gast.For):
        return ir.For(_expr(node.target), _expr(node.iter), _block(node.body))
    if isinstance(node, gast.While):
        return ir.While([], _expr(node.test), _block(node.body))
    if isinstance(node, gast.Break):
        return ir.Break()
    raise ValueError(f"cannot read {type(node).__name__}")


# ---------------------------------------------------------------------- expressions


class _Reader(TemplateBuilder):
    """Expressions read as rule templates are (NumPy, ``math``, builtins and run-time
    helpers by their names), except that every other name is a local, and calling a
    local calls a function value (a pullback)."""

    def __init__(self) -> None:
        super().__init__(set(), macros=False)

    def local(self, name: str) -> Expr | None:
        return None if name in self.names else Name(name)

    def _Call(self, node: gast.Call) -> Expr:
        func = node.func
        if isinstance(func, gast.Name) and (func.id == "as_gradient" or func.id not in self.names):
            args = tuple(self.expr(a) for a in node.args)
            kwargs = tuple((k.arg, self.expr(k.value)) for k in node.keywords)
            if func.id == "as_gradient":
                return Call(AS_GRADIENT, args, kwargs)
            return Call(ir.APPLY, (Name(func.id), *args), kwargs)
        return super()._Call(node)


def _expr(node: gast.expr) -> Expr:
    return _Reader().expr(node)
