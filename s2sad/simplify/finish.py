"""The last pass: hand adjoints over as gradients, and make in-place updates safe.

After simplification an adjoint may be a NumPy scalar where a Python float
was passed, an argument itself (``x_bar = y``), or a read-only broadcast view.
``finish`` tracks which names hold a value nobody else holds (a *fresh*
value: a number, or a new writable array) and

- turns each returned adjoint into a gradient of its argument's type:
  ``float(x_bar)`` for a Python number, ``x_bar.copy()`` for an array that is
  not fresh, ``x_bar.astype(float)`` for an integer array;
- keeps ``x_bar += e`` only where ``x_bar`` is a number or a fresh float
  array, and writes ``x_bar = x_bar + e`` elsewhere;
- copies an adjoint array before it is updated in place (``x_bar[i] += g``)
  if it may be shared.

Freshness is followed through branches (fresh after an ``if`` if fresh after
both branches) and loops (until it settles). A value that a second name takes
(``v3_bar = v2_bar``, a view ``v3_bar = v2_bar.T``, an item of a tuple) is no
longer fresh under either name while both are read, since a change in place
through one would be seen through the other.

>>> import numpy as np
>>> from s2sad.ir.printer import body_source
>>> from s2sad.simplify.examples import read, state
>>> body = read('''
... x_bar = y
... x_bar += np.cos(x)
... y_bar = y
... w_bar = np.sum(y)
... return [as_gradient(x_bar, x), as_gradient(y_bar, y), as_gradient(w_bar, w)]
... ''')
>>> s = state(body, x=np.ones(3), y=np.ones(3), w=2.0)
>>> print(body_source(finish(s.fn, s.kinds).body), end="")
x_bar = y
x_bar = x_bar + np.cos(x)
y_bar = y
w_bar = np.sum(y)
return [x_bar, y_bar.copy(), float(w_bar)]

Two names of one new array, both read after a change in place to one of them:

>>> body = read('''
... v1 = np.ones(x.shape)
... y_bar = v1
... y_bar[0] += 2.0
... x_bar = v1 + y_bar
... return [as_gradient(x_bar, x), as_gradient(y_bar, y)]
... ''')
>>> s = state(body, x=np.ones(3), y=np.ones(3))
>>> print(body_source(finish(s.fn, s.kinds).body), end="")
v1 = np.ones(x.shape)
y_bar = v1
y_bar = y_bar.copy()
y_bar[0] += 2.0
x_bar = v1 + y_bar
return [x_bar, y_bar]
"""

from __future__ import annotations

import numpy as np

from .. import ir
from ..analysis.infer import item_set
from ..checkpointing import reverse_steps
from ..derive.request import AS_GRADIENT
from ..ir import Call, Const, Expr, Name, attr_op, method_op
from ..ir.kinds import UNKNOWN, Kind, element_kind
from ..rules.instantiate import expr_kind, np_call, runtime_call

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
}
_READ_ONLY = {"broadcast_to", "broadcast_like", "unreduce", "diagonal"}
# calls whose result may be (or hold) their first argument itself, or views of it
_PASS_THROUGH = (
    _VIEWS
    | _READ_ONLY
    | {
        "gradient_like",
        "spread",
        "unconcatenate",
        "unstack",
        "unhstack",
        "unvstack",
        "uncolumn_stack",
    }
)
_VIEW_METHODS = {"reshape", "ravel", "transpose", "squeeze", "swapaxes", "view", "diagonal"}


def _held(e: Expr, kind_of) -> set[str]:
    """The names whose arrays ``e`` may be, hold or be a view of: after ``y = e`` a change in
    place to ``y`` would be seen through them (``v``, ``v.T``, ``v[1:]``, ``(v, w)``, ``t[1]``)."""
    if isinstance(e, Name):
        return {e.id}
    if not isinstance(e, Call) or expr_kind(e, kind_of).is_scalar:
        return set()  # a number is a copy
    op = e.op
    name = getattr(op.fn, "__name__", op.symbol)
    if op.form in ("tuple", "list", "dict"):
        parts = [*e.args, *(v for _, v in e.kwargs)]
    elif op is ir.IFEXP:
        parts = list(e.args[1:])
    elif (
        op.form == "subscript"
        or op.form == "attr"
        and op.symbol == "T"
        or op.form == "call"
        and name in _PASS_THROUGH
        or op.form == "method"
        and op.symbol in _VIEW_METHODS
    ):
        parts = list(e.args[:1])
    else:
        return set()  # a new value
    return {n for part in parts for n in _held(part, kind_of)}


def _live_after(stmts: list[ir.Stmt], after: set[str]) -> list[set[str]]:
    """For each statement of a block, the names that may be read after it (``after``: after
    the block). A name bound again before it is read is not, where the block binds it
    (a binding inside a nested block may not run)."""
    live = set(after)
    out: list[set[str]] = []
    for stmt in reversed(stmts):
        out.append(set(live))
        if isinstance(stmt, ir.Assign) and not stmt.accumulate:
            live.discard(stmt.target.id)
        elif isinstance(stmt, ir.Unpack):
            live.difference_update(t.id for t in stmt.targets)
        live.update(n for s in ir.walk([stmt]) for n in s.reads())
    out.reverse()
    return out


def _reads(stmts: list[ir.Stmt]) -> set[str]:
    return {n for s in ir.walk(stmts) for n in s.reads()}


def _fresh(e: Expr, fresh: set[str], kind_of) -> bool:
    """Whether ``e`` is a value no one else holds: a number, or a new writable array."""
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
    if op.form == "call" and name == "diag":  # a new matrix from a vector, a read-only view of a matrix
        return bool(e.args) and expr_kind(e.args[0], kind_of).ndim == 1
    if op.form == "call" and name in _READ_ONLY or op.form == "subscript":
        return False
    if op.form == "method" and op.symbol == "pop":
        return False  # a value from a tape: the primal's own, not ours to change
    return op.form in ("call", "method") and op is not AS_GRADIENT


def _shared_with(e: Expr) -> str | None:
    """The name whose array ``e`` may be: ``y`` for ``y``, ``y.T`` or ``unbroadcast(y, s)``."""
    if isinstance(e, Name):
        return e.id
    if not (isinstance(e, Call) and e.args and isinstance(e.args[0], Name)):
        return None
    name = getattr(e.op.fn, "__name__", e.op.symbol)
    if e.op.form == "attr" and e.op.symbol == "T" or e.op.form == "call" and name in _VIEWS:
        return e.args[0].id
    return None


class Finish:
    def __init__(self, kinds: dict[str, Kind], adjoints: set[str]):
        self.kinds = dict(kinds)
        self.derived = kinds  # as the derivation left them
        self.adjoints = adjoints
        self.displays: dict[str, Call] = {}  # adjoints of containers assigned a display
        self.shared: set[str] = set()  # names whose array another name has taken at some point
        self.closures: set[str] = set()  # names nested functions read: read whenever they run
        self.shallow: set[str] = set()  # lists that are ours, with arrays in them that may not be
        self.numpy_numbers: set[str] = set()  # of float kind, but maybe NumPy numbers

    def kind_of(self, name: str) -> Kind:
        return self.kinds.get(name, UNKNOWN)

    def block(self, stmts: list[ir.Stmt], fresh: set[str], after: set[str]) -> list[ir.Stmt]:
        """The block finished; ``after``: the names that may be read after it."""
        out: list[ir.Stmt] = []
        for stmt, live in zip(stmts, _live_after(stmts, after | self.closures), strict=True):
            out += self.statement(stmt, fresh, live)
            if stmt.blocks():  # a display assigned on one path only is not the value after it
                for name in {w for s in ir.walk([stmt]) for w in s.writes()} & set(self.displays):
                    del self.displays[name]
        return out

    def own(self, name: str, fresh: set[str], origin) -> list[ir.Stmt]:
        """Copy ``name`` before it is changed in place, unless it is ours already."""
        if name in fresh:
            return []
        fresh.add(name)
        return [ir.Assign(Name(name), Call(method_op("copy"), (Name(name),)), origin=origin)]

    def take(self, value: Expr, fresh: set[str], live: set[str], *names: str) -> bool:
        """A statement stores ``value`` (or a view of it) under new ``names`` (or in a list):
        the names it holds are fresh no longer; whether the new name has a fresh value (none
        of them read later)."""
        held = _held(value, self.kind_of)
        fresh -= held
        if held:
            self.shared |= held | set(names)
        return not held & live

    def into_container(self, stmt: ir.SetItem, ours: bool, fresh: set[str], live: set[str]) -> ir.SetItem:
        """``c[k] = v`` stores ``v`` itself; ``c[k] += v`` adds into the array in ``c`` in
        place, which is written ``c[k] = c[k] + v`` unless the array is ours alone."""
        entry = Call(ir.GETITEM, (stmt.target, stmt.index))
        if stmt.accumulate and not ours and not expr_kind(entry, self.kind_of).is_scalar:
            added = Call(ir.ADD, (entry, stmt.value))
            return ir.SetItem(stmt.target, stmt.index, added, origin=stmt.origin)
        if not stmt.accumulate and not _fresh(stmt.value, fresh, self.kind_of):
            self.shallow.add(stmt.target.id)
        self.take(stmt.value, fresh, live)
        return stmt

    def statement(self, stmt: ir.Stmt, fresh: set[str], live: set[str]) -> list[ir.Stmt]:
        """``stmt`` finished; ``live``: the names that may be read after it."""
        if isinstance(stmt, ir.Assign):
            # the kind the value really has: an adjoint of a float may be a NumPy scalar
            k = expr_kind(stmt.value, self.kind_of)
            name = stmt.target.id
            known = self.kinds.get(name)
            if k.type is None and known is not None and not stmt.accumulate:
                k = known  # a value popped from a tape has the kind it was pushed with
            if k.type is list and k.elem is None and not k.items and known is not None and known.type is list:
                k = known  # a list that appends fill: inference saw what goes in
            self.kinds[name] = known.join(k) if stmt.accumulate and known is not None else k
            if not stmt.accumulate and _adds_to(stmt) and self.kinds[name].is_scalar:
                stmt = ir.Assign(stmt.target, stmt.value.args[1], accumulate=True, origin=stmt.origin)
            if stmt.accumulate:
                safe = self.kinds[name].is_scalar or (name in fresh and self.kinds[name].is_float)
                if not safe:
                    stmt = ir.Assign(stmt.target, Call(ir.ADD, (stmt.target, stmt.value)), origin=stmt.origin)
                fresh.add(name)
            else:
                own = _fresh(stmt.value, fresh, self.kind_of)
                alone = self.take(stmt.value, fresh, live - {name}, name)
                (fresh.add if own and alone else fresh.discard)(name)
            stmt.value = self.hand_over(stmt.value, fresh)
            self.displays.pop(name, None)
            if (
                isinstance(stmt.value, Call)
                and stmt.value.op.form in ("list", "dict")
                and not stmt.accumulate
            ):
                self.displays[name] = stmt.value
            return [stmt]
        if isinstance(stmt, ir.Unpack):  # the items of an array or a list: views, or NumPy scalars
            whole = expr_kind(stmt.value, self.kind_of)
            pullback = isinstance(stmt.value, Call) and stmt.value.op is ir.APPLY  # gradients: kinds known
            if isinstance(stmt.value, Call) and stmt.value.op.fn is reverse_steps:
                # a checkpointed loop's adjoints, as the derivation made them (not as its steps left them)
                pullback = True
                self.kinds.update({t.id: self.derived.get(t.id, UNKNOWN) for t in stmt.targets})
            for j, target in enumerate(stmt.targets):
                k = (
                    whole.items[j]
                    if whole.items is not None and j < len(whole.items)
                    else element_kind(whole)
                )
                if not pullback:
                    self.kinds[target.id] = k
                fresh.discard(target.id)
            self.take(stmt.value, fresh, live, *(t.id for t in stmt.targets))
            return [stmt]
        if isinstance(stmt, ir.SetItem):
            whole = self.kinds.get(stmt.target.id)
            if whole is not None and whole.is_container:  # a NumPy float put in a float item
                self.kinds[stmt.target.id] = item_set(
                    whole, stmt.index, expr_kind(stmt.value, self.kind_of), existing=True
                )
            name = stmt.target.id
            changes = name in self.adjoints or name in self.shared  # may be seen through another name
            ours = name in fresh and name not in self.shallow  # the list and every array in it
            prefix = self.own(name, fresh, stmt.origin) if changes else []
            if self.kind_of(name).is_container:
                stmt = self.into_container(stmt, ours, fresh, live)
                if prefix:
                    self.shallow.add(name)  # a copy of the list holds the same arrays
            self.displays.pop(stmt.target.id, None)  # changed since: no longer the display
            return prefix + [stmt]
        if isinstance(stmt, ir.Effect) and _is_add_at(stmt.value):
            target = stmt.value.args[0]
            self.displays.pop(target.id, None)
            return self.own(target.id, fresh, stmt.origin) + [stmt]
        if isinstance(stmt, ir.Effect) and _stores(stmt.value):  # items.append(v_bar)
            for arg in stmt.value.args[1:]:
                self.take(arg, fresh, live)
        if isinstance(stmt, ir.Return):
            return [ir.Return(self.hand_over(stmt.value, fresh), origin=stmt.origin)]
        if isinstance(stmt, ir.If):
            then_fresh, else_fresh = set(fresh), set(fresh)
            before = dict(self.kinds)
            body = self.block(stmt.body, then_fresh, live)
            then_kinds, self.kinds = self.kinds, dict(before)
            orelse = self.block(stmt.orelse, else_fresh, live)
            for name, k in then_kinds.items():  # a float on one path, a NumPy float on the other
                other = self.kinds.get(name)
                self.kinds[name] = k if other is None or other is k else other.join(k)
            fresh.clear()
            fresh.update(then_fresh & else_fresh)  # fresh after the `if` if fresh after both branches
            return [ir.If(stmt.test, body, orelse, stmt.joins, origin=stmt.origin)]
        if isinstance(stmt, (ir.For, ir.While)):
            live = live | _reads([stmt])  # the next iteration reads what the loop reads
            start = set(fresh)
            for _ in range(3):  # what is fresh at the top of every iteration
                end = set(start)
                self.block(_copy_blocks(stmt), end, live)
                if start <= end:
                    break
                start &= end
            test_body = self.block(stmt.test_body, set(start), live) if isinstance(stmt, ir.While) else None
            body = self.block(stmt.body, set(start), live)
            fresh.intersection_update(start)
            if isinstance(stmt, ir.While):
                return [ir.While(test_body, stmt.test, body, stmt.joins, origin=stmt.origin)]
            return [ir.For(stmt.target, stmt.iter, body, stmt.joins, origin=stmt.origin)]
        if isinstance(stmt, ir.Def):
            f = stmt.function
            body = self.block(f.body, set(fresh), live | _reads(f.body))
            return [ir.Def(ir.replace(f, body=body), origin=stmt.origin)]
        return [stmt]

    def hand_over_items(self, value: Call, param: Name, pk: Kind, fresh: set[str]) -> Expr:
        """A container's gradient item by item: the tuple of the parameters' gradients."""
        if value.op.form == "dict":
            items = tuple(
                (k, self.item(v, param, k, pk.items[pk.keys.index(k)], fresh)) for k, v in value.kwargs
            )
            return Call(ir.DICT, (), items)
        items = tuple(
            self.item(v, param, i, pk.items[i] if pk.items else pk.elem, fresh)
            for i, v in enumerate(value.args)
        )
        return Call(ir.TUPLE if pk.type is tuple else ir.LIST, items)

    def item(self, value: Expr, param: Name, key: object, kind: Kind, fresh: set[str]) -> Expr:
        """One item of a container's gradient, as the gradient of that item of the argument."""
        slot = Name(f"{param.id}[{key!r}]")  # a stand-in name, to give hand_over the item's kind
        self.kinds[slot.id] = kind
        out = self.hand_over(Call(AS_GRADIENT, (value, slot)), fresh)
        return ir.substitute(out, {slot.id: _item(param, key)})

    def hand_over(self, e: Expr, fresh: set[str]) -> Expr:
        if not isinstance(e, Call):
            return e
        if e.op is not AS_GRADIENT:
            return e.map(lambda a: self.hand_over(a, fresh))
        value, param = e.args
        pk = self.kind_of(param.id) if isinstance(param, Name) else expr_kind(param, self.kind_of)
        vk = expr_kind(value, self.kind_of)
        if pk.is_pyscalar:
            numpy_number = isinstance(value, Name) and value.id in self.numpy_numbers
            if (
                vk.type is float
                and not numpy_number
                or isinstance(value, Const)
                and isinstance(value.value, float)
            ):
                return value
            if isinstance(value, Const):
                return Const(float(value.value))
            return ir.Call(ir.call_op(float, "float", True, canonical=True), (value,))
        if pk.is_array:
            if vk.is_array and vk.ndim == pk.ndim:
                if vk.dtype not in "fc":
                    return ir.Call(method_op("astype"), (value, ir.Ref("float", float, canonical=True)))
                if _fresh(value, fresh, self.kind_of):
                    return value
                return ir.Call(method_op("copy"), (value,))
            if vk.is_scalar:
                return np_call("full", Call(attr_op("shape"), (param,)), value)
        if pk.type is not None and issubclass(pk.type, np.generic):
            return value
        if pk.is_container and isinstance(value, Name):
            defined = self.displays.get(value.id)
            if defined is not None:  # c_bar = [a, b]: hand over the items
                value = defined
        if pk.is_container and isinstance(value, Call) and value.op.form in ("list", "dict"):
            return self.hand_over_items(value, param, pk, fresh)
        return runtime_call("gradient_like", value, param)


def _item(container: Expr, key: object) -> Expr:
    return Call(ir.GETITEM, (container, Const(key)))


def _copy_blocks(stmt: ir.For | ir.While) -> list[ir.Stmt]:
    """A loop's statements, to follow freshness through without keeping the result
    (statements are copied; expressions, which never change, are shared)."""
    return _copy_stmts((stmt.test_body if isinstance(stmt, ir.While) else []) + stmt.body)


def _copy_stmts(stmts: list[ir.Stmt]) -> list[ir.Stmt]:
    import copy

    return [ir.with_blocks(copy.copy(s), _copy_stmts) for s in stmts]


def _adds_to(stmt: ir.Assign) -> bool:
    """``n = n + e``, which reads as ``n += e`` for a number."""
    v = stmt.value
    return isinstance(v, Call) and v.op is ir.ADD and v.args[0] == stmt.target


def _stores(e: Expr) -> bool:
    """``items.append(v)``, ``items.insert(i, v)``: ``v`` itself goes into the list."""
    return isinstance(e, Call) and e.op.form == "method" and e.op.symbol in ("append", "insert", "extend")


def _is_add_at(e: Expr) -> bool:
    return isinstance(e, Call) and e.op.form == "call" and e.op.symbol == "np.add.at"


def finish(fn: ir.Function, kinds: dict[str, Kind]) -> ir.Function:
    """Hand adjoints over as gradients and make every in-place update safe."""
    finisher = Finish(kinds, fn.adjoints)
    defs = [s.function for s in ir.walk(fn.body) if isinstance(s, ir.Def)]
    finisher.closures = {n for f in defs for n in _reads(f.body)}
    finisher.numpy_numbers = _numpy_numbers(fn, finisher.kind_of)
    return ir.replace(fn, body=finisher.block(fn.body, set(), set()))


def _numpy_numbers(fn: ir.Function, kind_of) -> set[str]:
    """Names of Python-float kind (a float parameter's adjoint has its parameter's kind)
    assigned a value that may be a NumPy number somewhere (``x_bar = np.sum(v_bar)``)."""
    floats = [s for s in ir.walk(fn.body) if isinstance(s, ir.Assign) and kind_of(s.target.id).type is float]
    return {s.target.id for s in floats if expr_kind(s.value, kind_of).type is not float}
