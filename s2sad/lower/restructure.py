"""Put every `return`, `break` and `continue` at the end of a branch.

Python lets them stand anywhere. Lowering to SSA, and reversing, are simpler
when control only leaves a block at its end: what follows an `if` whose
branch exits moves into the other branch, code after an exit is dropped, and a
`continue` that ends a branch does nothing more. The pass works on the gast
tree, before lowering, and keeps line numbers:

>>> from s2sad.ir.printer import unparse
>>> def show(text):
...     print(unparse(gast.gast_to_ast(restructured(gast.parse(text).body[0], set()))), end="")
>>> show('''
... def total(xs):
...     s = 0.0
...     for x in xs:
...         if x < 0:
...             continue
...         s += x
...     return s
... ''')
def total(xs):
    s = 0.0
    for x in xs:
        if x < 0:
            pass
        else:
            s += x
    return s

A `return` inside a loop becomes a flag and a `break`, checked after the loop:

>>> show('''
... def first_big(xs):
...     for x in xs:
...         if x > 9:
...             return x
...     return 0.0
... ''')
def first_big(xs):
    returned = False
    for x in xs:
        if x > 9:
            result = x
            returned = True
            break
    if returned:
        return result
    else:
        return 0.0
"""

from __future__ import annotations

import gast

_EXITS = (gast.Return, gast.Break, gast.Continue)


def restructure(fn: gast.FunctionDef, taken: set[str]) -> None:
    """Rewrite ``fn``'s body in place; ``taken`` are names the new flags must avoid."""
    names = _Names(taken)
    fn.body = _block(fn.body, names, in_loop=False)


class _Names:
    def __init__(self, taken: set[str]):
        self.taken = set(taken)
        self.result: str | None = None
        self.flag: str | None = None

    def fresh(self, base: str) -> str:
        name, k = base, 1
        while name in self.taken:
            name, k = f"{base}_{k}", k + 1
        self.taken.add(name)
        return name


def exits(stmts: list[gast.stmt]) -> bool:
    """Whether control never falls off the end of ``stmts``."""
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, _EXITS):
        return True
    return isinstance(last, gast.If) and exits(last.body) and exits(last.orelse)


def _block(stmts: list[gast.stmt], names: _Names, in_loop: bool) -> list[gast.stmt]:
    out: list[gast.stmt] = []
    for i, s in enumerate(stmts):
        if isinstance(s, _EXITS):
            out.append(s)
            return out  # what follows is dead
        if isinstance(s, (gast.For, gast.While)):
            returns = _has_return(s)
            out.extend(_loop(s, names, in_loop))
            if returns:
                # after a loop that may return: stop here if it did
                check = _at(gast.If(test=_load(names.flag), body=[_leave(names, in_loop)], orelse=[]), s)
                return out + _block([check, *stmts[i + 1 :]], names, in_loop)
            continue
        if isinstance(s, gast.If):
            s.body = _block(s.body, names, in_loop)
            s.orelse = _block(s.orelse, names, in_loop)
            rest = stmts[i + 1 :]
            then_exits, else_exits = exits(s.body), exits(s.orelse)
            if rest and (then_exits or else_exits):
                if not then_exits:
                    s.body = _block(s.body + rest, names, in_loop)
                elif not else_exits:
                    s.orelse = _block(s.orelse + rest, names, in_loop)
                out.append(s)
                return out
        out.append(s)
    return out


def _loop(loop: gast.For | gast.While, names: _Names, in_loop: bool) -> list[gast.stmt]:
    before: list[gast.stmt] = []
    if _has_return(loop):
        if names.flag is None:
            names.flag, names.result = names.fresh("returned"), names.fresh("result")
        before.append(_at(_assign(names.flag, gast.Constant(value=False, kind=None)), loop))
        loop.body = _returns_to_breaks(loop.body, names)
    body = _block(loop.body, names, in_loop=True)
    loop.body = _drop_trailing_continue(body) or [_at(gast.Pass(), loop)]
    return before + [loop]


def _has_return(node: gast.AST) -> bool:
    for child in gast.iter_child_nodes(node):
        if isinstance(child, gast.Return):
            return True
        if not isinstance(child, (gast.FunctionDef, gast.Lambda)) and _has_return(child):
            return True
    return False


def _returns_to_breaks(stmts: list[gast.stmt], names: _Names) -> list[gast.stmt]:
    """``return v`` -> ``result = v; returned = True; break`` (inner loops check the flag)."""
    out: list[gast.stmt] = []
    for s in stmts:
        if isinstance(s, gast.Return):
            value = s.value or gast.Constant(value=None, kind=None)
            out += [
                _at(_assign(names.result, value), s),
                _at(_assign(names.flag, gast.Constant(value=True, kind=None)), s),
                _at(gast.Break(), s),
            ]
            return out
        if isinstance(s, gast.If):
            s.body = _returns_to_breaks(s.body, names)
            s.orelse = _returns_to_breaks(s.orelse, names)
        out.append(s)
    return out


def _drop_trailing_continue(stmts: list[gast.stmt]) -> list[gast.stmt]:
    """A `continue` that ends a branch of the loop body goes on with the next iteration anyway."""
    if stmts and isinstance(stmts[-1], gast.Continue):
        return stmts[:-1]
    if stmts and isinstance(stmts[-1], gast.If):
        last = stmts[-1]
        last.body = _drop_trailing_continue(last.body) or [_at(gast.Pass(), last)]
        last.orelse = _drop_trailing_continue(last.orelse)
    return stmts


def _leave(names: _Names, in_loop: bool) -> gast.stmt:
    return gast.Break() if in_loop else gast.Return(value=_load(names.result))


def _load(name: str) -> gast.Name:
    return gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None)


def _assign(name: str, value: gast.expr) -> gast.Assign:
    target = gast.Name(id=name, ctx=gast.Store(), annotation=None, type_comment=None)
    return gast.Assign(targets=[target], value=value, type_comment=None)


def _at(node: gast.AST, where: gast.AST) -> gast.AST:
    """Give a new node (and its children) the position of ``where``'s first line."""
    for n in gast.walk(node):
        if getattr(n, "lineno", None) is None and hasattr(where, "lineno"):
            n.lineno, n.col_offset = where.lineno, where.col_offset
            n.end_lineno, n.end_col_offset = where.lineno, where.col_offset
    return node


def restructured(fn: gast.FunctionDef, taken: set[str]) -> gast.FunctionDef:
    """A restructured copy of ``fn``."""
    fn = _copy_tree(fn)
    restructure(fn, taken)
    return fn


def _copy_tree(node):
    """A copy of a syntax tree whose nodes can be changed in place (the leaves, strings and
    numbers, are shared): what ``copy.deepcopy`` gives, several times faster."""
    if isinstance(node, list):
        return [_copy_tree(n) for n in node]
    if isinstance(node, gast.AST):
        new = node.__class__.__new__(node.__class__)
        new.__dict__.update({k: _copy_tree(v) for k, v in node.__dict__.items()})
        return new
    return node
