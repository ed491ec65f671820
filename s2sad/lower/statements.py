"""Lower a parsed function to SSA three-address form: the statements, and ``lower()``.

Every operation gets its own statement and every name is assigned once:
temporaries are numbered ``v1, v2, ...``, and a reassigned variable gets a
version suffix. Names resolve through locals, then the resolver (closure,
globals, builtins):

>>> from s2sad.lower import lower_source
>>> print(lower_source('''
... import math
...
... def f(x1, x2):
...     y = math.log(x1) + x1 * x2
...     y = y - math.sin(x2)
...     return y
... '''))
def f(x1, x2):
    v1 = math.log(x1)
    v2 = x1 * x2
    y = v1 + v2
    v3 = math.sin(x2)
    y_1 = y - v3
    return y_1

``Lowering`` is one object per function (and one per inlined call), composed
of mixins, one concern each, in the modules of this package. They share the state
``Lowering.__init__`` sets up (the current block, the names in scope, the name
pool) and call each other through ``self``: a statement's value is flattened
(``flatten``), its target bound (``assign``), a nested block lowered and merged
(``control``), a call to the user's code inlined (``inline``). Mixins rather
than collaborating objects, because every concern needs all of that state and
the recursion goes both ways: an inlined body is statements again, and a
statement's expression may inline a call.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Callable

import gast

from .. import ir
from ..errors import UndefinedNameError
from ..frontend.parse import Parsed, parse_source, split_docstring
from ..frontend.resolve import Resolver
from ..ir import Const, Expr, Name
from ..ir.names import NamePool, identifiers
from ..ir.printer import function_source
from .assign import Assignments
from .carried import CarriedObjects
from .chosen import Choosing
from .control import ControlFlow
from .dicts import DictMethods
from .expressions import LOCAL_FUNCTIONS, ExprBuilder, Function, LocalFunction, Module, default_expr
from .flatten import Flattening
from .functions import LocalFunctions
from .inline import Inlining
from .lifting import Lifting
from .objects import Objects
from .restructure import restructured
from .sorting import Sorting
from .spread import Spreading
from .unrolled import Unrolling
from .values import Values


class Lowering(
    Objects,
    CarriedObjects,
    Unrolling,
    DictMethods,
    Lifting,
    Values,
    Choosing,
    Sorting,
    Spreading,
    Inlining,
    LocalFunctions,
    ControlFlow,
    Assignments,
    Flattening,
    ExprBuilder,
):
    """Builds the SSA body of one function: ``function()`` lowers it whole; an inlined
    call lowers its body into the caller's block (``Inlining.run_inline``)."""

    def __init__(
        self,
        parsed: Parsed,
        resolver: Resolver,
        inlinable: Callable[[object], bool] | None = None,
        root: Lowering | None = None,
        enclosing: Lowering | None = None,
        stack: tuple = (),
    ):
        super().__init__(parsed)
        self.resolver = resolver
        # which callees are the user's code to inline (the others need rules): the driver says
        self.inlinable = inlinable or root.inlinable
        self.root = root or self  # the function being differentiated, where inlined code goes
        self.checkpoints = True  # checkpoint(f)(x) stays a call (lower() says for the root)
        self.enclosing = enclosing  # for a function defined inside another: the one around it
        self.stack = stack  # functions being inlined around this one (recursion shows here)
        if root is None:
            self.param_kinds: dict = {}  # the kinds of the arguments, where the driver gives them
            self.displays: dict[str, object] = {}  # the items of tuples (and unchanged lists, dicts) built
            self.pool = NamePool(identifiers(parsed.node))
            self.cells: dict[str, object] = {}
            self.stack = (parsed.fn.__code__,)
        else:
            self.pool = root.pool
            self.pool.used |= identifiers(parsed.node)
        self.env: dict[str, Expr | LocalFunction] = {}
        self.body: list[ir.Stmt] = []
        self.origin: ir.Origin | None = None
        self.free: dict[str, object] = {}  # free names read, and what they were
        self.loops: list[dict[str, str]] = []  # carried variables of enclosing loops -> join names
        self.object_loops: list = []  # objects they carry, attribute by attribute (carried.py)
        self.excluded_objects: set[str] = set()
        self.result: str | None = None  # join name of returns from inside branches
        self.final: Expr | None = None  # what an inlined function returns at its end
        self.inlining = root is not None
        self.depth = 0
        self.tree: gast.AST = parsed.node  # restructured, for a function with statements
        self.function_vars: list[dict[str, object]] = []  # per loop: names it binds to functions
        # join names of loops without a value on the first iteration (first bound in the loop)
        self.unbound: set[Name] = set() if root is None else root.unbound
        # names bound on one path of an `if` only: the branch that binds them, the if's joins
        self.one_path: dict[str, tuple[list, list]] = {} if root is None else root.one_path
        self.unbound_paths: dict[str, list] = {} if root is None else root.unbound_paths

    def local(self, name: str) -> Expr | LocalFunction | None:
        value = self.env.get(name)
        if value is None and self.enclosing is not None:
            return self.enclosing.local(name)  # read when called, as Python closures do
        return value

    def resolve(self, name: str, node: gast.AST) -> Expr | Module | Function:
        if self.enclosing is not None:
            return self.enclosing.resolve(name, node)
        where, value = self.resolver.lookup(name)
        if where == "missing":
            raise UndefinedNameError(
                f"name '{name}' is not defined",
                self.parsed.location(node),
                "s2sad reads every path of the function, also one that does not run here: "
                "define the name, or remove the code that reads it.",
            )
        if self.root is self:
            self.free[name] = value
            return self.wrap(value, name, canonical=False)
        return self.foreign(name, where, value)

    def restructured(self, node: gast.FunctionDef, body: list[gast.stmt]) -> list[gast.stmt]:
        """``body`` of ``node`` restructured (one exit, no ``break`` out of a branch), with the
        names that introduces taken from the pool."""
        fn = restructured(
            gast.FunctionDef(
                name=node.name,
                args=node.args,
                body=body,
                decorator_list=[],
                returns=None,
                type_comment=None,
                type_params=[],
            ),
            self.pool.used,
        )
        self.pool.used |= identifiers(fn)
        self.tree = fn  # what the statements lowered belong to
        return fn.body

    def values_before(self, call: Expr) -> Expr:
        """``np.add.at(y, index, y)`` adds the values ``y`` had before the call (NumPy reads
        an operand that overlaps the output as a copy): the SSA form copies them first."""
        is_add_at = isinstance(call, ir.Call) and call.op.form == "call" and call.op.symbol == "np.add.at"
        if not (is_add_at and len(call.args) == 3 and call.args[2] == call.args[0]):
            return call
        before = Name(self.pool.temp())
        self.emit(ir.Assign(before, ir.Call(ir.method_op("copy"), (call.args[0],))))
        return dataclasses.replace(call, args=(*call.args[:2], before))

    def function(self) -> ir.Function:
        """The whole function: its parameters, its body, a ``return`` at its end."""
        node = self.parsed.node
        self.check_root()
        params = self.params(node.args)
        for p in params:
            self.pool.version(p.name)
            self.env[p.name] = self.param_value(p.name)
        doc = None
        if isinstance(node, gast.Lambda):
            ret = gast.Return(value=node.body)
            self.stmt(gast.copy_location(ret, node.body))
        else:
            doc, body = split_docstring(node.body)
            exited = False
            for stmt in self.restructured(node, body):
                if self.stmt(stmt):
                    exited = True
                    break
            if self.result is not None and not (self.body and isinstance(self.body[-1], ir.Return)):
                self.emit(ir.Return(Name(self.result)))
            elif not exited:
                self.emit(ir.Return(Const(None)))
        return ir.Function(
            self.parsed.name,
            params,
            self.body,
            doc,
            self.parsed.source,
            temps=set(self.pool.temp_names),
            cells=dict(self.cells),
        )

    def params(self, args: gast.arguments) -> list[ir.Param]:
        """The parameters, with the defaults the function has (its values, printed as written)."""
        fn = self.parsed.fn
        positional = args.posonlyargs + args.args
        defaults = list(fn.__defaults__ or ())
        first_default = len(positional) - len(defaults)
        out = []
        for i, a in enumerate(positional):
            kind = "positional_only" if i < len(args.posonlyargs) else "positional"
            j = i - first_default
            default = default_expr(defaults[j], args.defaults[j]) if j >= 0 else None
            out.append(ir.Param(a.id, kind, default))
        kwdefaults = fn.__kwdefaults__ or {}
        for a, node in zip(args.kwonlyargs, args.kw_defaults):
            default = default_expr(kwdefaults[a.id], node) if a.id in kwdefaults else None
            out.append(ir.Param(a.id, "keyword_only", default))
        return out

    def stmt(self, node: gast.stmt) -> bool:
        """Lower one statement; true when control cannot pass it."""
        self.origin = self.parsed.origin(node)
        if isinstance(node, gast.Assign):
            first, *others = node.targets
            if isinstance(node.value, (gast.ListComp, gast.GeneratorExp)) and isinstance(first, gast.Name):
                items = self.pool.version(first.id)  # the list gets the variable's name
                self.env[first.id] = self.comprehension(node.value, items)
                for target in others:
                    self.assign(target, self.env[first.id])
                return False
            value = (
                self.value(node.value)
                if isinstance(node.value, gast.Lambda)
                else self.bound_value(node.value)
            )
            self.assign(first, value)
            for target in others:  # a = b = value
                self.assign(target, self.env[first.id] if isinstance(first, gast.Name) else value)
        elif isinstance(node, gast.AugAssign):
            self.augassign(node)
        elif isinstance(node, gast.AnnAssign):
            if node.value is not None:
                self.assign(node.target, self.expr(node.value))
        elif isinstance(node, gast.Return):
            value = Const(None) if node.value is None else self.bound_value(node.value)
            if self.depth == 0 and self.result is None and self.inlining:  # a helper may return a function
                self.final = (
                    value
                    if isinstance(value, LOCAL_FUNCTIONS) or not isinstance(value, Expr)
                    else self.atom(value)
                )
                return True
            value = self.settle(node.value, value)  # a local function returned in a branch: refused
            if self.depth == 0 and self.result is None:
                self.emit(ir.Return(self.atom(value)))
            else:  # a return inside a branch: copy to the join name of all returns
                if self.result is None:
                    self.result = self.pool.fresh("result")
                self.emit(ir.Assign(Name(self.result), self.atom(value)))
            return True
        elif isinstance(node, gast.Expr):
            if isinstance(node.value, gast.Call):
                self.emit(ir.Effect(self.values_before(self.flatten(self.expr(node.value), root=False))))
        elif isinstance(node, gast.Assert):
            msg = None if node.msg is None else self.atom(self.expr(node.msg))
            self.emit(ir.Assert(self.atom(self.expr(node.test)), msg))
        elif isinstance(node, gast.If):
            return self.if_(node)
        elif isinstance(node, gast.For):
            self.for_(node)
        elif isinstance(node, gast.While):
            self.while_(node)
        elif isinstance(node, gast.Break):
            self.copy_out(self.loops[-1])
            self.emit(ir.Break())
            return True
        elif isinstance(node, gast.FunctionDef):
            self.env[node.name] = LocalFunction(node, self, self.defaults(node.args))
        elif not isinstance(node, gast.Pass):
            raise self.error(node, f"the statement `{type(node).__name__}` is not supported")
        return False


def lower(
    parsed: Parsed,
    resolver: Resolver,
    inlinable: Callable[[object], bool],
    checkpoints: bool = True,
    param_kinds: dict | None = None,
) -> tuple[ir.Function, dict[str, object]]:
    """The SSA form of a parsed function, and the free names it reads.

    ``inlinable(fn)`` says whether a function the code calls is the user's own, to inline
    (the others need derivative rules); ``checkpoints=False`` inlines ``checkpoint(f)(x)`` too
    (forward mode, and programs to be differentiated again, keep no tape to save); ``param_kinds``
    gives the lengths of tuple arguments, for ``f(*xs)``."""
    lowering = Lowering(parsed, resolver, inlinable)
    lowering.checkpoints = checkpoints
    lowering.param_kinds = dict(param_kinds or {})  # f(*xs) for a tuple argument xs
    return lowering.function(), lowering.free


def lower_source(text: str, name: str | None = None) -> str:
    """The SSA form of the function ``name`` that the module source ``text`` defines (by
    default the last one), printed as Python without a final newline. The functions
    ``text`` defines count as the user's own, inlined where they are called.

    >>> print(lower_source("def f(x):\\n    return 3.0 * x * x"))
    def f(x):
        v1 = 3.0 * x
        v2 = v1 * x
        return v2
    """
    parsed = parse_source(text, name)
    own = parsed.fn.__globals__

    def inlinable(fn: object) -> bool:
        made = hasattr(fn, "__s2sad__")  # what s2sad.grad returned runs in the user's globals too
        return isinstance(fn, types.FunctionType) and fn.__globals__ is own and not made

    ssa, _ = lower(parsed, Resolver(parsed.fn), inlinable)
    return function_source(ssa).rstrip("\n")
