"""Objects carried around a loop: a state rebound or changed in every iteration.

An object the function makes is known whole while lowering: each attribute is a value
(``objects.Instance``). When a loop rebinds its name to a new object of the same class
(``state = State(state.pos + dt * state.vel, ...)``) or sets its attributes
(``state.pos = ...``), each attribute becomes a variable the loop carries, with a join
name of its own, and the derivative flows through them as through any loop variable:

>>> from s2sad.lower import lower_source
>>> print(lower_source('''
... from typing import NamedTuple
...
... class State(NamedTuple):
...     pos: float
...     vel: float
...
... def f(k, n):
...     s = State(1.0, 0.0)
...     for _ in range(n):
...         s = State(s.pos + 0.1 * s.vel, s.vel - 0.1 * k * s.pos)
...     return s.pos
... '''))
def f(k, n):
    s_pos = 1.0
    s_vel = 0.0
    for _ in range(n):
        v1 = 0.1 * s_vel
        v2 = s_pos + v1
        v3 = 0.1 * k
        v4 = v3 * s_pos
        v5 = s_vel - v4
        s_pos = v2
        s_vel = v5
    return s_pos

The object must be the same class at the end of the body, with the same attributes, and no
other name may hold it (a change through one name would have to show through the other).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import gast

from .. import ir
from ..ir import Expr, Name
from .objects import Instance, is_namedtuple
from .static import Static


@dataclass(eq=False)
class _Carried:
    """The objects one loop carries: for each name, its class, node, and the join name of each
    attribute (attributes that are functions or objects stay as they are, in ``fixed``)."""

    carried: dict[str, str]
    objects: dict[str, tuple[type, gast.AST, dict[str, str], dict[str, object]]]


class CarriedObjects:
    """The part of the lowering that carries objects of the user's classes around loops."""

    def changed_objects(self, node: gast.For | gast.While) -> set[str]:
        """Names bound to an object made before the loop that the loop rebinds, or whose
        attributes it sets."""
        names = set()
        for n in gast.walk(gast.Module(node.body, [])):
            target = None
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store):
                target = n.id
            elif isinstance(n, gast.Attribute) and isinstance(n.ctx, gast.Store):
                target = n.value.id if isinstance(n.value, gast.Name) else None
            if target is not None and isinstance(self.env.get(target), Instance):
                names.add(target)
        for var in sorted(names):
            self.check_unshared(var, node)
        return names

    def check_unshared(self, var: str, node: gast.AST) -> None:
        """Refuse an object held by another name too: the loop gives ``var`` a copy of its own."""
        obj = self.env[var]
        for other, value in self.env.items():
            inside = isinstance(value, Instance) and any(v is obj for v in value.fields.values())
            if other != var and (value is obj or inside):
                raise self.error(
                    node,
                    f"`{var}` is changed in the loop and is also `{other}`"
                    + ("" if value is obj else "'s attribute")
                    + ": carrying it around the loop would part them",
                    f"Use one name for the object in the loop, or copy what `{other}` needs before it.",
                )

    def join_objects(self, values, blocks, joins, origin) -> Static | None:
        """Two objects of one class with the same attributes, one on each path of an ``if``: one
        object whose numbers and arrays are joined attribute by attribute."""
        a, b = values
        if not (isinstance(a, Instance) and isinstance(b, Instance) and a.cls is b.cls):
            return None
        if set(a.fields) != set(b.fields):
            return None
        fields = {}
        for attr in a.fields:
            x, y = a.fields[attr], b.fields[attr]
            if x is y or x == y and not isinstance(x, Static):
                fields[attr] = x
            elif isinstance(x, Static) or isinstance(y, Static):
                return None
            else:
                join = self.pool.version(attr)
                self.copy_to(join, x, blocks[0], origin)
                self.copy_to(join, y, blocks[1], origin)
                joins.append(join)
                fields[attr] = Name(join)
        return Instance(a.cls, fields, self.total_depth(), a.node)

    def replaced(self, node: gast.Call, obj: Static, changes: dict) -> Static:
        """``obj._replace(pos=...)`` (a NamedTuple), ``dataclasses.replace(obj, pos=...)``: a new
        object of the same class, the attributes given changed."""
        plain = dataclasses.is_dataclass(obj.cls) and not hasattr(obj.cls, "__post_init__")
        if not (is_namedtuple(obj.cls) or plain and all(f.init for f in dataclasses.fields(obj.cls))):
            raise self.error(
                node,
                f"replacing fields of a `{obj.cls.__name__}` object is not supported",
                "Make a new object with the class itself.",
            )
        unknown = sorted(set(changes) - set(obj.fields))
        if unknown:
            raise ValueError(f"{self.parsed.location(node)}: got unexpected field names {unknown}")
        return Instance(obj.cls, {**obj.fields, **changes}, self.total_depth(), node)

    def enter_loop(self, node: gast.For | gast.While, also: set[str] = frozenset()) -> dict[str, str]:
        objects = self.changed_objects(node)
        self.excluded_objects = objects  # for enter_functions: not carried as plain names
        carried = super().enter_loop(node, also)
        record = _Carried(carried, {})
        for var in sorted(objects):
            obj = self.env[var]
            joins, fixed = {}, {}
            for attr, value in obj.fields.items():
                if isinstance(value, Static):
                    fixed[attr] = value
                    continue
                join = self.pool.version(f"{var}_{attr}")
                self.emit(ir.Assign(Name(join), value))
                joins[attr] = join
                carried[f"{var}.{attr}"] = join  # a pseudo-variable: the loop's joins list it
            record.objects[var] = (obj.cls, obj.node, joins, fixed)
            self.env[var] = self.carried_instance(var, record, self.total_depth() + 1)
        self.object_loops.append(record)
        return carried

    def carried_instance(self, var: str, record: _Carried, depth: int) -> Static:
        cls, node, joins, fixed = record.objects[var]
        fields: dict[str, object] = {attr: Name(join) for attr, join in joins.items()}
        fields.update(fixed)
        return Instance(cls, fields, depth, node)

    def copy_out(self, carried: dict[str, str]) -> None:
        super().copy_out(carried)
        record = next((r for r in reversed(self.object_loops) if r.carried is carried), None)
        if record is None:
            return
        origin = ir.replace(self.origin, at=None) if self.origin is not None else None
        for var, (cls, node, joins, fixed) in record.objects.items():
            now = self.env.get(var)
            if not isinstance(now, Instance) or now.cls is not cls:
                raise self.error(node, f"`{var}` is not a `{cls.__name__}` object at the end of the loop")
            same = set(now.fields) == set(joins) | set(fixed)
            if not same or any(now.fields[a] is not v for a, v in fixed.items()):
                raise self.error(
                    node,
                    f"`{var}` has other attributes at the end of the loop than before it",
                    "Set every attribute where the object is made, and change only numbers and arrays.",
                )
            for attr, join in joins.items():
                value: Expr = now.fields[attr]
                if isinstance(value, Static):
                    raise self.error(node, f"`{var}.{attr}` is a number or an array before the loop only")
                if value != Name(join):
                    self.copy_to(join, value, self.body, origin)

    def for_(self, node: gast.For) -> None:
        depth = len(self.object_loops)
        super().for_(node)
        self.leave_objects(depth)

    def while_(self, node: gast.While) -> None:
        depth = len(self.object_loops)
        super().while_(node)
        self.leave_objects(depth)

    def leave_objects(self, depth: int) -> None:
        """After the loop, each carried object is what its join names hold."""
        while len(self.object_loops) > depth:
            record = self.object_loops.pop()
            for var in record.objects:
                self.env[var] = self.carried_instance(var, record, self.total_depth())
