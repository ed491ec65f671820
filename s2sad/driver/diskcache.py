"""Generated source kept on disk, so a new process finds the derivatives an old one built.

A derivative built for ``grad(f)`` and the kinds of its arguments is written to
``cache_dir("source")/<digest>.json``: the final source, the names of its closure
variables and what each stands for (``np``, ``math``, a helper of s2sad's, a module),
its docstring, and the paths of the data it reads from outside (whose kinds the
dispatcher guards). The digest (``fingerprint.digest``) covers everything the code is
made from, so an entry found is the code a build would write; the next process
compiles it (a millisecond) instead of transforming ``f`` (tens of milliseconds).

Where the digest cannot be made soundly, or a closure variable of the generated code
is something that cannot be found again by name, nothing is written. An entry that
does not read back (truncated, edited, from another format) is ignored and written
again; entries are written whole or not at all (a temporary file, then
``os.replace``), so processes may share the directory.

>>> import os, tempfile
>>> from s2sad.derive.request import Request
>>> from s2sad.ir.kinds import kind_of
>>> os.environ["S2SAD_CACHE_DIR"], saved = tempfile.mkdtemp(), os.environ.get("S2SAD_CACHE_DIR")
>>> def f(x):
...     return x * x
>>> key = disk_key(f, Request("grad", ("x",)), {"x": kind_of(1.0)})
>>> load(key, f, {"x": kind_of(1.0)}, lambda: None) is None  # nothing written yet
True
>>> os.environ["S2SAD_CACHE_DIR"] = saved if saved is not None else "off"
"""

from __future__ import annotations

import collections
import hashlib
import json
import os
import sys
import tempfile
import types
from collections.abc import Callable

from ..backend.cachedir import cache_dir
from ..backend.compiler import compile_function
from ..derive.request import Request
from ..frontend.namespaces import head_object
from ..frontend.resolve import Resolver
from ..ir.kinds import Kind, kind_of
from .compiled import Compiled, callees_of
from .fingerprint import FORMAT, digest

KIND = "source"  # the folder of the cache root these entries go in
stats: collections.Counter = collections.Counter()  # hits, misses, stores, unkeyed: for tests


def disk_key(fn: Callable, request: Request, kinds: dict[str, Kind]) -> str | None:
    """The name of ``fn``'s entry, or ``None`` when this derivative does not go to disk."""
    if not hasattr(fn, "__code__") or cache_dir(KIND) is None:
        return None
    if fn.__code__.co_filename.startswith("<s2sad "):  # generated: its header names this process's file
        return None
    key = digest(fn, request, kinds)
    if key is None:
        stats["unkeyed"] += 1
    return key


def _path(key: str) -> str | None:
    folder = cache_dir(KIND)
    return None if folder is None else os.path.join(folder, key + ".json")


def load(key: str | None, fn: Callable, kinds: dict[str, Kind], stages: Callable) -> Compiled | None:
    """The derivative kept under ``key``, compiled for ``fn``; ``stages()`` builds its
    stages if they are asked for (printing, a Hessian). ``None`` if there is none."""
    path = _path(key) if key is not None else None
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8") as f:
            payload = _checked(json.load(f), key)
        compiled = _compiled(payload, fn, kinds, stages)
    except Exception:  # missing, unreadable, corrupt, or not what it claims: built again
        stats["misses"] += 1
        return None
    stats["hits"] += 1
    return compiled


def _checked(entry: dict, key: str) -> dict:
    payload = entry["payload"]
    if entry["sum"] != _sum(payload) or payload["key"] != key or payload["format"] != FORMAT:
        raise ValueError("not this entry")
    return payload


def _sum(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _compiled(payload: dict, fn: Callable, kinds: dict[str, Kind], stages: Callable) -> Compiled:
    cells = {name: _value(spec) for name, spec in payload["cells"].items()}
    user_cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
    if set(cells) & set(user_cells):
        raise ValueError("a closure variable of the generated code is the user's")
    text, name = payload["text"], payload["name"]
    function = compile_function(text, f"{name} of {fn.__qualname__}", fn.__globals__, {**cells, **user_cells})
    if function.__name__ != name:
        raise ValueError("another function")
    resolver = Resolver(fn)
    refs = tuple((path, kind_of(_value_at(resolver, path))) for path in payload["refs"])
    compiled = Compiled(stages, function.__code__, cells, tuple(kinds.values()), refs, callees_of(fn), text)
    compiled.doc = payload["doc"]
    return compiled


def _value(spec: list) -> object:
    how, name = spec
    if how == "module":
        return sys.modules[name]
    if how == "head":
        return head_object(name)
    raise ValueError(f"no value for {spec}")


def _value_at(resolver: Resolver, path: str) -> object:
    head, *rest = path.split(".")
    where, value = resolver.lookup(head)
    if where == "missing":
        raise LookupError(path)
    for attr in rest:
        value = getattr(value, attr)
    return value


def store(key: str | None, compiled: Compiled, aliases: dict[str, str]) -> None:
    """Write ``compiled`` under ``key``, if every closure variable of its code can be found
    again by name in a new process (else nothing is written)."""
    path = _path(key) if key is not None else None
    if path is None:
        return
    ours = {alias: head for head, alias in aliases.items()}
    specs = {}
    for name, value in compiled.cells.items():
        spec = _spec(ours.get(name, name), value)
        if spec is None:
            stats["unkept"] += 1
            return
        specs[name] = spec
    stages = compiled.stages
    payload = {
        "format": FORMAT,
        "key": key,
        "name": compiled.code.co_name,
        "text": compiled.text,
        "doc": stages.final.doc,
        "cells": specs,
        "refs": list(stages.refs),
    }
    entry = {"sum": _sum(payload), "payload": payload}
    folder = os.path.dirname(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(entry, f)
            os.replace(tmp, path)  # whole, or not at all
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:  # a full disk, a folder made read-only: no entry, no harm
        return
    stats["stores"] += 1


def _spec(head: str, value: object) -> list | None:
    """How a new process finds ``value`` again: one of our names, or a module by its name."""
    if isinstance(value, types.CellType):
        return None
    try:
        if head_object(head) is value:
            return ["head", head]
    except (AttributeError, KeyError):
        pass
    if isinstance(value, types.ModuleType) and sys.modules.get(value.__name__) is value:
        return ["module", value.__name__]
    return None
