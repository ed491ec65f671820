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

What follows an ``if`` goes into each branch that can fall through when some path
inside it exits, not only when a whole branch does:

>>> show('''
... def f(x):
...     if x > 1:
...         y = x * x
...         if y > 4:
...             return y
...     return x
... ''')
def f(x):
    if x > 1:
        y = x * x
        if y > 4:
            return y
        else:
            return x
    else:
        return x

Copied into both branches, what follows would be copied again at every later ``if``
that returns: there a flag says that the function returned, and what follows is
written once, after the check of the flag:

>>> show('''
... def f(x):
...     if x > 1:
...         if x > 2:
...             return x
...     else:
...         x = -x
...     if x > 3:
...         return 3 * x
...     return x * x
... ''')
def f(x):
    returned = False
    if x > 1:
        if x > 2:
            result = x
            returned = True
    else:
        x = -x
    if returned:
        return result
    elif x > 3:
        return 3 * x
    else:
        return x * x

In a loop inside a loop the result is computed after the inner loops: a ``result``
assigned deeper would be carried by the loops around before it has a value.

>>> show('''
... def first_big(rows):
...     for row in rows:
...         for x in row:
...             if x > 9:
...                 return x
...     return 0.0
... ''')
def first_big(rows):
    returned = False
    for row in rows:
        for x in row:
            if x > 9:
                returned = True
                break
        if returned:
            result = x
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
    fn.body = _block(fn.body, names, 0)


class _Names:
    def __init__(self, taken: set[str]):
        self.taken = set(taken)
        self.result: str | None = None
        self.flag: str | None = None
        # returns in loops inside a loop, computed after them: (flag saying it was this
        # one, when there are several; the assignment of the result)
        self.deferred: list[tuple[str | None, gast.stmt]] = []
        self.tell = False

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


def _block(stmts: list[gast.stmt], names: _Names, depth: int) -> list[gast.stmt]:
    """``stmts`` with every exit at the end of a branch; ``depth`` counts the loops around."""
    out: list[gast.stmt] = []
    for i, s in enumerate(stmts):
        if isinstance(s, _EXITS):
            out.append(s)
            return out  # what follows is dead
        if isinstance(s, (gast.For, gast.While)):
            if not _has_return(s):
                out.extend(_loop(s, names, depth))
                continue
            # after a loop that may return: stop here if it did
            start = len(names.deferred)
            if depth == 1:
                names.tell = _count_returns(s) > 1
            out.extend(_loop(s, names, depth))
            deferred = names.deferred[start:]
            if depth == 1:
                out[-1:-1] = [_at(_assign(flag, _const(False)), s) for flag, _ in deferred if flag]
                del names.deferred[start:]
            check = _at(gast.If(test=_load(names.flag), body=_leave(names, depth, deferred), orelse=[]), s)
            return out + _block([check, *stmts[i + 1 :]], names, depth)
        if isinstance(s, gast.If):
            s.body = _block(s.body, names, depth)
            s.orelse = _block(s.orelse, names, depth)
            rest = stmts[i + 1 :]
            if depth == 0 and _both_go_on(s) and _returns_later(rest):
                # both branches go on, and some path returns: a flag says which, and what
                # follows is written once, after the check of the flag (in each branch, what
                # follows would be copied again at each later `if` that returns)
                flag, result = names.fresh("returned"), names.fresh("result")
                _returns_to_flag(s, flag, result)
                out += [_at(_assign(flag, _const(False)), s), s]
                leave = [gast.Return(value=_load(result))]
                check = _at(gast.If(test=_load(flag), body=leave, orelse=[]), s)
                return out + _block([check, *rest], names, depth)
            if rest and (_may_exit(s.body) or _may_exit(s.orelse)):
                # what follows runs where a branch falls through: on every such path, or the
                # exit a nested `if` takes would be followed by it
                copy = _copy_tree(rest) if not exits(s.body) and not exits(s.orelse) else rest
                if not exits(s.body):
                    s.body = _block(s.body + rest, names, depth)
                if not exits(s.orelse):  # its own copy: _block changes what it is given
                    s.orelse = _block(s.orelse + copy, names, depth)
                out.append(s)
                return out
        out.append(s)
    return out


def _both_go_on(s: gast.If) -> bool:
    """Whether some path through ``s`` returns, and both of its branches can go on."""
    return not exits(s.body) and not exits(s.orelse) and _may_exit([s])


def _returns_later(stmts: list[gast.stmt]) -> bool:
    """Whether an ``if`` or a loop among ``stmts`` may return (what would copy them again)."""
    return any(isinstance(s, (gast.If, gast.For, gast.While)) and _has_return(s) for s in stmts)


def _returns_to_flag(node: gast.If, flag: str, result: str) -> None:
    """Each ``return v`` that ends a branch of ``node`` -> ``result = v; returned = True``."""
    for block in (node.body, node.orelse):
        last = block[-1] if block else None
        if isinstance(last, gast.If):
            _returns_to_flag(last, flag, result)
        elif isinstance(last, gast.Return):
            value = last.value or _const(None)
            block[-1:] = [_at(_assign(result, value), last), _at(_assign(flag, _const(True)), last)]


def _may_exit(stmts: list[gast.stmt]) -> bool:
    """Whether some path through ``stmts`` (not into a nested loop) leaves by an exit."""
    return any(
        isinstance(s, _EXITS) or isinstance(s, gast.If) and (_may_exit(s.body) or _may_exit(s.orelse))
        for s in stmts
    )


def _loop(loop: gast.For | gast.While, names: _Names, depth: int) -> list[gast.stmt]:
    before: list[gast.stmt] = []
    if _has_return(loop):
        if names.flag is None:
            names.flag, names.result = names.fresh("returned"), names.fresh("result")
        if depth == 0:
            before.append(_at(_assign(names.flag, _const(False)), loop))
        loop.body = _returns_to_breaks(loop.body, names, inner=depth > 0)
    body = _block(loop.body, names, depth + 1)
    loop.body = _drop_trailing_continue(body) or [_at(gast.Pass(), loop)]
    return before + [loop]


def _has_return(node: gast.AST) -> bool:
    for child in gast.iter_child_nodes(node):
        if isinstance(child, gast.Return):
            return True
        if not isinstance(child, (gast.FunctionDef, gast.Lambda)) and _has_return(child):
            return True
    return False


def _returns_to_breaks(stmts: list[gast.stmt], names: _Names, inner: bool) -> list[gast.stmt]:
    """``return v`` -> ``result = v; returned = True; break`` (inner loops check the flag).

    In a loop inside a loop, ``v`` is computed after the loops inside the outermost one
    instead (nothing changes between the ``break`` and there): a ``result`` assigned
    this deep would be carried by the loops around before it has a value."""
    out: list[gast.stmt] = []
    for s in stmts:
        if isinstance(s, gast.Return):
            value = s.value or _const(None)
            done = [_at(_assign(names.flag, _const(True)), s), _at(gast.Break(), s)]
            if not inner:
                out += [_at(_assign(names.result, value), s), *done]
                return out
            which = names.fresh(f"{names.flag}_here") if names.tell else None
            names.deferred.append((which, _at(_assign(names.result, value), s)))
            out += ([_at(_assign(which, _const(True)), s)] if which else []) + done
            return out
        if isinstance(s, gast.If):
            s.body = _returns_to_breaks(s.body, names, inner)
            s.orelse = _returns_to_breaks(s.orelse, names, inner)
        out.append(s)
    return out


def _count_returns(node: gast.AST) -> int:
    return sum(isinstance(n, gast.Return) for n in gast.walk(node))


def _drop_trailing_continue(stmts: list[gast.stmt]) -> list[gast.stmt]:
    """A `continue` that ends a branch of the loop body goes on with the next iteration anyway."""
    if stmts and isinstance(stmts[-1], gast.Continue):
        return stmts[:-1]
    if stmts and isinstance(stmts[-1], gast.If):
        last = stmts[-1]
        last.body = _drop_trailing_continue(last.body) or [_at(gast.Pass(), last)]
        last.orelse = _drop_trailing_continue(last.orelse)
    return stmts


def _leave(names: _Names, depth: int, deferred: list[tuple[str | None, gast.stmt]]) -> list[gast.stmt]:
    """What the check after a loop that returned does: return the result, or leave the loop
    around (in the outermost one, computing the result first)."""
    if depth == 0:
        return [gast.Return(value=_load(names.result))]
    if depth > 1 or not deferred:
        return [gast.Break()]
    choice: list[gast.stmt] = [deferred[-1][1]]
    for which, assign in reversed(deferred[:-1]):  # the return that was taken
        choice = [gast.If(test=_load(which), body=[assign], orelse=choice)]
    return choice + [gast.Break()]


def _const(value: object) -> gast.Constant:
    return gast.Constant(value=value, kind=None)


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
