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

In straight-line code every primal value is still a local variable when the
adjoint sweep reads it, so nothing is taped. ``finish`` runs after
simplification: it turns each returned adjoint into a gradient of its
argument's type (a float for a Python number, a fresh array for an array)
and keeps ``+=`` only where updating in place is safe.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import ir
from .errors import Location, MissingRuleError, NonScalarOutputError, UnsupportedSyntaxError
from .ir import Call, Const, Expr, Name
from .kinds import FLOAT, UNKNOWN, Kind
from .lower import NamePool
from .rules.core import BindError, expr_kind, instantiate, lookup, np_call, runtime_call

# Marks a returned adjoint until ``finish`` knows how to hand it over.
AS_GRADIENT = ir.Op("as_gradient", "call", "as_gradient", None)


@dataclass(frozen=True)
class Request:
    """What to build: ``grad``, ``value_and_grad`` or ``vjp``, and for which parameters."""

    mode: str
    wrt: tuple[str, ...]
    single: bool = True  # grad(f, wrt=0) returns one gradient, wrt=(0,) a 1-tuple


def adjoint_kind(k: Kind) -> Kind:
    """Adjoints are floats of the primal's shape."""
    if k.type is None:
        return k
    if k.type in (int, bool):
        return FLOAT
    if k.dtype in "bi?o":
        return Kind(k.type, k.dims, "f")
    return k


def location(fn: ir.Function, origin: ir.Origin | None) -> Location | None:
    if origin is None or fn.source is None:
        return None
    line, col = origin.at if origin.at else (origin.line, origin.col)
    text = fn.source.lines[line - 1] if 0 < line <= len(fn.source.lines) else ""
    return Location(fn.source.path, line, col, text)


class Reverse:
    def __init__(self, fn: ir.Function, kinds: dict[str, Kind], active: set[str], request: Request):
        self.fn = fn
        self.kinds = kinds
        self.active = active
        self.request = request
        reserved = {p.name for p in fn.params} | set(kinds)
        for stmt in ir.walk(fn.body):
            reserved.update(ir.names_in(getattr(stmt, "value", Const(None))))
            for e in (getattr(stmt, "value", None),):
                if e is not None:
                    reserved.update(_ref_heads(e))
        self.pool = NamePool(reserved)
        self.bar: dict[str, str] = {}  # primal name -> adjoint name
        self.assigned: set[str] = set()
        self.adjoint_kinds: dict[str, Kind] = {}
        self.sweep: list[ir.Stmt] = []

    # names and kinds -----------------------------------------------------------
    def adjoint(self, name: str) -> str:
        if name not in self.bar:
            self.bar[name] = self.pool.fresh(f"{name}_bar")
            self.adjoint_kinds[self.bar[name]] = adjoint_kind(self.kinds.get(name, UNKNOWN))
        return self.bar[name]

    def kind_of(self, name: str) -> Kind:
        if name in self.adjoint_kinds:
            return self.adjoint_kinds[name]
        return self.kinds.get(name, UNKNOWN)

    def contribute(self, name: str, value: Expr, origin: ir.Origin | None) -> None:
        target = Name(self.adjoint(name))
        origin = ir.replace(origin, adjoint=True) if origin else None
        self.sweep.append(ir.Assign(target, value, accumulate=name in self.assigned, origin=origin))
        self.assigned.add(name)

    # the transformation -------------------------------------------------------
    def run(self) -> ir.Function:
        body = self.fn.body
        ret = body[-1] if body and isinstance(body[-1], ir.Return) else None
        primal = body[:-1] if ret else list(body)
        out = ret.value if ret else Const(None)
        out_kind = expr_kind(out, self.kind_of)
        mode = self.request.mode
        if mode in ("grad", "value_and_grad"):
            self.check_scalar(out, out_kind, ret)
        seed: Name | None = None
        if isinstance(out, Name) and out.id in self.active:
            seed = Name(self.adjoint(out.id))
            self.assigned.add(out.id)
            if mode != "vjp":
                origin = ir.replace(ret.origin, adjoint=True) if ret and ret.origin else None
                self.sweep.append(ir.Assign(seed, Const(1.0), origin=origin))
        for stmt in reversed(primal):
            if isinstance(stmt, ir.Assign) and stmt.target.id in self.assigned:
                self.statement(stmt)
        grads = tuple(self.gradient(p) for p in self.request.wrt)
        grad = grads[0] if self.request.single and len(grads) == 1 else Call(ir.TUPLE, grads)
        name = self.fn.name
        if mode == "grad":
            return self.make(f"{name}_grad", primal + self.sweep + [ir.Return(grad)])
        if mode == "value_and_grad":
            body = primal + self.sweep + [ir.Return(Call(ir.TUPLE, (out, grad)))]
            return self.make(f"{name}_value_and_grad", body)
        # vjp: the pullback closes over the primal values
        param = seed.id if seed is not None else self.pool.fresh("out_bar")
        self.adjoint_kinds.setdefault(param, adjoint_kind(out_kind))
        sweep = self.sweep + [ir.Return(Call(ir.TUPLE, grads))]
        pullback = ir.Function(f"{name}_pullback", [ir.Param(param)], sweep, source=self.fn.source)
        body = primal + [ir.Def(pullback), ir.Return(Call(ir.TUPLE, (out, Name(pullback.name))))]
        return self.make(f"{name}_vjp", body)

    def make(self, name: str, body: list[ir.Stmt]) -> ir.Function:
        temps = set(self.fn.temps) | {bar for p, bar in self.bar.items() if p in self.fn.temps}
        return ir.Function(
            name,
            list(self.fn.params),
            body,
            source=self.fn.source,
            aliases=dict(self.fn.aliases),
            temps=temps,
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

    def statement(self, stmt: ir.Assign) -> None:
        g = Name(self.bar[stmt.target.id])
        value = stmt.value
        if isinstance(value, Name):
            if value.id in self.active:
                self.contribute(value.id, g, stmt.origin)
            return
        if not isinstance(value, Call):
            return
        rule = lookup(value.op)
        loc = location(self.fn, stmt.origin)
        if rule is None:
            raise self.missing(value.op, loc)
        try:
            bound = rule.bind(value)
        except BindError as exc:
            raise UnsupportedSyntaxError(f"`{rule.pattern.split('(')[0]}`: {exc}", loc) from None
        python = all(
            self.kind_of_expr(e).is_pyscalar for e in bound.values() if self.kind_of_expr(e).is_numeric
        )
        bindings = {**bound, "g": g, "ans": stmt.target}
        for param in rule.params:
            arg = bound[param]
            if not (isinstance(arg, Name) and arg.id in self.active):
                if any(n in self.active for n in ir.names_in(arg)):
                    raise UnsupportedSyntaxError(
                        f"a differentiated value inside the `{param}` argument of "
                        f"`{rule.pattern.split('(')[0]}` is not supported",
                        loc,
                        "Pass the value as an argument of its own.",
                    )
                continue
            if not rule.covers("vjp", param):
                if self.kind_of(arg.id).dtype in "bi":
                    continue  # an integer (an index, a count) has no derivative there
                raise MissingRuleError(
                    f"the rule for `{rule.pattern}` has no derivative with respect to `{param}`",
                    loc,
                    f"Pass a constant as `{param}`, or register a rule with s2sad.defvjp.",
                )
            template = rule.template("vjp", param, python)
            if template is None:
                continue
            contribution = instantiate(template, bindings, self.kind_of)
            _check_fail(contribution, loc)
            self.contribute(arg.id, contribution, stmt.origin)

    def kind_of_expr(self, e: Expr) -> Kind:
        return expr_kind(e, self.kind_of)

    def missing(self, op: ir.Op, loc: Location | None) -> Exception:
        from .rules.core import missing_rule

        fn = op.fn
        if op.form == "call" and fn is not None and hasattr(fn, "__code__"):
            return UnsupportedSyntaxError(
                f"a call to your function `{op.symbol}` is not differentiated yet",
                loc,
                "Write its body into this function for now.",
            )
        err = missing_rule(op)
        hint = (
            "Register a rule for it, for example:\n"
            f"    s2sad.defvjp({op.symbol}, lambda g, ans, x: g * <d{op.symbol}/dx>)"
        )
        if op.form != "call":
            hint = "Rewrite the expression with operations s2sad knows (see the rule tables)."
        return MissingRuleError(err.message, loc, hint)

    def gradient(self, param: str) -> Expr:
        kind = self.kinds.get(param, UNKNOWN)
        if kind.type is not None and not kind.is_numeric or kind.is_array and kind.dtype == "b":
            return Const(None)  # vjp: no cotangent for what is not a number (or a mask)
        if param in self.assigned and param in self.bar:
            return Call(AS_GRADIENT, (Name(self.bar[param]), Name(param)))
        if kind.is_array:
            return np_call("zeros", Call(_attr("shape"), (Name(param),)))
        if kind.dims == ():
            return Const(0.0)
        return np_call("zeros_like", Name(param), dtype=ir.Ref("float", float))


def _attr(name: str) -> ir.Op:
    from .lower import attr_op

    return attr_op(name)


def _ref_heads(e: Expr) -> set[str]:
    if isinstance(e, ir.Ref):
        return {e.path.split(".")[0]}
    if isinstance(e, Call):
        return set().union(*(_ref_heads(c) for c in e.children())) if e.args or e.kwargs else set()
    return set()


def _check_fail(e: Expr, loc: Location | None) -> None:
    """A rule that picked its `fail(...)` branch statically fails now."""
    if isinstance(e, Call) and e.op.form == "call" and getattr(e.op.fn, "__name__", "") == "fail":
        message = e.args[0].value if e.args and isinstance(e.args[0], Const) else "unsupported case"
        raise MissingRuleError(f"no derivative rule for {message}", loc)


def reverse(
    fn: ir.Function, kinds: dict[str, Kind], active: set[str], request: Request
) -> tuple[ir.Function, dict[str, Kind]]:
    """The reverse-mode derivative of an SSA function, before simplification,
    and the kinds of all its names (adjoints included)."""
    transform = Reverse(fn, kinds, active, request)
    derivative = transform.run()
    return derivative, {**kinds, **transform.adjoint_kinds}


# ---------------------------------------------------------------------- finish

_VIEWS = {
    "reshape",
    "transpose",
    "expand_dims",
    "squeeze",
    "ravel",
    "swapaxes",
    "asarray",
    "unbroadcast",
    "expand_reduced",
    "diagonal",
}
_READ_ONLY = {"broadcast_to", "unreduce"}


def _fresh(e: Expr, fresh: set[str], kind_of) -> bool:
    """Whether ``e`` is a value no one else holds: a scalar, or a new writable array."""
    k = expr_kind(e, kind_of)
    if k.is_scalar or isinstance(e, Const):
        return True
    if isinstance(e, Name):
        return e.id in fresh
    if not isinstance(e, Call):
        return False
    op = e.op
    if op.form in ("binary", "unary"):
        return True
    name = getattr(op.fn, "__name__", op.symbol)
    if op.form == "attr" and op.symbol == "T" or op.form == "call" and name in _VIEWS:
        return bool(e.args) and _fresh(e.args[0], fresh, kind_of)
    if op.form == "call" and name in _READ_ONLY or op.form == "subscript":
        return False
    return op.form in ("call", "method") and op.symbol != "as_gradient"


def finish(fn: ir.Function, kinds: dict[str, Kind]) -> ir.Function:
    """Hand adjoints over as gradients and make every ``+=`` safe.

    A gradient has its argument's type: ``float(...)`` where a NumPy scalar
    would come out for a Python number, ``.copy()`` where the adjoint is an
    argument or a read-only view. ``x_bar += e`` stays where ``x_bar`` is a
    scalar or a float array made here; elsewhere it becomes ``x_bar = x_bar + e``.
    """
    all_kinds = dict(kinds)

    def kind_of(n: str) -> Kind:
        return all_kinds.get(n, UNKNOWN)

    def body(stmts: list[ir.Stmt], fresh: set[str]) -> list[ir.Stmt]:
        out = []
        for stmt in stmts:
            if isinstance(stmt, ir.Assign):
                # the kind the value really has: an adjoint of a float may be a NumPy scalar
                k = expr_kind(stmt.value, kind_of)
                name = stmt.target.id
                all_kinds[name] = all_kinds[name].join(k) if stmt.accumulate and name in all_kinds else k
                if stmt.accumulate:
                    safe = all_kinds[name].is_scalar or (name in fresh and all_kinds[name].is_float)
                    if not safe:
                        stmt = ir.Assign(
                            stmt.target, Call(ir.ADD, (stmt.target, stmt.value)), origin=stmt.origin
                        )
                    fresh.add(name)
                else:
                    (fresh.add if _fresh(stmt.value, fresh, kind_of) else fresh.discard)(name)
                stmt.value = _hand_over(stmt.value, fresh, kind_of)
            elif isinstance(stmt, ir.Return):
                stmt = ir.Return(_hand_over(stmt.value, fresh, kind_of), origin=stmt.origin)
            elif isinstance(stmt, ir.Def):
                f = stmt.function
                stmt = ir.Def(ir.replace(f, body=body(f.body, set(fresh))), origin=stmt.origin)
            out.append(stmt)
        return out

    return ir.replace(fn, body=body(fn.body, set()))


def _hand_over(e: Expr, fresh: set[str], kind_of) -> Expr:
    if not isinstance(e, Call):
        return e
    if e.op is not AS_GRADIENT:
        return e.map(lambda a: _hand_over(a, fresh, kind_of))
    value, param = e.args
    pk, vk = kind_of(param.id), expr_kind(value, kind_of)
    if pk.is_pyscalar:
        if vk.type is float or isinstance(value, Const) and isinstance(value.value, float):
            return value
        if isinstance(value, Const):
            return Const(float(value.value))
        return ir.Call(ir.call_op(float, "float", True, canonical=True), (value,))
    if pk.is_array:
        if vk.is_array and vk.ndim == pk.ndim:
            if vk.dtype not in "fc":
                return ir.Call(_method("astype"), (value, ir.Ref("float", float, canonical=True)))
            if _fresh(value, fresh, kind_of):
                return value
            return ir.Call(_method("copy"), (value,))
        if vk.is_scalar:
            return np_call("full", Call(_attr("shape"), (param,)), value)
    if pk.type is not None and issubclass(pk.type, np.generic):
        return value
    return runtime_call("gradient_like", value, param)


def _method(name: str) -> ir.Op:
    from .lower import method_op

    return method_op(name)
