"""What the simplification passes share while they work on one function.

Every pass is a function ``(body, state) -> body``. The body is the only thing a
pass hands on; ``State`` holds what the passes read about the function around it
and the few things some of them add to:

- ``fn``: the function as it came (its parameters, its tapes, its first body);
- ``kinds``: the kind of every name, gaining those of new names (``cse`` names a
  repeated part) and changing where a value does (``gather`` turns a list of
  zeros into a display, ``coalesce`` joins the kinds of two names it merges);
- ``temps``: the names the transformer made up, which passes may fold away;
  it grows with the names ``cse`` makes;
- ``results``: the adjoints returned as gradients, which keep their names;
- ``pool``: where new names come from, clear of every name in the function;
- ``simplified`` and ``kind_memo``: expressions already simplified, and kinds of
  expressions already worked out (by identity: expressions are immutable), valid
  while the kinds of names hold (``set_kind`` forgets them).

>>> from s2sad.ir import Assign, Function, Name, Param, Return
>>> fn = Function("f", [Param("x")], [Assign(Name("v1"), Name("x")), Return(Name("v1"))], temps={"v1"})
>>> state = State.of(fn, {})
>>> state.pool.temp(), sorted(state.temps), state.assignments(fn.body)["v1"]
('v2', ['v1'], 1)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import ir
from ..ir import Call, Expr, Name
from ..ir.kinds import UNKNOWN, Kind
from ..ir.names import NamePool
from ..rules.algebra import simplify_expr
from ..rules.instantiate import expr_kind


@dataclass
class State:
    fn: ir.Function
    kinds: dict[str, Kind]
    temps: set[str]
    results: set[str]
    pool: NamePool
    simplified: dict[int, tuple[Expr, Expr]] = field(default_factory=dict)
    kind_memo: dict = field(default_factory=dict)

    @classmethod
    def of(cls, fn: ir.Function, kinds: dict[str, Kind]) -> State:
        """The state to simplify ``fn`` with; ``kinds`` is shared, not copied."""
        names = set(kinds) | {p.name for p in fn.params}
        for stmt in ir.walk(fn.body):
            names.update(stmt.reads())
            names.update(stmt.writes())
        pool = NamePool(names)
        pool.temps = max((int(n[1:]) for n in names if n[:1] == "v" and n[1:].isdigit()), default=0)
        return cls(fn, kinds, set(fn.temps), gradient_names(fn.body), pool)

    def kind_of(self, name: str) -> Kind:
        return self.kinds.get(name, UNKNOWN)

    def expr_kind(self, e: Expr) -> Kind:
        return expr_kind(e, self.kind_of, self.kind_memo)

    def set_kind(self, name: str, kind: Kind) -> None:
        """Change the kind of a name the function already has: what was worked out from
        the old kind is forgotten."""
        self.kinds[name] = kind
        self.kind_memo.clear()
        self.simplified.clear()

    def assignments(self, body: list[ir.Stmt]) -> Counter:
        """How many times each name is assigned (a parameter once, by the call)."""
        counts: Counter = Counter(p.name for p in self.fn.params)
        for stmt in ir.walk(body):
            counts.update(stmt.writes())
            if isinstance(stmt, ir.Def):
                counts.update(p.name for p in stmt.function.params)
        return counts

    def rewrite(self, stmt: ir.Stmt, mapping: dict[str, Expr]) -> ir.Stmt:
        """``stmt`` with names replaced and its expressions simplified (not its nested blocks)."""
        return stmt.map_exprs(lambda e: self.rewrite_expr(e, mapping))

    def rewrite_expr(self, e: Expr, mapping: dict[str, Expr]) -> Expr:
        """``e`` with names replaced, simplified."""
        e = ir.substitute(e, mapping)
        done = self.simplified.get(id(e))
        if done is not None and done[0] is e:
            return done[1]
        out = simplify_expr(e, self.expr_kind)
        self.simplified[id(e)] = (e, out)  # holding e keeps its id from being reused
        self.simplified[id(out)] = (out, out)
        return out


Pass = Callable[[list[ir.Stmt], State], list[ir.Stmt]]


def gradient_names(body: list[ir.Stmt]) -> set[str]:
    """The adjoints handed back as gradients (``as_gradient(x_bar, x)`` in a return)."""
    return {
        e.args[0].id
        for stmt in ir.walk(body)
        if isinstance(stmt, ir.Return)
        for e in ir.subexpressions(stmt.value)
        if isinstance(e, Call) and e.op.name == "as_gradient" and isinstance(e.args[0], Name)
    }
