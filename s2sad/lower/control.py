"""Control flow: ``if``, ``for`` and ``while`` stay structured, with join names.

Where paths join, a variable assigned on them gets a *join name*, assigned by
a copy at the end of each path: ``y_1 = y`` in one branch and ``y_1 = y_2`` in
the other; a loop's carried variable ``x_1`` is copied in before the loop, at
the end of the body and before a ``break``. Every other name is assigned once.
The statements record their join names (``ir.If.joins``, ``ir.For.joins``),
so later passes know what is visible after them.

>>> from s2sad.lower import lower_source
>>> print(lower_source('''
... def f(x, n):
...     y = x
...     for i in range(n):
...         if y > 10.0:
...             break
...         y = y * x
...     return y if y > 0 else -y
... '''))
def f(x, n):
    y = x
    y_1 = y
    for i in range(n):
        v1 = y_1 > 10.0
        if v1:
            break
        else:
            y_2 = y_1 * x
            y_1 = y_2
    v2 = y_1 > 0
    if v2:
        v3 = y_1
    else:
        v4 = -y_1
        v3 = v4
    return v3

(The ``else:`` is ``restructure``'s: what follows a branch that leaves the loop
moves into the other branch, so a block runs whole or not at all.)

Expressions that branch are lowered the same way: ``a if c else b`` and the
lazy ``and``/``or`` become an ``if`` that assigns a temporary on both paths, and
a comprehension is the loop that appends to a list::

    [e for x in xs if c]    ->    items = []
                                  for x in xs:
                                      if c:
                                          items.append(e)
"""

from __future__ import annotations

import builtins

import gast

from .. import ir
from ..ir import UNBOUND, Call, Expr, Name
from ..ir.syntax import COMPARE_SYMBOLS
from .exits import sink_after_exits
from .expressions import LOCAL_FUNCTIONS, Function

# the iterables of a ``for`` that stay calls (``list`` for ``reversed(list(zip(xs, ys)))``)
_ITERATORS = (builtins.range, builtins.enumerate, builtins.zip, builtins.reversed, builtins.list)


class ControlFlow:
    """Lowers nested blocks with their own copy of the names (``self.env``), and merges
    them where paths join; ``self.loops`` holds the carried variables of the loops
    around, ``self.depth`` how deep in branches the current statement is."""

    def block(self, stmts: list[gast.stmt]) -> tuple[list[ir.Stmt], dict[str, Expr], bool]:
        """Lower a nested block: its statements, the names at its end, whether it exits."""
        saved = self.body, self.env, self.origin
        self.body, self.env = [], dict(self.env)
        self.depth += 1
        exits = False
        for s in stmts:
            if self.stmt(s):
                exits = True
                break
        out = self.body, self.env, exits
        self.body, self.env, self.origin = saved
        self.depth -= 1
        return out

    def copy(self, join: str, value: Expr, origin: ir.Origin | None) -> ir.Assign:
        """The copy to a join name at the end of a path, marked as coming from the ``if``."""
        return ir.Assign(Name(join), value, origin=origin)

    def if_(self, node: gast.If) -> bool:
        """Lower an ``if``, joining what its branches assign; true when neither goes on."""
        origin = self.parsed.origin(node)
        test = self.atom(self.expr(node.test))
        before = dict(self.env)

        def env_before(var: str) -> Expr | None:
            return before.get(var)

        body, env_then, then_exits = self.block(node.body)
        orelse, env_else, else_exits = self.block(node.orelse)
        self.origin = origin
        joins, one_path = [], []
        if then_exits and else_exits:
            self.emit(ir.If(test, body, orelse, self.exit_joins()))
            return True
        if then_exits or else_exits:  # only one path goes on
            self.env = env_else if then_exits else env_then
            joins = [n.id for v, n in self.env.items() if isinstance(n, Name) and n != env_before(v)]
        else:
            for var in sorted(set(env_then) | set(env_else)):
                a, b = env_then.get(var), env_else.get(var)
                if a == b:
                    self.env[var] = a
                    continue
                chosen = self.join_chosen(var, (a, b), (body, orelse), joins, origin)
                if chosen is not None:  # act = relu, or act = np.tanh: the function the branch picked
                    self.env[var] = chosen
                    continue
                if isinstance(a, LOCAL_FUNCTIONS) or isinstance(b, LOCAL_FUNCTIONS):
                    self.env[var] = self.join_functions(var, (a, b), (body, orelse), joins, origin)
                    continue
                if a is None or b is None:  # bound on one path only: read after it only there
                    self.env[var] = value = a if b is None else b
                    if isinstance(value, Name) and value != env_before(var):
                        joins.append(value.id)
                        bound, other = (body, orelse) if b is None else (orelse, body)
                        one_path.append((value.id, bound, other))
                    continue
                join = self.pool.version(var)
                self.copy_to(join, a, body, origin)
                self.copy_to(join, b, orelse, origin)
                if self.is_unbound(a) or self.is_unbound(b):  # a path where it has no value yet (in a loop)
                    self.unbound.add(Name(join))
                self.env[var] = Name(join)
                joins.append(join)
        joins += self.exit_joins()
        self.emit(ir.If(test, body, orelse, joins))
        for name, branch, other in one_path:
            self.one_path.setdefault(name, (branch, joins))  # the innermost if that binds it
            self.unbound_paths.setdefault(name, []).append((other, joins))  # and every if it misses
        return False

    def copy_to(self, join: str, value: Expr, block: list[ir.Stmt], origin: ir.Origin | None) -> None:
        """``join = value`` at the end of ``block``, or, for a value an inner ``if`` binds on one
        path only (a `return` restructured away on the other), at the end of that path: the
        other path has no value to copy, as in Python."""
        if isinstance(value, Name) and value.id in self.one_path:
            block, joins = self.one_path[value.id]
            joins.append(join)
        block.append(self.copy(join, value, origin))

    def is_unbound(self, value: object) -> bool:
        """Whether ``value`` is the join name of a loop that may not have a value yet."""
        return isinstance(value, Name) and value in self.unbound

    def exit_joins(self) -> list[str]:
        """Names a `break` or `return` inside assigns on its way out: visible after the loop."""
        names = [j for loop in self.loops for j in loop.values()]
        return names + ([self.result] if self.result else [])

    def enter_loop(self, node: gast.For | gast.While, also: set[str] = frozenset()) -> dict[str, str]:
        """Join names for the variables the loop assigns, copied in where they exist."""
        if node.orelse:
            raise self.error(
                node,
                "an `else` clause on a loop is not supported",
                "Use a flag set before `break` and test it after the loop.",
            )
        carried = {}
        functions = self.enter_functions(node)
        for var in sorted((_assigned(node.body) | also) - functions):
            join = self.pool.version(var)
            value = self.env.get(var)
            if isinstance(value, Name) and value.id in self.unbound_paths:
                # bound on some paths of an if only: the join copies it there, and is UNBOUND
                # on the others (read in the loop before it is bound: an error, as in Python)
                self.copy_to(join, value, self.body, None)
                for other, joins in self.unbound_paths[value.id]:
                    other.append(ir.Assign(Name(join), UNBOUND))
                    if join not in joins:
                        joins.append(join)
                self.unbound.add(Name(join))
            elif var in self.env:
                self.emit(ir.Assign(Name(join), self.env[var]))
                if self.is_unbound(self.env[var]):
                    self.unbound.add(Name(join))
            else:  # first bound in the loop: no value on the first iteration
                self.emit(ir.Assign(Name(join), UNBOUND))
                self.unbound.add(Name(join))
            carried[var] = join
            self.env[var] = Name(join)
        return carried

    def copy_out(self, carried: dict[str, str]) -> None:
        """Copy the current values of carried variables to their join names."""
        for var, join in carried.items():
            value = self.env.get(var)
            if value is not None and value != Name(join):
                origin = ir.replace(self.origin, at=None) if self.origin is not None else None
                self.copy_to(join, value, self.body, origin)

    def loop_body(self, stmts: list[gast.stmt], carried: dict[str, str]) -> list[ir.Stmt]:
        """A loop's body, ending with the copies of the carried variables to their join names."""
        self.loops.append(carried)
        body, env_end, exits = self.block(stmts)
        self.loops.pop()
        self.settle_functions(self.function_vars.pop(), env_end)
        if not exits:
            saved, self.body, self.env = (self.body, self.env), body, env_end
            self.copy_out(carried)
            (self.body, self.env), body = saved, self.body
        return sink_after_exits(body)

    def for_(self, node: gast.For) -> None:
        """Lower a ``for``: the iterable is evaluated once, before the carried variables enter."""
        node = _over_keys(node, self.pool)
        origin = self.parsed.origin(node)
        iterable = self.checkpointed(node) or self.iteration(node.iter)
        targets = {n.id for n in gast.walk(node.target) if isinstance(n, gast.Name)}
        # a target read after the loop (or by a function that may be called there) is carried
        later = set() if getattr(node, "comprehension", False) else targets & _read_outside(self.tree, node)
        carried = self.enter_loop(node, later)
        target = self.bind(node.target)
        body = self.loop_body(node.body, carried)
        for var in targets & set(carried):
            self.env[var] = Name(carried[var])
        self.origin = origin
        self.emit(ir.For(target, iterable, body, list(carried.values())))

    def while_(self, node: gast.While) -> None:
        """Lower a ``while``: the test's statements run before every check (``test_body``)."""
        origin = self.parsed.origin(node)
        carried = self.enter_loop(node)
        saved, self.body = self.body, []
        test = self.atom(self.expr(node.test))
        test_body, self.body = self.body, saved
        body = self.loop_body(node.body, carried)
        self.origin = origin
        self.emit(ir.While(test_body, test, body, list(carried.values())))

    def bind(self, target: gast.expr) -> Expr:
        """Names for a loop target, ``i`` or ``(i, (a, b))``."""
        if isinstance(target, gast.Name):
            name = Name(self.pool.version(target.id))
            self.env[target.id] = name
            return name
        if isinstance(target, (gast.Tuple, gast.List)):
            return Call(ir.TUPLE, tuple(self.bind(e) for e in target.elts))
        raise self.error(target, "this loop target is not supported", "Loop over plain names.")

    def iteration(self, node: gast.expr) -> Expr:
        """The iterable of a ``for``: ``range``, ``enumerate``, ``zip``, ``reversed``, ``list`` stay calls."""
        if (
            isinstance(node, gast.Call)
            and not node.keywords
            or (isinstance(node, gast.Call) and all(k.arg == "start" for k in node.keywords))
        ):
            callee = self.value(node.func)
            if isinstance(callee, Function) and callee.fn in _ITERATORS:
                args = tuple(
                    self.iteration(a) if callee.fn is not builtins.range else self.atom(self.expr(a))
                    for a in node.args
                )
                kwargs = tuple((k.arg, self.atom(self.expr(k.value))) for k in node.keywords)
                pure = callee.fn is builtins.range  # zip, enumerate, reversed: used up once iterated
                op = ir.call_op(callee.fn, callee.path, pure, canonical=callee.canonical)
                return Call(op, args, kwargs)
        value = self.atom(self.expr(node))
        if isinstance(value, Call):  # for v in (a, b): a sequence with a name, to index in reverse
            name = Name(self.pool.temp())
            self.emit(ir.Assign(name, value))
            return name
        return value

    # comprehensions: loops that append -------------------------------------------
    def _ListComp(self, node: gast.ListComp) -> Expr:
        return self.comprehension(node)

    def _GeneratorExp(self, node: gast.GeneratorExp) -> Expr:
        return self.comprehension(node)  # sum(x * x for x in xs) reads a list as well

    def comprehension(self, node: gast.ListComp | gast.GeneratorExp, items: str | None = None) -> Expr:
        """``[e for x in xs if c]``: ``items = []; for x in xs: if c: items.append(e)``."""
        if any(g.is_async for g in node.generators):
            raise self.error(node, "an asynchronous comprehension is not supported")
        items = items or self.pool.fresh("items")
        self.emit(ir.Assign(Name(items), Call(ir.LIST, ())))
        load = gast.Name(id=items, ctx=gast.Load(), annotation=None, type_comment=None)
        append = gast.Attribute(value=load, attr="append", ctx=gast.Load())
        inner: gast.stmt = gast.Expr(value=gast.Call(func=append, args=[node.elt], keywords=[]))
        for gen in reversed(node.generators):
            for cond in reversed(gen.ifs):
                inner = gast.If(test=cond, body=[inner], orelse=[])
            inner = gast.For(target=gen.target, iter=gen.iter, body=[inner], orelse=[], type_comment=None)
            inner.comprehension = True  # its targets do not leak
        for n in gast.walk(inner):
            if not hasattr(n, "lineno") or getattr(n, "lineno", None) is None:
                n.lineno, n.col_offset = node.lineno, node.col_offset
                n.end_lineno, n.end_col_offset = node.end_lineno, node.end_col_offset
        scoped = {n.id for g in node.generators for n in gast.walk(g.target) if isinstance(n, gast.Name)}
        saved = {n: self.env[n] for n in scoped if n in self.env}
        self.env[items] = Name(items)
        origin = self.origin
        self.stmt(inner)
        self.origin = origin
        for n in scoped:  # the loop variables of a comprehension do not leak
            self.env.pop(n, None)
        self.env.update(saved)
        return Name(items)

    # expressions that branch ---------------------------------------------------
    def _IfExp(self, node: gast.IfExp) -> Expr:
        """``a if c else b``: an ``if`` that assigns a temporary in both branches; one runs."""
        test = self.atom(self.expr(node.test))
        join = Name(self.pool.temp())
        branches = []
        for branch in (node.body, node.orelse):
            saved, self.body = self.body, []
            self.emit(ir.Assign(join, self.atom(self.expr(branch))))
            branches.append(self.body)
            self.body = saved
        self.emit(ir.If(test, *branches, [join.id]))  # the join is what is read after it
        return join

    def _Compare(self, node: gast.Compare) -> Expr:
        """``a < b < c`` is ``a < b and b < c``, ``b`` evaluated once and ``c`` only when needed."""
        if len(node.ops) == 1:
            return super()._Compare(node)
        return self.chain(self.atom(self.expr(node.left)), node.ops, node.comparators)

    def chain(self, left: Expr, ops: list[gast.cmpop], rights: list[gast.expr]) -> Expr:
        right = self.expr(rights[0]) if len(ops) == 1 else self.atom(self.expr(rights[0]))
        first = self.atom(Call(ir.COMPARE[COMPARE_SYMBOLS[type(ops[0])]], (left, right)))
        if len(ops) == 1:
            return first
        join = Name(self.pool.temp())
        saved, self.body = self.body, []
        self.emit(ir.Assign(join, self.atom(self.chain(right, ops[1:], rights[1:]))))
        lazy, self.body = self.body, saved
        self.emit(ir.If(first, lazy, [ir.Assign(join, first, origin=self.origin)], [join.id]))
        return join

    def _BoolOp(self, node: gast.BoolOp) -> Expr:
        """``a and b`` is ``b if a else a``; ``a or b`` is ``a if a else b``; b only runs when needed."""
        join = Name(self.pool.temp())
        first = self.atom(self.expr(node.values[0]))
        saved, self.body = self.body, []
        rest = node.values[1:]
        later = self.atom(self.expr(rest[0] if len(rest) == 1 else gast.BoolOp(op=node.op, values=rest)))
        self.emit(ir.Assign(join, later))
        lazy, self.body = self.body, saved
        keep = [ir.Assign(join, first, origin=self.origin)]
        branches = (lazy, keep) if isinstance(node.op, gast.And) else (keep, lazy)
        self.emit(ir.If(first, *branches, [join.id]))
        return join


def _over_keys(node: gast.For, pool) -> gast.For:
    """``for k, v in d.items()`` as ``for k in d: v = d[k]`` (and ``.values()``, ``.keys()``):
    each item read from the dict by its key, so that its adjoint goes back to its place."""
    it = node.iter
    if not (
        isinstance(it, gast.Call)
        and not it.args
        and not it.keywords
        and isinstance(it.func, gast.Attribute)
        and it.func.attr in ("items", "values", "keys")
        and isinstance(it.func.value, gast.Name)
    ):
        return node
    view, d = it.func.attr, it.func.value.id
    if view == "items" and not (
        isinstance(node.target, (gast.Tuple, gast.List)) and len(node.target.elts) == 2
    ):
        return node
    if view == "keys":
        return gast.copy_location(gast.For(node.target, _load(d, it), node.body, node.orelse, None), node)
    key, value = node.target.elts if view == "items" else (None, node.target)
    if not isinstance(key, gast.Name):
        key = gast.copy_location(gast.Name(pool.fresh("key"), gast.Store(), None, None), node)
    item = gast.Subscript(_load(d, it), gast.Name(key.id, gast.Load(), None, None), gast.Load())
    read = gast.copy_location(gast.Assign([value], gast.copy_location(item, it), None), node)
    gast.fix_missing_locations(read)
    return gast.copy_location(gast.For(key, _load(d, it), [read] + node.body, node.orelse, None), node)


def _load(name: str, at: gast.AST) -> gast.Name:
    return gast.copy_location(gast.Name(name, gast.Load(), None, None), at)


def _assigned(stmts: list[gast.stmt]) -> set[str]:
    """Names a block assigns, nested blocks included."""
    names: set[str] = set()
    for node in (n for s in stmts for n in gast.walk(s)):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
            names.add(node.id)
        elif isinstance(node, gast.NamedExpr):
            names.add(node.target.id)
    return names


def _read_outside(fn: gast.AST, loop: gast.For) -> set[str]:
    """Names read in ``fn`` outside ``loop``, or inside it by a nested function (called later)."""
    names: set[str] = set()

    def visit(node: gast.AST, inside: bool, nested: bool) -> None:
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load) and (nested or not inside):
            names.add(node.id)
        nested = nested or isinstance(node, (gast.Lambda, gast.FunctionDef)) and node is not fn
        for child in gast.iter_child_nodes(node):
            visit(child, inside or child is loop, nested)

    visit(fn, False, False)
    return names
