"""Objects of the user's classes: made, read and called while lowering.

An object the function makes (``Model(w)``, a dataclass ``P(x, 1.0)``) is known
whole when the function is transformed: its ``__init__`` is inlined with ``self``
bound to the object, each attribute is the value last assigned to it, and a method,
a ``@property``, a ``@staticmethod`` or a ``@classmethod`` is inlined where it is
called. The derivative reads as if the attributes were local variables, and
derivatives flow through them:

>>> from s2sad.lower import lower_source
>>> print(lower_source('''
... import numpy as np
...
... class Layer:
...     def __init__(self, w, b=0.0):
...         self.w = w
...         self.b = b
...
...     @property
...     def scale(self):
...         return 2.0 * self.w
...
...     def forward(self, x):
...         return np.tanh(self.scale * x + self.b)
...
... def f(x, w):
...     layer = Layer(w)
...     return layer.forward(x)
... '''))
def f(x, w):
    v1 = 2.0 * w
    v2 = v1 * x
    v3 = v2 + 0.0
    v4 = np.tanh(v3)
    return v4

An object the function is given (an argument, a closure or global value) is a
constant: its attributes are read from it where the code runs, and its methods are
inlined the same way (``self`` is that object).
"""

from __future__ import annotations

import dataclasses
import functools
import types
from dataclasses import dataclass

import gast

from ..ir import Call, Const, Expr, Name, Ref, attr_op
from ..ir.printer import gast_text
from .expressions import Function, UnsettledFunction
from .static import Static

_MISSING = object()
_HOOKS = ("__getattr__", "__getattribute__", "__setattr__", "__new__")


@dataclass(eq=False)
class Instance(Static):
    """An object the function makes: its class, and the value of each attribute set."""

    cls: type
    fields: dict
    depth: int  # how deep in branches and loops it was made: it may change there only
    node: gast.AST


@dataclass(eq=False)
class Method(Static):
    """A method of a known object, to be called: ``fn`` gets ``receiver`` as its first argument."""

    fn: types.FunctionType
    receiver: object


class Making:
    """The part of ``Objects`` that makes objects and sets their attributes."""

    def construct(self, node: gast.Call, cls: type) -> Instance:
        """``cls(...)``: an object the function makes, its ``__init__`` inlined."""
        hooks = [h for h in _HOOKS if any(not _generated(vars(k).get(h)) for k in cls.__mro__[:-1])]
        if hooks:
            raise self.error(
                node,
                f"making a `{cls.__name__}` object, whose class defines `{hooks[0]}`, is not supported",
                "Use a class whose attributes are set in `__init__` and read as they are.",
            )
        made = Instance(cls, {}, self.total_depth(), node)
        init = cls.__init__
        if dataclasses.is_dataclass(cls) and init.__code__.co_filename == "<string>" or is_namedtuple(cls):
            self.dataclass_init(node, made)
        elif init is object.__init__:
            if node.args or node.keywords:
                raise TypeError(f"{self.parsed.location(node)}: {cls.__name__}() takes no arguments")
        else:
            args, kwargs = self.arguments(node)
            self.inline_function(node, init, [made, *args], kwargs)
        return made

    def dataclass_init(self, node: gast.Call, made: Instance) -> None:
        """The ``__init__`` a dataclass is given: each field the argument for it, or its default."""
        cls = made.cls
        args, kwargs = self.arguments(node)
        fields = _record_fields(cls)
        given = [f for f in fields if f.init]
        if len(args) > len(given):
            raise TypeError(f"{self.parsed.location(node)}: {cls.__name__}() takes {len(given)} arguments")
        bound = {f.name: a for f, a in zip(given, args)}
        for k, v in kwargs.items():
            if k in bound or k not in {f.name for f in given}:
                raise TypeError(
                    f"{self.parsed.location(node)}: {cls.__name__}() got an unexpected argument '{k}'"
                )
            bound[k] = v
        for f in fields:
            if f.name in bound:
                made.fields[f.name] = bound[f.name]
            elif f.default is not dataclasses.MISSING:
                made.fields[f.name] = self.constant(f.default, f"{cls.__name__}_{f.name}")
            elif f.default_factory is not dataclasses.MISSING:
                made.fields[f.name] = self.constant(f.default_factory(), f"{cls.__name__}_{f.name}")
            elif f.init:
                raise TypeError(
                    f"{self.parsed.location(node)}: {cls.__name__}() is missing the argument '{f.name}'"
                )
        post = getattr(cls, "__post_init__", None)
        if post is not None:
            self.inline_function(node, post, [made], {})

    def constant(self, value: object, name: str) -> Expr:
        """A value known now, in generated code: a literal, or read through a cell."""
        if value is None or type(value) in (bool, int, float, str):
            return Const(value)
        head = self.pool.fresh(name)
        self.root.cells[head] = value
        return Ref(head, value, canonical=True)

    # attributes set ---------------------------------------------------------------
    def assign(self, target: gast.expr, value: object) -> None:
        """``obj.name = value`` on an object the function made, where it was made."""
        if not isinstance(target, gast.Attribute):
            return super().assign(target, value)
        base = self.value(target.value)
        if not isinstance(base, Instance):
            raise self.error(
                target,
                "assignment to an attribute of an object the function did not make is not supported",
                "Make the object in the function, or keep the value in a variable.",
            )
        params = getattr(base.cls, "__dataclass_params__", None)
        if params is not None and params.frozen:
            raise self.error(target, f"`{base.cls.__name__}` is a frozen dataclass: its fields cannot be set")
        if base.depth != self.total_depth():
            raise self.error(
                target,
                f"setting `{_text(target)}` inside an `if` or a loop, on an object made outside it, "
                "is not supported",
                "Compute the value in a variable, and set the attribute where the object is made "
                "(or make the object in the branch or loop).",
            )
        if not isinstance(value, (Static, Name, Const, Ref)):  # an atom already is the attribute's value
            value = self.atom(self.settle(target, value), target.attr)
        base.fields[target.attr] = value

    def settle(self, node: gast.expr, value: object) -> Expr:
        if isinstance(value, (Instance, Method)):
            what = f"a `{value.cls.__name__}` object" if isinstance(value, Instance) else "a method"
            raise self.error(
                node,
                f"{what} made in the function can be used through its attributes and methods here, "
                "not returned or passed to code s2sad does not read",
                "Return or pass the attributes you need.",
            )
        return super().settle(node, value)

    def join_functions(self, var, values, blocks, joins, origin):
        if any(isinstance(v, (Instance, Method)) for v in values):
            present = [v for v in values if v is not None]
            if len(present) == 1:
                return present[0]
            joined = self.join_objects(values, blocks, joins, origin)
            if joined is not None:
                return joined
            return UnsettledFunction(
                f"`{var}` is a different object on each path of the `if`",
                "Make the object after the `if`, from values the branches compute.",
            )
        return super().join_functions(var, values, blocks, joins, origin)

    def enter_functions(self, node: gast.For | gast.While) -> set[str]:
        """Objects made in the loop are not carried, like functions; an object made before it
        that the loop rebinds or changes is carried attribute by attribute (``carried``)."""
        names = super().enter_functions(node)
        made = set()  # names bound to objects (or partials) made in the loop: not carried, like functions
        local = _bound_in(node.body)  # a class is never defined in the loop: skip these
        for stmt in gast.walk(gast.Module(node.body, [])):
            if isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Call):
                func = stmt.value.func
                head = func.value if isinstance(func, gast.Attribute) else func  # functools.partial
                known = isinstance(head, gast.Name) and (head.id not in local or head.id in self.env)
                callee = self.value(func) if known else None
                if isinstance(callee, Function) and (
                    self.user_class(callee.fn) or callee.fn is functools.partial
                ):
                    made |= {t.id for t in stmt.targets if isinstance(t, gast.Name)}
        objects = self.excluded_objects
        self.function_vars[-1].update({var: self.env.get(var) for var in made - names - objects})
        names = names | made | objects
        for stmt in gast.walk(node):
            if isinstance(stmt, gast.Assign):
                for t in stmt.targets:
                    method = isinstance(t, gast.Name) and isinstance(self.env.get(t.id), Method)
                    if method and t.id not in objects:
                        raise self.error(
                            t,
                            f"`{t.id}` is bound to a method before the loop and again in it",
                            "Give the method bound in the loop a name of its own.",
                        )
        return names


class Objects(Making):
    """The part of the lowering that makes, reads and calls objects of the user's classes."""

    def user_class(self, obj: object) -> bool:
        """Whether ``obj`` is a class of the user's code: not a library's, not a builtin's
        (a NamedTuple, an Exception, a subclass of float are not objects of attributes)."""
        if isinstance(obj, type) and is_namedtuple(obj):
            return True
        if not isinstance(obj, type) or any(
            b is not object and b.__module__ == "builtins" for b in obj.__mro__
        ):
            return False
        functions = [
            v for k in obj.__mro__[:-1] for v in vars(k).values() if isinstance(v, types.FunctionType)
        ]
        return any(self.inlinable(fn) for fn in functions)

    # where objects may change ------------------------------------------------
    def total_depth(self) -> int:
        """How deep in branches and loops the current statement is, counting the callers'."""
        return self.depth + getattr(self, "outer_depth", 0)

    def run_inline(self, caller) -> Expr:
        self.outer_depth = caller.total_depth()
        return super().run_inline(caller)

    # what a value is -----------------------------------------------------------
    def object_class(self, value: object) -> type | None:
        """The class of a user's object the value is (one made here, a constant, an argument)."""
        if isinstance(value, Instance):
            return value.cls
        if isinstance(value, Ref) and self.user_class(type(value.value)):
            return type(value.value)
        if isinstance(value, Name) and self.root.env.get(value.id) == value:
            kind = self.root.param_kinds.get(value.id)
            if kind is not None and self.user_class(kind.type):
                return kind.type
        return None

    def as_object(self, value: object) -> object:
        """A callable object of the user's, which names resolve as a function: as the data it is."""
        if isinstance(value, Function) and self.user_class(type(value.fn)):
            return Ref(value.path, value.fn, value.canonical)
        return value

    def _Attribute(self, node: gast.Attribute) -> object:
        base = self.as_object(self.value(node.value))
        cls = self.object_class(base)
        if cls is None:
            if isinstance(base, Function) and self.user_class(base.fn):
                return self.class_member(node, base, node.attr)
            if isinstance(base, UnsettledFunction):
                raise self.error(node, base.why, base.hint)
            with self.holding():
                held = gast.Attribute(self.hold(base, node.value), node.attr, node.ctx)
                return super()._Attribute(gast.copy_location(held, node))
        return self.member(node, base, cls, node.attr)

    def member(self, node: gast.Attribute, base: object, cls: type, attr: str) -> object:
        """``base.attr``, for an object ``base`` of class ``cls``."""
        if isinstance(base, Instance) and attr in base.fields:
            return base.fields[attr]
        found = _MISSING
        for klass in cls.__mro__:
            if attr in vars(klass):
                found = vars(klass)[attr]
                break
        if isinstance(found, property):
            if found.fget is None:
                raise self.error(node, f"the property `{cls.__name__}.{attr}` has no getter")
            return self.inline_function(node, found.fget, [base], {})
        if isinstance(found, staticmethod):
            return self.known_function(found.__func__)
        if isinstance(found, classmethod):
            return Method(found.__func__, self.known_function(cls))
        if isinstance(found, types.FunctionType):
            if isinstance(base, Ref) and attr in getattr(base.value, "__dict__", {}):
                found = _MISSING  # the object's own attribute hides the class's function
            else:
                return Method(found, base)
        if isinstance(base, Ref):
            if attr not in getattr(base.value, "__dict__", {}) and found is _MISSING:
                raise self.error(node, f"`{cls.__name__}` object has no attribute `{attr}`")
            return self.wrap(getattr(base.value, attr), f"{base.path}.{attr}", base.canonical)
        if isinstance(base, Instance) and found is not _MISSING and not hasattr(found, "__get__"):
            return self.wrap(found, f"{self.known_function(cls).path}.{attr}", True)  # a class attribute
        if isinstance(base, Instance):
            raise self.error(node, f"`{cls.__name__}` object has no attribute `{attr}` here")
        return Call(attr_op(attr), (base,))  # an argument's attribute: read where the code runs

    def class_member(self, node: gast.Attribute, klass: Function, attr: str) -> object:
        """``Class.attr``: a function (called with its ``self`` given), a static or class
        method, a class attribute."""
        cls = klass.fn
        found = next((vars(k)[attr] for k in cls.__mro__ if attr in vars(k)), _MISSING)
        if isinstance(found, staticmethod):
            return self.known_function(found.__func__)
        if isinstance(found, classmethod):
            return Method(found.__func__, klass)
        if isinstance(found, types.FunctionType):
            return self.known_function(found)
        if found is _MISSING or hasattr(found, "__get__"):
            raise self.error(node, f"the attribute `{cls.__name__}.{attr}` is not supported here")
        return self.wrap(found, f"{klass.path}.{attr}", klass.canonical)

    def known_function(self, fn: object) -> Function:
        """A function or class of the user's, through a cell of its own."""
        head = next((h for h, v in self.root.cells.items() if v is fn), None)
        if head is None:
            head = self.pool.fresh(getattr(fn, "__name__", "f"))
            self.root.cells[head] = fn
        return Function(fn, head, True)

    # calls ----------------------------------------------------------------------
    def _Call(self, node: gast.Call) -> object:
        func = node.func
        if isinstance(func, (gast.Name, gast.Attribute)) and _text(func).endswith("replace"):
            callee = self.value(func)
            if isinstance(callee, Function) and callee.fn is dataclasses.replace:
                args, kwargs = self.arguments(node)
                if len(args) == 1 and isinstance(args[0], Instance):
                    return self.replaced(node, args[0], kwargs)
        if isinstance(func, gast.Attribute):
            base = self.as_object(self.value(func.value))
            cls = self.object_class(base)
            if cls is not None:
                return self.call_value(node, self.member(func, base, cls, func.attr))
            if isinstance(base, Function) and self.user_class(base.fn):
                return self.call_value(node, self.class_member(func, base, func.attr))
            if isinstance(base, UnsettledFunction):
                raise self.error(func, base.why, base.hint)
            with self.holding():
                held = gast.Attribute(self.hold(base, func.value), func.attr, func.ctx)
                call = gast.Call(gast.copy_location(held, func), node.args, node.keywords)
                return super()._Call(gast.copy_location(call, node))
        if isinstance(func, gast.Name):
            callee = self.as_object(self.value(func))
            if isinstance(callee, Method) or isinstance(callee, Function) and self.user_class(callee.fn):
                return self.call_value(node, callee)
            if self.object_class(callee) is not None:
                return self.call_value(node, callee)
        return super()._Call(node)

    def call_value(self, node: gast.Call, callee: object) -> object:
        """A call of something an object gave: a method, a class, a function, a callable object."""
        if isinstance(callee, Method):
            args, kwargs = self.arguments(node)
            if callee.fn.__name__ == "_replace" and isinstance(callee.receiver, Instance) and not args:
                return self.replaced(node, callee.receiver, kwargs)  # a NamedTuple's _replace
            return self.inline_function(node, callee.fn, [callee.receiver, *args], kwargs)
        if isinstance(callee, Function) and self.user_class(callee.fn):
            return self.construct(node, callee.fn)
        cls = self.object_class(callee)
        if cls is not None:
            found = vars(cls).get("__call__") or next(
                (vars(k)["__call__"] for k in cls.__mro__ if "__call__" in vars(k)), None
            )
            if not isinstance(found, types.FunctionType):
                raise self.error(node, f"a `{cls.__name__}` object is not callable")
            return self.call_value(node, Method(found, callee))
        with self.holding():
            call = gast.Call(self.hold(callee, node.func), node.args, node.keywords)
            return super()._Call(gast.copy_location(call, node))

    def inline_function(self, node: gast.AST, fn: object, args: list, kwargs: dict) -> object:
        """``fn(*args, **kwargs)`` with the arguments evaluated: ``fn``'s body lowered here."""
        if not isinstance(fn, types.FunctionType) or not self.inlinable(fn):
            raise self.error(node, f"`{getattr(fn, '__qualname__', fn)}` has no source s2sad can read")
        if fn.__code__ in self.stack:
            raise self.error(
                node, f"the recursive method `{fn.__qualname__}` is not supported", "Write it as a loop."
            )
        with self.holding():
            args = [self.hold(a, node) for a in args]
            keywords = [gast.keyword(k, self.hold(v, node)) for k, v in kwargs.items()]
            call = gast.copy_location(
                gast.Call(self.hold(self.known_function(fn), node), args, keywords), node
            )
            return self.inline(call, fn)


def is_namedtuple(cls: type) -> bool:
    return cls.__bases__ == (tuple,) and isinstance(vars(cls).get("_fields"), tuple)


def _record_fields(cls: type) -> list:
    """The fields of a dataclass, or of a NamedTuple written as dataclass fields."""
    if not is_namedtuple(cls):
        return list(dataclasses.fields(cls))
    out = []
    for name in cls._fields:
        f = dataclasses.field(default=cls._field_defaults.get(name, dataclasses.MISSING))
        f.name = name
        out.append(f)
    return out


def _generated(fn: object) -> bool:
    """Whether ``fn`` is one of the methods ``dataclasses`` writes (or not a function)."""
    return getattr(getattr(fn, "__code__", None), "co_filename", "<string>") == "<string>"


def _text(node: gast.AST) -> str:
    try:
        return gast_text(node)
    except Exception:
        return type(node).__name__


def _bound_in(stmts: list[gast.stmt]) -> set[str]:
    """Names a block binds: by assignment, loop targets, ``def``."""
    bound = set()
    for node in (n for s in stmts for n in gast.walk(s)):
        if isinstance(node, gast.FunctionDef):
            bound.add(node.name)
        elif isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
            bound.add(node.id)
    return bound
