"""Dataclasses and NamedTuples as ``wrt`` arguments: differentiated field by field.

A record passed where ``grad`` differentiates is taken apart into a dict of its
fields, the function is differentiated with respect to that dict (a container,
leaf-wise) through a small function that makes the record again from it, and the
gradient is handed back as a record of the same type with the gradients in its
fields (as JAX does for registered pytrees):

>>> import dataclasses
>>> @dataclasses.dataclass
... class Line:
...     w: float
...     b: float = 0.0
>>> record_fields(Line(2.0)), from_fields(Line, {"w": 33.0, "b": 11.0})
(('w', 'b'), Line(w=33.0, b=11.0))

A record that is not differentiated is a constant, like any object argument.
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Callable

import numpy as np

from ..backend.compiler import compile_function
from ..driver.dispatch import Transform
from ..frontend.resolve import parameters
from .arguments import Wrt, check_function, checked_transform, wrt_names

_PLAIN = frozenset({float, int, bool, complex, str, type(None), np.ndarray, tuple, list, dict})
_taking: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # f -> {records: function}


def record_fields(value: object) -> tuple[str, ...] | None:
    """The fields a record is made from (a dataclass's ``__init__`` fields, a NamedTuple's),
    or ``None`` for a value that is not one."""
    cls = type(value)
    if dataclasses.is_dataclass(cls) and not isinstance(value, type):
        return tuple(f.name for f in dataclasses.fields(cls) if f.init)
    if issubclass(cls, tuple) and isinstance(getattr(cls, "_fields", None), tuple):
        return cls._fields
    return None


def from_fields(cls: type, values: dict) -> object:
    """A record of type ``cls`` holding ``values`` (gradients): made without running
    ``__post_init__``; fields not in ``values`` (``init=False``) are ``None``."""
    if issubclass(cls, tuple):
        return cls(**values)
    out = cls.__new__(cls)
    for f in dataclasses.fields(cls):
        object.__setattr__(out, f.name, values.get(f.name))
    return out


def with_records(t: Transform, names: tuple[str, ...], build: Callable, back: Callable) -> Callable:
    """``t``'s dispatcher, which for records in the ``names`` parameters (its kinds never
    fit a guard: it misses) calls ``build(g)``'s instead, ``g`` taking dicts of fields
    there; ``back(result, convert)`` hands the result back, ``convert(i, g)`` making
    record ``i`` of ``names`` from its dict."""
    f = t.fn
    if getattr(t.on_miss, "takes_records", False):
        return t.dispatcher
    miss, made = t.miss, {}

    def records_or_miss(*args, **kwargs):
        if all(type(v) in _PLAIN for v in args) and all(type(v) in _PLAIN for v in kwargs.values()):
            return miss(*args, **kwargs)  # no record among them: the cheap test first
        values = dict(zip(t.positional, args))
        values.update(kwargs)
        records = {n: type(values[n]) for n in names if record_fields(values.get(n)) is not None}
        if not records:
            return miss(*args, **kwargs)
        key = tuple((n, c, record_fields(values[n])) for n, c in records.items())
        if key not in made:
            made[key] = build(_taking_fields(f, {n: fields for n, _, fields in key}, records))
        args = [
            {k: getattr(v, k) for k in record_fields(v)} if p in records else v
            for p, v in zip(t.positional, args)
        ]
        kwargs = {
            p: {k: getattr(v, k) for k in record_fields(v)} if p in records else v for p, v in kwargs.items()
        }

        def convert(i: int, g: object) -> object:
            n = names[i]
            return from_fields(records[n], g) if n in records and isinstance(g, dict) else g

        return back(made[key](*args, **kwargs), convert)

    records_or_miss.takes_records = True
    t.on_miss = records_or_miss
    return t.dispatcher


def record_transform(
    f: Callable, wrt: Wrt, mode: str, api: str, back: Callable, compile: str | None = None
) -> Callable:
    """The dispatcher of ``checked_transform``, which also takes records where ``wrt`` says;
    ``back(result, convert, single)`` hands gradients back as records."""
    f = check_function(f, api)
    names, single = wrt_names(f, wrt, api)
    return with_records(
        checked_transform(f, wrt, mode, api, compile),
        names,
        lambda g: checked_transform(g, wrt, mode, api, compile).dispatcher,
        lambda result, convert: back(result, convert, single),
    )


def gradients_back(result: object, convert: Callable, single: bool) -> object:
    """A gradient (or a tuple of them, one per ``wrt`` name) with records made again."""
    return convert(0, result) if single else tuple(convert(i, g) for i, g in enumerate(result))


def jvp_fields(f: Callable, primals: tuple, tangents: tuple) -> tuple[Callable, tuple, tuple]:
    """``f``, primals and tangents with every record among the positional primals (and its
    tangent, a record of the same type or a dict) taken apart into a dict of its fields."""
    positional = parameters(f)[0]
    records = {
        positional[i]: type(p)
        for i, p in enumerate(primals[: len(positional)])
        if record_fields(p) is not None
    }
    if not records or len(tangents) != len(primals):
        return f, primals, tangents
    fields = {n: record_fields(primals[positional.index(n)]) for n in records}
    key = tuple((n, t, fields[n]) for n, t in records.items())
    table = _taking.setdefault(f, {})
    if key not in table:
        table[key] = _taking_fields(f, fields, records)
    primals, tangents = list(primals), list(tangents)
    for n in records:
        i = positional.index(n)
        primals[i] = {k: getattr(primals[i], k) for k in fields[n]}
        if not isinstance(tangents[i], dict):
            tangents[i] = {k: getattr(tangents[i], k) for k in fields[n]}
    return table[key], tuple(primals), tuple(tangents)


def _taking_fields(f: Callable, fields: dict[str, tuple], records: dict[str, type]) -> Callable:
    """``f`` with a dict of fields in place of each record parameter: it makes the record
    from them and calls ``f``, which s2sad inlines."""
    positional, keyword, _ = parameters(f)
    cells: dict[str, object] = {"__f": f}
    call = []
    for p in positional + keyword:
        text = p
        if p in records:
            cells[f"__{p}_type"] = records[p]
            items = ", ".join(f'{k}={p}["{k}"]' for k in fields[p])
            text = f"__{p}_type({items})"
        call.append(f"{p}={text}" if p in keyword else text)
    params = [
        f"{p}=..." if i >= len(positional) - len(f.__defaults__ or ()) else p
        for i, p in enumerate(positional)
    ]
    if keyword:
        params += ["*", *(f"{k}=..." if k in (f.__kwdefaults__ or {}) else k for k in keyword)]
    text = f"def {f.__name__}({', '.join(params)}):\n    return __f({', '.join(call)})\n"
    return compile_function(text, f"{f.__name__} of fields", {}, cells, f.__defaults__, f.__kwdefaults__)


__all__ = ["from_fields", "gradients_back", "jvp_fields", "record_fields", "record_transform", "with_records"]
