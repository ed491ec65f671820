"""Reverse mode: the primal sweep, then the adjoint sweep.

The primal statements run first; then every active statement, last to first,
passes the adjoint of its result to the adjoints of its arguments through the
rule's VJP template. An argument used twice accumulates (``+=``)::

    def f(x1, x2):                    def f_grad(x1, x2):
        v1 = math.log(x1)                 v1 = math.log(x1)
        v2 = x1 * x2                      ...
        v3 = math.sin(x2)                 v5_bar = 1.0
        v4 = v1 + v2                      v4_bar = v5_bar
        v5 = v4 - v3                      v3_bar = -v5_bar
        return v5                         v1_bar = v4_bar
                                          v2_bar = v4_bar
                                          x2_bar = v3_bar * math.cos(x2)
                                          x1_bar = v2_bar * x2
                                          x2_bar += v2_bar * x1
                                          x1_bar += v1_bar / x1
                                          return x1_bar, x2_bar

An ``if`` is reversed by an ``if`` on the same condition. A loop is reversed
by a loop over the same iterations backwards; what its adjoint reads and the
next iteration overwrites is pushed on a tape (a list per value) and popped
back, unless it is cheap to compute again from what is (``tape.py``). Outside
loops every primal value is still a local variable when the adjoint needs it.

A name assigned on several paths (a join: ``x_1`` of a loop) has one adjoint
per version; reversing the copy that assigns it hands its adjoint on and
*kills* it, so the next contribution starts a new adjoint instead of adding
to the old one.
"""

from __future__ import annotations

import numpy as np

from .. import ir
from ..analysis.activity import adds_at, appends
from ..analysis.views import view_of
from ..errors import Location, MissingRuleError, NonScalarOutputError, UnsupportedSyntaxError
from ..ir import Call, Const, Expr, Name, attr_op, method_op
from ..ir.kinds import UNKNOWN, Kind
from ..ir.printer import expr_source
from ..rules.instantiate import instantiate, np_call, runtime_call
from ..rules.templates import parse_template
from .request import AS_GRADIENT, Callees, Request
from .sweep import Sweep, adjoint_kind, calls_user_function, location
from .tape import Loop, Tapes, reverse_loop


class Reverse(Sweep):
    suffix = "_bar"
    direction = "vjp"

    def __init__(self, fn: ir.Function, kinds: dict[str, Kind], active: set[str], request: Request):
        heads = {h for stmt in ir.walk(fn.body) for e in stmt.exprs() for h in _ref_heads(e)}
        super().__init__(fn, kinds, active, request, heads)
        self.bar = self.derived  # primal name -> adjoint name
        self.adjoint_kinds = self.derived_kinds
        self.multi = _assigned_more_than_once(fn)
        self.defines: dict[int, list[str]] = {}  # what a statement defines reversed: counters, pullbacks
        self.mutated = {s.target.id for s in ir.walk(fn.body) if isinstance(s, ir.SetItem)}
        self.mutated |= {
            s.value.args[0].id for s in ir.walk(fn.body) if isinstance(s, ir.Effect) and adds_at(s.value)
        }
        self.mutated |= {
            s.value.args[0].id for s in ir.walk(fn.body) if isinstance(s, ir.Effect) and appends(s.value)
        }

        self.tapes = Tapes(self)

    # names and kinds -----------------------------------------------------------
    def adjoint(self, name: str) -> str:
        return self.derived_name(name)

    def zero(self, name: str) -> Expr:
        """A zero adjoint for primal ``name``."""
        kind = self.kinds.get(name, UNKNOWN)
        if kind.is_array:
            return np_call("zeros", Call(attr_op("shape"), (Name(name),)))
        if kind.dims == () and kind.type is not None:
            return Const(0.0)
        if kind.is_container:
            return runtime_call("zeros_of", Name(name))
        return runtime_call("zero_like", Name(name))

    # contributions --------------------------------------------------------------
    def contribute(self, name: str, value: Expr, origin, state: set[str], loop: Loop | None) -> list[ir.Stmt]:
        """``name_bar += value``, or ``=`` for the first contribution."""
        target = Name(self.adjoint(name))
        origin = ir.replace(origin, adjoint=True) if origin else None
        accumulate = name in state
        if loop is not None and name not in loop.defs and not accumulate:
            loop.outer.add(name)  # set to zero before the loop, added to in every iteration
            accumulate = True
        state.add(name)
        return [ir.Assign(target, value, accumulate=accumulate, origin=origin)]

    def contribute_at(
        self, name: str, index: Expr, value: Expr, origin, state: set[str], loop: Loop | None
    ) -> list[ir.Stmt]:
        """``name_bar[index] += value``: the adjoint of reading ``name[index]``."""
        out: list[ir.Stmt] = []
        origin = ir.replace(origin, adjoint=True) if origin else None
        target = Name(self.adjoint(name))
        if loop is not None and name not in loop.defs:
            if name not in state:
                loop.outer.add(name)
        elif name not in state:
            out.append(ir.Assign(target, self.zero(name), origin=origin))
        state.add(name)
        if _advanced(index, self.kind_of_expr):  # repeated indices must all add up
            add_at = Call(ir.call_op(np.add.at, "np.add.at", False, canonical=True), (target, index, value))
            out.append(ir.Effect(add_at, origin=origin))
        else:
            out.append(ir.SetItem(target, index, value, accumulate=True, origin=origin))
        return out

    # the transformation -------------------------------------------------------
    def run(self) -> ir.Function:
        body = self.fn.body
        ret = body[-1] if body and isinstance(body[-1], ir.Return) else None
        primal = body[:-1] if ret else list(body)
        out = ret.value if ret else Const(None)
        out_kind = self.kind_of_expr(out)
        mode = self.request.mode
        if mode in ("grad", "value_and_grad"):
            self.check_scalar(out, out_kind, ret)
        state: set[str] = set()
        seed_stmts: list[ir.Stmt] = []
        seed: Name | None = None
        if isinstance(out, Name) and out.id in self.active:
            seed = Name(self.adjoint(out.id))
            state.add(out.id)
            if mode != "vjp":
                origin = ir.replace(ret.origin, adjoint=True) if ret and ret.origin else None
                seed_stmts.append(ir.Assign(seed, Const(1.0), origin=origin))
        elif mode == "vjp" and _is_display(out) and any(n in self.active for n in ir.names_in(out)):
            seed = Name(self.pool.fresh("out_bar"))  # a tuple of cotangents, item by item
            self.kinds[seed.id] = adjoint_kind(out_kind)
            origin = ir.replace(ret.origin, adjoint=True) if ret and ret.origin else None
            if out.op.form != "dict" and self.unpackable(out, state, None):
                seed_stmts.append(self.unpack(out, seed, origin, state))
            else:
                seed_stmts += self.distribute(out, seed, origin, state, None)
        forward, sweep = self.block(primal, state, None)
        sweep = seed_stmts + sweep
        grads = tuple(self.gradient(p, state) for p in self.request.wrt)
        grad = grads[0] if self.request.single and len(grads) == 1 else Call(ir.TUPLE, grads)
        name = self.fn.name
        forward = self.tapes.initial() + forward
        if mode == "grad":
            return self.make(f"{name}_grad", forward + sweep + [ir.Return(grad)])
        if mode == "value_and_grad":
            if set(ir.names_in(out)) & {w for s in ir.walk(sweep) for w in s.writes()}:
                kept = Name(self.pool.fresh("value"))  # the sweep restores older values of its names
                self.kinds[kept.id] = out_kind
                forward.append(ir.Assign(kept, out, origin=ret.origin if ret else None))
                out = kept
            return self.make(
                f"{name}_value_and_grad", forward + sweep + [ir.Return(Call(ir.TUPLE, (out, grad)))]
            )
        # vjp: the pullback closes over the primal values
        param = seed.id if seed is not None else self.pool.fresh("out_bar")
        self.adjoint_kinds.setdefault(param, adjoint_kind(out_kind))
        sweep = self.tapes.private_copies(forward, sweep) + [ir.Return(Call(ir.TUPLE, grads))]
        pullback = ir.Function(f"{name}_pullback", [ir.Param(param)], sweep, source=self.fn.source)
        body = forward + [ir.Def(pullback), ir.Return(Call(ir.TUPLE, (out, Name(pullback.name))))]
        return self.make(f"{name}_vjp", body)

    def make(self, name: str, body: list[ir.Stmt]) -> ir.Function:
        temps = set(self.fn.temps) | {bar for p, bar in self.bar.items() if p in self.fn.temps} | self.temps
        return ir.Function(
            name,
            list(self.fn.params),
            body,
            source=self.fn.source,
            aliases=dict(self.fn.aliases),
            temps=temps | self.tapes.names,
            tapes=self.tapes.names,
            cells={**self.fn.cells, **self.extra_cells},
            adjoints=set(self.bar.values()),
        )

    def check_scalar(self, out: Expr, kind: Kind, ret: ir.Return | None) -> None:
        loc = location(self.fn, ret.origin if ret else None)
        hint = (
            "Use s2sad.vjp for functions with array outputs, "
            "or reduce the output first, for example with np.sum."
        )
        what = None
        if kind.dims:
            what = kind.describe()
        elif kind.type is not None and not kind.is_numeric:
            what = "None" if isinstance(out, Const) and out.value is None else kind.describe()
        if what is not None:
            message = f"grad needs a function that returns a scalar; this one returns {what}"
            raise NonScalarOutputError(message, loc, hint)

    # blocks and statements --------------------------------------------------------
    def block(self, stmts: list[ir.Stmt], state: set[str], loop: Loop | None) -> tuple[list, list]:
        """The forward statements and the adjoint statements of a block."""
        test, forward, adjoint = self.block_parts(stmts, state, loop, [], 0)
        return test + forward, adjoint

    def block_parts(
        self, stmts: list[ir.Stmt], state: set[str], loop: Loop | None, carried: list[str], floor: int
    ) -> tuple[list, list, list]:
        """Like ``block``, with the forward statements of ``stmts[:floor]`` apart.

        Inside a loop, values the adjoint reads are restored at the start of
        the reversed block: recomputed, or pushed on a tape and popped."""
        parts: list[list[ir.Stmt]] = []
        adjoint: list[ir.Stmt] = []
        for stmt in reversed(stmts):
            f, a = self.statement(stmt, state, loop)
            parts.append(f)
            adjoint.extend(a)
        parts.reverse()
        if loop is not None:
            return self.tapes.restore(stmts, parts, adjoint, loop, carried, floor)
        flat = [s for part in parts[:floor] for s in part], [s for part in parts[floor:] for s in part]
        return flat[0], flat[1], adjoint

    def statement(self, stmt: ir.Stmt, state: set[str], loop: Loop | None) -> tuple[list, list]:
        if isinstance(stmt, ir.Assign) and calls_user_function(stmt.value) and stmt.target.id in state:
            return self.user_call(stmt, state, loop)
        if isinstance(stmt, ir.Assign):
            return [stmt], self.assign(stmt, state, loop)
        if isinstance(stmt, ir.SetItem):
            return self.setitem(stmt, state, loop)
        if isinstance(stmt, ir.If):
            return self.if_(stmt, state, loop)
        if isinstance(stmt, (ir.For, ir.While)):
            return reverse_loop(self, stmt, state, loop)
        if isinstance(stmt, ir.Effect) and appends(stmt.value):
            return [stmt], self.append(stmt, state, loop)
        if isinstance(stmt, ir.Effect) and adds_at(stmt.value):
            return [stmt], self.add_at(stmt, state, loop)
        return [stmt], []  # print(...), assert, break: nothing flows back

    def add_at(self, stmt: ir.Effect, state: set[str], loop: Loop | None) -> list[ir.Stmt]:
        """``np.add.at(y, index, v)``: v's adjoint is ``y_bar[index]`` (each slot as often as it
        was added to); y's adjoint passes through unchanged."""
        y, index, v = stmt.value.args
        self.check_owned(ir.SetItem(y, index, v, accumulate=True, origin=stmt.origin))
        if not (y.id in state and y.id in self.active and isinstance(v, Name) and v.id in self.active):
            return []
        part = Call(ir.GETITEM, (Name(self.bar[y.id]), index))
        taken = instantiate(_UNBROADCAST, {"g": part, "x": v}, self.kind_of)
        return self.contribute(v.id, taken, stmt.origin, state, loop)

    def append(self, stmt: ir.Effect, state: set[str], loop: Loop | None) -> list[ir.Stmt]:
        """``xs.append(v)``: the last item of ``xs_bar`` is ``v``'s adjoint (appends undo in order)."""
        xs, v = stmt.value.args
        if xs.id not in state or xs.id not in self.active:
            return []
        last = Call(method_op("pop"), (Name(self.bar[xs.id]),))
        if isinstance(v, Name) and v.id in self.active:
            return self.contribute(v.id, last, stmt.origin, state, loop)
        return [ir.Effect(last, origin=ir.replace(stmt.origin, adjoint=True) if stmt.origin else None)]

    def assign(self, stmt: ir.Assign, state: set[str], loop: Loop | None) -> list[ir.Stmt]:
        name = stmt.target.id
        out: list[ir.Stmt] = []
        if name in state and name in self.active:
            g = Name(self.bar[name])
            out = self.flow(stmt, g, state, loop)
        if name in self.multi:
            state.discard(name)  # the version before this assignment has an adjoint of its own
        return out

    def flow(self, stmt: ir.Assign, g: Name, state: set[str], loop: Loop | None) -> list[ir.Stmt]:
        """Contributions of ``stmt``'s arguments, given its adjoint ``g``."""
        value = stmt.value
        if isinstance(value, Name):
            if value.id in self.active:
                return self.contribute(value.id, g, stmt.origin, state, loop)
            return []
        if not isinstance(value, Call):
            return []
        loc = location(self.fn, stmt.origin)
        if value.op is ir.GETITEM:
            base, index = value.args
            if isinstance(base, Name) and base.id in self.active:
                return self.contribute_at(base.id, index, g, stmt.origin, state, loop)
            return []
        if value.op.form == "method" and value.op.symbol == "pop" and len(value.args) == 1:
            xs = value.args[0]  # x = xs.pop(): x's adjoint goes back on the end of xs's
            if not isinstance(xs, Name) and any(n in self.active for n in ir.names_in(xs)):
                raise UnsupportedSyntaxError(
                    "`.pop()` of a list display is not supported", loc, "Name the list first."
                )
            if not (isinstance(xs, Name) and xs.id in self.active):
                return []
            out: list[ir.Stmt] = []
            if xs.id not in state and (loop is None or xs.id in loop.defs):
                out.append(
                    ir.Assign(Name(self.adjoint(xs.id)), self.zero(xs.id), origin=_adjoint(stmt.origin))
                )
            elif loop is not None and xs.id not in loop.defs:
                loop.outer.add(xs.id)  # made (empty: every item popped) before the loop
            state.add(xs.id)
            push = Call(method_op("append"), (Name(self.adjoint(xs.id)), g))
            return out + [ir.Effect(push, origin=_adjoint(stmt.origin))]
        if value.op.form in ("tuple", "list") and self.unpackable(value, state, loop):
            return [self.unpack(value, g, stmt.origin, state)]  # a_bar, b_bar = t_bar
        if value.op.form in ("tuple", "list", "dict"):  # (a, b): the adjoint's items go back to a and b
            return self.distribute(value, g, stmt.origin, state, loop)
        rule, bound, python = self.bound_rule(value, loc)
        bindings = {**bound, "g": g, "ans": stmt.target}
        out: list[ir.Stmt] = []
        for param in rule.params:
            arg = bound[param]
            display = isinstance(arg, Call) and arg.op.form in ("tuple", "list")
            if not (isinstance(arg, Name) and arg.id in self.active or display):
                if any(n in self.active for n in ir.names_in(arg)):
                    raise UnsupportedSyntaxError(
                        f"a differentiated value inside the `{param}` argument of "
                        f"`{rule.pattern.split('(')[0]}` is not supported",
                        loc,
                        "Pass the value as an argument of its own.",
                    )
                continue
            if display and not any(n in self.active for n in ir.names_in(arg)):
                continue
            if not rule.covers("vjp", param):
                self.uncovered(rule, param, self.kind_of_expr(arg), loc)
                continue
            template = rule.template("vjp", param, python)
            if template is None:
                continue
            contribution = instantiate(template, bindings, self.kind_of)
            _check_fail(contribution, loc)
            if display and self.unpackable(arg, state, loop):  # x_bar, y_bar = unstack(g)
                out.append(self.unpack(arg, contribution, stmt.origin, state))
            elif display:  # np.array([a, b]): the list of cotangents goes back item by item
                whole = Name(self.pool.fresh(f"{stmt.target.id}_items_bar"))
                self.kinds[whole.id] = self.kind_of_expr(contribution)
                self.temps.add(whole.id)
                out.append(ir.Assign(whole, contribution, origin=ir.replace(stmt.origin, adjoint=True)))
                out += self.distribute(arg, whole, stmt.origin, state, loop)
            else:
                out += self.contribute(arg.id, contribution, stmt.origin, state, loop)
        return out

    def unpackable(self, display: Call, state: set[str], loop: Loop | None) -> bool:
        """Whether each item of a flat display is a constant or a name whose adjoint starts here."""
        names = [e.id for e in display.args if isinstance(e, Name) and e.id in self.active]
        return (
            bool(names)
            and all(isinstance(e, (Name, Const)) for e in display.args)
            and len(names) == len(set(names))
            and not any(n in state or loop is not None and n not in loop.defs for n in names)
        )

    def unpack(self, display: Call, g: Expr, origin, state: set[str]) -> ir.Stmt:
        targets, ignored = [], None
        for e in display.args:
            if isinstance(e, Name) and e.id in self.active:
                targets.append(Name(self.adjoint(e.id)))
                state.add(e.id)
            else:
                ignored = ignored or Name(self.pool.fresh("_"))
                self.temps.add(ignored.id)
                targets.append(ignored)
        return ir.Unpack(tuple(targets), g, origin=ir.replace(origin, adjoint=True) if origin else None)

    def distribute(self, display: Call, g: Expr, origin, state: set[str], loop: Loop | None) -> list[ir.Stmt]:
        """The items of ``g`` to the adjoints of the names in a tuple or list display."""
        out: list[ir.Stmt] = []
        items = display.kwargs if display.op.form == "dict" else enumerate(display.args)
        for key, e in items:
            part = Call(ir.GETITEM, (g, Const(key)))
            if isinstance(e, Name) and e.id in self.active:
                out += self.contribute(e.id, part, origin, state, loop)
            elif _is_display(e):
                out += self.distribute(e, part, origin, state, loop)
        return out

    def user_call(self, stmt: ir.Assign, state: set[str], loop: Loop | None) -> tuple[list, list]:
        """A call to the user's function that was not inlined (recursion): call its vjp.

        y, y_pullback = f_vjp(x, n)          (forward)
        x_ct, n_ct = y_pullback(y_bar)       (adjoint)
        """
        call = stmt.value
        _, positional, _, bound, kinds, _, head = self.recursive_call(stmt, self.callees.vjp_cell)
        y = stmt.target
        pullback = Name(self.pool.fresh(f"{y.id}_pullback"))
        self.kinds[pullback.id] = UNKNOWN
        self.defines.setdefault(id(stmt), []).append(pullback.id)
        vjp = Call(ir.call_op(None, head, pure=False, canonical=True), call.args, call.kwargs)
        forward = [ir.Unpack((y, pullback), vjp, origin=stmt.origin)]
        origin = ir.replace(stmt.origin, adjoint=True) if stmt.origin else None
        cts = tuple(Name(self.pool.fresh(f"{p}_ct")) for p in positional)
        self.kinds.update({ct.id: adjoint_kind(kinds[p]) for ct, p in zip(cts, positional)})
        adjoint: list[ir.Stmt] = [
            ir.Unpack(cts, Call(ir.APPLY, (pullback, Name(self.bar[y.id]))), origin=origin)
        ]
        for ct, p in zip(cts, positional):
            arg = bound[p]
            if isinstance(arg, Name) and arg.id in self.active:
                adjoint += self.contribute(arg.id, ct, stmt.origin, state, loop)
        if y.id in self.multi:
            state.discard(y.id)
        self.temps.update(ct.id for ct in cts)
        return forward, adjoint

    def setitem(self, stmt: ir.SetItem, state: set[str], loop: Loop | None) -> tuple[list, list]:
        """``y[i] = v``: v's adjoint is ``y_bar[i]``, and the overwritten slot's adjoint is zero."""
        self.check_owned(stmt)
        name, index, value = stmt.target.id, stmt.index, stmt.value
        forward: list[ir.Stmt] = [stmt]
        adjoint: list[ir.Stmt] = []
        origin = ir.replace(stmt.origin, adjoint=True) if stmt.origin else None
        if name in state and name in self.active:
            g = Name(self.bar[name])
            part = Call(ir.GETITEM, (g, index))
            if isinstance(value, Name) and value.id in self.active:
                taken = instantiate(_UNBROADCAST, {"g": part, "x": value}, self.kind_of)
                if not self.kind_of_expr(part).is_scalar and _may_be(taken, part):
                    # a view of the slot would change with the next line
                    copied = Call(method_op("copy"), (part,))
                    taken = instantiate(_UNBROADCAST, {"g": copied, "x": value}, self.kind_of)
                adjoint += self.contribute(value.id, taken, stmt.origin, state, loop)
            if not stmt.accumulate:
                adjoint.append(ir.SetItem(g, index, Const(0.0), origin=origin))
        # Keep the overwritten values, to put them back when the adjoint sweep
        # passes: adjoint code reading `y` sees it as it was. `finish` drops
        # the pair where nothing reads `y`.
        old = Name(self.pool.fresh(f"{name}_old"))
        self.kinds[old.id] = self.kind_of_expr(Call(ir.GETITEM, (stmt.target, index)))
        read = Call(ir.GETITEM, (stmt.target, index))
        if self.kinds[old.id].is_array:
            read = Call(method_op("copy"), (read,))
        save = ir.Assign(old, read, origin=stmt.origin)
        restore = ir.SetItem(stmt.target, index, old, origin=origin)
        save.restore_of = restore.restore_of = name  # type: ignore[attr-defined]
        return [save] + forward, adjoint + [restore]

    def check_owned(self, stmt: ir.SetItem) -> None:
        """Assigning into an argument (or a view of one) would change the caller's data."""
        name = stmt.target.id
        loc = location(self.fn, stmt.origin)
        params = {p.name for p in self.fn.params}
        owner = _owner(self.fn, name)
        if name in params or owner is None:
            raise UnsupportedSyntaxError(
                f"assignment into `{name}` changes an argument in place, which is not supported",
                loc,
                f"Copy it first: {name} = {name}.copy()",
            )
        if not _makes_new_array(owner):
            raise UnsupportedSyntaxError(
                f"assignment into `{name}`, which may share memory with another array, is not supported",
                loc,
                f"Copy it first: {name} = {name}.copy()",
            )

    def if_(self, stmt: ir.If, state: set[str], loop: Loop | None) -> tuple[list, list]:
        then_state, else_state = set(state), set(state)
        f_then, a_then = self.block(stmt.body, then_state, loop)
        f_else, a_else = self.block(stmt.orelse, else_state, loop)
        inside = {w for s in ir.walk(stmt.body + stmt.orelse) for w in s.writes()} - set(stmt.joins)
        both = (then_state | else_state) - inside  # adjoints of the branches' own values end here
        if loop is not None:  # accumulators of the loop start at zero before it: leave them be
            both = {n for n in both if n in loop.defs or n in state}
        origin = ir.replace(stmt.origin, adjoint=True) if stmt.origin else None
        for branch_state, adjoint in ((then_state, a_then), (else_state, a_else)):
            for name in sorted(both - branch_state):  # a path that adds nothing: zero
                adjoint.append(ir.Assign(Name(self.adjoint(name)), self.zero(name), origin=origin))
        state.clear()
        state.update(both)
        forward = [ir.If(stmt.test, f_then, f_else, stmt.joins, origin=stmt.origin)]
        adjoint = [ir.If(stmt.test, a_then, a_else, origin=origin)] if a_then or a_else else []
        return forward, adjoint

    def gradient(self, param: str, state: set[str]) -> Expr:
        kind = self.kinds.get(param, UNKNOWN)
        if kind.type is not None and not kind.differentiable or kind.is_array and kind.dtype == "b":
            return Const(None)  # vjp: no cotangent for what is not a number (or a mask)
        if param in state and param in self.bar:
            return Call(AS_GRADIENT, (Name(self.bar[param]), Name(param)))
        if kind.is_array:
            return np_call("zeros", Call(attr_op("shape"), (Name(param),)))
        if kind.dims == ():
            return Const(0.0)
        if kind.is_container:
            return Call(AS_GRADIENT, (runtime_call("zeros_of", Name(param)), Name(param)))
        return np_call("zeros_like", Name(param), dtype=ir.Ref("float", float, canonical=True))


_UNBROADCAST = None  # set below, once templates can be parsed


def _unbroadcast_template() -> Expr:
    return parse_template("unbroadcast(g, x)", ("x",))


def _ref_heads(e: Expr) -> set[str]:
    if isinstance(e, ir.Ref):
        return {e.path.split(".")[0]}
    if isinstance(e, Call):
        return set().union(set(), *(_ref_heads(c) for c in e.children()))
    return set()


def _assigned_more_than_once(fn: ir.Function) -> set[str]:
    seen: set[str] = set()
    multi: set[str] = set()
    for stmt in ir.walk(fn.body):
        if isinstance(stmt, ir.Assign):
            (multi if stmt.target.id in seen else seen).add(stmt.target.id)
    return multi


def _owner(fn: ir.Function, name: str) -> ir.Expr | None:
    """The value ``name`` is first bound to, if an assignment binds it."""
    for stmt in ir.walk(fn.body):
        if isinstance(stmt, ir.Assign) and stmt.target.id == name:
            return stmt.value
    return None


_FRESH_CALLS = {
    "zeros",
    "ones",
    "empty",
    "full",
    "zeros_like",
    "ones_like",
    "empty_like",
    "full_like",
    "array",
    "copy",
    "eye",
    "identity",
    "arange",
    "linspace",
    "concatenate",
    "stack",
    "hstack",
    "vstack",
    "tile",
    "repeat",
    "diag",
    "cumsum",
    "outer",
}


def _makes_new_array(value: Expr) -> bool:
    if isinstance(value, Call):
        if value.op.form in ("binary", "unary"):
            return True
        if value.op.form == "method":
            return value.op.symbol in ("copy", "astype")
        if value.op.form == "call":
            return getattr(value.op.fn, "__name__", "") in _FRESH_CALLS
    return False


def _advanced(index: Expr, kind_of) -> bool:
    """Whether an index may pick an element more than once (an integer array)."""
    parts = index.args if isinstance(index, Call) and index.op.form == "tuple" else (index,)
    for part in parts:
        if isinstance(part, Const) or isinstance(part, Call) and part.op.form == "slice":
            continue
        k = kind_of(part)
        if k.type in (int, bool) or k.type is not None and k.dims == () and k.dtype in "bi":
            continue
        if k.is_array and k.dtype == "b":
            continue  # a mask picks each element once
        return True
    return False


def _check_fail(e: Expr, loc: Location | None) -> None:
    """A rule that picked its `fail(...)` branch statically fails now."""
    if isinstance(e, Call) and e.op.form == "call" and getattr(e.op.fn, "__name__", "") == "fail":
        message = e.args[0].value if e.args and isinstance(e.args[0], Const) else "unsupported case"
        raise MissingRuleError(f"no derivative rule for {message}", loc)


def reverse(
    fn: ir.Function, kinds: dict[str, Kind], active: set[str], request: Request, callees: Callees
) -> tuple[ir.Function, dict[str, Kind]]:
    """The reverse-mode derivative of an SSA function, before simplification,
    and the kinds of all its names (adjoints included)."""
    global _UNBROADCAST
    if _UNBROADCAST is None:
        _UNBROADCAST = _unbroadcast_template()
    _check_aliases(fn, kinds)
    transform = Reverse(fn, dict(kinds), active, request)
    transform.callees = callees
    derivative = _drop_unneeded_restores(transform.run())
    return derivative, {**kinds, **transform.kinds, **transform.adjoint_kinds}


def _adjoint(origin: ir.Origin | None) -> ir.Origin | None:
    return ir.replace(origin, adjoint=True) if origin else None


def _is_display(e: Expr) -> bool:
    return isinstance(e, Call) and e.op.form in ("tuple", "list", "dict")


def _may_be(e: Expr, part: Expr) -> bool:
    """Whether ``e`` may be ``part`` itself (or a view of it): ``part``, or a run-time helper of it."""
    if e == part:
        return True
    return (
        isinstance(e, Call)
        and e.op.form == "call"
        and e.op.fn.__module__ == "s2sad.runtime"
        and e.args[0] == part
    )


def _check_aliases(fn: ir.Function, kinds: dict[str, Kind]) -> None:
    """An array changed in place (``y[i] = v``, or ``y += v`` on an array) must not be read
    afterwards through another name that shares its memory (``z = y``, ``v = y[1:]``):
    that name would see the change, which the adjoint cannot follow."""
    order: dict[int, int] = {}
    loops: dict[int, tuple[int, ...]] = {}  # statement -> the loops around it

    def visit(stmts: list[ir.Stmt], around: tuple[int, ...]) -> None:
        for stmt in stmts:
            order[id(stmt)] = len(order)
            loops[id(stmt)] = around
            inner = around + (id(stmt),) if isinstance(stmt, (ir.For, ir.While)) else around
            for block in stmt.blocks():
                visit(block, inner)

    visit(fn.body, ())
    shares: dict[str, set[str]] = {}  # name -> names that may share its memory
    defs: dict[str, ir.Stmt] = {}
    for stmt in ir.walk(fn.body):
        if isinstance(stmt, ir.Assign) and not stmt.accumulate:
            defs.setdefault(stmt.target.id, stmt)
            base = stmt.value.id if isinstance(stmt.value, Name) else view_of(stmt.value)
            scalar = kinds.get(stmt.target.id, UNKNOWN).is_scalar  # y[0] is a number: a copy
            if base is not None and base != stmt.target.id and not scalar:
                shares.setdefault(base, set()).add(stmt.target.id)
                shares.setdefault(stmt.target.id, set()).add(base)
    changes = [(s, s.target.id) for s in ir.walk(fn.body) if isinstance(s, ir.SetItem)]
    changes += [
        (s, s.value.args[0].id) for s in ir.walk(fn.body) if isinstance(s, ir.Effect) and adds_at(s.value)
    ]
    for s in ir.walk(fn.body):
        before = getattr(s, "in_place", None)  # y += v: the array before
        if before is not None and not kinds.get(before, UNKNOWN).is_scalar:
            changes.append((s, before))
    for stmt, name in changes:
        group, todo = set(), [name]
        while todo:
            n = todo.pop()
            if n not in group:
                group.add(n)
                todo += shares.get(n, ())
        for other in sorted(group - {name}):
            made = defs.get(other)
            if made is not None and order[id(made)] > order[id(stmt)] and not loops[id(stmt)]:
                continue  # made after the change: it sees the changed array, as it should
            for use in ir.walk(fn.body):
                if other not in set(use.reads()) or use is made:
                    continue
                later = order[id(use)] > order[id(stmt)] and (
                    made is None or order[id(made)] < order[id(stmt)]
                )
                # loops the change repeats in, that the other name was made outside of
                repeating = set(loops[id(stmt)]) - set(loops[id(made)]) if made is not None else set()
                if later or repeating & set(loops[id(use)]):
                    temp = other in fn.temps and made is not None
                    what = f"`{expr_source(made.value)}`" if temp else f"`{other}`"
                    fix = f"{expr_source(made.value)}.copy()" if made is not None else f"{other}.copy()"
                    raise UnsupportedSyntaxError(
                        f"{what} shares memory with `{name}`, which is changed in place, "
                        "and it is read after the change",
                        location(fn, use.origin),
                        f"Copy it where it is made ({fix}), or change a copy of `{name}`.",
                    )


def _drop_unneeded_restores(fn: ir.Function) -> ir.Function:
    """Saving and restoring overwritten slots only matters where adjoint code,
    or a statement the reverse sweep recomputes, reads the array."""
    arrays = {s.restore_of for s in ir.walk(fn.body) if hasattr(s, "restore_of")}
    if not arrays:
        return fn
    owner = {a: a for a in arrays}  # views of the arrays (y[1:], y.T, ...) read their slots too
    for _ in range(3):
        for stmt in ir.walk(fn.body):
            if isinstance(stmt, ir.Assign) and view_of(stmt.value) in owner:
                owner.setdefault(stmt.target.id, owner[view_of(stmt.value)])
    needed = set()
    for stmt in ir.walk(fn.body):
        if hasattr(stmt, "restore_of"):
            continue
        origin = getattr(stmt, "origin", None)
        if origin is not None and origin.adjoint or getattr(stmt, "recomputed", False):
            needed |= {owner[n] for n in stmt.reads() if n in owner}

    def block(stmts: list[ir.Stmt]) -> list[ir.Stmt]:
        out = []
        for s in stmts:
            if getattr(s, "restore_of", None) in arrays - needed:
                continue
            for attr in ("body", "orelse", "test_body"):
                if isinstance(getattr(s, attr, None), list):
                    setattr(s, attr, block(getattr(s, attr)))
            if isinstance(s, ir.Def):
                s.function.body = block(s.function.body)
            out.append(s)
        return out

    return ir.replace(fn, body=block(fn.body))
