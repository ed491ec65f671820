"""Reverse mode: the primal sweep, then the adjoint sweep.

The primal statements run first; then every active statement, last to first,
passes the adjoint of its result to the adjoints of its arguments through the
rule's VJP template. An argument used twice accumulates (``+=``). For the
function of Baydin et al.'s survey (2018, table 3):

>>> import math
>>> from s2sad.derive.examples import show
>>> def f(x1, x2):
...     return math.log(x1) + x1 * x2 - math.sin(x2)
>>> show(f, wrt=("x1", "x2"))
def f_grad(x1, x2):
    v1 = math.log(x1)
    v2 = x1 * x2
    v3 = math.sin(x2)
    v4 = v1 + v2
    v5 = v4 - v3
    v5_bar = 1.0
    v4_bar = v5_bar
    v3_bar = -v5_bar
    v1_bar = v4_bar
    v2_bar = v4_bar
    x2_bar = v3_bar * math.cos(x2)
    x1_bar = v2_bar * x2
    x2_bar += v2_bar * x1
    x1_bar += v1_bar / x1
    return as_gradient(x1_bar, x1), as_gradient(x2_bar, x2)
<BLANKLINE>

``Reverse`` is one object, one pool of names and one set of adjoints, whose
methods are spread over modules by what they reverse; each part extends
``Adjoints``, the bookkeeping they share:

- here: the sweep over blocks, assignments through derivative rules, and the
  derivative function put together (``grad``, ``value_and_grad``, ``vjp``);
- ``branches``: ``if``; ``loops``: ``for`` and ``while``, with ``tape``
  keeping what their iterations overwrite;
- ``containers``: displays, lists, arrays changed in place;
- ``recursion``: calls to the user's functions through their vjp.

A name assigned on several paths (a join: ``x_1`` of a loop) has one adjoint
per version; reversing the copy that assigns it hands its adjoint on and
*kills* it, so the next contribution starts a new adjoint instead of adding
to the old one.
"""

from __future__ import annotations

from .. import ir
from ..analysis.activity import adds_at, appends, calls_user_function
from ..analysis.sharing import check_aliases
from ..errors import Location, MissingRuleError, NonScalarOutputError, UnsupportedSyntaxError
from ..ir import Call, Const, Expr, Name, attr_op
from ..ir.kinds import UNKNOWN, Kind
from ..rules.instantiate import instantiate, np_call, runtime_call
from .adjoints import Loop, adjoint_origin
from .branches import Branches
from .containers import Containers, drop_unneeded_restores, is_display
from .loops import Loops
from .recursion import Recursion
from .request import AS_GRADIENT, Callees, Request
from .sweep import adjoint_kind
from .tape import Tapes


class Reverse(Branches, Loops, Containers, Recursion):
    """The reverse-mode derivative of one SSA function, for one request."""

    def __init__(
        self, fn: ir.Function, kinds: dict[str, Kind], active: set[str], request: Request, callees: Callees
    ):
        super().__init__(fn, kinds, active, request, callees)
        self.tapes = Tapes(self)

    # the derivative function --------------------------------------------------------
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
                origin = adjoint_origin(ret.origin) if ret else None
                seed_stmts.append(ir.Assign(seed, Const(1.0), origin=origin))
        elif mode == "vjp" and is_display(out) and any(n in self.active for n in ir.names_in(out)):
            seed = Name(self.pool.fresh("out_bar"))  # a tuple of cotangents, item by item
            self.kinds[seed.id] = adjoint_kind(out_kind)
            origin = adjoint_origin(ret.origin) if ret else None
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
        loc = ir.location(self.fn, ret.origin if ret else None)
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

    def gradient(self, param: str, state: set[str]) -> Expr:
        """What the derivative returns for ``param``: its adjoint, marked for ``finish`` to hand
        over in the parameter's kind, or a zero of that kind where nothing reached it."""
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

    # the sweep: blocks and statements ----------------------------------------------
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
        """The forward statements and the adjoint statements of one statement."""
        if isinstance(stmt, ir.Assign) and calls_user_function(stmt.value) and stmt.target.id in state:
            if stmt.value.op.checkpointed and not self.request.taped:
                return self.checkpointed_call(stmt, state, loop)
            return self.user_call(stmt, state, loop)
        if isinstance(stmt, ir.Assign):
            return [stmt], self.assign(stmt, state, loop)
        if isinstance(stmt, ir.SetItem):
            return self.setitem(stmt, state, loop)
        if isinstance(stmt, ir.If):
            return self.if_(stmt, state, loop)
        if isinstance(stmt, (ir.For, ir.While)):
            return self.reverse_loop(stmt, state, loop)
        if isinstance(stmt, ir.Effect) and appends(stmt.value):
            return [stmt], self.append(stmt, state, loop)
        if isinstance(stmt, ir.Effect) and adds_at(stmt.value):
            return self.add_at(stmt, state, loop)
        return [stmt], []  # print(...), assert, break: nothing flows back

    # assignments --------------------------------------------------------------------
    def assign(self, stmt: ir.Assign, state: set[str], loop: Loop | None) -> list[ir.Stmt]:
        name = stmt.target.id
        out: list[ir.Stmt] = []
        if name in state and name in self.active:
            g = Name(self.bar[name])
            out = self.flow(stmt, g, state, loop)
        elif _pops_active(stmt.value, self.active):
            # x = xs.pop() with no adjoint for x: a zero goes back on xs's, which keeps its length
            out = self.pop(stmt, self.zero(name), state, loop)
        if name in self.multi or loop is not None:
            # the version before this assignment has an adjoint of its own; in a loop, even a
            # name assigned once is assigned in every iteration: the one before starts at zero
            state.discard(name)
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
        if value.op is ir.GETITEM:
            base, index = value.args
            if isinstance(base, Name) and base.id in self.active:
                return self.contribute_at(base.id, index, g, stmt.origin, state, loop)
            return []
        if value.op.form == "method" and value.op.symbol == "pop" and len(value.args) == 1:
            return self.pop(stmt, g, state, loop)
        if value.op.form in ("tuple", "list") and self.unpackable(value, state, loop, g):
            return [self.unpack(value, g, stmt.origin, state)]  # a_bar, b_bar = t_bar
        if value.op.form in ("tuple", "list", "dict"):  # (a, b): the adjoint's items go back to a and b
            return self.distribute(value, g, stmt.origin, state, loop)
        return self.through_rule(stmt, g, state, loop)

    def through_rule(self, stmt: ir.Assign, g: Name, state: set[str], loop: Loop | None) -> list[ir.Stmt]:
        """Contributions of the arguments of a call, from its rule's VJP templates."""
        value = stmt.value
        loc = ir.location(self.fn, stmt.origin)
        rule, bound, python = self.bound_rule(value, loc)
        if not rule.differentiable:  # zeros_of(x): a value that changes in place later starts constant
            return []
        bindings = {**self.as_arrays(rule, bound), "g": g, "ans": stmt.target}
        out: list[ir.Stmt] = []
        for param in rule.params:
            arg = bound[param]
            display = is_display(arg)
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
            if display and self.unpackable(arg, state, loop, contribution):  # x_bar, y_bar = unstack(g)
                out.append(self.unpack(arg, contribution, stmt.origin, state))
            elif display:  # np.array([a, b]): the list of cotangents goes back item by item
                whole = Name(self.pool.fresh(f"{stmt.target.id}_items_bar"))
                self.kinds[whole.id] = self.kind_of_expr(contribution)
                self.temps.add(whole.id)
                out.append(ir.Assign(whole, contribution, origin=adjoint_origin(stmt.origin)))
                out += self.distribute(arg, whole, stmt.origin, state, loop)
            else:
                out += self.contribute(arg.id, contribution, stmt.origin, state, loop)
        return out


def _pops_active(e: Expr, active: set[str]) -> bool:
    """``xs.pop()`` of an active list."""
    return (
        isinstance(e, Call)
        and e.op.form == "method"
        and e.op.symbol == "pop"
        and len(e.args) == 1
        and isinstance(e.args[0], Name)
        and e.args[0].id in active
    )


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
    check_aliases(fn, kinds)
    transform = Reverse(fn, dict(kinds), active, request, callees)
    derivative = drop_unneeded_restores(transform.run())
    return derivative, {**kinds, **transform.kinds, **transform.adjoint_kinds}
