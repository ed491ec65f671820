"""Statements, functions, and the one way to walk them.

A function is a list of statements; ``If``, ``For``, ``While`` and ``Def`` hold
nested blocks. Every statement can list the expressions it evaluates itself
(``exprs()``) and give a copy with a function applied to each (``map_exprs``),
so a pass that needs expressions asks the statement instead of keeping its own
list of fields:

>>> from s2sad.ir import BINARY, Call, Name
>>> update = SetItem(Name("a"), Name("i"), Call(BINARY["*"], (Name("w"), Name("x"))))
>>> loop = For(Name("w"), Name("ws"), [update])
>>> [e for s in walk([loop]) for e in s.exprs()]
[ws, i, w * x]
>>> [repr(e) for e in walk_exprs([loop])]
['ws', 'i', 'w * x', 'w', 'x']
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import ClassVar

from ..errors import Location
from .expr import Call, Expr, Name, names_in, subexpressions, substitute

# ------------------------------------------------------------------- statements


@dataclass(frozen=True)
class Origin:
    """The user statement a piece of IR comes from (lines count from 1), and
    ``at``, the position of the operation within it, for error messages."""

    line: int
    end_line: int
    col: int
    at: tuple[int, int] | None = None
    adjoint: bool = False  # part of the adjoint sweep of that statement
    source: Source | None = field(default=None, compare=False, repr=False)  # when not the function's own


@dataclass
class Stmt:
    origin: Origin | None = field(default=None, kw_only=True)
    # the fields that hold expressions this statement evaluates, in evaluation order
    EXPRS: ClassVar[tuple[str, ...]] = ()

    def exprs(self) -> list[Expr]:
        """The expressions this statement evaluates itself (not those of nested blocks)."""
        return [e for e in (getattr(self, name) for name in self.EXPRS) if e is not None]

    def map_exprs(self, f: Callable[[Expr], Expr]) -> Stmt:
        """This statement with ``f`` applied to each of its expressions: the statement
        itself when nothing changes, else a copy (statements are not changed in place)."""
        changes = {}
        for name in self.EXPRS:
            e = getattr(self, name)
            if e is not None and (new := f(e)) is not e:
                changes[name] = new
        return self.copy(**changes) if changes else self

    def copy(self, **changes: object) -> Stmt:
        """A copy with ``changes``, keeping the marks passes put on statements (``recomputed``)."""
        new = replace(self, **changes)
        for key, value in vars(self).items():
            if key not in vars(new):
                setattr(new, key, value)
        return new

    def reads(self) -> Iterator[str]:
        """Names read by this statement (not by nested blocks)."""
        return iter(())

    def writes(self) -> Iterator[str]:
        return iter(())

    def blocks(self) -> list[list[Stmt]]:
        """Nested statement lists, for passes that walk the whole tree."""
        return []


@dataclass
class Assign(Stmt):
    """``target = value``, or ``target += value`` when ``accumulate``."""

    target: Name
    value: Expr
    accumulate: bool = False

    EXPRS = ("value",)

    def reads(self) -> Iterator[str]:
        if self.accumulate:
            yield self.target.id
        yield from names_in(self.value)

    def writes(self) -> Iterator[str]:
        yield self.target.id


@dataclass
class Return(Stmt):
    value: Expr

    EXPRS = ("value",)

    def reads(self) -> Iterator[str]:
        return names_in(self.value)


@dataclass
class Effect(Stmt):
    """An expression evaluated for its side effect, such as ``print(x)``."""

    value: Expr

    EXPRS = ("value",)

    def reads(self) -> Iterator[str]:
        return names_in(self.value)

    def writes(self) -> Iterator[str]:
        v = self.value  # restore_item(d, key, old) puts an item back into d, as d[key] = old does;
        changes = ("restore_item", "np.add.at")  # np.add.at(y, i, v) adds into y, as y[i] += v
        if isinstance(v, Call) and v.op.form == "call" and v.op.symbol in changes:
            yield from (a.id for a in v.args[:1] if isinstance(a, Name))


@dataclass
class Assert(Stmt):
    test: Expr
    msg: Expr | None = None

    EXPRS = ("test", "msg")

    def reads(self) -> Iterator[str]:
        yield from names_in(self.test)
        if self.msg is not None:
            yield from names_in(self.msg)


@dataclass
class Comment(Stmt):
    """A line of commentary in generated code."""

    text: str


@dataclass
class Unpack(Stmt):
    """``a, b = value``: the names get the items of a tuple, in order."""

    targets: tuple[Name, ...]
    value: Expr

    EXPRS = ("value",)

    def reads(self) -> Iterator[str]:
        return names_in(self.value)

    def writes(self) -> Iterator[str]:
        return (t.id for t in self.targets)


@dataclass
class SetItem(Stmt):
    """``target[index] = value``, or ``target[index] += value`` when ``accumulate``:
    an update in place of an array the function made."""

    target: Name
    index: Expr
    value: Expr
    accumulate: bool = False

    EXPRS = ("index", "value")

    def reads(self) -> Iterator[str]:
        yield self.target.id
        yield from names_in(self.index)
        yield from names_in(self.value)

    def writes(self) -> Iterator[str]:
        yield self.target.id


@dataclass
class If(Stmt):
    test: Expr
    body: list[Stmt]
    orelse: list[Stmt] = field(default_factory=list)
    joins: list[str] = field(default_factory=list)  # names assigned inside that are read after it

    EXPRS = ("test",)

    def reads(self) -> Iterator[str]:
        return names_in(self.test)

    def blocks(self) -> list[list[Stmt]]:
        return [self.body, self.orelse]


@dataclass
class For(Stmt):
    """``for target in iter: body``; ``target`` is a name or a tuple of names."""

    target: Expr
    iter: Expr
    body: list[Stmt]
    joins: list[str] = field(default_factory=list)  # carried variables' join names

    EXPRS = ("iter",)

    def reads(self) -> Iterator[str]:
        return names_in(self.iter)

    def writes(self) -> Iterator[str]:
        return names_in(self.target)

    def blocks(self) -> list[list[Stmt]]:
        return [self.body]


@dataclass
class While(Stmt):
    """``while test: body``, where ``test_body`` computes ``test`` before every check."""

    test_body: list[Stmt]
    test: Expr
    body: list[Stmt]
    joins: list[str] = field(default_factory=list)  # carried variables' join names

    EXPRS = ("test",)

    def reads(self) -> Iterator[str]:
        return names_in(self.test)

    def blocks(self) -> list[list[Stmt]]:
        return [self.test_body, self.body]


@dataclass
class Break(Stmt):
    pass


@dataclass
class Param:
    name: str
    kind: str = "positional"  # or "positional_only", "keyword_only"
    default: Expr | None = None


@dataclass
class Source:
    """Where a function's source lives: the file path and all of its lines."""

    path: str
    lines: list[str]
    firstline: int  # line of the `def` (or first decorator) in the file
    name: str = ""  # the function's name

    def text(self, line: int, end_line: int | None = None) -> str:
        return "".join(self.lines[line - 1 : (end_line or line)])


@dataclass
class Function:
    name: str
    params: list[Param]
    body: list[Stmt]
    doc: str | None = None
    source: Source | None = None
    # our module names renamed where they would clash with the user's (np -> numpy)
    aliases: dict[str, str] = field(default_factory=dict)
    # names the transformer made up (v1, v1_bar): simplification may fold them away
    temps: set[str] = field(default_factory=set)
    adjoints: set[str] = field(default_factory=set)  # names of adjoint variables (x_bar)
    tapes: set[str] = field(default_factory=set)  # names of tape lists
    # values generated code reaches through closure cells of its own: the module
    # of an inlined function from another file, or a helper's closure cell
    cells: dict[str, object] = field(default_factory=dict)


@dataclass
class Def(Stmt):
    """A nested function definition (the pullback of ``vjp``)."""

    function: Function

    def blocks(self) -> list[list[Stmt]]:
        return [self.function.body]

    def exprs(self) -> list[Expr]:
        """The parameters' defaults: evaluated where the function is defined."""
        return [p.default for p in self.function.params if p.default is not None]

    def map_exprs(self, f: Callable[[Expr], Expr]) -> Stmt:
        params = [p if p.default is None else replace(p, default=f(p.default)) for p in self.function.params]
        if all(a.default is b.default for a, b in zip(params, self.function.params)):
            return self
        return self.copy(function=replace(self.function, params=params))


def with_blocks(stmt: Stmt, f) -> Stmt:
    """``stmt`` with ``f`` applied to each nested block (the statement itself is not copied
    when it has none)."""
    if isinstance(stmt, If):
        return replace(stmt, body=f(stmt.body), orelse=f(stmt.orelse))
    if isinstance(stmt, For):
        return replace(stmt, body=f(stmt.body))
    if isinstance(stmt, While):
        return replace(stmt, test_body=f(stmt.test_body), body=f(stmt.body))
    if isinstance(stmt, Def):
        return replace(stmt, function=replace(stmt.function, body=f(stmt.function.body)))
    return stmt


def map_blocks(body: list[Stmt], f: Callable[[list[Stmt]], list[Stmt]]) -> list[Stmt]:
    """``f`` applied to every block nested in ``body``, innermost first, then to ``body``
    itself: the way to run a pass that looks at one block at a time.

    >>> from s2sad.ir import Const
    >>> loop = For(Name("i"), Name("n"), [Assign(Name("a"), Const(1.0))])
    >>> [s.target for s in map_blocks([Assign(Name("b"), Const(2.0)), loop], lambda b: b[::-1])]
    [i, b]
    """
    return f([with_blocks(stmt, lambda b: map_blocks(b, f)) for stmt in body])


def map_exprs_in(body: list[Stmt], f: Callable[[Expr], Expr]) -> list[Stmt]:
    """``body`` with ``f`` applied to the expressions of every statement, nested blocks
    included (``Stmt.map_exprs`` on each, then its nested blocks).

    >>> from s2sad.ir import substitute
    >>> from s2sad.ir.printer import body_source
    >>> loop = For(Name("x"), Name("xs"), [Effect(Name("x"))])
    >>> print(body_source(map_exprs_in([loop], lambda e: substitute(e, {"xs": Name("ys")}))), end="")
    for x in ys:
        x
    """
    return [with_blocks(stmt.map_exprs(f), lambda b: map_exprs_in(b, f)) for stmt in body]


def walk_blocks(body: list[Stmt]) -> Iterator[list[Stmt]]:
    """``body`` and every block nested in it, in program order.

    >>> from s2sad.ir import Const
    >>> branch = If(Name("c"), [Effect(Const(1))], [Effect(Const(2))])
    >>> [len(b) for b in walk_blocks([branch, Break()])]
    [2, 1, 1]
    """
    yield body
    for stmt in body:
        for block in stmt.blocks():
            yield from walk_blocks(block)


def rename(body: list[Stmt], mapping: dict[str, str]) -> list[Stmt]:
    """``body`` with every read and write of the names in ``mapping`` under their new
    names: targets, loop targets, joins and nested functions' parameters too. Statements
    keep their marks (``Stmt.copy``).

    >>> from s2sad.ir import BINARY, Call
    >>> from s2sad.ir.printer import body_source
    >>> step = Assign(Name("s_2"), Call(BINARY["+"], (Name("s_1"), Name("x_1"))))
    >>> loop = For(Name("x_1"), Name("xs"), [step], joins=["s_2"])
    >>> loop = rename([loop], {"s_2": "s", "s_1": "s", "x_1": "x"})
    >>> print(body_source(loop), end="")
    for x in xs:
        s = s + x
    >>> loop[0].joins
    ['s']
    """
    names = {old: Name(new) for old, new in mapping.items()}

    def one(stmt: Stmt) -> Stmt:
        stmt = stmt.map_exprs(lambda e: substitute(e, names))
        changes: dict[str, object] = {}
        if isinstance(stmt, (Assign, SetItem)) and stmt.target.id in names:
            changes["target"] = names[stmt.target.id]
        if isinstance(stmt, Unpack):
            changes["targets"] = tuple(names.get(t.id, t) for t in stmt.targets)
        if isinstance(stmt, For):
            changes["target"] = substitute(stmt.target, names)
        if isinstance(stmt, (If, For, While)):
            changes["joins"] = [mapping.get(j, j) for j in stmt.joins]
        if isinstance(stmt, Def):
            params = [replace(p, name=mapping.get(p.name, p.name)) for p in stmt.function.params]
            changes["function"] = replace(stmt.function, params=params)
        return with_blocks(stmt.copy(**changes) if changes else stmt, lambda b: [one(s) for s in b])

    return [one(stmt) for stmt in body]


def names_in_function(fn: Function) -> set[str]:
    """Every name read in a function's body."""
    return {n for stmt in walk(fn.body) for n in stmt.reads()}


def walk(body: list[Stmt]) -> Iterator[Stmt]:
    """Every statement, nested ones included, in program order."""
    for stmt in body:
        yield stmt
        for block in stmt.blocks():
            yield from walk(block)


def walk_exprs(body: list[Stmt]) -> Iterator[Expr]:
    """Every expression the statements evaluate, nested blocks and subexpressions
    included, in program order (an expression before its parts)."""
    for stmt in walk(body):
        for e in stmt.exprs():
            yield from subexpressions(e)


def breaks(body: list[Stmt]) -> bool:
    """Whether a loop with this body may stop early: a ``break`` in it, not in a loop nested in
    it (that one leaves only the inner loop).

    >>> inner = For(Name("j"), Name("js"), [Break()])
    >>> breaks([inner]), breaks([If(Name("done"), [Break()])])
    (False, True)
    """
    for stmt in body:
        if isinstance(stmt, Break):
            return True
        if not isinstance(stmt, (For, While)) and any(breaks(block) for block in stmt.blocks()):
            return True
    return False


def location(fn: Function, origin: Origin | None) -> Location | None:
    """Where in the user's source a statement of ``fn`` comes from, for an error message: the
    position of the operation (``origin.at``) if known, else of the statement.

    >>> source = Source("model.py", ["def f(x):\\n", "    return x @ x\\n"], 1, "f")
    >>> fn = Function("f", [Param("x")], [], source=source)
    >>> loc = location(fn, Origin(2, 2, 5, at=(2, 12)))
    >>> print(loc, loc.excerpt(), sep="\\n")
    model.py:2:12
        return x @ x
               ^
    """
    source = origin.source if origin is not None and origin.source is not None else fn.source
    if origin is None or source is None:
        return None
    line, col = origin.at if origin.at else (origin.line, origin.col)
    text = source.lines[line - 1] if 0 < line <= len(source.lines) else ""
    return Location(source.path, line, col, text)
