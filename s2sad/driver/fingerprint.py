"""What a derivative's generated code depends on, as one digest, for the disk cache.

A derivative is a function of the text of the user's function and of everything
the transformer reads while it builds it: the helpers it inlines (their text, and
what they read in turn), the classes whose methods it inlines, the values of the
globals and closure variables the code names, the kinds of the arguments, the
request, and s2sad itself. ``function_digest(fn, request, kinds)`` walks what ``fn`` names
(its code's names, its nested code's, its closure), following every function of
the user's the same way, and hashes it all; ``None`` when something is met that
cannot be described soundly (an object of the user's, a function s2sad returned, a
large array); ``digest`` is also ``None`` when the user has registered a rule of
their own. Where it is ``None``, the disk is not used.

>>> import math
>>> from s2sad.derive.request import Request
>>> from s2sad.ir.kinds import kind_of
>>> def f(x):
...     return math.sin(x) * SCALE
>>> f.__module__ = "__main__"  # a doctest runs in s2sad's module: f as a user's function
>>> SCALE = 2.0
>>> a = function_digest(f, Request("grad", ("x",)), {"x": kind_of(1.0)})
>>> SCALE = 3.0  # a global the code reads: another digest
>>> b = function_digest(f, Request("grad", ("x",)), {"x": kind_of(1.0)})
>>> len(a), a != b, function_digest(f, Request("grad", ("x",)), {"x": kind_of(1.0)}) == b
(64, True, True)
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import linecache
import os
import site
import sys
import sysconfig
import types
from collections.abc import Callable

import numpy as np

from ..derive.request import Request
from ..ir.kinds import Kind
from ..rules.registry import LIBRARIES, RULES, installed

FORMAT = 1  # the layout of what is hashed and stored; bump it when either changes
_ARRAY_BYTES = 1 << 20  # larger arrays are not hashed: such a function is not kept on disk
_ITEMS = 256  # nor one that reads a longer container


class Unkeyable(Exception):
    """Something the generated code may depend on that cannot be described soundly."""


def digest(fn: Callable, request: Request, kinds: dict[str, Kind]) -> str | None:
    """The hex digest of everything ``fn``'s derivative for ``request`` and ``kinds`` is
    made from, or ``None`` when the disk cache must not be used for it."""
    return None if user_rules() else function_digest(fn, request, kinds)


def function_digest(fn: Callable, request: Request, kinds: dict[str, Kind]) -> str | None:
    """``digest`` without the check for user rules: what ``fn`` and s2sad make it from."""
    walk = _Walk()
    try:
        parts = [
            static_key(),
            repr(request),
            [(p, walk.kind(k)) for p, k in kinds.items()],
            walk.value(fn, ()),
            _where(fn),
        ]
    except (Unkeyable, RecursionError):
        return None
    except Exception:  # an attribute that raises, a broken object: when in doubt, no disk
        return None
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def user_rules() -> bool:
    """Whether the user has registered a rule (defvjp, defjvp, custom_vjp): their rules
    are Python functions whose effect on generated code is not described here."""
    return any(r.table == "user" and not _ours(fn) for fn, r in list(RULES.items()))


def _ours(fn: object) -> bool:
    return (getattr(fn, "__module__", None) or "").split(".")[0] == "s2sad"


def _where(fn: Callable) -> str:
    """The file name the header of generated code shows (relative to the working directory)."""
    path = fn.__code__.co_filename
    if os.path.isabs(path):
        rel = os.path.relpath(path)
        return rel if not rel.startswith("..") else path
    return path


@functools.lru_cache(maxsize=1)
def static_key() -> tuple:
    """What every derivative depends on: s2sad (its version, and the size and time of change
    of each of its modules: a module written since is another s2sad), Python and NumPy.
    Computed once per process, from ``os.stat`` alone: reading every module would cost more
    than the cache saves."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    modules: list[tuple] = []
    folders = [package]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.name.endswith(".py"):
                    st = entry.stat()
                    modules.append((entry.path, st.st_size, st.st_mtime_ns))
                elif entry.is_dir() and entry.name != "__pycache__":
                    folders.append(entry.path)
    modules.sort()
    files = hashlib.sha256(repr(modules).encode()).hexdigest()
    version = getattr(sys.modules.get("s2sad"), "__version__", None)
    return (FORMAT, version, files, sys.version, np.__version__, sys.flags.optimize)


def _generated_name(path: str) -> str:
    """A file name of s2sad's generated code without the counter that makes it unique in a
    process (the text itself is hashed)."""
    if path.startswith("<s2sad ") and " #" in path:
        return path[: path.rindex(" #")] + ">"
    return path


_code_digests: dict[types.CodeType, str] = {}
_file_digests: dict[str, tuple[int, int, str]] = {}


def code_digest(code: types.CodeType) -> str:
    """What a code object does and where its lines are (code objects inside it too)."""
    found = _code_digests.get(code)
    if found is not None:
        return found
    consts = [code_digest(c) if isinstance(c, types.CodeType) else _const(c) for c in code.co_consts]
    parts = (
        code.co_code,
        consts,
        code.co_names,
        code.co_varnames,
        code.co_freevars,
        code.co_cellvars,
        code.co_argcount,
        code.co_posonlyargcount,
        code.co_kwonlyargcount,
        code.co_flags,
        code.co_firstlineno,
        _generated_name(code.co_filename),
        getattr(code, "co_qualname", code.co_name),
        getattr(code, "co_linetable", b""),
    )
    found = hashlib.sha256(repr(parts).encode()).hexdigest()
    if len(_code_digests) > 4096:
        _code_digests.clear()
    _code_digests[code] = found
    return found


def _const(c: object) -> str:
    if isinstance(c, frozenset):
        return "frozenset(" + repr(sorted(map(_const, c))) + ")"
    if isinstance(c, tuple):
        return "(" + ", ".join(map(_const, c)) + ")"
    return f"{type(c).__name__}:{c!r}"


def file_digest(path: str, module_globals: dict | None) -> str:
    """The text of a file as s2sad reads it (through ``linecache``)."""
    lines = linecache.getlines(path, module_globals)
    found = _file_digests.get(path)
    if found is not None and found[0] == id(lines) and found[1] == len(lines):
        return found[2]
    text = hashlib.sha256("".join(lines).encode()).hexdigest()
    _file_digests[path] = (id(lines), len(lines), text)
    return text


def names_of(code: types.CodeType) -> set[str]:
    """Every name the code (and code inside it) reads from globals, closures or attributes."""
    out = set(code.co_names) | set(code.co_freevars)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            out |= names_of(c)
    return out


_SIMPLE = (type(None), bool, int, float, complex, str, bytes)
_SKIP_IN_CLASS = {"__dict__", "__weakref__", "__module__", "__qualname__", "__doc__", "__slots__"}


class _Walk:
    """One walk over what a function reaches; functions met again are named, not walked."""

    def __init__(self) -> None:
        self.seen: dict[int, str] = {}
        self.keep: list[object] = []  # what ``seen`` holds the ids of stays alive meanwhile

    def kind(self, k: Kind | None) -> object:
        if k is None:
            return None
        return (
            self.value(k.type, ()) if k.type is not None else None,
            k.dims,
            k.dtype,
            None if k.items is None else [self.kind(i) for i in k.items],
            k.keys,
            self.kind(k.elem),
            None if k.fn is None else self.value(k.fn, ()),
        )

    def value(self, v: object, names: frozenset | tuple | set) -> object:
        """A description of ``v``; ``names`` are the attribute names the code reading it uses
        (what matters of a module of the user's)."""
        t = type(v)
        if t in _SIMPLE:
            return (t.__name__, repr(v))
        if t in (tuple, list):
            if len(v) > _ITEMS:
                raise Unkeyable("a long sequence")
            return (t.__name__, [self.value(x, names) for x in v])
        if t is dict:
            if len(v) > _ITEMS:
                raise Unkeyable("a long dict")
            return ("dict", [(self.value(k, ()), self.value(x, names)) for k, x in v.items()])
        if t is np.ndarray:
            if v.nbytes > _ARRAY_BYTES or v.dtype.hasobject:
                raise Unkeyable("a large array")
            data = hashlib.sha256(np.ascontiguousarray(v).tobytes()).hexdigest()
            return ("ndarray", v.dtype.str, v.shape, data)
        if isinstance(v, np.generic):
            return ("numpy", v.dtype.str, repr(v))
        if isinstance(v, np.dtype):
            return ("dtype", v.str)
        if isinstance(v, types.ModuleType):
            return self.module(v, names)
        if hasattr(v, "__s2sad__") or hasattr(v, "__s2sad_concrete__"):
            raise Unkeyable("a function s2sad returned")
        if isinstance(v, types.FunctionType):
            return self.function(v)
        if isinstance(v, type):
            return self.cls(v)
        if isinstance(v, functools.partial):
            return ("partial", self.value(v.func, ()), self.value(v.args, ()), self.value(v.keywords, ()))
        if isinstance(v, (staticmethod, classmethod)):
            return (t.__name__, self.value(v.__func__, ()))
        if isinstance(v, property):
            return ("property", self.value(v.fget, ()), self.value(v.fset, ()))
        if isinstance(v, (types.BuiltinFunctionType, np.ufunc)):
            module = getattr(v, "__module__", None) or getattr(type(v), "__module__", "")
            return ("c", module, getattr(v, "__qualname__", v.__name__), _version(module))
        raise Unkeyable(f"a {t.__name__}")

    def module(self, m: types.ModuleType, names) -> object:
        if _library_module(m):
            return ("library", m.__name__, _version(m.__name__))
        attrs = sorted(n for n in names if n in vars(m))
        return ("module", m.__name__, [(n, self.value(vars(m)[n], names)) for n in attrs])

    def function(self, f: types.FunctionType) -> object:
        code = f.__code__
        if _library_function(f):
            return ("library function", f.__module__, f.__qualname__, _version(f.__module__ or ""))
        if id(f) in self.seen:
            return ("again", self.seen[id(f)])
        self.seen[id(f)] = f"{f.__module__}.{f.__qualname__}#{len(self.seen)}"
        self.keep.append(f)
        names = names_of(code)
        g = f.__globals__
        cells = dict(zip(code.co_freevars, f.__closure__ or ()))
        closure = []
        for name in code.co_freevars:
            try:
                closure.append((name, self.value(cells[name].cell_contents, names)))
            except ValueError:  # an empty cell
                closure.append((name, "empty"))
        return (
            "function",
            f.__module__,
            f.__qualname__,
            code_digest(code),
            file_digest(code.co_filename, g),
            self.value(f.__defaults__, ()),
            self.value(f.__kwdefaults__, ()),
            closure,
            [(n, self.value(g[n], names)) for n in sorted(names) if n in g],
            sorted(n for n in vars(f) if not n.startswith("__")),  # attributes set on it
        )

    def cls(self, c: type) -> object:
        module = c.__module__ or ""
        library = module.split(".")[0] in LIBRARIES or module == "builtins"
        if library or _library_module(sys.modules.get(module)):
            return ("type", module, c.__qualname__, _version(module))
        if id(c) in self.seen:
            return ("again", self.seen[id(c)])
        self.seen[id(c)] = f"{module}.{c.__qualname__}#{len(self.seen)}"
        self.keep.append(c)
        members = []
        for name, member in vars(c).items():
            if name in _SKIP_IN_CLASS:
                continue
            if name == "__dataclass_fields__":
                members.append((name, [(k, repr(fd.default)) for k, fd in member.items()]))
                continue
            if name.startswith("__") and not callable(member) or name == "__dataclass_params__":
                continue
            members.append((name, self.value(member, ())))
        if dataclasses.is_dataclass(c):
            members.append(("fields", [fd.name for fd in dataclasses.fields(c)]))
        return ("class", module, c.__qualname__, [self.value(b, ()) for b in c.__bases__], members)


def _version(module: str) -> str | None:
    top = sys.modules.get(module.split(".")[0]) if module else None
    return getattr(top, "__version__", None) if top is not None else None


def _library_module(m: types.ModuleType | None) -> bool:
    """NumPy, math, SciPy, s2sad, the standard library, an installed package: fixed by
    their versions (and s2sad's own text), not walked."""
    if m is None:
        return False
    if m.__name__.split(".")[0] in LIBRARIES:
        return True
    path = getattr(m, "__file__", None)
    if path is None:  # a built-in module, or a namespace package (walked: the user's)
        return m.__name__ in sys.builtin_module_names
    return os.path.realpath(path).startswith(_installed())


@functools.lru_cache(maxsize=1)
def _installed() -> tuple[str, ...]:
    """The standard library's folders and the installed packages' (as ``installed`` reads them)."""
    paths = {sysconfig.get_path(key) for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    paths.update(getattr(site, "getsitepackages", list)())
    paths.add(site.getusersitepackages())
    return tuple(os.path.join(os.path.realpath(p), "") for p in paths if p)


def _library_function(f: types.FunctionType) -> bool:
    module = (f.__module__ or "").split(".")[0]
    return module in LIBRARIES or installed(f)
