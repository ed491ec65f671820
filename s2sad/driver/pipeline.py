"""The pipeline, from a Python function to the source of its derivative.

    function -> parse -> lower (SSA) -> kinds -> activity -> reverse
             -> simplify -> finish -> print

``build`` runs it once, for one function, one request (``grad`` with respect
to ``x``, ...) and the kinds of the arguments, and keeps every stage so that
``s2sad.source`` and the CLI can print any of them:

- ``ssa``: the function in three-address form,
- ``raw``: the derivative as the reverse pass wrote it,
- ``final``: the derivative after simplification, as it runs.
"""

from __future__ import annotations

import ast
import os
import types
from collections.abc import Callable
from dataclasses import dataclass, field

import gast

from .. import ir
from ..analysis.activity import active_names
from ..analysis.infer import infer
from ..derive.forward import forward
from ..derive.request import Callees, Request
from ..derive.reverse import reverse
from ..frontend.namespaces import fallback_names, head_object
from ..frontend.parse import parse
from ..frontend.resolve import Resolver
from ..ir import Call, Ref
from ..ir.kinds import Kind
from ..ir.printer import Printer, function_source
from ..lower.lowering import lower
from ..rules.registry import inlinable
from ..simplify.finish import finish
from ..simplify.simplifier import simplify

MODE_TITLES = {
    "grad": "Gradient of {f}",
    "value_and_grad": "Value and gradient of {f}",
    "vjp": "Value of {f} and its pullback (vector-Jacobian product)",
    "jvp": "Value of {f} and its tangent (Jacobian-vector product)",
    "derivative": "Derivative of {f}",
}


@dataclass
class Stages:
    """Every stage of one derivative, and what the compiled code needs.

    ``ssa`` and ``raw`` are only printed on request, so they are finished
    (annotated, handed over) lazily."""

    fn: Callable
    request: Request
    ssa_ir: ir.Function
    raw_ir: ir.Function
    final: ir.Function
    kinds: dict[str, Kind]
    refs: dict[str, Ref]  # data the function reads from outside it, by path
    aliases: dict[str, str] = field(default_factory=dict)

    @property
    def ssa(self) -> ir.Function:
        return annotate(self.ssa_ir)

    @property
    def raw(self) -> ir.Function:
        return annotate(finish(ir.replace(self.raw_ir, doc=self.final.doc), dict(self.kinds)))

    def source(self, stage: str = "final") -> str:
        f = {"ssa": lambda: self.ssa, "raw": lambda: self.raw, "final": lambda: self.final}[stage]()
        return function_source(f, self.aliases)


def build(fn: Callable, request: Request, param_kinds: dict[str, Kind], callees: Callees) -> Stages:
    """Run the pipeline for ``fn`` specialised on ``param_kinds``; ``callees`` builds the
    derivatives of the recursive functions it calls."""
    parsed = parse(fn)
    ssa, _free = lower(parsed, Resolver(fn), inlinable)
    _check_wrt(ssa, request, param_kinds)
    kinds = infer(ssa, {p: k.with_shape(p) if k.is_array else k for p, k in param_kinds.items()})
    if request.mode in FORWARD_MODES:
        wrt = {p for p in request.wrt if _varies(kinds.get(p))}  # ints are counts, flags, indices
        active = active_names(ssa, wrt)
        raw, all_kinds = forward(ssa, kinds, active, request, callees)
    else:
        active = active_names(ssa, set(request.wrt))
        raw, all_kinds = reverse(ssa, kinds, active, request, callees)
    final = finish(simplify(raw, dict(all_kinds)), all_kinds)
    final = annotate(ir.replace(final, doc=header(ssa, request, param_kinds)))
    aliases = choose_aliases([ssa, raw, final])  # over every stage: each may be printed
    return Stages(fn, request, ssa, raw, final, all_kinds, data_refs(ssa), aliases)


FORWARD_MODES = ("jvp", "derivative")


def _varies(k: Kind | None) -> bool:
    """Whether an argument of this kind has a tangent: a float, a float array, a container of them."""
    if k is None or k.type is None:
        return True
    if k.is_container:
        return k.differentiable
    return k.dtype in "fc" and k.is_numeric


def _check_wrt(fn: ir.Function, request: Request, kinds: dict[str, Kind]) -> None:
    for name in request.wrt:
        k = kinds.get(name)
        if request.mode in ("vjp", "jvp"):
            continue  # vjp gives None for what is not a number; jvp ignores its tangent
        if request.mode == "derivative" and k is not None and k.type is not None and not k.dims == ():
            raise TypeError(
                f"derivative: `{name}` is a {k.describe()}; derivative needs a number. "
                "Use s2sad.jacobian for an array argument."
            )
        if k is not None and k.type is not None and (not k.differentiable or k.is_array and k.dtype == "b"):
            raise TypeError(
                f"cannot differentiate {fn.name} with respect to `{name}`: it is a "
                f"{k.describe()}, not a number or a float array"
            )
        if k is not None and k.dtype == "c":
            raise TypeError(
                f"cannot differentiate {fn.name} with respect to `{name}`: complex numbers are not supported"
            )


# --------------------------------------------------------------------- headers


def _where(fn: ir.Function) -> str:
    if fn.source is None:
        return "?"
    path = fn.source.path
    if os.path.isabs(path):
        rel = os.path.relpath(path)
        if not rel.startswith(".."):
            path = rel
    return f"{path}:{fn.source.firstline}"


def _names(names: tuple[str, ...] | list[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def header(fn: ir.Function, request: Request, kinds: dict[str, Kind]) -> str:
    """The docstring of generated code: what is differentiated with respect to what."""
    signature = f"{fn.name}({', '.join(p.name for p in fn.params)})"
    title = MODE_TITLES[request.mode].format(f=signature)
    spec = ", ".join(f"{p.name}: {kinds[p.name].describe()}" for p in fn.params if p.name in kinds)
    mode = "Forward" if request.mode in FORWARD_MODES else "Reverse"
    return (
        f"{title} with respect to {_names(request.wrt)}.\n\n"
        f"{mode} mode, generated by s2sad from {_where(fn)}\n"
        f"for {spec}."
    )


def annotate(fn: ir.Function) -> ir.Function:
    """Quote the source line before the statements that come from it.

    A line whose code prints exactly as written needs no quote."""
    if fn.source is None:
        return fn

    def block(stmts: list[ir.Stmt]) -> list[ir.Stmt]:
        out: list[ir.Stmt] = []
        group: list[ir.Stmt] = []
        key = None

        def flush() -> None:
            if not group:
                return
            origin = group[0].origin
            if origin is not None:
                source = origin.source or fn.source
                quoted = _dedent(source.text(origin.line, origin.end_line))
                if source.path != fn.source.path or source.firstline != fn.source.firstline:
                    quoted = f"{source.name}: {quoted}"  # a line of an inlined helper
                if origin.adjoint or not _prints_as(group, quoted):
                    out.append(ir.Comment(quoted))
            out.extend(group)
            group.clear()

        for stmt in stmts:
            if isinstance(stmt, ir.Def):  # the pullback: its statements quote their lines too
                flush()
                key = None
                out.append(ir.with_blocks(stmt, block))
                continue
            o = stmt.origin
            k = (o.line, o.end_line, o.adjoint, id(o.source)) if o else None
            if k != key:
                flush()
                key = k
            group.append(stmt)
        flush()
        return out

    return ir.replace(fn, body=block(fn.body))


def _prints_as(group: list[ir.Stmt], source: str) -> bool:
    """Whether one statement of generated code is the source line as written."""
    if len(group) != 1 or "\n" in source or not isinstance(group[0], (ir.Assign, ir.Return)):
        return False
    try:
        written = ast.dump(ast.parse(source.strip()))
    except SyntaxError:
        return False
    module = gast.Module(body=Printer().stmt(group[0]), type_ignores=[])
    return written == ast.dump(gast.gast_to_ast(module))


def _dedent(text: str) -> str:
    lines = text.rstrip("\n").splitlines()
    indent = min((len(line) - len(line.lstrip()) for line in lines if line.strip()), default=0)
    return "\n".join(line[indent:] for line in lines)


# -------------------------------------------------------------- free names


def data_refs(fn: ir.Function) -> dict[str, Ref]:
    """Values read from globals or closures (not modules, not functions), by path."""
    refs = {}
    for e in ir.walk_exprs(fn.body):
        if isinstance(e, Ref) and not e.canonical and e.path.replace(".", "").isidentifier():
            if not isinstance(e.value, types.ModuleType) and not callable(e.value):
                refs[e.path] = e
    return refs


def choose_aliases(fns: list[ir.Function]) -> dict[str, str]:
    """Rename our names (``np``, ``math``, builtins, helpers) that the user's code uses otherwise."""
    ours: set[str] = set()
    user: dict[str, object] = {}
    for fn in fns:
        for p in fn.params:
            user[p.name] = None
        for stmt in ir.walk(fn.body):
            for name in (*stmt.writes(), *stmt.reads()):
                user[name] = None
            if isinstance(stmt, ir.Def):
                user[stmt.function.name] = None
                for p in stmt.function.params:
                    user[p.name] = None
        for e in ir.walk_exprs(fn.body):
            if isinstance(e, Call) and e.op.form == "call":
                head = e.op.symbol.split(".")[0]
                (ours.add(head) if e.op.canonical else user.setdefault(head, e.op.fn))
            elif isinstance(e, Ref):
                head = e.path.split(".")[0]
                if e.canonical:
                    ours.add(head)
                elif head.isidentifier():
                    user.setdefault(head, e.value if "." not in e.path else None)
    aliases = {}
    cells = {h for fn in fns for h in fn.cells}  # fresh names already
    for head in sorted(ours - cells):
        if head in user and user[head] is not head_object(head):
            taken = set(user) | ours | set(aliases.values())
            aliases[head] = next(n for n in fallback_names(head) if n not in taken)
    return aliases


def cells_needed(stages: Stages) -> dict[str, object]:
    """Values for the closure variables of generated code: our names under their aliases."""
    heads: set[str] = set()
    for fn in (stages.final, stages.raw_ir):
        for e in ir.walk_exprs(fn.body):
            if isinstance(e, Call) and e.op.form == "call" and e.op.canonical:
                heads.add(e.op.symbol.split(".")[0])
            elif isinstance(e, Ref) and e.canonical:
                heads.add(e.path.split(".")[0])
    cells = stages.final.cells
    return {stages.aliases.get(h, h): cells[h] if h in cells else head_object(h) for h in heads}
