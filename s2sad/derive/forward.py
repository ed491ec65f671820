"""Forward mode: every active statement followed by its tangent statement.

The tangent of a value is its derivative along the direction the caller
passes (``x_dot`` for each parameter ``x``); each rule's JVP template says how
the tangents of an operation's arguments make the tangent of its result. Control
flow needs no tape: a branch or a loop runs once, with the tangents of what it
changes carried along:

>>> from s2sad.derive.examples import show
>>> def f(x, r, n):
...     for i in range(n):
...         x = r * x * (1 - x)
...     return x
>>> show(f, mode="jvp", wrt=("x", "r"))
def f_jvp(x, r, n, x_dot, r_dot):
    x_1 = x
    x_1_dot = x_dot
    for i in range(n):
        v1 = r * x_1
        v1_dot = r_dot * x_1 + x_1_dot * r
        v2 = 1 - x_1
        v2_dot = -x_1_dot
        x_2 = v1 * v2
        x_2_dot = v1_dot * v2 + v2_dot * v1
        x_1 = x_2
        x_1_dot = x_2_dot
    return x_1, x_1_dot
<BLANKLINE>

The same transformation applies to generated code (a gradient is plain Python),
which is how second derivatives are computed: forward over reverse.
"""

from __future__ import annotations

import builtins

import numpy as np

from .. import ir
from ..analysis.activity import adds_at, appends, calls_user_function
from ..analysis.aliases import makes_new_array
from ..errors import UnsupportedSyntaxError
from ..ir import Call, Const, Expr, Name, Ref, attr_op, method_op
from ..ir.kinds import NOTHING, UNKNOWN, Kind
from ..rules.instantiate import instantiate, np_call, runtime_call
from .branches import unbound_before_loops
from .checkpoints import unwrap_checkpoint
from .request import AS_GRADIENT, Callees, Request
from .sweep import Sweep


class Forward(Sweep):
    suffix = "_dot"
    direction = "jvp"

    def __init__(
        self, fn: ir.Function, kinds: dict[str, Kind], active: set[str], request: Request, callees: Callees
    ):
        super().__init__(fn, kinds, active, request, callees)
        self.dots = self.derived  # primal name -> tangent name
        self.tangent_kinds = self.derived_kinds
        self.changed = _changed_in_place(fn)
        self.nothing_yet = unbound_before_loops(fn.body)  # names that may hold UNBOUND

    # names and kinds -------------------------------------------------------------
    def dot(self, name: str) -> str:
        return self.derived_name(name)

    def zero(self, like: Expr) -> Expr:
        """A zero tangent for the value ``like``; ``zero_like`` where it may have no value yet."""
        if isinstance(like, Name) and like.id in self.nothing_yet:
            return runtime_call("zero_like", like)
        k = self.kind_of_expr(like)
        if k.dims == () and k.type is not None:
            return Const(0.0)
        if k.is_array:  # complex zeros for a complex array, as its tangent is
            shape = Call(attr_op("shape"), (like,)) if isinstance(like, Name) else np_call("shape", like)
            return np_call("zeros_like", like) if k.dtype == "c" else np_call("zeros", shape)
        if isinstance(like, Call) and like.op.form in ("tuple", "list"):
            return Call(like.op, tuple(self.zero(e) for e in like.args))
        if k.is_container:
            return runtime_call("zeros_of", like)
        return runtime_call("zero_like", like)

    def tangent_of(self, e: Expr) -> Expr | None:
        """The tangent of an argument, ``None`` where it is zero (not active)."""
        if isinstance(e, Name):
            return Name(self.dots[e.id]) if e.id in self.active and e.id in self.dots else None
        if isinstance(e, Call) and e.op.form in ("tuple", "list", "dict"):
            parts = [self.tangent_of(a) for a in (v for _, v in e.kwargs)] if e.op.form == "dict" else None
            if e.op.form == "dict":
                if all(p is None for p in parts):
                    return None
                items = tuple((k, p if p is not None else self.zero(v)) for (k, v), p in zip(e.kwargs, parts))
                return Call(e.op, (), items)
            if not e.args:
                return Call(e.op, ())  # xs = []: its tangents start as an empty list too
            parts = [self.tangent_of(a) for a in e.args]
            if all(p is None for p in parts):
                return None
            return Call(e.op, tuple(p if p is not None else self.zero(a) for p, a in zip(parts, e.args)))
        if isinstance(e, Call) and any(n in self.active for n in ir.names_in(e)):
            raise UnsupportedSyntaxError(f"a differentiated value inside `{e!r}` is not supported here")
        return None

    # the transformation -----------------------------------------------------------
    def run(self) -> ir.Function:
        body = self.fn.body
        ret = body[-1] if body and isinstance(body[-1], ir.Return) else None
        primal = body[:-1] if ret else list(body)
        out = ret.value if ret else Const(None)
        params = list(self.fn.params)
        seeds: list[ir.Stmt] = []
        for p in self.request.wrt:
            tangent = self.dot(p)
            if self.request.mode == "derivative":
                seeds.append(ir.Assign(Name(tangent), Const(1.0)))
            else:
                params.append(ir.Param(tangent))
        for p in self.fn.params:  # tangents of parameters that are not differentiated are zero
            if p.name in self.active and p.name not in self.request.wrt:
                self.active.discard(p.name)
        new_body = seeds + self.block(primal)
        out_dot = self.output_tangent(out)
        name = self.fn.name
        if self.request.mode == "derivative":
            result: Expr = out_dot
            name = f"{name}_derivative"
        else:
            result = Call(ir.TUPLE, (out, out_dot))
            name = f"{name}_jvp"
        new_body.append(ir.Return(result, origin=ret.origin if ret else None))
        temps = set(self.fn.temps) | {d for p, d in self.dots.items() if p in self.fn.temps} | self.temps
        return ir.Function(
            name,
            params,
            new_body,
            source=self.fn.source,
            aliases=dict(self.fn.aliases),
            temps=temps,
            cells={**self.fn.cells, **self.extra_cells},
            adjoints=set(self.dots.values()),
        )

    def output_tangent(self, out: Expr) -> Expr:
        """The tangent handed back: of the output's kind (a float for a float, an array of its
        shape for an array, a container of the same structure)."""
        if isinstance(out, Call) and out.op.form in ("tuple", "list"):
            return Call(out.op, tuple(self.output_tangent(e) for e in out.args))
        if isinstance(out, Call) and out.op.form == "dict":
            return Call(out.op, (), tuple((k, self.output_tangent(v)) for k, v in out.kwargs))
        if isinstance(out, Name):
            t = self.tangent_of(out)
            if t is not None and self.kind_of(out.id).type is float and self.kind_of_expr(t).type is float:
                return t  # already what is handed back: no need to keep the primal alive for its kind
            return Call(AS_GRADIENT, (t if t is not None else self.zero(out), out))
        return self.zero(out)

    def block(self, stmts: list[ir.Stmt]) -> list[ir.Stmt]:
        out: list[ir.Stmt] = []
        for stmt in stmts:
            out += self.statement(stmt)
        return out

    def statement(self, stmt: ir.Stmt) -> list[ir.Stmt]:
        if isinstance(stmt, ir.Assign):
            if stmt.target.id not in self.active:
                return [stmt]
            if calls_user_function(stmt.value):
                return self.user_call(stmt)
            return [stmt] + self.assign(stmt)
        if isinstance(stmt, ir.SetItem):
            return [stmt] + self.setitem(stmt)
        if isinstance(stmt, ir.If):
            joins = stmt.joins + [self.dot(j) for j in stmt.joins if j in self.active]
            return [
                ir.If(stmt.test, self.block(stmt.body), self.block(stmt.orelse), joins, origin=stmt.origin)
            ]
        if isinstance(stmt, ir.For):
            stmt = unwrap_checkpoint(stmt)  # forward mode keeps no tape: a plain loop
            target, iterable = self.loop_variables(stmt.target, stmt.iter)
            joins = stmt.joins + [self.dot(j) for j in stmt.joins if j in self.active]
            return [ir.For(target, iterable, self.block(stmt.body), joins, origin=stmt.origin)]
        if isinstance(stmt, ir.While):
            joins = stmt.joins + [self.dot(j) for j in stmt.joins if j in self.active]
            return [
                ir.While(
                    self.block(stmt.test_body), stmt.test, self.block(stmt.body), joins, origin=stmt.origin
                )
            ]
        if isinstance(stmt, ir.Effect) and appends(stmt.value):
            xs, v = stmt.value.args
            if xs.id not in self.active:
                return [stmt]
            t = self.tangent_of(v)
            item = t if t is not None else self.zero(v)
            return [stmt, ir.Effect(Call(stmt.value.op, (Name(self.dot(xs.id)), item)), origin=stmt.origin)]
        if isinstance(stmt, ir.Effect) and adds_at(stmt.value):
            y, index, v = stmt.value.args
            t = self.tangent_of(v)
            if not (isinstance(y, Name) and y.id in self.active) or t is None:
                return [stmt]
            return [
                stmt,
                ir.Effect(Call(stmt.value.op, (Name(self.dot(y.id)), index, t)), origin=stmt.origin),
            ]
        return [stmt]  # print(...), assert, break: no tangent

    def assign(self, stmt: ir.Assign) -> list[ir.Stmt]:
        target = Name(self.dot(stmt.target.id))
        value = self.tangent(stmt)
        if value is None and self.kind_of_expr(stmt.value) == NOTHING:  # no value yet: no tangent
            value = ir.UNBOUND
        if value is None:
            value = self.zero(stmt.target)
        elif stmt.target.id in self.changed and self.kinds.get(stmt.target.id, UNKNOWN).dtype == "c":
            value = _complex_copy(value, self.kind_of_expr(value))
        elif (
            stmt.target.id in self.changed
            and self.kind_of_expr(value).is_array
            and not makes_new_array(value)
        ):
            value = np_call("copy", value)  # written in place later: a tangent of its own, not a view
        return [ir.Assign(target, value, origin=stmt.origin)]

    def tangent(self, stmt: ir.Assign) -> Expr | None:
        """The tangent of an assignment's value, from the tangents of what it reads."""
        value = stmt.value
        if isinstance(value, Name):
            return self.tangent_of(value)
        if not isinstance(value, Call):
            return None
        if value.op is ir.GETITEM:
            base, index = value.args
            t = self.tangent_of(base)
            return Call(ir.GETITEM, (t, index)) if t is not None else None
        if value.op.form in ("tuple", "list", "dict"):
            return self.tangent_of(value)
        if value.op is ir.JOIN:
            return _joined(self, value)
        if value.op.form == "method" and value.op.symbol == "pop" and isinstance(value.args[0], Name):
            t = self.tangent_of(value.args[0])  # x = tape.pop(): its tangent comes off the tangents' list
            return Call(method_op("pop"), (t, *value.args[1:])) if t is not None else None
        return self.rule_tangent(stmt)

    def rule_tangent(self, stmt: ir.Assign) -> Expr | None:
        value = stmt.value
        loc = ir.location(self.fn, stmt.origin)
        rule, bound, python = self.bound_rule(value, loc)
        if not rule.differentiable:  # zeros_of(x): a value that changes in place later starts constant
            return None
        arrays = self.as_arrays(rule, bound)
        bindings: dict[str, Expr] = {**arrays, "ans": stmt.target}
        terms: list[Expr] = []
        for param in rule.params:
            t = self.tangent_of(bound[param])
            if t is None:
                continue
            if arrays[param] is not bound[param]:  # a list of numbers: its tangents too
                t = np_call("asarray", t)
            if not rule.covers("jvp", param):
                self.uncovered(rule, param, self.kind_of_expr(bound[param]), loc)
                continue
            template = rule.template("jvp", param, python)
            if template is None:
                continue
            terms.append(instantiate(template, {**bindings, f"{param}_dot": t}, self.kind_of))
        if not terms:
            return None
        total = terms[0]
        # `+` joins lists and tuples: the tangents of a container add leaf by leaf
        leaves = self.kind_of(stmt.target.id).is_container or self.kind_of(stmt.target.id).type is None
        for term in terms[1:]:
            if leaves or self.kind_of_expr(total).is_container or self.kind_of_expr(term).is_container:
                total = runtime_call("add_leaves", total, term)
                continue
            total = instantiate(Call(ir.ADD, (Name("a"), Name("b"))), {"a": total, "b": term}, self.kind_of)
        if rule.elementwise:
            total = _spread(self, total, stmt.target)
        return total

    def setitem(self, stmt: ir.SetItem) -> list[ir.Stmt]:
        name = stmt.target.id
        if name not in self.active:
            return []
        t = self.tangent_of(stmt.value)
        if t is None and stmt.accumulate:
            return []
        if t is None:  # a slot of an array: 0.0; an item of a list: a zero like it
            t = self.zero(stmt.value) if self.kind_of(name).is_container else Const(0.0)
        dot = Name(self.dot(name))
        if stmt.accumulate and self.kind_of_expr(Call(ir.GETITEM, (dot, stmt.index))).is_container:
            t = runtime_call("add_leaves", Call(ir.GETITEM, (dot, stmt.index)), t)  # `+=` extends lists
            return [ir.SetItem(dot, stmt.index, t, origin=stmt.origin)]
        return [ir.SetItem(dot, stmt.index, t, accumulate=stmt.accumulate, origin=stmt.origin)]

    # loops -------------------------------------------------------------------------
    def loop_variables(self, target: Expr, it: Expr) -> tuple[Expr, Expr]:
        """``for x in xs`` with x active: ``for x, x_dot in zip(xs, xs_dot)``."""
        paired = self.pair(target, it)
        return paired if paired is not None else (target, it)

    def pair(self, target: Expr, it: Expr) -> tuple[Expr, Expr] | None:
        if _is(it, builtins.range):
            return None
        if _is(it, builtins.enumerate) and isinstance(target, Call):
            i, x = target.args
            inner = self.pair(x, it.args[0])
            if inner is None:
                return None
            return Call(ir.TUPLE, (i, inner[0])), Call(it.op, (inner[1], *it.args[1:]), it.kwargs)
        if _is(it, builtins.zip) and isinstance(target, Call):
            pairs = [self.pair(t, a) for t, a in zip(target.args, it.args)]
            if all(p is None for p in pairs):
                return None
            targets = tuple(p[0] if p is not None else t for p, t in zip(pairs, target.args))
            seqs = tuple(p[1] if p is not None else a for p, a in zip(pairs, it.args))
            return Call(ir.TUPLE, targets), Call(it.op, seqs)
        if _is(it, builtins.list):  # list(zip(xs, ys)) -> list(zip(xs, xs_dot, ...))
            inner = self.pair(target, it.args[0])
            return None if inner is None else (inner[0], Call(it.op, (inner[1],)))
        if _is(it, builtins.reversed):
            inner = self.pair(target, it.args[0])
            if inner is None:
                return None
            new_target, new_it = inner
            if _is(new_it, builtins.list):  # reversed(list(zip(xs, xs_dot)))
                return new_target, Call(it.op, (new_it,))
            # zip(xs, xs_dot) -> zip(reversed(xs), reversed(xs_dot))
            return new_target, Call(new_it.op, tuple(Call(it.op, (a,)) for a in new_it.args))
        names = [n for n in ir.names_in(target) if n in self.active]
        seq = self.tangent_of(it)
        if not names or seq is None:
            return None
        dots = _tangent_target(target, self)
        return Call(ir.TUPLE, (target, dots)), Call(_builtin(builtins.zip), (it, seq))

    # calls to the user's recursive functions ------------------------------------------
    def user_call(self, stmt: ir.Assign) -> list[ir.Stmt]:
        """``y, y_dot = f_jvp(x, n, x_dot, n_dot)``: a recursive call goes through ``f``'s jvp."""
        _, positional, keyword, bound, _, _, head = self.recursive_call(stmt, self.callees.jvp_cell)
        tangents = []
        for p in positional:
            t = self.tangent_of(bound[p])
            tangents.append(t if t is not None else self.zero(bound[p]))
        args = tuple(bound[p] for p in positional) + tuple(tangents)
        kwargs = tuple((p, bound[p]) for p in keyword)
        jvp = Call(ir.call_op(None, head, pure=False, canonical=True), args, kwargs)
        y = stmt.target
        return [ir.Unpack((y, Name(self.dot(y.id))), jvp, origin=stmt.origin)]


_ARRAY = ir.call_op(np.array, "np.array", True, canonical=True)


def _complex_copy(value: Expr, kind: Kind) -> Expr:
    """The tangent of a complex array written in place later: a complex array of its own."""
    if kind.dtype == "c" and makes_new_array(value):
        return value
    return Call(_ARRAY, (value,), (("dtype", Ref("complex", complex, canonical=True)),))


def _spread(fwd: Forward, t: Expr, like: Name) -> Expr:
    """An elementwise tangent with the shape of the value: ``x_dot`` of ``x + y`` for a
    number ``x`` and an array ``y`` is spread over ``y``'s shape."""
    kt, kl = fwd.kind_of_expr(t), fwd.kind_of(like.id)
    if kt.same_shape(kl) or kl.dims == () and kt.dims == () or kl.type is not None and not kl.is_array:
        return t
    if kl.is_array and kt.dims == () and kt.type is not None:
        return np_call("full", Call(attr_op("shape"), (like,)), t)
    if kl.is_array and kt.dims is not None and kl.dims is not None and len(kt.dims) <= len(kl.dims):
        tail = kl.dims[len(kl.dims) - len(kt.dims) :]
        if all(a == b or a == "1" and b == "n" for a, b in zip(kt.dims, tail)) and "?" not in kl.dims:
            if kt.dims == kl.dims:
                return t
            return np_call("broadcast_to", t, Call(attr_op("shape"), (like,)))
    return runtime_call("broadcast_like", t, like)


def _joined(fwd: Forward, value: Call) -> Expr | None:
    """``xs + ys`` of two lists or tuples: the tangents joined (a tuple's is a list)."""
    tangents = [fwd.tangent_of(a) for a in value.args]
    if all(t is None for t in tangents):
        return None
    parts = []
    for t, a in zip(tangents, value.args):
        t = fwd.zero(a) if t is None else t
        if isinstance(t, Call) and t.op is ir.TUPLE:  # a tuple's tangent may be a tuple display
            t = Call(ir.LIST, t.args)
        elif fwd.kind_of_expr(a).type is tuple and not (isinstance(t, Call) and t.op is ir.LIST):
            t = Call(_builtin(builtins.list), (t,))
        parts.append(t)
    return Call(ir.JOIN, tuple(parts))


def _tangent_target(target: Expr, fwd: Forward) -> Expr:
    """``x_dot`` for a loop variable ``x`` (``(a_dot, b_dot)`` for ``a, b``); ``_`` where the
    variable has no tangent."""
    if isinstance(target, Name):
        return Name(fwd.dot(target.id)) if target.id in fwd.active else Name(fwd.pool.fresh("_"))
    return Call(ir.TUPLE, tuple(_tangent_target(t, fwd) for t in target.args))


def _is(e: Expr, fn) -> bool:
    return isinstance(e, Call) and e.op.form == "call" and e.op.fn is fn


def _builtin(fn) -> ir.Op:
    return ir.call_op(fn, fn.__name__, False, canonical=True)


def forward(
    fn: ir.Function, kinds: dict[str, Kind], active: set[str], request: Request, callees: Callees
) -> tuple[ir.Function, dict[str, Kind]]:
    """The forward-mode derivative of an SSA function, before simplification, and the
    kinds of all its names (tangents included)."""
    transform = Forward(fn, dict(kinds), set(active), request, callees)
    derivative = transform.run()
    return derivative, {**kinds, **transform.kinds, **transform.tangent_kinds}


def _changed_in_place(fn: ir.Function) -> set[str]:
    """The arrays ``fn`` writes in place (``y[i] = v``, ``np.add.at(y, i, v)``)."""
    stmts = list(ir.walk(fn.body))
    changed = {s.target.id for s in stmts if isinstance(s, ir.SetItem)}
    return changed | {s.value.args[0].id for s in stmts if isinstance(s, ir.Effect) and adds_at(s.value)}
