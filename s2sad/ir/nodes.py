"""The intermediate representation every pass reads and writes.

A function is a list of statements. Expressions are small trees:

- ``Name("x")``: a local variable or parameter,
- ``Const(2.0)``: a literal,
- ``Ref("np.pi", value)``: a value from outside the function (a global, a
  closure cell, a module attribute), printed by its path and read live,
- ``Call(op, args, kwargs)``: an operation applied to expressions. Python
  operators, attribute reads, subscripts and function calls are all ``Call``;
  the ``Op`` says what is computed and how it prints.

In SSA form (the output of ``lower``) each name is assigned once and every
argument of an operation is *atomic*: a name, a constant, a reference, or a
tuple/slice of atoms. Derivative code uses the same classes but allows nested
expressions, so ``x_bar += g * math.cos(x)`` is one statement.

Every stage prints as Python through ``codegen``::

    v1 = math.log(x1)
    v2 = x1 * x2
    return v2
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace  # noqa: F401  (ir.replace serves the passes)

# --------------------------------------------------------------------------- ops


@dataclass(frozen=True, eq=False)
class Op:
    """An operation: what it computes and how it prints.

    ``form`` is one of ``binary``, ``unary``, ``compare``, ``call``,
    ``method``, ``attr``, ``subscript``, ``tuple``, ``list``, ``slice``,
    ``ifexp``, ``boolop``. For ``call``, ``symbol`` is the dotted path the call prints
    with (``np.sin``); for ``method`` and ``attr`` the attribute name; for
    operators the operator's spelling (``+``).
    """

    name: str
    form: str
    symbol: str
    fn: Callable | None = None
    pure: bool = True
    canonical: bool = False  # symbol starts with a module alias of ours (np., math.)

    def __repr__(self) -> str:
        return f"Op({self.name})"

    def __deepcopy__(self, memo: dict) -> Op:
        return self  # ops are compared by identity


def _op(name: str, form: str, symbol: str, fn: Callable | None) -> Op:
    return Op(name, form, symbol, fn)


BINARY = {
    "+": _op("add", "binary", "+", operator.add),
    "-": _op("sub", "binary", "-", operator.sub),
    "*": _op("mul", "binary", "*", operator.mul),
    "/": _op("truediv", "binary", "/", operator.truediv),
    "//": _op("floordiv", "binary", "//", operator.floordiv),
    "%": _op("mod", "binary", "%", operator.mod),
    "**": _op("pow", "binary", "**", operator.pow),
    "@": _op("matmul", "binary", "@", operator.matmul),
    "&": _op("and_", "binary", "&", operator.and_),
    "|": _op("or_", "binary", "|", operator.or_),
    "^": _op("xor", "binary", "^", operator.xor),
    "<<": _op("lshift", "binary", "<<", operator.lshift),
    ">>": _op("rshift", "binary", ">>", operator.rshift),
}
UNARY = {
    "-": _op("neg", "unary", "-", operator.neg),
    "+": _op("pos", "unary", "+", operator.pos),
    "not": _op("not_", "unary", "not", operator.not_),
    "~": _op("invert", "unary", "~", operator.invert),
}
COMPARE = {
    "<": _op("lt", "compare", "<", operator.lt),
    "<=": _op("le", "compare", "<=", operator.le),
    ">": _op("gt", "compare", ">", operator.gt),
    ">=": _op("ge", "compare", ">=", operator.ge),
    "==": _op("eq", "compare", "==", operator.eq),
    "!=": _op("ne", "compare", "!=", operator.ne),
    "is": _op("is_", "compare", "is", operator.is_),
    "is not": _op("is_not", "compare", "is not", operator.is_not),
    "in": _op("contains", "compare", "in", lambda a, b: a in b),
    "not in": _op("not_contains", "compare", "not in", lambda a, b: a not in b),
}
ADD, SUB, MUL, DIV, POW, MATMUL = (BINARY[s] for s in ("+", "-", "*", "/", "**", "@"))
NEG = UNARY["-"]
GETITEM = _op("getitem", "subscript", "[]", operator.getitem)
TUPLE = _op("tuple", "tuple", "()", lambda *xs: xs)
DICT = _op("dict", "dict", "{}", lambda **kw: kw)  # {key: value}: the items are the keyword arguments
LIST = _op("list", "list", "[]", lambda *xs: list(xs))
SLICE = _op("slice", "slice", ":", slice)
IFEXP = _op("ifexp", "ifexp", "if", lambda c, a, b: a if c else b)
APPLY = Op("apply", "apply", "()", lambda f, *a: f(*a), pure=False)  # f(*args) for a function value f
AND = _op("and_then", "boolop", "and", lambda a, b: a and b)  # evaluates b only if a is true
OR = _op("or_else", "boolop", "or", lambda a, b: a or b)

_CALL_OPS: dict[tuple[int, str, bool, bool], Op] = {}


def call_op(fn: Callable | None, path: str, pure: bool = True, canonical: bool = False) -> Op:
    """The op that calls ``fn``, printed as ``path(...)``; one op per function, spelling,
    purity and canonicity."""
    key = (id(fn), path, pure, canonical)
    op = _CALL_OPS.get(key)
    if op is None:
        op = _CALL_OPS[key] = Op(path, "call", path, fn, pure, canonical)
    return op


# ------------------------------------------------------------------ expressions


class Expr:
    """Base class of expressions. They are immutable: copies share them."""

    __slots__ = ()

    def __deepcopy__(self, memo: dict) -> Expr:
        return self


@dataclass(frozen=True)
class Name(Expr):
    id: str

    def __repr__(self) -> str:
        return self.id


@dataclass(frozen=True)
class Const(Expr):
    value: object

    def __repr__(self) -> str:
        return repr(self.value)

    def __eq__(self, other: object) -> bool:
        # 1 == 1.0 == True in Python, but they print and behave differently here.
        return (
            isinstance(other, Const)
            and type(self.value) is type(other.value)
            and _same_value(self.value, other.value)
        )

    def __hash__(self) -> int:
        return hash((type(self.value), repr(self.value)))


def _same_value(a: object, b: object) -> bool:
    try:
        return bool(a == b) or (a != a and b != b)  # nan equals nan here
    except Exception:  # numpy arrays and the like compare elementwise
        return a is b


@dataclass(frozen=True, eq=False)
class Ref(Expr):
    """A value that lives outside the function, read through ``path``."""

    path: str
    value: object = field(repr=False, compare=False)
    canonical: bool = False  # path starts with a module alias of ours (np.pi)

    def __repr__(self) -> str:
        return self.path

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Ref) and self.path == other.path

    def __hash__(self) -> int:
        return hash(self.path)


@dataclass(frozen=True, repr=False)
class Call(Expr):
    op: Op
    args: tuple[Expr, ...] = ()
    kwargs: tuple[tuple[str, Expr], ...] = ()
    # where in the user's file the operation is written: (line, column)
    pos: tuple[int, int] | None = field(default=None, compare=False, repr=False)

    # __repr__ prints the call as Python: ir.printer installs it, since printing lives there

    def children(self) -> Iterator[Expr]:
        yield from self.args
        for _, value in self.kwargs:
            yield value

    def map(self, f: Callable[[Expr], Expr]) -> Call:
        """The same call with ``f`` applied to every argument."""
        args = tuple(f(a) for a in self.args)
        kwargs = tuple((k, f(v)) for k, v in self.kwargs)
        if all(a is b for a, b in zip(args, self.args)) and all(
            a is b for (_, a), (_, b) in zip(kwargs, self.kwargs)
        ):
            return self  # unchanged: the same object (calls are immutable)
        return Call(self.op, args, kwargs, self.pos)


STRUCTURAL = {"tuple", "list", "slice", "dict"}


def is_atomic(e: Expr) -> bool:
    """Names, constants, references, and tuples or slices of atoms."""
    if isinstance(e, (Name, Const, Ref)):
        return True
    return isinstance(e, Call) and e.op.form in STRUCTURAL and all(map(is_atomic, e.children()))


def names_in(e: Expr) -> Iterator[str]:
    """The local names an expression reads, in order, with repeats."""
    if isinstance(e, Name):
        yield e.id
    elif isinstance(e, Call):
        for child in e.children():
            yield from names_in(child)


def substitute(e: Expr, mapping: dict[str, Expr]) -> Expr:
    """Replace names by expressions."""
    if not mapping:
        return e
    if isinstance(e, Name):
        return mapping.get(e.id, e)
    if isinstance(e, Call):
        return e.map(lambda a: substitute(a, mapping))
    return e


def count_nodes(e: Expr) -> int:
    if isinstance(e, Call):
        return 1 + sum(count_nodes(c) for c in e.children())
    return 1


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

    def reads(self) -> Iterator[str]:
        if self.accumulate:
            yield self.target.id
        yield from names_in(self.value)

    def writes(self) -> Iterator[str]:
        yield self.target.id


@dataclass
class Return(Stmt):
    value: Expr

    def reads(self) -> Iterator[str]:
        return names_in(self.value)


@dataclass
class Effect(Stmt):
    """An expression evaluated for its side effect, such as ``print(x)``."""

    value: Expr

    def reads(self) -> Iterator[str]:
        return names_in(self.value)


@dataclass
class Assert(Stmt):
    test: Expr
    msg: Expr | None = None

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


def names_in_function(fn: Function) -> set[str]:
    """Every name read in a function's body."""
    return {n for stmt in walk(fn.body) for n in stmt.reads()}


def walk(body: list[Stmt]) -> Iterator[Stmt]:
    """Every statement, nested ones included, in program order."""
    for stmt in body:
        yield stmt
        for block in stmt.blocks():
            yield from walk(block)


_PURE_METHODS = {"copy", "astype", "item", "tolist", "conjugate", "flatten", "__abs__"}


_method_ops: dict[str, Op] = {}


_attr_ops: dict[str, Op] = {}


def method_op(name: str) -> Op:
    """The op for ``x.name(...)``: printed as a method call on its first argument."""
    op = _method_ops.get(name)
    if op is None:
        pure = name in _PURE_METHODS
        op = _method_ops[name] = Op(f"method.{name}", "method", name, None, pure=pure)
    return op


def attr_op(name: str) -> Op:
    """The op for ``x.name``."""
    op = _attr_ops.get(name)
    if op is None:
        op = _attr_ops[name] = Op(f"attr.{name}", "attr", name, None)
    return op
