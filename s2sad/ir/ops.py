"""Operations: what a ``Call`` computes and how it prints.

Python's operators, attribute reads, subscripts, displays and calls are all ops,
one object per operation, compared by identity:

>>> BINARY["+"].name, BINARY["+"].form, BINARY["+"].symbol
('add', 'binary', '+')
>>> attr_op("T") is attr_op("T")
True
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass


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
    checkpointed: bool = False  # s2sad.checkpoint(f)(x): f's forward values recomputed, not kept

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
# `+` and `*` of lists and tuples, which join and repeat them: ops of their own, printed as
# the operators, given to calls once kinds show that the operands are sequences
JOIN = _op("join", "binary", "+", operator.add)
REPEAT = _op("repeat", "binary", "*", operator.mul)  # xs * n, or n * xs
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

_CALL_OPS: dict[tuple[int, str, bool, bool, bool], Op] = {}


def call_op(
    fn: Callable | None, path: str, pure: bool = True, canonical: bool = False, checkpointed: bool = False
) -> Op:
    """The op that calls ``fn``, printed as ``path(...)``; one op per function, spelling,
    purity, canonicity and checkpointing."""
    key = (id(fn), path, pure, canonical, checkpointed)
    op = _CALL_OPS.get(key)
    if op is None:
        op = _CALL_OPS[key] = Op(path, "call", path, fn, pure, canonical, checkpointed)
    return op


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
