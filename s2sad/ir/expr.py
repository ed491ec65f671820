"""Expressions: small immutable trees of names, constants, references and calls.

- ``Name("x")``: a local variable or parameter,
- ``Const(2.0)``: a literal,
- ``Ref("np.pi", value)``: a value from outside the function (a global, a
  closure cell, a module attribute), printed by its path and read live,
- ``Call(op, args, kwargs)``: an operation applied to expressions.

>>> from s2sad.ir.ops import BINARY
>>> e = Call(BINARY["*"], (Name("x"), Const(2.0)))
>>> e
x * 2.0
>>> list(names_in(e)), count_nodes(e)
(['x'], 3)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .ops import Op

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

    # A call is hashed and its names listed many times over while a derivative is simplified
    # (every dict of parts, every `reads()`): both are worked out once and kept on the call.
    # An op hashes by identity, so a kept hash never leaves the process (see __getstate__).
    def __hash__(self) -> int:
        h = self.__dict__.get("_hash")
        if h is None:
            h = hash((self.op, self.args, self.kwargs))
            object.__setattr__(self, "_hash", h)
        return h

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if other.__class__ is not Call:
            return NotImplemented if not isinstance(other, Expr) else False
        return (
            hash(self) == hash(other)
            and self.op is other.op
            and self.args == other.args
            and self.kwargs == other.kwargs
        )

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k not in ("_hash", "_names")}

    def names(self) -> tuple[str, ...]:
        """The local names the call reads, in order, with repeats (kept once worked out)."""
        out = self.__dict__.get("_names")
        if out is None:
            out = []
            for child in self.children():
                if isinstance(child, Name):
                    out.append(child.id)
                elif isinstance(child, Call):
                    out.extend(child.names())
            out = tuple(out)
            object.__setattr__(self, "_names", out)
        return out

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
    if isinstance(e, Call):
        return iter(e.names())
    return iter((e.id,) if isinstance(e, Name) else ())


def substitute(e: Expr, mapping: dict[str, Expr]) -> Expr:
    """Replace names by expressions."""
    if not mapping:
        return e
    if isinstance(e, Name):
        return mapping.get(e.id, e)
    if isinstance(e, Call):
        return e.map(lambda a: substitute(a, mapping))
    return e


def map_calls(e: Expr, f: Callable[[Call], Expr]) -> Expr:
    """``e`` rewritten bottom-up: ``f`` applied to every call, once its arguments are done.

    >>> from s2sad.ir.ops import BINARY
    >>> swap = lambda c: Call(c.op, c.args[::-1]) if c.op is BINARY["-"] else c
    >>> map_calls(Call(BINARY["-"], (Name("x"), Call(BINARY["-"], (Name("y"), Name("z"))))), swap)
    z - y - x
    """
    return f(e.map(lambda a: map_calls(a, f))) if isinstance(e, Call) else e


def count_nodes(e: Expr) -> int:
    if isinstance(e, Call):
        return 1 + sum(count_nodes(c) for c in e.children())
    return 1


def subexpressions(e: Expr) -> Iterator[Expr]:
    """``e`` and every expression inside it, an expression before its parts."""
    yield e
    if isinstance(e, Call):
        for child in e.children():
            yield from subexpressions(child)
