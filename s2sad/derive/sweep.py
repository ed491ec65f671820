"""What forward and reverse mode share.

Both walk an SSA function and give each active value a derived name (``x_dot``
for its tangent, ``x_bar`` for its adjoint) whose kind is the primal's, made
float; both look up a statement's derivative rule and bind the call to it,
then instantiate the rule's template in their direction (``math.cos(x)`` for
``math.sin(x)`` both ways here); both send a recursive call through a
generated function (a jvp or a vjp) held in a cell. ``Forward`` and
``Reverse`` add what differs:

>>> import math
>>> from s2sad.derive.examples import show
>>> def f(x):
...     return math.sin(x) * x
>>> show(f, mode="jvp")
def f_jvp(x, x_dot):
    v1 = math.sin(x)
    v1_dot = x_dot * math.cos(x)
    v2 = v1 * x
    v2_dot = v1_dot * x + x_dot * v1
    return v2, v2_dot
<BLANKLINE>
>>> show(f)
def f_grad(x):
    v1 = math.sin(x)
    v2 = v1 * x
    v2_bar = 1.0
    v1_bar = v2_bar * x
    x_bar = v2_bar * v1
    x_bar += v1_bar * math.cos(x)
    return as_gradient(x_bar, x)
<BLANKLINE>
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .. import ir
from ..errors import Location, MissingRuleError, UnsupportedSyntaxError
from ..ir import Call, Expr
from ..ir.kinds import FLOAT, UNKNOWN, Kind
from ..ir.names import NamePool
from ..lower.inline import bind_call
from ..rules.instantiate import expr_kind, np_call
from ..rules.registry import AGAIN, NESTED, ONCE, BindError, Rule, lookup, missing_rule
from .request import Callees, Request


def adjoint_kind(k: Kind) -> Kind:
    """Adjoints (and tangents) are floats of the primal's shape; a container's is a list (or
    a dict) of its elements'."""
    if k.type is None:
        return k
    if k.type in (tuple, list):
        items = tuple(adjoint_kind(i) for i in k.items) if k.items is not None else None
        return Kind(list, None, "o", items=items, elem=adjoint_kind(k.elem) if k.elem else None)
    if k.type is dict:
        return Kind(dict, None, "o", items=tuple(adjoint_kind(i) for i in k.items or ()), keys=k.keys)
    if k.type in (int, bool):
        return FLOAT
    if k.dtype in "bi?o":
        return Kind(k.type, k.dims, "f", shape=k.shape)
    return k


class Sweep:
    suffix = ""  # of derived names: "_dot" or "_bar"
    direction = ""  # of the rule templates used: "jvp" or "vjp"

    def __init__(
        self,
        fn: ir.Function,
        kinds: dict[str, Kind],
        active: set[str],
        request: Request,
        callees: Callees,
        reserved: Iterable[str] = (),
    ):
        self.fn = fn
        self.kinds = kinds
        self.active = set(active)  # reversing a loop may name the items it takes apart
        self.request = request
        self.callees = callees  # the derivatives of the user's functions it calls recursively
        names = {p.name for p in fn.params} | set(kinds) | set(reserved)
        for stmt in ir.walk(fn.body):
            names.update(stmt.reads())
            names.update(stmt.writes())
        self.pool = NamePool(names)
        self.derived: dict[str, str] = {}  # primal name -> tangent or adjoint name
        self.derived_kinds: dict[str, Kind] = {}
        self.extra_cells: dict[str, object] = {}  # jvps or vjps of recursive functions, by name
        self.temps: set[str] = set()

    # names and kinds -------------------------------------------------------------
    def derived_name(self, name: str) -> str:
        if name not in self.derived:
            self.derived[name] = self.pool.fresh(f"{name}{self.suffix}")
            self.derived_kinds[self.derived[name]] = adjoint_kind(self.kinds.get(name, UNKNOWN))
        return self.derived[name]

    def kind_of(self, name: str) -> Kind:
        if name in self.derived_kinds:
            return self.derived_kinds[name]
        return self.kinds.get(name, UNKNOWN)

    def kind_of_expr(self, e: Expr) -> Kind:
        return expr_kind(e, self.kind_of)

    # rules -----------------------------------------------------------------------
    def bound_rule(self, value: Call, loc: Location | None) -> tuple[Rule, dict[str, Expr], bool]:
        """The rule for a call, its arguments by parameter, and whether they are all Python
        numbers (some rules have templates for those: ``math.cos`` for ``np.cos``)."""
        rule = lookup(value.op)
        if rule is None:
            raise self.missing(value.op, loc)
        try:
            bound = rule.bind(value)
        except BindError as exc:
            raise UnsupportedSyntaxError(f"`{rule.pattern.split('(')[0]}`: {exc}", loc) from None
        numeric = [self.kind_of_expr(e) for e in bound.values()]
        return rule, bound, all(k.is_pyscalar for k in numeric if k.is_numeric)

    def as_arrays(self, rule: Rule, bound: dict[str, Expr]) -> dict[str, Expr]:
        """``bound`` for a rule's templates: a list of numbers passed to a NumPy function is
        the array NumPy makes of it (``np.std([x, y])``), so that arithmetic in the templates
        (``a - np.mean(a)``) is an array's, not a list's (``+`` joins lists). The tuple of a
        variadic parameter's items (``np.gradient(f, hx, hy)``) is no argument NumPy sees."""
        if rule.table not in ("numpy", "linalg"):
            return bound
        return {
            p: np_call("asarray", e) if p != rule.star and self.number_list(e) else e
            for p, e in bound.items()
        }

    def number_list(self, e: Expr) -> bool:
        """A list of numbers (or arrays), or a tuple of numbers with a float among them
        (``np.var((x, y))``; a tuple of ints is a shape)."""
        if not (isinstance(e, Call) and e.op in (ir.LIST, ir.TUPLE)):
            return False
        kinds = [self.kind_of_expr(a) for a in e.args]
        if e.op is ir.LIST:  # numbers or arrays: the array NumPy makes of them
            return all(k.is_numeric for k in kinds)
        return all(k.is_numeric and not k.is_array for k in kinds) and any(k.dtype == "f" for k in kinds)

    def uncovered(self, rule: Rule, param: str, kind: Kind, loc: Location | None) -> None:
        """A differentiated argument the rule has no derivative for: fine for an integer (an
        index, a count) and for a function declared non-differentiable (``np.zeros_like(x)``
        reads only the shape of ``x``), an error otherwise."""
        if kind.dtype in "bi" or not rule.differentiable or _integers(kind):
            return
        if rule.table == "user":
            raise self.missing_user_rule(rule, param, loc)
        raise MissingRuleError(
            f"the rule for `{rule.pattern}` has no derivative with respect to `{param}`",
            loc,
            f"Pass a constant as `{param}`, or register a rule with s2sad.def{self.direction}.",
        )

    def missing_user_rule(self, rule: Rule, param: str, loc: Location | None) -> MissingRuleError:
        """A function with the user's rules, but none for this direction."""
        name = rule.pattern.split("(")[0]
        given = [d for d in ("vjp", "jvp") if rule.covers(d, param)]
        mode = "reverse" if self.direction == "vjp" else "forward"
        wanted = self.direction.upper()
        has = f"has a {given[0].upper()} rule but no {wanted} rule" if given else "has no rule"
        first = "g" if self.direction == "vjp" else "t"
        args = ", ".join(rule.params)
        return MissingRuleError(
            f"`{name}` {has}, which {mode} mode needs (for `{param}`)",
            loc,
            f"Register one: s2sad.def{self.direction}({name}, lambda {first}, ans, {args}: ...), "
            "one rule per positional argument."
            + (" (s2sad.hessian and hvp run forward mode over the gradient.)" if mode == "forward" else ""),
        )

    def missing(self, op: ir.Op, loc: Location | None) -> MissingRuleError:
        err = missing_rule(op)
        made_by = getattr(op.fn, ONCE, None) if op.form == "call" else None
        if made_by is not None:
            return MissingRuleError(
                f"differentiating a function {made_by} returned is not supported",
                loc,
                AGAIN,
            )
        of = getattr(op.fn, NESTED, None) if op.form == "call" else None
        if of is not None:  # the rule of a derivative s2sad made, differentiated again
            return MissingRuleError(
                f"`{op.symbol}` is the derivative of `{of}`, a function s2sad returned, called in "
                "code differentiated twice: the derivative of that derivative is not supported",
                loc,
                f"Differentiate the function `{of}` was made from to the order you need "
                "(s2sad.hessian, s2sad.hvp) and call that instead.",
            )
        if op.form != "call":
            hint = "Rewrite the expression with operations s2sad knows (see the rule tables)."
        elif self.direction == "vjp":
            hint = (
                "Register a rule for it, for example:\n"
                f"    s2sad.defvjp({op.symbol}, lambda g, ans, x: g * <d{op.symbol}/dx>)"
            )
        else:
            hint = (
                "Register a rule for it, for example:\n"
                f"    s2sad.defjvp({op.symbol}, lambda x_dot, ans, x: x_dot * <d{op.symbol}/dx>)"
            )
        return MissingRuleError(err.message, loc, hint)

    # recursive calls ---------------------------------------------------------------
    def recursive_call(self, stmt: ir.Assign, cell_of: Callable) -> tuple:
        """A call to the user's function that was not inlined (recursion): the function, its
        positional parameters and what the call binds to each parameter, what ``cell_of``
        returned for the kinds of the arguments, and the name generated code calls it by."""

        call = stmt.value
        fn = call.op.fn
        loc = ir.location(self.fn, stmt.origin)
        positional, keyword, bound = bind_call(fn, call, loc)
        for p in keyword:
            if any(n in self.active for n in ir.names_in(bound[p])):
                raise UnsupportedSyntaxError(
                    f"a differentiated value for the keyword-only parameter `{p}` of `{fn.__name__}` "
                    "is not supported in a recursive call",
                    loc,
                    "Pass it as a positional parameter.",
                )
        kinds = {p: self.kind_of_expr(e) for p, e in bound.items()}
        found = cell_of(fn, kinds)
        cell = found[0] if isinstance(found, tuple) else found
        head = next((h for h, c in self.extra_cells.items() if c is cell), None)
        if head is None:  # one name per generated function, however many calls
            base = fn.__name__ if fn.__name__.isidentifier() else "lambda"  # <lambda>
            head = self.pool.fresh(f"{base}_{self.direction}")
            self.extra_cells[head] = cell
        return fn, positional, keyword, bound, kinds, found, head


def _integers(kind: Kind) -> bool:
    """Whether a container holds integers only: a shape, axes, indices (``(n, 2)``)."""
    if not kind.is_container:
        return False
    parts = kind.items if kind.items is not None else (kind.elem,) if kind.elem is not None else ()
    return bool(parts) and all(p is not None and (p.dtype in "bi" or _integers(p)) for p in parts)
