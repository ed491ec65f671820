"""Is the source s2sad reads the code that runs?

s2sad differentiates the text of a function, read from its file. When the file
has been edited since the module was imported, that text is not the running code,
and a derivative of it would be a derivative of another function. So the text is
compiled and its bytecode compared with the function's own:

>>> import gast
>>> def area(r):
...     return 3.0 * r * r
>>> node = gast.parse("def area(r):\\n    return 3.0 * r * r").body[0]
>>> runs_as(node, area)
True
>>> edited = gast.parse("def area(r):\\n    return 3.14 * r * r").body[0]
>>> runs_as(edited, area)
False

Only what the code does counts: line numbers, comments and layout do not.
"""

from __future__ import annotations
import __future__

import ast
import dis
import inspect
import types
from collections.abc import Callable

import gast

_FUTURE_FLAGS = [getattr(__future__, name).compiler_flag for name in __future__.all_feature_names]


def runs_as(node: gast.FunctionDef, fn: Callable, text: str | None = None) -> bool:
    """Whether the ``def`` in ``node`` compiles to ``fn``'s code (where it can be compiled
    alone; when it cannot, nothing is claimed and the answer is True).

    ``text``, the lines of the ``def`` as they stand in the file, is compiled first: the
    compiler spells that text exactly as it spelled the module, so an unchanged function
    is the same bytecode byte for byte, found without comparing instruction by instruction.
    Anything else (that text edited, or not compiling alone) is compared from ``node``."""
    code = fn.__code__
    if text is not None:
        quick = _compile_text(text, fn)
        if quick is not None and _same(quick, code):
            return True
    compiled = _compile_alone(node, fn)
    if compiled is None:
        return True
    return _key(compiled, code.co_name) == _key(code, code.co_name)


def _compile_alone(node: gast.FunctionDef, fn: Callable) -> types.CodeType | None:
    """The code object of the ``def`` compiled as it stands in its module: inside its
    class if it is a method (names like ``self.__x`` are mangled by the class), and its
    free names made cells of a function around it if it has any."""
    code = fn.__code__
    tree = gast.gast_to_ast(node)
    tree.decorator_list = []
    body: list[ast.stmt] = [tree]
    owner = _owner_class(fn)
    if owner is not None:
        body = [ast.ClassDef(name=owner, bases=[], keywords=[], body=body, decorator_list=[], type_params=[])]
    if code.co_freevars:
        cells = [_assign_none(name) for name in code.co_freevars]
        arguments = ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[])
        outer = ast.FunctionDef(
            name="__s2sad_outer__", args=arguments, body=[*cells, *body], decorator_list=[], type_params=[]
        )
        body = [outer]
    module = ast.fix_missing_locations(ast.Module(body=body, type_ignores=[]))
    flags = sum(flag for flag in _FUTURE_FLAGS if code.co_flags & flag)
    try:
        compiled = compile(module, code.co_filename, "exec", flags=flags, dont_inherit=True)
    except (SyntaxError, ValueError, TypeError):
        return None
    return _find_code(compiled, code.co_name)


def _compile_text(text: str, fn: Callable) -> types.CodeType | None:
    """The code of the ``def`` in ``text`` (its lines as in the file, decorators included),
    compiled under the headers ``_compile_alone`` puts around it: each header indented less
    than the ``def``, so its lines stay as they are."""
    code = fn.__code__
    lines = text.splitlines(keepends=True)
    indent = len(lines[0]) - len(lines[0].lstrip(" ")) if lines else 0
    headers = []
    if code.co_freevars:
        headers.append(["def __s2sad_outer__():\n"] + [f"{n} = None\n" for n in code.co_freevars])
    owner = _owner_class(fn)
    if owner is not None:
        headers.append([f"class {owner}:\n"])
    if indent and not headers:
        headers.append(["if 1:\n"])
    if len(headers) > indent or lines[0][indent : indent + 1] == "\t":
        return None
    # a method called on a name the module imported is compiled as an attribute read
    # (math.sin(x)), whichever scope the name is read from: those imports go first
    globals_ = getattr(fn, "__globals__", {})
    modules = sorted(n for n in _names(code) if isinstance(globals_.get(n), types.ModuleType))
    prefix = "".join(f"import {n}\n" for n in modules)
    for depth, (head, *inside) in enumerate(headers):  # the last one's body is the def's
        within = " " * (indent if depth == len(headers) - 1 else depth + 1)
        prefix += " " * depth + head + "".join(within + line for line in inside)
    flags = sum(flag for flag in _FUTURE_FLAGS if code.co_flags & flag)
    try:
        compiled = compile(prefix + text, code.co_filename, "exec", flags=flags, dont_inherit=True)
    except (SyntaxError, ValueError, TypeError):
        return None
    return _find_code(compiled, code.co_name)


def _names(code: types.CodeType) -> set[str]:
    """The names a code object reads (global, attribute, local, free), in the code inside it too."""
    out = {*code.co_names, *code.co_varnames, *code.co_freevars, *code.co_cellvars}
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            out |= _names(const)
    return out


def _same(a: types.CodeType, b: types.CodeType) -> bool:
    """Whether two code objects are the same bytecode over the same names and constants
    (code objects inside compared the same way); where they are, their ``_key`` is too."""
    fields = ("co_code", "co_names", "co_varnames", "co_freevars", "co_cellvars", "co_argcount")
    fields += ("co_posonlyargcount", "co_kwonlyargcount")
    if any(getattr(a, f) != getattr(b, f) for f in fields):
        return False
    if (a.co_flags ^ b.co_flags) & ~inspect.CO_NESTED:  # nested in a function or not, as written
        return False
    if getattr(a, "co_exceptiontable", b"") != getattr(b, "co_exceptiontable", b""):
        return False
    if len(a.co_consts) != len(b.co_consts):
        return False
    for x, y in zip(a.co_consts, b.co_consts):
        if isinstance(x, types.CodeType) and isinstance(y, types.CodeType):
            if not _same(x, y):
                return False
        elif type(x) is not type(y) or repr(x) != repr(y):
            return False
    return True


def _assign_none(name: str) -> ast.Assign:
    return ast.Assign(targets=[ast.Name(id=name, ctx=ast.Store())], value=ast.Constant(None))


def _owner_class(fn: Callable) -> str | None:
    parts = getattr(fn, "__qualname__", "").split(".")
    return parts[-2] if len(parts) > 1 and parts[-2] != "<locals>" else None


def _find_code(code: types.CodeType, name: str) -> types.CodeType | None:
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            if const.co_name == name:
                return const
            found = _find_code(const, name)
            if found is not None:
                return found
    return None


# How a compiler may spell the same operation depending on where it put the positions of
# nodes (pytest's assertion rewriting, for one, compiles test modules from a rewritten tree):
# an attribute read as a method or not. Jumps are compared by the instruction they reach.
_SAME = {
    "LOAD_METHOD": "LOAD_ATTR",
    "CALL_METHOD": "CALL_FUNCTION",
    "JUMP_BACKWARD_NO_INTERRUPT": "JUMP_BACKWARD",
}
# Two instructions fused into one where they stand on one line (LOAD_FAST_LOAD_FAST, Python 3.13).
_SUPER = {
    name: (name[:k], name[k + 1 :])
    for name in dis.opmap
    for k in range(len(name))
    if name[k] == "_" and name[:k] in dis.opmap and name[k + 1 :] in dis.opmap
}
_SKIP = {"CACHE", "NOP", "RESUME", "EXTENDED_ARG", "PRECALL", "PUSH_NULL", "COPY_FREE_VARS", "MAKE_CELL"}


def _key(code: types.CodeType, name: str) -> tuple:
    """What a code object does: its instructions and what they operate on (code objects
    inside compared the same way), not where its lines are or how calls are spelled.
    ``name`` is the function's: the qualified names of functions inside it are compared
    from there on (what encloses the function is not part of its text)."""
    everything = list(dis.get_instructions(code))
    instructions = [i for i in everything if i.opname not in _SKIP]
    # Jumps are compared by the position they reach among the compared instructions (a fused
    # pair counts as two); a jump to a skipped instruction reaches the next one compared.
    index: dict[int, int] = {}
    position = sum(2 if i.opname in _SUPER else 1 for i in instructions)
    for i in reversed(everything):
        if i.opname not in _SKIP:
            position -= 2 if i.opname in _SUPER else 1
        index[i.offset] = position
    out = []
    for i in instructions:
        pair = _SUPER.get(i.opname)
        if pair is not None and isinstance(i.argval, tuple) and len(i.argval) == 2:
            out += [(op, (type(v), repr(v))) for op, v in zip(pair, i.argval)]  # x * x on one line
            continue
        if i.opcode in dis.hasjrel or i.opcode in dis.hasjabs:
            arg = index.get(i.argval, i.argval)
        elif isinstance(i.argval, types.CodeType):
            arg = _key(i.argval, name)
        elif isinstance(i.argval, str) and f"{name}.<locals>." in i.argval:  # a qualified name (3.10)
            arg = (str, i.argval[i.argval.index(f"{name}.<locals>.") :])
        else:
            arg = (type(i.argval), repr(i.argval))
        out.append((_SAME.get(i.opname, i.opname), arg))
    return (tuple(out), code.co_varnames, code.co_argcount, code.co_posonlyargcount, code.co_kwonlyargcount)
