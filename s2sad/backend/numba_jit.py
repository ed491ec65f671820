"""Generated code compiled with numba: a real module file, ``numba.njit(cache=True)``.

``numba_function`` writes the numba variant of a derivative (``numba_source``) to a file
under ``cache_dir("numba")``, named by a hash of its text, imports it and compiles the
function for the types of the arguments at hand. numba's own cache sits next to the
file, so a new process finds both and does not compile again. Without a disk cache the
module is made in memory and compiled without ``cache=True``. Whatever numba refuses
(a type it does not know, a function it cannot compile, numba not installed) raises:
the caller runs the Python code instead.

>>> import os
>>> saved = os.environ.get("S2SAD_CACHE_DIR")
>>> os.environ["S2SAD_CACHE_DIR"] = "off"  # compiled in memory: nothing written
>>> def refused(e):
...     print("numba refused:", type(e).__name__)
>>> f = numba_function("def twice(x):\\n    return 2.0 * x\\n", "twice", (1.5,), lambda x: x + x, refused)
>>> f(1.5), type(f).__name__
(3.0, 'CPUDispatcher')
>>> f("ab")  # numba has no 2.0 * str: the Python function runs
numba refused: TypingError
'abab'
>>> _ = os.environ.pop("S2SAD_CACHE_DIR") if saved is None else os.environ.update(S2SAD_CACHE_DIR=saved)
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import threading
from collections.abc import Callable

from .cachedir import cache_dir
from .compiler import register_source
from .numba_source import NotCompilable

_lock = threading.Lock()
_modules: dict[str, dict] = {}  # text hash -> the namespace of its module, in this process


def numba_function(
    module_text: str, name: str, args: tuple, python: Callable, refused: Callable[[Exception], None]
) -> Callable:
    """The numba dispatcher of function ``name`` in ``module_text``, compiled for the types
    of ``args``. Arguments of other numba types (a float32 array where a float64 one was
    seen: the same kind to s2sad) are compiled for when they come; where numba refuses
    them, ``refused(error)`` is told once per types and ``python`` runs for them."""
    try:
        import numba
    except ImportError as e:
        raise NotCompilable("numba is not installed (pip install 's2sad[numba]')") from e
    namespace = _module(module_text)
    jitted = namespace.get(f"__{name}_jitted")
    if jitted is None:
        cached = namespace["__file__"] is not None
        jitted = numba.njit(cache=cached)(namespace[name])
        namespace[f"__{name}_jitted"] = jitted
    try:
        signature = tuple(numba.typeof(a) for a in args)
    except (ValueError, TypeError) as e:
        raise NotCompilable(f"numba has no type for an argument: {e}") from e
    jitted.compile(signature)
    _fall_back(jitted, python, refused)
    return jitted


def _fall_back(jitted, python: Callable, refused: Callable[[Exception], None]) -> None:
    """numba's dispatcher calls ``_compile_for_args`` for types it has not compiled for, and
    runs what that returns: ``python`` where numba refuses them (remembered per types)."""
    import numba

    compile_for_args = jitted._compile_for_args
    failed: set[tuple] = set()

    def compile_or_python(*args, **kwargs):
        try:
            key = tuple(numba.typeof(a) for a in args)
        except (ValueError, TypeError):
            key = None
        if key is not None and key in failed:
            return python
        try:
            return compile_for_args(*args, **kwargs)
        except Exception as e:  # numba's typing and lowering errors: the Python code runs
            if key is not None:
                failed.add(key)
            refused(e)
            return python

    jitted._compile_for_args = compile_or_python


def _module(text: str) -> dict:
    """The namespace of the module ``text``: imported from its file under the cache
    directory (written once; numba caches next to it), or executed in memory."""
    key = hashlib.sha256(text.encode()).hexdigest()[:20]
    with _lock:
        if key in _modules:
            return _modules[key]
        directory = cache_dir("numba")
        if directory is None:
            filename = register_source(text, "numba variant")
            namespace: dict = {"__name__": f"s2sad_numba_{key}", "__file__": None}
            exec(compile(text, filename, "exec"), namespace)
        else:
            path = directory / f"s2sad_{key}.py"
            if not path.exists() or path.read_text() != text:
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_text(text)
                os.replace(tmp, path)  # never a half-written file for another process
            spec = importlib.util.spec_from_file_location(f"s2sad_numba_{key}", path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module  # numba's cache finds the module by name
            spec.loader.exec_module(module)
            namespace = module.__dict__
        _modules[key] = namespace
        return namespace


__all__ = ["numba_function"]
