"""Simplify derivative code until it reads like what a person would write.

The passes, in order:

- copy propagation and folding: ``v5_bar = 1.0`` and ``v4_bar = v5_bar``
  disappear into their uses, then ``1.0 * e`` is ``e`` (``algebra``);
- dead code: what the result does not need goes (most of the primal sweep,
  when only the gradient is returned);
- common subexpressions repeated by rule templates get one name;
- accumulations fuse: ``x_bar = a`` then ``x_bar += b`` is ``x_bar = a + b``;
- temporaries used once fold back into the expression that uses them;
- arguments equal to a function's default are dropped.

For Baydin's ``f(x1, x2) = log(x1) + x1 * x2 - sin(x2)``::

    v5_bar = 1.0                             x2_bar = -math.cos(x2) + x1
    v4_bar = v5_bar                          x1_bar = x2 + 1.0 / x1
    v3_bar = -v5_bar                         return x1_bar, x2_bar
    v1_bar = v4_bar                 ->
    v2_bar = v4_bar
    x2_bar = v3_bar * math.cos(x2)
    x1_bar = v2_bar * x2
    x2_bar += v2_bar * x1
    x1_bar += v1_bar / x1
    return x1_bar, x2_bar

Every pass keeps the order of operations that have side effects and never
moves a computation into a place where it would run more often.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator

import numpy as np

from .. import ir
from ..analysis.views import view_of
from ..ir import MUL, NEG, Call, Const, Expr, Name, Ref
from ..ir.fold import fold_constant
from ..ir.kinds import UNKNOWN, Kind
from ..ir.names import NamePool
from ..rules.algebra import broadcast_value, simplify_expr
from ..rules.instantiate import expr_kind, runtime_call
from ..rules.registry import REQUIRED, BindError, lookup

MAX_NODES = 24  # no expression grows past this many operations and leaves


def simplify(fn: ir.Function, kinds: dict[str, Kind]) -> ir.Function:
    """The simplified function; ``kinds`` gains the kinds of new names."""
    s = Simplifier(fn, kinds)
    return s.run()


def _pure(e: Expr) -> bool:
    if isinstance(e, Call):
        return e.op.pure and all(_pure(c) for c in e.children())
    return True


def _reads(stmt: ir.Stmt) -> set[str]:
    return set(stmt.reads())


class Simplifier:
    def __init__(self, fn: ir.Function, kinds: dict[str, Kind]):
        self.fn = fn
        self.kinds = kinds
        self.temps = set(fn.temps)
        names = set(kinds) | {p.name for p in fn.params}
        for stmt in ir.walk(fn.body):
            names.update(stmt.reads())
            names.update(stmt.writes())
        self.pool = NamePool(names)
        self.pool.temps = max((int(n[1:]) for n in names if n[:1] == "v" and n[1:].isdigit()), default=0)
        self.simplified: dict[int, tuple[Expr, Expr]] = {}  # expressions already simplified
        self.kind_memo: dict = {}  # kinds of expressions, while the kinds of names hold

    def kind_of(self, name: str) -> Kind:
        return self.kinds.get(name, UNKNOWN)

    def expr_kind(self, e: Expr) -> Kind:
        return expr_kind(e, self.kind_of, self.kind_memo)

    def run(self) -> ir.Function:
        body = self.fn.body
        self.results = _gradient_names(body)
        body = self.rename_into_results(body)
        for _ in range(8):
            before = _fingerprint(body)
            body = self.propagate(body)
            body = self.read_displays(body)
            body = self.reroot_shapes(body)
            body = self.fold_ones(body)
            body = self.live_code(body)
            if _fingerprint(body) == before:
                break
        self.assigned = self.counts(body)
        body = self.blocks(body, self.cse)
        body = self.blocks(body, self.fuse)
        body = self.fold_ones(self.propagate(body))  # what common parts and fused updates simplified to
        body = self.blocks(body, self.gather)
        body = self.blocks(body, _split_unpacks)
        body = self.live_code(self.propagate(self.read_displays(body)))
        body = self.blocks(body, self.inline_views)
        body = self.fold_ones(self.inline(body))
        if any(isinstance(st, ir.Unpack) for st in ir.walk(body)):  # a, b = [e1, e2] after inlining
            body = self.inline(self.propagate(self.blocks(body, _split_unpacks)))
        body = self.live_code(body)
        for _ in range(3):  # a tape that goes may leave another unread
            body = self.dead_tapes(body)
        body = self.blocks(body, self.cleanup)
        body = self.blocks(body, _first_writes)
        body = self.blocks(body, _hoist_common)
        body = self.blocks(body, _tangent_first)
        body = self.coalesce(body)
        body = self.blocks(body, _tangent_first)  # pairs that coalescing brought together
        return ir.replace(self.fn, body=body, temps=self.temps)

    # out of SSA ---------------------------------------------------------------------
    def coalesce(self, body: list[ir.Stmt]) -> list[ir.Stmt]:
        """Versions of one variable that never live at once share a name again:
        ``x_2 = e; x_1 = x_2`` at the end of an iteration prints as ``x_1 = e``."""
        params = {p.name for p in self.fn.params}
        for stmt in ir.walk(body):
            if isinstance(stmt, ir.Def):
                params |= {p.name for p in stmt.function.params}
        body = self.blocks(body, _forward_copies)
        for _ in range(20):
            reads, writes = _read_counts(body), self.counts(body)
            renames = self._coalescible(body, reads, writes, params)
            if not renames:
                return body
            old, new = renames
            if old in self.kinds and new in self.kinds:
                self.kinds[new] = self.kinds[new].join(self.kinds[old])
                self.kind_memo.clear()
                self.simplified.clear()
            mapping = {old: new}
            names = {n for st in ir.walk(body) for n in set(st.reads()) | _all_writes(st)}
            if (
                f"{old}_bar" in names
                and f"{new}_bar" not in names | params
                and f"{old}_bar" not in self.results
            ):
                mapping[f"{old}_bar"] = f"{new}_bar"  # the adjoint follows its variable's name
            body = _rename_all(body, mapping)
        return body

    def _coalescible(self, body, reads, writes, params) -> tuple[str, str] | None:
        """One pair ``(old, new)`` to rename, that turns a copy ``a = b`` into ``a = a``:
        ``b`` is read only by the copy, and ``a`` is not used while ``b`` lives."""
        for stmts in _blocks_of(body):
            for i, stmt in enumerate(stmts):
                if not (isinstance(stmt, ir.Assign) and isinstance(stmt.value, Name) and not stmt.accumulate):
                    continue
                a, b = stmt.target.id, stmt.value.id
                if not _versions_of_one(a, b) or a in params or {a, b} <= self.results:
                    continue
                if b in params:  # the hand-over of gradients reads the argument itself
                    continue
                # b lives from its first write in this block to the copy, and a is unused meanwhile
                j = next((j for j in range(i) if b in _deep_writes(stmts[j])), None)
                if j is None or _mentions(stmts[j + 1 : i], a):
                    continue
                if not isinstance(stmts[j], ir.Assign) and _mentions(stmts[j : j + 1], a):
                    continue
                span = stmts[j : i + 1]
                if _read_counts(span)[b] != reads[b] or self.counts(span)[b] - (b in params) != writes[b]:
                    continue
                old, new = (a, b) if _version(a) > _version(b) else (b, a)
                return (new, old) if old in self.results else (old, new)  # a result keeps its name
        return None

    def blocks(self, body: list[ir.Stmt], f: Callable[[list[ir.Stmt]], list[ir.Stmt]]) -> list[ir.Stmt]:
        """Apply a block-local pass to ``body`` and every nested block."""
        return f([ir.with_blocks(stmt, lambda b: self.blocks(b, f)) for stmt in body])

    # copy propagation and folding ------------------------------------------------
    def counts(self, body: list[ir.Stmt]) -> Counter:
        """How many times each name is assigned."""
        counts: Counter = Counter(p.name for p in self.fn.params)
        for stmt in ir.walk(body):
            counts.update(stmt.writes())
            if isinstance(stmt, ir.Def):
                counts.update(p.name for p in stmt.function.params)
        return counts

    def propagate(self, body: list[ir.Stmt]) -> list[ir.Stmt]:
        counts = self.counts(body)
        reads = _read_counts(body)

        def single(e: Expr) -> bool:
            return not isinstance(e, Name) or counts[e.id] == 1

        def read_before_rewritten(name: str, source: str, rest: list[ir.Stmt]) -> bool:
            """``name = source``, and every read of ``name`` comes before ``source`` changes."""
            for j, stmt in enumerate(rest):
                if source in _all_writes(stmt):
                    simple = isinstance(stmt, (ir.Assign, ir.SetItem))
                    before = rest[: j + 1] if simple else rest[:j]
                    later = any(isinstance(d, ir.Def) for d in ir.walk(before))  # runs after
                    return not later and _read_counts(before)[name] == reads[name]
            return True

        def block(stmts: list[ir.Stmt], mapping: dict[str, Expr]) -> list[ir.Stmt]:
            out = []
            stmts = _drop_copies_back(stmts)
            until: dict[str, str] = {}  # a copy's source -> the copies that end when it is written
            later = _read_counts(stmts)  # reads in the statements after the current one
            for i, stmt in enumerate(stmts):
                for inner in ir.walk([stmt]):
                    for n in inner.reads():
                        later[n] -= 1
                stmt = self.rewrite(stmt, mapping)
                for written in set(_all_writes(stmt)) & set(until):
                    for name in until.pop(written):
                        mapping.pop(name, None)
                if (
                    isinstance(stmt, ir.Assign)
                    and not stmt.accumulate
                    and counts[stmt.target.id] == 1
                    and isinstance(stmt.value, (Name, Const, Ref))
                    and stmt.target.id not in self.results
                ):
                    source = stmt.value
                    rest = stmts[i + 1 :]
                    if later[stmt.target.id] != reads[stmt.target.id]:
                        pass  # read after this block too, where the mapping does not reach
                    elif single(source) or _not_written(source.id, rest):
                        mapping[stmt.target.id] = source
                        continue
                    elif read_before_rewritten(stmt.target.id, source.id, rest):
                        mapping[stmt.target.id] = source
                        until.setdefault(source.id, []).append(stmt.target.id)
                        continue
                if isinstance(stmt, ir.Assign) and stmt.value == stmt.target and not stmt.accumulate:
                    continue  # x = x
                stmt = ir.with_blocks(stmt, lambda b: block(b, dict(mapping)))
                out.append(stmt)
            return out

        return block(body, {})

    def read_displays(self, body: list[ir.Stmt]) -> list[ir.Stmt]:
        """``d = {"a": x, "b": y}; ... d["a"]``  ->  ``x``: an item read by its constant key is
        the item itself, where that is a constant or a name assigned once."""
        counts = self.counts(body)
        displays: dict[str, dict] = {}
        sizes: dict[str, int] = {}
        for stmt in ir.walk(body):
            if (
                isinstance(stmt, ir.Assign)
                and not stmt.accumulate
                and counts[stmt.target.id] == 1
                and isinstance(stmt.value, Call)
                and stmt.value.op.form in ("tuple", "list", "dict")
            ):
                v = stmt.value
                items = dict(v.kwargs) if v.op.form == "dict" else dict(enumerate(v.args))
                displays[stmt.target.id] = {
                    k: e
                    for k, e in items.items()
                    if isinstance(e, Const) or isinstance(e, Name) and counts[e.id] == 1
                }
                if v.op.form != "dict":
                    sizes[stmt.target.id] = len(v.args)
        if not displays:
            return body

        def sub(e: Expr) -> Expr:
            if isinstance(e, Call):
                e = e.map(sub)
                if e.op is ir.GETITEM and isinstance(e.args[0], Name) and isinstance(e.args[1], Const):
                    items = displays.get(e.args[0].id, {})
                    key = e.args[1].value
                    size = sizes.get(e.args[0].id)
                    if type(key) is int and size is not None and -size <= key < 0:
                        key += size  # xs[-1] of a list of three is xs[2]
                    if isinstance(key, (int, str)) and not isinstance(key, bool) and key in items:
                        return items[key]
            return e

        def stmt(s: ir.Stmt) -> ir.Stmt:
            return ir.with_blocks(s.map_exprs(sub), lambda b: [stmt(x) for x in b])

        return [stmt(s) for s in body]

    def rename_into_results(self, body: list[ir.Stmt]) -> list[ir.Stmt]:
        """``v1_bar = ...; x_bar = v1_bar``  ->  ``x_bar = ...``: a gradient keeps its name."""
        counts = self.counts(body)
        reads: Counter = Counter()
        assigned: set[str] = set()
        for stmt in ir.walk(body):
            reads.update(stmt.reads())
            assigned.update(stmt.writes())
        renames: dict[str, str] = {}
        for stmt in ir.walk(body):
            if (
                isinstance(stmt, ir.Assign)
                and not stmt.accumulate
                and stmt.target.id in self.results
                and isinstance(stmt.value, Name)
                and stmt.value.id in self.temps
                and stmt.value.id in assigned
                and reads[stmt.value.id] == 1
                and counts[stmt.value.id] == 1
                and counts[stmt.target.id] == 1
            ):
                renames[stmt.value.id] = stmt.target.id
        if not renames:
            return body

        def block(stmts: list[ir.Stmt]) -> list[ir.Stmt]:
            out = []
            for stmt in stmts:
                if (
                    isinstance(stmt, ir.Assign)
                    and isinstance(stmt.value, Name)
                    and renames.get(stmt.value.id) == stmt.target.id
                ):
                    continue  # the copy itself
                stmt = self.rewrite(stmt, {old: Name(new) for old, new in renames.items()})
                if isinstance(stmt, ir.Assign) and stmt.target.id in renames:
                    stmt = ir.Assign(
                        Name(renames[stmt.target.id]), stmt.value, stmt.accumulate, origin=stmt.origin
                    )
                stmt = ir.with_blocks(stmt, block)
                out.append(stmt)
            return out

        return block(body)

    def rewrite(self, stmt: ir.Stmt, mapping: dict[str, Expr]) -> ir.Stmt:
        """``stmt`` with names replaced and its expressions simplified (not its nested blocks)."""

        def fix(e: Expr) -> Expr:
            e = ir.substitute(e, mapping)
            done = self.simplified.get(id(e))
            if done is not None and done[0] is e:
                return done[1]
            out = simplify_expr(e, self.expr_kind)
            self.simplified[id(e)] = (e, out)  # holding e keeps its id from being reused
            self.simplified[id(out)] = (out, out)
            return out

        return stmt.map_exprs(fix)

    def reroot_shapes(self, body: list[ir.Stmt]) -> list[ir.Stmt]:
        """Read ``x.shape`` off an operand of the same shape when ``x`` is elementwise.

        ``v5 = v4 ** 2`` kept only for ``v5.size`` is dead once that reads
        ``v4.size``.
        """
        if not _any_call(body, _reads_shape):
            return body
        counts = self.counts(body)
        defs = {
            s.target.id: s.value
            for s in ir.walk(body)
            if isinstance(s, ir.Assign) and counts[s.target.id] == 1
        }

        def root(name: str) -> str:
            if name not in self.temps:
                return name  # a variable of the user's lives anyway
            k = self.kind_of(name)
            value = defs.get(name)
            if not (isinstance(value, Call) and k.is_array and k.same_shape(k)):
                return name
            rule = lookup(value.op)
            if rule is None or not rule.elementwise:
                return name
            for arg in value.args:
                if isinstance(arg, Name) and self.kind_of(arg.id).same_shape(k):
                    return root(arg.id)
            return name

        def fix(e: Expr) -> Expr:
            if not isinstance(e, Call):
                return e
            e = e.map(fix)
            if _reads_shape(e) and e.args and isinstance(e.args[0], Name):
                new = root(e.args[0].id)
                if new != e.args[0].id:
                    return Call(e.op, (Name(new), *e.args[1:]), e.kwargs, e.pos)
            return e

        return self.blocks(body, lambda stmts: [self.rewrite_exprs(s, fix) for s in stmts])

    def fold_ones(self, body: list[ir.Stmt]) -> list[ir.Stmt]:
        """``g * y`` is ``y`` where ``g = np.ones(s)`` and ``y`` surely has the shape ``s``.

        The cotangent of ``np.sum(e)`` spread over ``e`` is an array of ones; where it
        only scales values of its own shape, it goes.
        """
        if not _any_call(body, _is_ones):
            return body
        counts = self.counts(body)
        ones = {
            s.target.id
            for s in ir.walk(body)
            if isinstance(s, ir.Assign) and counts[s.target.id] == 1 and _is_ones(s.value)
        }

        def one(e: Expr, other: Expr) -> Expr:
            inner = e.args[0] if isinstance(e, Call) and e.op == NEG else e
            if not (isinstance(inner, Name) and inner.id in ones or _is_ones(inner)):
                return e
            if not self.expr_kind(other).same_shape(self.expr_kind(inner)):
                return e
            return Call(NEG, (Const(1.0),)) if inner is not e else Const(1.0)

        def fix(e: Expr) -> Expr:
            if isinstance(e, Call) and e.op == MUL and len(e.args) == 2:
                a, b = e.args
                new = Call(MUL, (one(a, b), one(b, a)), e.kwargs, e.pos)
                if new.args != e.args:
                    return simplify_expr(new, self.expr_kind)
            return e

        return self.blocks(body, lambda stmts: [self.rewrite_exprs(s, fix) for s in stmts])

    # dead code ------------------------------------------------------------------
    def live_code(self, body: list[ir.Stmt]) -> list[ir.Stmt]:
        self.viewers = _viewers(body, self.kinds)
        return self.dce(body, set())[0]

    def dce(self, stmts: list[ir.Stmt], live_out: set[str]) -> tuple[list[ir.Stmt], set[str]]:
        """Drop pure assignments nobody reads; return the block and what it reads.

        Liveness goes through branches (what either branch reads) and loops
        (what the next iteration reads, until that settles). Writing into an
        array is live while the array or a view of it (``y[1:]``) is."""
        live = set(live_out)
        out: list[ir.Stmt] = []
        for stmt in reversed(stmts):
            if isinstance(stmt, ir.Assign):
                if stmt.target.id not in live and _pops(stmt, self.fn.tapes):
                    continue  # `dead_tapes` then removes the pushes
                if stmt.target.id not in live and _pure(stmt.value):
                    continue
                if not stmt.accumulate:
                    live.discard(stmt.target.id)
                live |= _reads(stmt)
            elif isinstance(stmt, ir.SetItem):
                if stmt.target.id not in live and not self.viewers.get(stmt.target.id, set()) & live:
                    continue
                live |= _reads(stmt)
            elif isinstance(stmt, ir.If):
                if isinstance(stmt.test, Const):  # a branch decided when the code was made
                    taken, live = self.dce(stmt.body if stmt.test.value else stmt.orelse, live)
                    out.extend(reversed(taken))
                    continue
                body, live_then = self.dce(stmt.body, live)
                orelse, live_else = self.dce(stmt.orelse, live)
                if not body and not orelse and _pure(stmt.test):
                    continue
                if _same_code(body, orelse) and _pure(stmt.test):  # no matter which way: no `if`
                    out.extend(reversed(body))
                    live = live_then
                    continue
                stmt = ir.replace(stmt, body=body, orelse=orelse)
                live = live_then | live_else | _reads(stmt)
            elif isinstance(stmt, ir.For):
                targets = set(ir.names_in(stmt.target))
                head = set(live)
                for _ in range(10):
                    body, live_body = self.dce(stmt.body, head)
                    new_head = live | (live_body - targets)
                    if new_head <= head:
                        break
                    head |= new_head
                if not body:
                    continue
                stmt = ir.replace(stmt, body=body)
                live = head | _reads(stmt)
            elif isinstance(stmt, ir.While):
                head = set(live)
                for _ in range(10):
                    body, live_body = self.dce(stmt.body, head)
                    after_test = live | live_body | set(ir.names_in(stmt.test))
                    test_body, live_test = self.dce(stmt.test_body, after_test)
                    if live_test <= head:
                        break
                    head |= live_test
                stmt = ir.replace(stmt, test_body=test_body, body=body)
                live = head
            elif isinstance(stmt, ir.Def):
                f = stmt.function
                inner, reads = self.dce(f.body, set())
                if f.name not in live:
                    continue
                live.discard(f.name)
                live |= reads - {p.name for p in f.params}
                stmt = ir.Def(ir.replace(f, body=inner), origin=stmt.origin)
            else:
                live |= _reads(stmt)
            out.append(stmt)
        out.reverse()
        return out, live

    def dead_tapes(self, body: list[ir.Stmt]) -> list[ir.Stmt]:
        """A tape whose popped values nobody reads goes, with its pushes
        (``dce`` drops a dead ``x = tape.pop()``)."""
        popped = {s.value.args[0].id for s in ir.walk(body) if _pops(s, self.fn.tapes)}
        dead = self.fn.tapes - popped
        if not dead:
            return body

        def keep(stmt: ir.Stmt) -> bool:
            if isinstance(stmt, ir.Assign) and stmt.target.id in dead or _pops(stmt, dead):
                return False
            return not (isinstance(stmt, ir.Effect) and _touches(stmt.value, dead))

        def block(stmts: list[ir.Stmt]) -> list[ir.Stmt]:
            return [ir.with_blocks(s, block) for s in stmts if keep(s)]

        return self.live_code(block(body))

    # common subexpressions --------------------------------------------------------
    def cse(self, stmts: list[ir.Stmt]) -> list[ir.Stmt]:
        counts = self.assigned
        while True:
            seen: Counter = Counter()
            for stmt in stmts:
                for e in stmt.exprs():
                    for sub in _eager_subexpressions(e):
                        if _worth_naming(sub) and all(counts[n] <= 1 for n in ir.names_in(sub)):
                            seen[sub] += 1
            repeated = [e for e, n in seen.items() if n > 1]
            if not repeated:
                return stmts
            target = max(repeated, key=ir.count_nodes)
            first = next(
                i for i, s in enumerate(stmts) if any(target in _all_subexpressions(v) for v in s.exprs())
            )
            holder = stmts[first]
            if (
                isinstance(holder, ir.Assign)
                and holder.value == target
                and not holder.accumulate
                and counts[holder.target.id] == 1
            ):
                # `mean = np.mean(x)` already names it: later uses read `mean`
                later = [_replace_in(s, target, holder.target) for s in stmts[first + 1 :]]
                stmts = stmts[: first + 1] + later
                continue
            name = Name(self.pool.temp())
            self.temps.add(name.id)
            self.kinds[name.id] = self.expr_kind(target)
            stmts = [_replace_in(s, target, name) for s in stmts]
            stmts.insert(first, ir.Assign(name, target, origin=stmts[first].origin))

    # accumulations ------------------------------------------------------------
    def fuse(self, stmts: list[ir.Stmt]) -> list[ir.Stmt]:
        """``x = a; ...; x += b``  ->  ``...; x = a + b`` when nothing in between cares."""
        stmts = list(stmts)
        i = 0
        while i < len(stmts):
            stmt = stmts[i]
            if isinstance(stmt, ir.Assign) and stmt.accumulate:
                name = stmt.target.id
                j = i - 1
                while j >= 0 and name not in _all_writes(stmts[j]) | _all_reads(stmts[j]):
                    j -= 1
                if j >= 0 and isinstance(stmts[j], ir.Assign) and stmts[j].target.id == name:
                    first = stmts[j]
                    between = stmts[j + 1 : i]
                    written = {w for s in between for w in _all_writes(s)}
                    merged = simplify_expr(Call(ir.ADD, (first.value, stmt.value)), self.expr_kind)
                    if (
                        not written & set(ir.names_in(first.value))
                        and _pure(first.value)
                        and ir.count_nodes(merged) <= MAX_NODES
                    ):
                        stmts[i] = ir.Assign(stmt.target, merged, first.accumulate, origin=stmt.origin)
                        del stmts[j]
                        continue
            i += 1
        return stmts

    def gather(self, stmts: list[ir.Stmt]) -> list[ir.Stmt]:
        """``c = zeros_of(p); c[0] += a; c[1] += b; ...`` where every item is added once by
        a constant index: ``c = [a, b]`` (a dict display for a dict)."""
        for i, stmt in enumerate(stmts):
            if not (isinstance(stmt, ir.Assign) and _calls_helper(stmt.value, "zeros_of")):
                continue
            name, like = stmt.target.id, stmt.value.args[0]
            k = self.expr_kind(like)
            slots = k.keys if k.type is dict else range(len(k.items)) if k.items is not None else None
            if slots is None:
                continue
            adds: dict[object, Expr] = {}
            used = []
            for j, later in enumerate(stmts[i + 1 :], i + 1):
                if name not in _all_reads(later) | _all_writes(later):
                    continue
                index = later.index if isinstance(later, ir.SetItem) else None
                if isinstance(index, Const) and type(index.value) is int and k.type is not dict:
                    n = len(list(slots))
                    index = Const(index.value + n) if -n <= index.value < 0 else index  # xs[-1]
                if (
                    isinstance(later, ir.SetItem)
                    and later.accumulate
                    and later.target.id == name
                    and isinstance(index, Const)
                    and index.value in slots
                    and name not in ir.names_in(later.value)
                ):
                    key = index.value
                    adds[key] = simplify_expr(Call(ir.ADD, (adds[key], later.value)), self.expr_kind) \
                        if key in adds else later.value  # fmt: skip
                    used.append(j)
                else:
                    break  # read, or changed otherwise: keep the list
            else:
                continue
            if not used:
                continue
            for key in slots:  # an item nothing was added to: its zero
                if key not in adds:
                    adds[key] = runtime_call("zeros_of", Call(ir.GETITEM, (like, Const(key))))
            if k.type is dict:
                value = Call(ir.DICT, (), tuple((key, adds[key]) for key in slots))
            else:
                value = Call(ir.LIST, tuple(adds[j] for j in slots))
            last = used[-1]
            rebuilt = [s for j, s in enumerate(stmts) if j != i and j not in used]
            position = last - len(used)  # where the last addition stood, once the others are gone
            rebuilt.insert(position, ir.Assign(stmt.target, value, origin=stmts[last].origin))
            self.kinds[name] = self.expr_kind(value)
            return self.gather(rebuilt)
        return stmts

    # folding temporaries back ----------------------------------------------------
    def inline(self, body: list[ir.Stmt]) -> list[ir.Stmt]:
        """Fold temporaries that are read once into the statement that reads them."""
        self.viewers = _viewers(body, self.kinds)
        counts = self.counts(body)
        reads: Counter = Counter()
        for stmt in ir.walk(body):
            reads.update(stmt.reads())

        def block(stmts: list[ir.Stmt]) -> list[ir.Stmt]:
            stmts = [ir.with_blocks(s, block) for s in stmts]
            i = 0
            while i < len(stmts):
                stmt = stmts[i]
                name = stmt.target.id if isinstance(stmt, ir.Assign) else None
                gathered = (
                    isinstance(stmt, ir.Assign)
                    and isinstance(stmt.value, Call)
                    and (stmt.value.op.form in ("list", "dict"))
                )  # a container's gradient, item by item
                if (
                    (name in self.temps or gathered)
                    and not stmt.accumulate
                    and counts[name] == 1
                    and (reads[name] == 1)
                ):
                    j = next((k for k in range(i + 1, len(stmts)) if name in _reads(stmts[k])), None)
                    if j is not None and self.can_move(stmts, i, j):
                        new = self.rewrite(_replace_name(stmts[j], name, stmt.value), {})
                        if all(ir.count_nodes(v) <= MAX_NODES for v in new.exprs()):
                            stmts[j] = new
                            del stmts[i]
                            continue
                i += 1
            return stmts

        return block(body)

    def inline_views(self, stmts: list[ir.Stmt]) -> list[ir.Stmt]:
        """``v2 = K.T`` folds into every use: ``K.T`` reads as well as ``v2`` and costs nothing."""
        counts = self.counts(self.fn.body)
        out: list[ir.Stmt] = []
        mapping: dict[str, Expr] = {}
        for stmt in stmts:
            stmt = self.rewrite_deep(stmt, mapping) if mapping else stmt
            if (
                isinstance(stmt, ir.Assign)
                and not stmt.accumulate
                and stmt.target.id in self.temps
                and counts[stmt.target.id] == 1
                and (
                    _is_view(stmt.value)
                    or (
                        broadcast_value(stmt.value) is not None
                        and self.only_elementwise_uses(stmt.target.id, stmts)
                    )
                )
            ):
                mapping[stmt.target.id] = stmt.value
                continue
            out.append(stmt)
        return out if mapping else stmts

    def rewrite_deep(self, stmt: ir.Stmt, mapping: dict[str, Expr]) -> ir.Stmt:
        """``rewrite``, in nested blocks too."""
        stmt = self.rewrite(stmt, mapping)
        return ir.with_blocks(stmt, lambda b: [self.rewrite_deep(s, mapping) for s in b])

    def only_elementwise_uses(self, name: str, stmts: list[ir.Stmt]) -> bool:
        """Whether every use of ``name`` is an operand of an elementwise operation,
        where a filled array can be replaced by its fill value."""

        def uses(e: Expr, parent: Call | None) -> bool:
            if isinstance(e, Name):
                if e.id != name:
                    return True
                rule = lookup(parent.op) if parent is not None else None
                return rule is not None and rule.elementwise
            if isinstance(e, Call):
                return all(uses(c, e) for c in e.children())
            return True

        every = list(ir.walk(stmts))
        return all(uses(v, None) for s in every for v in s.exprs()) and not any(
            isinstance(s, (ir.Assign, ir.SetItem)) and s.target.id == name and s is not every[0]
            for s in every
        )

    def can_move(self, stmts: list[ir.Stmt], i: int, j: int) -> bool:
        """Whether statement ``i``'s value may be computed at statement ``j`` instead."""
        value = stmts[i].value
        target = stmts[j]
        display = isinstance(value, Call) and value.op.form in ("list", "dict")
        if isinstance(target, ir.Def) or isinstance(target, ir.Return) and not display:
            return False
        if isinstance(target, ir.Assign) and target.accumulate and target.target.id in ir.names_in(value):
            return False
        between = stmts[i + 1 : j]
        written = {w for s in between for w in _all_writes(s)}
        for w in list(written):  # y[1:] = ... changes what the views of y read
            written |= self.viewers.get(w, set())
        if written & set(ir.names_in(value)):
            return False
        if not _pure(value) and any(not _pure(v) for s in between for v in s.exprs()):
            return False
        return not any(isinstance(s, ir.Def) for s in between)

    # default arguments --------------------------------------------------------------
    def cleanup(self, stmts: list[ir.Stmt]) -> list[ir.Stmt]:
        return [self.rewrite_exprs(s, _drop_defaults) for s in stmts]

    def rewrite_exprs(self, stmt: ir.Stmt, f: Callable[[Expr], Expr]) -> ir.Stmt:
        def walk(e: Expr) -> Expr:
            return f(e.map(walk)) if isinstance(e, Call) else e

        return stmt.map_exprs(walk)


def _gradient_names(body: list[ir.Stmt]) -> set[str]:
    """The adjoints handed back as gradients (``as_gradient(x_bar, x)`` in a return)."""
    names = set()
    for stmt in ir.walk(body):
        if isinstance(stmt, ir.Return):
            for e in _all_subexpressions(stmt.value):
                if isinstance(e, Call) and e.op.name == "as_gradient" and isinstance(e.args[0], Name):
                    names.add(e.args[0].id)
    return names


def _fingerprint(body: list[ir.Stmt]) -> tuple:
    """A cheap structural summary, to see when a round of passes changed nothing."""
    out = []
    for s in ir.walk(body):
        out.append((type(s).__name__, *(getattr(s, a, None) for a in ("target", "value", "accumulate"))))
    return tuple(out)


def _calls_helper(e: Expr, name: str) -> bool:
    return isinstance(e, Call) and e.op.form == "call" and getattr(e.op.fn, "__name__", "") == name


def _pops(stmt: ir.Stmt, tapes: set[str]) -> bool:
    """``x = tape.pop()``."""
    v = getattr(stmt, "value", None)
    return (
        isinstance(stmt, ir.Assign)
        and isinstance(v, Call)
        and v.op.form == "method"
        and v.op.symbol == "pop"
        and isinstance(v.args[0], Name)
        and v.args[0].id in tapes
    )


def _touches(e: Expr, names: set[str]) -> bool:
    return bool(set(ir.names_in(e)) & names)


def _viewers(body: list[ir.Stmt], kinds: dict[str, Kind] | None = None) -> dict[str, set[str]]:
    """For each array, the names that may be views of it (``v = y[1:]``, ``w = v.T``);
    a number read from an array (``y[0]``) is a copy."""

    base: dict[str, str] = {}
    for stmt in ir.walk(body):
        if isinstance(stmt, ir.Assign) and view_of(stmt.value) is not None:
            if kinds is not None and kinds.get(stmt.target.id, UNKNOWN).is_scalar:
                continue
            base[stmt.target.id] = view_of(stmt.value)
    out: dict[str, set[str]] = {}
    for view in base:
        seen, b = set(), base[view]
        while b is not None and b not in seen:
            seen.add(b)
            out.setdefault(b, set()).add(view)
            b = base.get(b)
    return out


def _first_writes(stmts: list[ir.Stmt]) -> list[ir.Stmt]:
    """``a[i] += e`` is ``a[i] = e`` in a loop over distinct ``i`` into fresh zeros.

    The adjoint of ``c[i]`` read once per iteration of ``for i in range(...)``::

        c_bar = np.zeros(c.shape)
        for i in reversed(range(1, n)):
            c_bar[i] += p_bar        ->    c_bar[i] = p_bar

    Each iteration writes an element no other iteration writes (the indices of a range
    that starts at zero or above are distinct, and not negative), into an array of
    zeros that nothing else touches in between."""
    out = list(stmts)
    for k, stmt in enumerate(out):
        if not (isinstance(stmt, ir.Assign) and not stmt.accumulate and _is_zeros(stmt.value)):
            continue
        name = stmt.target.id
        for j in range(k + 1, len(out)):
            loop = out[j]
            if isinstance(loop, ir.For) and _distinct_indices(loop):
                writes = [
                    i
                    for i, st in enumerate(loop.body)
                    if isinstance(st, ir.SetItem)
                    and st.target.id == name
                    and st.accumulate
                    and st.index == loop.target
                    and name not in ir.names_in(st.value)
                ]
                others = [st for i, st in enumerate(loop.body) if i not in writes[:1]]
                if len(writes) == 1 and not any(_mentions([st], name) for st in others):
                    body = list(loop.body)
                    body[writes[0]] = ir.replace(body[writes[0]], accumulate=False)
                    out[j] = ir.replace(loop, body=body)
            if _mentions([loop], name):
                break
    return out


def _distinct_indices(loop: ir.For) -> bool:
    """``for i in range(...)`` (or its reverse) over indices that are all at least zero, with
    ``i`` not changed in the body."""
    import builtins

    if not isinstance(loop.target, Name) or loop.target.id in {
        w for s in ir.walk(loop.body) for w in s.writes()
    }:
        return False
    it = loop.iter
    if isinstance(it, Call) and it.op.form == "call" and it.op.fn is builtins.reversed:
        it = it.args[0]
    if not (isinstance(it, Call) and it.op.form == "call" and it.op.fn is builtins.range and not it.kwargs):
        return False
    bounds = [a.value if isinstance(a, Const) else None for a in it.args]
    if len(bounds) == 1:
        return True
    start, *rest = bounds
    step = rest[1] if len(rest) > 1 else 1
    if type(step) is not int or step == 0:
        return False
    if step > 0:
        return type(start) is int and start >= 0
    stop = rest[0]
    return type(stop) is int and stop >= -1


def _is_zeros(e: Expr) -> bool:
    """``np.zeros(shape)``: a new array of float zeros."""
    return filled(e, np.zeros)


def _any_call(body: list[ir.Stmt], test: Callable[[Expr], bool]) -> bool:
    """Whether some expression in ``body`` (nested blocks included) passes ``test``."""
    return any(
        isinstance(e, Call) and test(e)
        for stmt in ir.walk(body)
        for value in stmt.exprs()
        for e in _all_subexpressions(value)
    )


def _reads_shape(e: Call) -> bool:
    """``x.shape``, ``x.size``, ``x.ndim`` or ``np.shape(x)`` and the like."""
    return (
        e.op.form == "attr"
        and e.op.symbol in ("shape", "size", "ndim")
        or (e.op.form == "call" and e.op.fn in (np.shape, np.size, np.ndim))
    )


def _is_ones(e: Expr) -> bool:
    """``np.ones(shape)``: an array of float ones."""
    return filled(e, np.ones)


def filled(e: Expr, maker: Callable) -> bool:
    """``maker(shape)`` with nothing else: ``np.zeros(s)``, ``np.ones(s)``."""
    return (
        isinstance(e, Call) and e.op.form == "call" and e.op.fn is maker and len(e.args) == 1 and not e.kwargs
    )


def _deep_writes(stmt: ir.Stmt) -> set[str]:
    return {w for s in ir.walk([stmt]) for w in _all_writes(s)}


def _forward_copies(stmts: list[ir.Stmt]) -> list[ir.Stmt]:
    """After ``x_1 = x_2``, read ``x_1`` for ``x_2`` (versions of one variable), until either
    changes: ``x_2`` is then read only by the copy, and the two can share a name."""
    out = list(stmts)
    for i, stmt in enumerate(out):
        if not (isinstance(stmt, ir.Assign) and isinstance(stmt.value, Name) and not stmt.accumulate):
            continue
        a, b = stmt.target.id, stmt.value.id
        if not _versions_of_one(a, b):
            continue
        mapping = {b: Name(a)}
        for j in range(i + 1, len(out)):
            later = out[j]
            if {a, b} & {w for s in ir.walk([later]) for w in _all_writes(s)}:
                if isinstance(later, (ir.Assign, ir.SetItem)):  # read before it writes
                    out[j] = later.map_exprs(lambda e, m=mapping: ir.substitute(e, m))
                break
            out[j] = _renamed_reads(later, mapping)
    return out


def _renamed_reads(stmt: ir.Stmt, mapping: dict[str, Expr]) -> ir.Stmt:
    new = stmt.map_exprs(lambda e: ir.substitute(e, mapping))
    return ir.with_blocks(new, lambda b: [_renamed_reads(x, mapping) for x in b])


def _tangent_first(stmts: list[ir.Stmt]) -> list[ir.Stmt]:
    """``x_2 = e; x_2_dot = t``  ->  ``x_2_dot = t; x_2 = e`` when ``t`` does not read ``x_2``:
    the tangent is updated before the value it reads from is overwritten, as by hand."""
    out = list(stmts)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if (
            isinstance(a, ir.Assign)
            and isinstance(b, ir.Assign)
            and not a.accumulate
            and not b.accumulate
            and b.target.id == f"{a.target.id}_dot"
            and a.target.id not in ir.names_in(b.value)
            and b.target.id not in ir.names_in(a.value)
        ):
            out[i], out[i + 1] = b, a
    return out


def _split_unpacks(stmts: list[ir.Stmt]) -> list[ir.Stmt]:
    """``a, b = [e1, e2]``  ->  ``a = e1; b = e2`` (when no item reads a target)."""
    out: list[ir.Stmt] = []
    for stmt in stmts:
        v = stmt.value if isinstance(stmt, ir.Unpack) else None
        if (
            isinstance(v, Call)
            and v.op.form in ("tuple", "list")
            and len(v.args) == len(stmt.targets)
            and not {t.id for t in stmt.targets} & {n for a in v.args for n in ir.names_in(a)}
        ):
            out += [ir.Assign(t, e, origin=stmt.origin) for t, e in zip(stmt.targets, v.args)]
        else:
            out.append(stmt)
    return out


def _hoist_common(stmts: list[ir.Stmt]) -> list[ir.Stmt]:
    """``if c: a = b; ... else: a = b; ...``  ->  ``a = b; if c: ...``: what both branches
    start with happens before the ``if`` (when the test does not read what it writes)."""
    out: list[ir.Stmt] = []
    for stmt in stmts:
        lead: list[ir.Stmt] = []
        while (
            isinstance(stmt, ir.If)
            and stmt.body
            and stmt.orelse
            and isinstance(stmt.body[0], ir.Assign)
            and _same_code(stmt.body[:1], stmt.orelse[:1])
            and not _all_writes(stmt.body[0]) & set(ir.names_in(stmt.test))
            and _pure(stmt.body[0].value)
        ):
            lead.append(stmt.body[0])
            stmt = ir.replace(stmt, body=stmt.body[1:], orelse=stmt.orelse[1:])
        out += lead
        if isinstance(stmt, ir.If) and not stmt.body and not stmt.orelse and _pure(stmt.test):
            continue
        if isinstance(stmt, ir.If) and not stmt.body and stmt.orelse:
            test = fold_constant(Call(ir.UNARY["not"], (stmt.test,)))
            stmt = ir.replace(stmt, test=test, body=stmt.orelse, orelse=[])
        out.append(stmt)
    return out


def _version(n: str) -> int:
    n = n.removesuffix("_dot")
    head, _, tail = n.rpartition("_")
    return int(tail) if head and tail.isdigit() else 0


def _mentions(stmts: list[ir.Stmt], name: str) -> bool:
    return any(name in set(s.reads()) | _all_writes(s) for s in ir.walk(stmts))


def _versions_of_one(a: str, b: str) -> bool:
    """``x`` and ``x_1``, ``x_1`` and ``x_2``: SSA versions of one variable of the user's."""

    def base(n: str) -> str:
        suffix = "_dot" if n.endswith("_dot") else ""  # tangents: x_1_dot and x_2_dot
        n = n.removesuffix(suffix)
        head, _, tail = n.rpartition("_")
        return (head if head and tail.isdigit() else n) + suffix

    return a != b and base(a) == base(b) and not a.endswith("_bar")


def _blocks_of(body: list[ir.Stmt]) -> Iterator[list[ir.Stmt]]:
    yield body
    for stmt in body:
        for block in stmt.blocks():
            yield from _blocks_of(block)


def _rename_all(stmts: list[ir.Stmt], mapping: dict[str, str]) -> list[ir.Stmt]:
    """Every read and write of the names in ``mapping`` under their new names."""
    names = {old: Name(new) for old, new in mapping.items()}

    def name(n: Name) -> Name:
        return names.get(n.id, n)

    def stmt(s: ir.Stmt) -> ir.Stmt:
        new = s.map_exprs(lambda e: ir.substitute(e, names))
        changes: dict = {}
        if isinstance(new, (ir.Assign, ir.SetItem)) and new.target.id in names:
            changes["target"] = name(new.target)
        if isinstance(new, ir.Unpack):
            changes["targets"] = tuple(name(t) for t in new.targets)
        if isinstance(new, ir.For):
            changes["target"] = ir.substitute(new.target, names)
        if isinstance(new, (ir.If, ir.For, ir.While)):
            changes["joins"] = [mapping.get(j, j) for j in new.joins]
        if changes:
            marked = new
            new = ir.replace(new, **changes)
            for marker in ("recomputed", "restore_of"):
                if hasattr(marked, marker):
                    setattr(new, marker, getattr(marked, marker))
        if isinstance(new, ir.Def):
            f = new.function
            fparams = [ir.replace(p, name=mapping.get(p.name, p.name)) for p in f.params]
            return ir.Def(ir.replace(f, params=fparams, body=block(f.body)), origin=new.origin)
        return ir.with_blocks(new, block)

    def block(b: list[ir.Stmt]) -> list[ir.Stmt]:
        out = []
        for s in b:
            s = stmt(s)
            if isinstance(s, ir.Assign) and s.value == s.target and not s.accumulate:
                continue  # the copy that joined them
            out.append(s)
        return out

    return block(stmts)


def _read_counts(stmts: list[ir.Stmt]) -> Counter:
    out: Counter = Counter()
    for stmt in ir.walk(stmts):
        out.update(stmt.reads())
    return out


def _not_written(name: str, stmts: list[ir.Stmt]) -> bool:
    return not any(name in _all_writes(s) for s in stmts)


def _drop_copies_back(stmts: list[ir.Stmt], equal: frozenset = frozenset()) -> list[ir.Stmt]:
    """``a = b; ...; b = a`` with neither written in between: the second copy changes nothing.

    ``equal`` holds the pairs of names known to be equal at the start of the
    block; the branches of an ``if`` start with what holds before it."""
    out: list[ir.Stmt] = []
    for stmt in stmts:
        if isinstance(stmt, ir.Assign) and isinstance(stmt.value, Name) and not stmt.accumulate:
            pair = frozenset((stmt.value.id, stmt.target.id))
            if pair in equal or len(pair) == 1:
                continue
        if isinstance(stmt, ir.If):
            stmt = ir.replace(
                stmt, body=_drop_copies_back(stmt.body, equal), orelse=_drop_copies_back(stmt.orelse, equal)
            )
        written = _all_writes(stmt)
        equal = frozenset(p for p in equal if not p & written)
        if isinstance(stmt, ir.Assign) and isinstance(stmt.value, Name) and not stmt.accumulate:
            equal |= {frozenset((stmt.value.id, stmt.target.id))}
        out.append(stmt)
    return out


def _same_code(a: list[ir.Stmt], b: list[ir.Stmt]) -> bool:
    """Whether two blocks do the same (they print the same)."""
    return (
        len(a) == len(b)
        and _fingerprint(a) == _fingerprint(b)
        and all(type(x) is type(y) and _same_code(_nested(x), _nested(y)) for x, y in zip(a, b))
    )


def _nested(stmt: ir.Stmt) -> list[ir.Stmt]:
    return [s for block in stmt.blocks() for s in block]


def _all_reads(stmt: ir.Stmt) -> set[str]:
    return {n for s in ir.walk([stmt]) for n in s.reads()}


def _all_writes(stmt: ir.Stmt) -> set[str]:
    return {n for s in ir.walk([stmt]) for n in s.writes()}


def _all_subexpressions(e: Expr):
    yield e
    if isinstance(e, Call):
        for c in e.children():
            yield from _all_subexpressions(c)


def _eager_subexpressions(e: Expr):
    """Subexpressions always evaluated with ``e`` (not a branch of ``a if c else b``)."""
    yield e
    if isinstance(e, Call):
        children = list(e.children())
        if e.op is ir.IFEXP or e.op.form == "boolop":
            children = children[:1]
        for c in children:
            yield from _eager_subexpressions(c)


def _is_view(e: Expr) -> bool:
    """A transpose of a name: as cheap to write again as to name."""
    is_transpose = isinstance(e, Call) and e.op.form == "attr" and e.op.symbol == "T"
    return is_transpose and isinstance(e.args[0], (Name, Ref))


def _worth_naming(e: Expr) -> bool:
    if not isinstance(e, Call) or not _pure(e) or e.op.form in ir.STRUCTURAL or e.op.form == "attr":
        return False
    if e.op is ir.NEG and not isinstance(e.args[0], Call):
        return False
    if e.op.form == "call" and e.op.fn is range:  # range(len(xs)) reads best where it is used
        return False
    if (
        e.op.form == "binary"
        and all(isinstance(a, (Name, Const)) for a in e.args)
        and any(isinstance(a, Const) for a in e.args)
    ):
        return False  # 2 * x: as cheap to write twice as to name
    return ir.count_nodes(e) >= 3


def _replace_in(stmt: ir.Stmt, old: Expr, new: Expr) -> ir.Stmt:
    def sub(e: Expr) -> Expr:
        if e == old:
            return new
        return e.map(sub) if isinstance(e, Call) else e

    return stmt.map_exprs(sub)


def _replace_name(stmt: ir.Stmt, name: str, value: Expr) -> ir.Stmt:
    return _replace_in(stmt, Name(name), value)


def _drop_defaults(e: Call) -> Expr:
    """``np.mean(a, axis=None, keepdims=True)``  ->  ``np.mean(a, keepdims=True)``."""
    if e.op.form not in ("call", "method"):
        return e
    rule = lookup(e.op)
    if rule is None:
        return e
    try:
        rule.bind(e)
    except BindError:
        return e
    params = rule.params

    def is_default(p: str, v: Expr) -> bool:
        d = rule.defaults.get(p, REQUIRED)
        return d is not REQUIRED and isinstance(v, Const) and Const(d) == v

    kwargs = tuple((k, v) for k, v in e.kwargs if not is_default(k, v))
    args = list(e.args)
    while args and len(args) <= len(params) and is_default(params[len(args) - 1], args[-1]):
        args.pop()
    if len(args) == len(e.args) and len(kwargs) == len(e.kwargs):
        return e
    return Call(e.op, tuple(args), kwargs, e.pos)
