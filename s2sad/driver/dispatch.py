"""Specialise on the kinds of the arguments, cache, and dispatch.

``grad(f)`` returns a *dispatcher*: a generated function with ``f``'s
signature that checks the kinds of its arguments and runs the derivative
compiled for them. ``__miss`` builds (or finds in the cache) the derivative for
new kinds and rewrites the dispatcher's code in place, so the object users hold
stays the same and a call costs one check per argument on top of the derivative:

>>> import inspect
>>> from s2sad.derive.request import Request
>>> def f(x1, x2):
...     return x1 * x2 + x1
>>> df = transform(f, Request("grad", ("x1", "x2"), False)).dispatcher
>>> df(2.0, 5.0), df(2, 5.0)
((6.0, 2.0), (6.0, 2.0))
>>> print(inspect.getsource(df), end="")  # doctest: +ELLIPSIS
def f_grad(x1, x2):
    if 0:  # every closure variable, so the code can be swapped in place
        (__miss, __T,)
    if type(x1) is float and type(x2) is float:
        x1_bar = 1.0 + x2
        x2_bar = x1
        return (x1_bar, x2_bar)
    if type(x1) is int and type(x2) is float:
        return __T[0](x1, x2)
    return __miss(x1, x2)

The first specialisation's body is written into the dispatcher under its guard
(saving a call); the names it reads from its closure, such as ``math``, are
read into locals ``__k0``, ``__k1``, ... from ``__T``, the one tuple of what the
guards and calls read: a dispatcher has two cells of its own, as each costs
every call. Past the ``SLOTS`` kinds checked inline, ``__miss`` looks the
arguments' types up in a table, each entry checked by the guard the dispatcher
would write for it: a new kind is built once, and a known one costs a lookup.
Guards also cover values the function reads from its globals and closure
(their kinds), and the functions it calls through those names (identity).

The cache is keyed by the function's code object, the request and the kinds;
a redefined function has a new code object and is transformed again. Compiled
code is shared between closures of the same code: each gets its own cells.
"""

from __future__ import annotations

import threading
import types
import weakref
from collections.abc import Callable

from ..backend.compiler import compile_function
from ..derive.request import Callees, Request
from ..errors import UnsupportedSyntaxError
from ..frontend.resolve import Resolver, parameters
from ..ir.kinds import PYSCALARS, UNKNOWN, Kind, guard, kind_of
from ..rules.instantiate import expr_kind
from ..rules.user import on_change
from . import diskcache
from .compiled import Compiled, callees_of, cell_value, table_key
from .pipeline import Stages, build, cells_needed, paused_gc

SLOTS = 4  # specialisations the dispatcher checks inline; more go through __miss's table
SPARE = 8  # names its inlined first specialisation may read from __T
_lock = threading.RLock()


_cache: dict[tuple, list[Compiled]] = {}
_live: weakref.WeakSet = weakref.WeakSet()  # every Transform, so a new rule can reach its dispatcher


def rebuild(fn: object = None) -> None:
    """A rule changed (for ``fn``): every derivative is built again when next called.

    Derivatives of code that never reaches ``fn`` are built again too; rules are
    registered before derivatives are taken, so this is rare, and it is always right."""
    with _lock:
        _cache.clear()
        _vjp_cells.clear()
        _jvp_cells.clear()
        for t in list(_live):
            t.reset()


def _value_at(fn: Callable, path: str) -> object:
    head, *rest = path.split(".")
    where, value = Resolver(fn).lookup(head)
    for attr in rest:
        value = getattr(value, attr)
    return value


class Transform:
    """One transformation of one function (``grad(f, wrt="x")``): its dispatcher
    and the specialisations it has seen."""

    def __init__(self, fn: Callable, request: Request):
        self.fn = fn
        self.request = request
        self.positional, self.keyword, self.posonly = parameters(fn)
        self.slots: list[tuple[Compiled, Callable]] = []
        self.all: list[tuple[Compiled, Callable]] = []
        # two cells only (each costs every call a copy): what the code calls when no guard
        # holds, and one tuple of what the guards and calls read (types, functions, values)
        self.cells = {"__miss": types.CellType(None), "__T": types.CellType(())}
        self.table: dict[tuple, list[tuple[Callable, Callable]]] = {}  # past the inlined kinds
        self.miss = self._table_miss()
        self.cells["__miss"].cell_contents = self.miss
        self.spare: dict[str, object] = {}  # values of the names the inlined body reads
        self.inlined: list[str] | None = None  # the first specialisation's body, when inlined
        self.dispatcher = self._new_dispatcher()
        self.blank = self.dispatcher.__code__  # the code with no specialisation, for reset
        _live.add(self)

    def reset(self) -> None:
        """Forget every specialisation: the next call builds its derivative again."""
        if not (self.slots or self.all or self.inlined):
            return  # nothing to forget (a new rule meets every live transform)
        self.slots, self.all, self.inlined, self.spare = [], [], None, {}
        self.table.clear()
        self.cells["__T"].cell_contents = ()
        self.dispatcher.__code__ = self.blank

    # the dispatcher ---------------------------------------------------------
    def _forward(self) -> str:
        """How the dispatcher passes its arguments on."""
        return ", ".join(self.positional + [f"{k}={k}" for k in self.keyword])

    def _source(self) -> str:
        name = self.name
        params = list(self.positional)
        if self.posonly:
            params.insert(self.posonly, "/")
        if self.keyword:
            params += ["*"] + self.keyword
        fn = self.fn
        defaults = fn.__defaults__ or ()
        shown = []
        first_default = len(self.positional) - len(defaults)
        for p in params:
            i = self.positional.index(p) if p in self.positional else -1
            kw = fn.__kwdefaults__ or {}
            has_default = i >= first_default or (p in self.keyword and p in kw)
            shown.append(f"{p}=..." if has_default and p not in ("/", "*") else p)
        free = list(self.cells) + list(fn.__code__.co_freevars)
        lines = [f"def {name}({', '.join(shown)}):"]
        if self.dispatcher_doc:
            lines.append(f"    {self.dispatcher_doc!r}")
        lines += [
            "    if 0:  # every closure variable, so the code can be swapped in place",
            f"        ({', '.join(free)},)",
        ]
        seen: list[object] = []  # what __T holds

        def at(obj: object) -> str:
            if not any(o is obj for o in seen):
                seen.append(obj)
            return f"__T[{next(i for i, o in enumerate(seen) if o is obj)}]"

        call = self._forward()
        for i, (compiled, function) in enumerate(self.slots):
            lines.append(f"    if {self.condition(compiled, at)}:")
            if i == 0 and self.inlined:
                lines += [f"        {name} = {at(value)}" for name, value in self.spare.items()]
                lines += self.inlined
            else:
                lines.append(f"        return {at(function)}({call})")
        lines.append(f"    return __miss({call})")
        self.cells["__T"].cell_contents = tuple(seen)
        return "\n".join(lines) + "\n"

    def condition(self, compiled: Compiled, at: Callable[[object], str]) -> str:
        """The guard of ``compiled``: its parameters' kinds (cheapest first), the kinds of the
        data it reads from outside, the functions it calls; ``at(obj)`` names an object."""

        def type_expr(t: type) -> str:
            return t.__name__ if t in PYSCALARS and t.__name__ not in self.shadowed else at(t)

        checks = [guard(p, k, type_expr) for p, k in zip(self.all_params, compiled.param_kinds)]
        checks.sort(key=lambda c: " and " in c)  # one type check before several
        checks += [guard(path, k, type_expr) for path, k in compiled.ref_kinds]
        checks += [f"{path} is {at(obj)}" for path, obj in compiled.callees]
        return " and ".join(checks) or "True"

    def _guard_function(self, compiled: Compiled) -> Callable:
        """``compiled``'s guard as a function of the dispatcher's arguments, for the table."""
        seen: list[object] = []

        def at(obj: object) -> str:
            if not any(o is obj for o in seen):
                seen.append(obj)
            return f"__T[{next(i for i, o in enumerate(seen) if o is obj)}]"

        params = ", ".join(self.positional + (["*"] + self.keyword if self.keyword else []))
        text = f"def {self.name}_guard({params}):\n    return {self.condition(compiled, at)}\n"
        cells = dict(zip(self.fn.__code__.co_freevars, self.fn.__closure__ or ()))
        cells["__T"] = tuple(seen)
        return compile_function(text, f"guard {self.name}", self.fn.__globals__, cells)

    def _table_miss(self) -> Callable:
        """What the dispatcher calls when no inlined guard holds: a table keyed by the types
        (and ranks, lengths) of the arguments, each entry checked by the very guard the
        dispatcher would write for it; then, only on a new kind, ``specialise``."""
        table = self.table

        def find(args: tuple, kwargs: dict) -> Callable:
            key = (*map(table_key, args), *map(table_key, kwargs.values()))
            for check, function in table.get(key, ()):
                if check(*args, **kwargs):
                    return function
            values = dict(zip(self.positional, args))
            values.update(kwargs)
            function = self.specialise(values)  # a subclass may check the arguments first
            compiled = next(c for c, f in self.all if f is function)
            with _lock:
                entries = table.setdefault(key, [])
                if not any(f is function for _, f in entries):
                    entries.append((self._guard_function(compiled), function))
            return function

        def miss(*args, **kwargs):
            return find(args, kwargs)(*args, **kwargs)

        self.find = find  # the function for arguments given as a tuple (every positional) and keywords
        return miss

    @property
    def all_params(self) -> list[str]:
        return self.positional + self.keyword

    @property
    def name(self) -> str:
        base = self.fn.__name__ if self.fn.__name__.isidentifier() else "lambda"
        return f"{base}_{self.suffix or self.request.mode}"

    suffix = ""  # the dispatcher's name is the function's, then this (or the request's mode)

    @property
    def shadowed(self) -> set[str]:
        return set(self.all_params) | set(self.fn.__code__.co_names) | set(self.fn.__code__.co_freevars)

    dispatcher_doc = ""

    def _compile_dispatcher(self) -> types.CodeType:
        text = self._source()
        cells = dict(self.cells)
        user_cells = dict(zip(self.fn.__code__.co_freevars, self.fn.__closure__ or ()))
        cells.update(user_cells)
        f = compile_function(
            text,
            f"dispatcher {self.name}",
            self.fn.__globals__,
            cells,
            self.fn.__defaults__,
            self.fn.__kwdefaults__,
        )
        return f

    def _new_dispatcher(self) -> Callable:
        f = self._compile_dispatcher()
        f.__s2sad__ = self
        qualname = getattr(self.fn, "__qualname__", self.fn.__name__)
        f.__qualname__ = f"{qualname}_{self.suffix or self.request.mode}"
        f.__module__ = self.fn.__module__
        return f

    # The first specialisation runs inside the dispatcher, saving a call: its body goes
    # under its guard, with the names it reads from its closure (np, math, helpers) read
    # from spare cells of the dispatcher's (a function's closure cannot grow).
    inline = True

    def _inline_first(self, compiled: Compiled) -> None:
        import ast

        mine = set(self.fn.__code__.co_freevars)
        ours = [n for n in compiled.code.co_freevars if n not in mine]
        if len(ours) > SPARE:
            return
        spare = {n: f"__k{i}" for i, n in enumerate(ours)}  # locals, read from __T
        fdef = ast.parse(compiled.text or compiled.stages.source("final")).body[0]
        body = fdef.body[1:] if ast.get_docstring(fdef) is not None else fdef.body
        if not isinstance(body[-1], ast.Return):  # it must not fall through to the next guard
            body = body + [ast.Return(value=None)]
        tree = ast.Module(body=body, type_ignores=[])
        assigned = {
            n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)
        }
        if assigned & (set(self.cells) | mine | set(ours)) or any(
            isinstance(n, (ast.Global, ast.Nonlocal, ast.Yield, ast.YieldFrom)) for n in ast.walk(tree)
        ):
            return
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in spare:
                node.id = spare[node.id]
        self.inlined = ["        " + line for line in ast.unparse(tree).splitlines()]
        for name, local in spare.items():
            value = compiled.cells[name]
            self.spare[local] = cell_value(value) if isinstance(value, types.CellType) else value

    def _install(self, compiled: Compiled, function: Callable) -> None:
        self.all.append((compiled, function))
        if len(self.slots) < SLOTS:
            self.slots.append((compiled, function))
            if len(self.slots) == 1 and self.inline:
                self._inline_first(compiled)
            new = self._compile_dispatcher()
            if new.__code__.co_freevars != self.dispatcher.__code__.co_freevars and self.inlined:
                self.inlined, self.spare = None, {}  # the body changed which names are local: call it
                new = self._compile_dispatcher()
            self.dispatcher.__code__ = new.__code__

    # specialising ------------------------------------------------------------
    builds = 0  # specialisations built, for tests

    def specialise(self, values: dict[str, object]) -> Callable:
        return self._specialise(values)[0]

    def _specialise(self, values: dict[str, object]) -> tuple[Callable, Compiled]:
        kinds = tuple(kind_of(values[p]) for p in self.all_params)
        with _lock:
            for compiled, function in self.all:
                if compiled.param_kinds == kinds and _fits(self.fn, compiled):
                    return function, compiled
            compiled = lookup_or_build(self.fn, self.request, dict(zip(self.all_params, kinds)))
            function = self.finish(compiled, values)
            self.builds += 1
            self._install(compiled, function)
            return function, compiled

    def finish(self, compiled: Compiled, values: dict[str, object]) -> Callable:
        """The function the dispatcher calls for these kinds (a subclass may build on it)."""
        return compiled.instantiate(self.fn)

    def stages(self, values: dict[str, object]) -> Stages:
        kinds = {p: kind_of(values[p]) for p in self.all_params if p in values}
        return lookup_or_build(self.fn, self.request, kinds).stages


def lookup_or_build(fn: Callable, request: Request, kinds: dict[str, Kind]) -> Compiled:
    key = (fn.__code__, request, tuple(kinds.values()))
    with _lock:
        for compiled in _cache.get(key, ()):
            if _fits(fn, compiled):
                return compiled
        key = diskcache.disk_key(fn, request, kinds)  # None: this one does not go to disk
        compiled = diskcache.load(key, fn, kinds, lambda: build(fn, request, kinds, CALLEES))
        if compiled is None:
            with paused_gc():
                compiled = _build(fn, request, kinds)
            diskcache.store(key, compiled, compiled.stages.aliases)
        entries = _cache.setdefault(key, [])
        entries.append(compiled)
        if len(_cache) > 2048:  # bound the memory a long session can use
            _cache.pop(next(iter(_cache)))
        return compiled


def _fits(fn: Callable, compiled: Compiled) -> bool:
    """Whether what ``fn`` reads from outside still has the kinds (and callees) ``compiled`` assumed."""
    try:
        return all(kind_of(_value_at(fn, p)) == k for p, k in compiled.ref_kinds) and all(
            _value_at(fn, p) is obj for p, obj in compiled.callees
        )
    except Exception:
        return False


def _build(fn: Callable, request: Request, kinds: dict[str, Kind]) -> Compiled:
    stages = build(fn, request, kinds, CALLEES)
    text = stages.source("final")
    cells = cells_needed(stages)
    user_cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
    for name in set(cells) & set(user_cells):  # generated code read again: np is np
        if cell_value(user_cells[name]) is cells[name]:
            del cells[name]
    clash = set(cells) & set(user_cells)
    if clash:  # cannot happen: aliases avoid the user's names
        raise UnsupportedSyntaxError(f"internal name clash on {sorted(clash)}")
    function = compile_function(
        text, f"{stages.final.name} of {fn.__qualname__}", fn.__globals__, {**cells, **user_cells}
    )
    refs = tuple((path, kind_of(ref.value)) for path, ref in stages.refs.items())
    return Compiled(
        stages, function.__code__, cells, tuple(kinds.values()), refs, callees_of(fn), text, stages.final.doc
    )


_transforms: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def transform(fn: Callable, request: Request) -> Transform:
    """The transform of ``fn`` for ``request``, made once per function object."""
    with _lock:
        try:
            per_fn = _transforms.setdefault(fn, {})
        except TypeError:  # not weakly referenceable
            return Transform(fn, request)
        t = per_fn.get(request)
        if t is None:
            t = per_fn[request] = Transform(fn, request)
        return t


_vjp_cells: dict[tuple, tuple[types.CellType, Kind]] = {}


def vjp_cell(fn: Callable, kinds: dict[str, Kind]) -> tuple[types.CellType, Kind]:
    """A cell holding ``fn``'s vjp for these argument kinds, and the kind of what ``fn`` returns.

    Generated code calls a recursive function's vjp through the cell; while the
    vjp is being built (``fn`` calls itself) the cell is empty, and filled when
    it is compiled."""

    positional, keyword, _ = parameters(fn)
    key = (fn.__code__, tuple(kinds.get(p) for p in positional + keyword))
    with _lock:
        if key in _vjp_cells:
            return _vjp_cells[key]
        cell = types.CellType()
        _vjp_cells[key] = (cell, UNKNOWN)
        request = Request("vjp", tuple(positional), False)
        compiled = lookup_or_build(fn, request, {p: kinds[p] for p in positional + keyword})
        cell.cell_contents = compiled.instantiate(fn)
        ret = compiled.stages.ssa_ir.body[-1]
        out = expr_kind(ret.value, lambda n: compiled.stages.kinds.get(n, UNKNOWN))
        _vjp_cells[key] = (cell, out)
        return cell, out


_jvp_cells: dict[tuple, types.CellType] = {}


def jvp_cell(fn: Callable, kinds: dict[str, Kind]) -> types.CellType:
    """A cell holding ``fn``'s jvp for these argument kinds (filled once compiled; a
    recursive function's jvp calls itself through it)."""
    positional, keyword, _ = parameters(fn)
    key = (fn.__code__, tuple(kinds.get(p) for p in positional + keyword))
    with _lock:
        if key in _jvp_cells:
            return _jvp_cells[key]
        cell = _jvp_cells[key] = types.CellType()
        request = Request("jvp", tuple(positional), False)
        compiled = lookup_or_build(fn, request, {p: kinds[p] for p in positional + keyword})
        cell.cell_contents = compiled.instantiate(fn)
        return cell


CALLEES = Callees(vjp_cell, jvp_cell)
on_change(rebuild)  # what the derivation passes call for recursive functions
