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
    if type(x1) is float and type(x2) is float:
        x1_bar = 1.0 + x2
        x2_bar = x1
        return (x1_bar, x2_bar)
    if type(x1) is int and type(x2) is float:
        return __T[0](x1, x2)
    return __miss(x1, x2)

The first specialisation's body is written into the dispatcher under its guard
(saving a call). ``__T`` is the one tuple of what the guards and calls read.
``f`` reads no globals but builtins and modules, so its dispatcher has globals
of its own (``guards.own_globals``): ``__miss``, ``__T`` and the names the inlined
body reads (``math``, ``np``) are globals there, and the dispatcher has no
closure cells (each costs every call). A dispatcher of a function that reads
its module's globals reads them live, like the function: ``__miss`` and ``__T``
are its two cells, with a line ``if 0: (__miss, __T,)`` that keeps its closure
the same when its code is swapped, and the inlined body's names are locals
``__k0``, ``__k1``, ... read from ``__T``. Past the ``SLOTS`` kinds checked
inline, the dispatcher looks the types of the arguments up in a table of
functions that check the guards of the kinds with those types
(``guards.more_source``); a new kind is built once, through ``__miss``.
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
from ..ir.kinds import UNKNOWN, Kind, kind_of
from ..rules.instantiate import expr_kind
from ..rules.user import on_change
from . import diskcache
from .compiled import Compiled, callees_of, cell_value, table_key
from .guards import (
    chooser_function,
    condition,
    dispatcher_source,
    guard_function,
    inline_first,
    more_function,
    own_globals,
    resolves,
)
from .pipeline import Stages, build, cells_needed, paused_gc

SLOTS = 4  # specialisations the dispatcher checks inline; more go through __miss's table
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
        # what the code calls when no guard holds, and one tuple of what the guards and calls
        # read (types, functions, values): globals of the dispatcher's own where it can have
        # them (``guards.own_globals``), else its only two cells (each costs every call)
        self.miss_cell = types.CellType(None)
        self.globals = own_globals(fn) if self.own else None
        self.cells = {} if self.globals is not None else {"__miss": self.miss_cell, "__T": types.CellType(())}
        self.table: dict[tuple, list[tuple[Callable, Callable]]] = {}  # for ``find``
        self.more: dict[object, Callable] = {}  # types of the arguments -> ``guards.more_function``
        self.more_entries: dict[object, list[tuple[Compiled, Callable]]] = {}
        self.miss = self._table_miss()
        self.set_hook("__miss", self.miss)
        self.set_hook("__T", ())
        self.spare: dict[str, object] = {}  # values of the names the inlined body reads
        self.inlined: list[str] | None = None  # the first specialisation's body, when inlined
        self.choose = self._choose_first
        self.dispatcher = self._new_dispatcher()
        self.blank = self.dispatcher.__code__  # the code with no specialisation, for reset
        _live.add(self)

    own = True  # the dispatcher may have globals of its own (a subclass may say no)

    def set_hook(self, name: str, value: object) -> None:
        """Set ``__miss`` or ``__T``, which the dispatcher reads."""
        if name == "__miss":
            self.miss_cell.cell_contents = value
        if self.globals is not None:
            self.globals[name] = value
        elif name != "__miss":
            self.cells[name].cell_contents = value

    @property
    def on_miss(self) -> Callable:
        """What the dispatcher calls when no guard holds (``records`` puts a step before it)."""
        return self.miss_cell.cell_contents

    @on_miss.setter
    def on_miss(self, function: Callable) -> None:
        self.set_hook("__miss", function)

    def reset(self) -> None:
        """Forget every specialisation: the next call builds its derivative again."""
        if not (self.slots or self.all or self.inlined):
            return  # nothing to forget (a new rule meets every live transform)
        spare = self.spare if self.globals is not None else {}
        self.slots, self.all, self.inlined, self.spare = [], [], None, {}
        self.table.clear()
        self.dispatcher.__code__ = self.blank
        self.more.clear()
        self.more_entries.clear()
        self.choose = self._choose_first
        self.set_hook("__T", ())
        for name in spare:
            self.globals.pop(name, None)

    # the dispatcher ---------------------------------------------------------
    def forward(self) -> str:
        """How the dispatcher passes its arguments on."""
        return ", ".join(self.positional + [f"{k}={k}" for k in self.keyword])

    _forward = forward

    def condition(self, compiled: Compiled, at: Callable[[object], str]) -> str:
        return condition(self, compiled, at)

    def _table_miss(self) -> Callable:
        """What the dispatcher calls when no guard holds (and its table has no function for
        the types of the arguments): ``find``, then the function found."""
        table = self.table

        def find(args: tuple, kwargs: dict) -> Callable:
            """The function for ``args`` (every positional argument) and ``kwargs``: from a
            table keyed by their types (and ranks, lengths), each entry checked by the very
            guard the dispatcher would write for it; only for a new kind, ``specialise``."""
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
                    entries.append((guard_function(self, compiled), function))
                    if not any(f is function for _, f in self.slots):
                        self._add_more(values, compiled, function)
            return function

        def miss(*args, **kwargs):
            return find(args, kwargs)(*args, **kwargs)

        self.find = find  # the function for arguments given as a tuple (every positional) and keywords
        return miss

    def _add_more(self, values: dict[str, object], compiled: Compiled, function: Callable) -> None:
        """Past the inline kinds: the dispatcher's table gets the function for these types."""
        kinds = tuple(type(values[p]) for p in self.all_params)
        key = kinds[0] if len(kinds) == 1 else kinds
        entries = self.more_entries.setdefault(key, [])
        entries.append((compiled, function))
        first = not self.more
        self.more[key] = more_function(self, entries)
        if first:  # the dispatcher reads the table from now on
            self.dispatcher.__code__ = self._compile_dispatcher().__code__

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

    def _compile_dispatcher(self) -> Callable:
        text = dispatcher_source(self)
        if self.globals is not None:
            self.globals.update(self.spare)  # the names the inlined body reads
        cells = dict(self.cells)
        cells.update(zip(self.fn.__code__.co_freevars, self.fn.__closure__ or ()))
        return compile_function(
            text,
            f"dispatcher {self.name}",
            self.fn.__globals__ if self.globals is None else self.globals,
            cells,
            self.fn.__defaults__,
            self.fn.__kwdefaults__,
        )

    def _new_dispatcher(self) -> Callable:
        f = self._compile_dispatcher()
        f.__s2sad__ = self
        qualname = getattr(self.fn, "__qualname__", self.fn.__name__)
        f.__qualname__ = f"{qualname}_{self.suffix or self.request.mode}"
        f.__module__ = self.fn.__module__
        return f

    def _choose_first(self, *args, **kwargs) -> Callable:
        """``choose(*args, **kwargs)``: the program for these arguments, not run (``guards.
        chooser_function``, compiled at its first call after the inline kinds change)."""
        self.choose = chooser_function(self)
        return self.choose(*args, **kwargs)

    # The first specialisation runs inside the dispatcher, saving a call: its body goes
    # under its guard, with the names it reads from its closure (np, math, helpers) read
    # from __T or globals of its own (a function's closure cannot grow).
    inline = True

    def _fits(self, new: Callable) -> bool:
        """Whether ``new``'s code can replace the dispatcher's: the same closure, and globals
        it can read."""
        return new.__code__.co_freevars == self.dispatcher.__code__.co_freevars and resolves(
            self, new.__code__
        )

    def _inline_first(self, compiled: Compiled) -> tuple[list[str], dict[str, object]] | None:
        """The first specialisation's body for the dispatcher and the values it reads
        (``guards.inline_first``); a subclass whose program is not ``compiled``'s says which."""
        return inline_first(self, compiled)

    def _install(self, compiled: Compiled, function: Callable) -> None:
        self.all.append((compiled, function))
        if len(self.slots) < SLOTS:
            self.slots.append((compiled, function))
            if len(self.slots) == 1 and self.inline:
                self.inlined, self.spare = self._inline_first(compiled) or (None, {})
            new = self._compile_dispatcher()
            if not self._fits(new) and self.inlined:  # the body changed which names are local: call it
                self.inlined, self.spare = None, {}
                new = self._compile_dispatcher()
            if not self._fits(new):  # its guard reads a global of the module: checked in ``find``
                self.slots.pop()
                new = self._compile_dispatcher()
            self.dispatcher.__code__ = new.__code__
            self.choose = self._choose_first

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
