"""Read a function's source, parse it with gast, and reject what we cannot do.

``parse(f)`` finds the source of a module-level function, a nested function or
a lambda (by its code object's file and line), parses it, and runs the fence:
the first construct the transformer does not handle raises
``UnsupportedSyntaxError`` pointing at it and saying what to write instead.
Results are cached per code object. ``parse_source`` does the same for a
function defined in a string, which is how the docstrings of the stages show
what they do:

>>> parse_source('''
... def f(x, path):
...     with open(path) as log:
...         log.write(str(x))
...     return x * x
... ''', filename="model.py")
Traceback (most recent call last):
  ...
s2sad.errors.UnsupportedSyntaxError: model.py:2:5: a `with` statement is not supported
    with open(path) as log:
    ^
Enter the context outside the differentiated function and pass values in.
"""

from __future__ import annotations

import hashlib
import inspect
import linecache
import textwrap
import threading
import types
from collections.abc import Callable
from dataclasses import dataclass

import gast

from .. import ir
from ..errors import DifferentiationError, Location, UnsupportedSyntaxError
from .freshness import runs_as


@dataclass
class Parsed:
    """A parsed function and where its source came from."""

    fn: Callable
    node: gast.FunctionDef | gast.Lambda
    source: ir.Source
    line_offset: int  # file line = node line + line_offset

    @property
    def name(self) -> str:
        return "lambda" if isinstance(self.node, gast.Lambda) else self.node.name

    def location(self, node: gast.AST) -> Location:
        line = getattr(node, "lineno", 1) + self.line_offset
        col = getattr(node, "col_offset", 0) + 1
        text = self.source.lines[line - 1] if 0 < line <= len(self.source.lines) else ""
        return Location(self.source.path, line, col, text)

    def origin(self, node: gast.AST) -> ir.Origin:
        """Where a statement stands; for ``if``, ``for`` and ``while``, just the header."""
        header = getattr(node, "test", None) or getattr(node, "iter", None)
        last = header if isinstance(node, (gast.If, gast.For, gast.While)) else node
        line = node.lineno + self.line_offset
        end = (getattr(last, "end_lineno", None) or node.lineno) + self.line_offset
        return ir.Origin(line, end, node.col_offset + 1, source=self.source)

    def nested(self, node: gast.FunctionDef | gast.Lambda) -> Parsed:
        """A function defined inside this one: same file, same function object."""
        return Parsed(self.fn, node, self.source, self.line_offset)


_parsed: dict[types.CodeType, Parsed] = {}
_lock = threading.Lock()


def parse(fn: Callable) -> Parsed:
    """Parse ``fn`` and check that every construct in it is supported."""
    code = fn.__code__
    with _lock:
        hit = _parsed.get(code)
    if hit is not None and hit.fn is fn:
        return hit
    node, source, offset = _find_source(fn)
    parsed = Parsed(fn, node, source, offset)
    check_supported(parsed)
    with _lock:
        if len(_parsed) > 4096:  # code objects cannot be weakly referenced
            _parsed.clear()
        _parsed[code] = parsed
    return parsed


def parse_source(
    text: str, name: str | None = None, filename: str | None = None, namespace: dict | None = None
) -> Parsed:
    """``parse`` of the function ``name`` that the module source ``text`` defines (by default
    the last one it defines).

    The text runs in ``namespace`` (by default a fresh one) with its lines in ``linecache``
    under ``filename`` (by default a name made from the text), so its functions are read
    back the way functions from files are. Lines count from the first non-blank one.

    >>> parsed = parse_source('''
    ... import math
    ...
    ... def f(x):
    ...     return math.sqrt(x)
    ... ''', filename="model.py")
    >>> parsed.name, parsed.fn(9.0)
    ('f', 3.0)
    >>> str(parsed.location(parsed.node.body[0]))
    'model.py:4:5'
    """
    text = textwrap.dedent(text).strip("\n") + "\n"
    if filename is None:
        filename = f"<source {hashlib.sha1(text.encode()).hexdigest()[:8]}>"
    linecache.cache[filename] = (len(text), None, text.splitlines(keepends=True), filename)
    namespace = {"__name__": "__source__"} if namespace is None else namespace
    exec(compile(text, filename, "exec"), namespace)
    if name is None:
        defined = [
            v
            for v in namespace.values()
            if isinstance(v, types.FunctionType) and v.__code__.co_filename == filename
        ]
        if not defined:
            raise ValueError("the source text defines no function")
        return parse(defined[-1])
    return parse(namespace[name])


def split_docstring(body: list[gast.stmt]) -> tuple[str | None, list[gast.stmt]]:
    """A function body's docstring (``None`` if it has none) and the statements after it.

    >>> doc, body = split_docstring(gast.parse('"Twice x."\\nreturn 2 * x').body)
    >>> doc, len(body)
    ('Twice x.', 1)
    """
    first = body[0] if body else None
    if (
        isinstance(first, gast.Expr)
        and isinstance(first.value, gast.Constant)
        and isinstance(first.value.value, str)
    ):
        return first.value.value, body[1:]
    return None, body


def _no_source(fn: Callable, why: str) -> DifferentiationError:
    name = getattr(fn, "__qualname__", repr(fn))
    return UnsupportedSyntaxError(
        f"cannot read the source of {name}: {why}",
        hint="s2sad transforms source code: define the function in a file (or a notebook cell), "
        "not in an interactive `python` prompt or with exec() of a string it cannot find.",
    )


def _find_source(fn: Callable) -> tuple[gast.AST, ir.Source, int]:
    code = fn.__code__
    path = code.co_filename
    lines = linecache.getlines(path, getattr(fn, "__globals__", None))
    if not lines:
        raise _no_source(fn, f"no source text for {path}")
    source = ir.Source(path, lines, code.co_firstlineno, getattr(fn, "__name__", "lambda"))
    if code.co_name == "<lambda>":
        return _find_lambda(fn, source), source, 0
    module = _quick_block(code, lines)
    if module is not None:
        module, first, indented, block = module
    else:
        try:
            block, first = inspect.getsourcelines(fn)
        except (OSError, TypeError) as exc:
            raise _no_source(fn, str(exc)) from None
        # Parse the block where it stands: for an indented `def`, an `if 1:`
        # header makes it valid, keeps its columns, and shifts lines by one.
        indented = block[0][:1] in (" ", "\t")
        text = ("if 1:\n" if indented else "") + "".join(block)
        try:
            module = gast.parse(text)
        except SyntaxError as exc:
            raise _no_source(fn, f"its source does not parse ({exc.msg})") from None
    node = module.body[0].body[0] if indented else module.body[0]
    offset = first - 1 - indented
    if isinstance(node, gast.AsyncFunctionDef):
        loc = Location(path, node.lineno + offset, node.col_offset + 1, lines[node.lineno + offset - 1])
        raise UnsupportedSyntaxError(
            "an `async def` function is not supported",
            loc,
            "Differentiate a plain `def` function; await results outside it.",
        )
    if not isinstance(node, gast.FunctionDef):
        raise _no_source(fn, "the source block is not a function definition")
    if not runs_as(node, fn, "".join(block)):
        line = node.lineno + offset
        raise DifferentiationError(
            f"the source of `{fn.__qualname__}` has changed since it was imported: "
            "the text in the file is not the code that runs",
            Location(path, line, node.col_offset + 1, lines[line - 1] if line <= len(lines) else ""),
            "Reload the module (importlib.reload) or restart Python, so that s2sad "
            "differentiates the code that runs.",
        )
    source.firstline = first
    return node, source, offset


def _quick_block(code: types.CodeType, lines: list[str]) -> tuple[gast.Module, int, bool, list[str]] | None:
    """The ``def`` block read off the code object's positions (its first line, the last line
    any instruction of it or of code inside it ends on), parsed: what ``inspect`` finds by
    tokenising the file, without the tokeniser (whose start-up is most of a first call's
    cost). ``None`` where that is not sure to be the block: the caller asks ``inspect``.
    Whatever block is read, ``runs_as`` checks it compiles to the code that runs."""
    if not hasattr(code, "co_positions"):  # Python 3.10: lines without their ends
        return None
    first = code.co_firstlineno
    last = _last_line(code)
    if last is None or not 0 < first <= last <= len(lines):
        return None
    block = lines[first - 1 : last]
    if not block[0].lstrip().startswith(("def ", "@")):
        return None
    indented = block[0][:1] in (" ", "\t")
    try:
        module = gast.parse(("if 1:\n" if indented else "") + "".join(block))
    except SyntaxError:
        return None
    node = module.body[0].body[0] if indented else module.body[0]
    following = lines[last] if last < len(lines) else ""
    depth = len(block[0]) - len(block[0].lstrip())
    if following.strip() and len(following) - len(following.lstrip()) > depth:
        return None  # the next line is still inside the def: a statement with no instructions
    if not isinstance(node, gast.FunctionDef) or len(module.body) != 1:
        return None
    return module, first, indented, block


def _last_line(code: types.CodeType) -> int | None:
    ends = [end for _, end, _, _ in code.co_positions() if end is not None]
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            inner = _last_line(c)
            if inner is not None:
                ends.append(inner)
    return max(ends, default=None)


_module_trees: dict[tuple[str, int], gast.Module] = {}


def _find_lambda(fn: Callable, source: ir.Source) -> gast.Lambda:
    code = fn.__code__
    key = (source.path, hash("".join(source.lines)))
    tree = _module_trees.get(key)
    if tree is None:
        try:
            tree = gast.parse("".join(source.lines))
        except SyntaxError:
            raise _no_source(fn, "the file it is in does not parse") from None
        _module_trees[key] = tree
    line = code.co_firstlineno
    params = list(code.co_varnames[: code.co_argcount + code.co_kwonlyargcount])
    found = [
        node
        for node in gast.walk(tree)
        if isinstance(node, gast.Lambda)
        and node.lineno == line
        and [a.id for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs] == params
    ]
    if len(found) > 1 and hasattr(code, "co_positions"):
        # Several lambdas with the same parameters on one line: the first
        # instruction of the body tells which one by its column.
        cols = [c for _, _, c, e in code.co_positions() if c is not None and e is not None and e > c]
        if cols:
            col = min(cols)
            found = [n for n in found if n.body.col_offset <= col < n.body.end_col_offset] or found
    if len(found) > 1:  # Python 3.10 has no columns: compile each and compare the code
        found = [n for n in found if _same_code(n, code)] or found
    if len(found) != 1:
        why = "no lambda found" if not found else "several lambdas on one line look alike"
        raise _no_source(fn, f"{why} at {source.path}:{line}; give the function a name with def")
    return found[0]


def _same_code(node: gast.Lambda, code: types.CodeType) -> bool:
    import ast

    try:
        tree = ast.fix_missing_locations(gast.gast_to_ast(gast.Expression(body=node)))
        compiled = compile(tree, "<lambda>", "eval")
    except (SyntaxError, ValueError, TypeError):
        return False
    inner = next((c for c in compiled.co_consts if isinstance(c, types.CodeType)), None)
    return inner is not None and (inner.co_code, inner.co_consts, inner.co_names) == (
        code.co_code,
        code.co_consts,
        code.co_names,
    )


# ------------------------------------------------------------------------ fence

_HINT_EXIT = "Move the code that may raise out of the differentiated function."
_STATEMENTS = {
    gast.Try: ("a `try` statement", _HINT_EXIT),
    gast.Raise: ("a `raise` statement", _HINT_EXIT),
    gast.With: (
        "a `with` statement",
        "Enter the context outside the differentiated function and pass values in.",
    ),
    gast.AsyncWith: ("an `async with` statement", "Differentiate plain synchronous code."),
    gast.AsyncFor: ("an `async for` loop", "Differentiate plain synchronous code."),
    gast.AsyncFunctionDef: ("an `async def` function", "Differentiate plain synchronous code."),
    gast.Global: ("a `global` statement", "Return the new value instead of assigning to a global variable."),
    gast.Nonlocal: (
        "a `nonlocal` statement",
        "Return the new value instead of assigning to an enclosing function's variable.",
    ),
    gast.ClassDef: ("a class definition inside the function", "Define the class at module level."),
    gast.Import: ("an `import` inside the function", "Import at module level."),
    gast.ImportFrom: ("an `import` inside the function", "Import at module level."),
    gast.Delete: ("a `del` statement", "Leave the name bound; it does no harm."),
}
if hasattr(gast, "Match"):
    _STATEMENTS[gast.Match] = ("a `match` statement", "Use if/elif comparisons.")
if hasattr(gast, "TryStar"):
    _STATEMENTS[gast.TryStar] = ("a `try` statement", _HINT_EXIT)

_EXPRESSIONS = {
    gast.Yield: (
        "a `yield` (generator functions)",
        "Return a list or an array of the values instead of yielding them.",
    ),
    gast.YieldFrom: (
        "a `yield from` (generator functions)",
        "Return a list or an array of the values instead of yielding them.",
    ),
    gast.Await: ("`await`", "Differentiate plain synchronous code."),
    gast.SetComp: ("a set comprehension", "Use array operations."),
    gast.DictComp: ("a dict comprehension", "Use array operations."),
    gast.Set: ("a set display", "Use a tuple."),
}


def check_supported(parsed: Parsed) -> None:
    """Raise ``UnsupportedSyntaxError`` at the first unsupported construct."""
    node = parsed.node
    body = [gast.Return(value=node.body)] if isinstance(node, gast.Lambda) else node.body
    for i, stmt in enumerate(body):
        _check_stmt(parsed, stmt, is_docstring=(i == 0))


def _unsupported(parsed: Parsed, node: gast.AST, what: str, hint: str) -> UnsupportedSyntaxError:
    return UnsupportedSyntaxError(f"{what} is not supported", parsed.location(node), hint)


def _check_stmt(parsed: Parsed, stmt: gast.stmt, is_docstring: bool = False) -> None:
    entry = _STATEMENTS.get(type(stmt))
    if entry:
        raise _unsupported(parsed, stmt, *entry)
    if isinstance(stmt, gast.Assign):
        for target in stmt.targets:
            _check_target(parsed, target)
    elif isinstance(stmt, (gast.AugAssign, gast.AnnAssign)):
        _check_target(parsed, stmt.target, allow_tuple=False)
        if isinstance(stmt, gast.AnnAssign) and stmt.value is None:
            return  # a bare annotation does nothing
    elif isinstance(stmt, (gast.For, gast.While)) and stmt.orelse:
        raise _unsupported(
            parsed,
            stmt,
            "an `else` clause on a loop",
            "Use a flag set before `break` and test it after the loop.",
        )
    elif isinstance(stmt, gast.For):
        _check_target(parsed, stmt.target)
    for child in gast.iter_child_nodes(stmt):
        if isinstance(child, gast.stmt):
            _check_stmt(parsed, child)
        elif isinstance(child, gast.expr) and not _is_target(stmt, child):
            _check_expr(parsed, child)


def _is_target(stmt: gast.stmt, node: gast.AST) -> bool:
    targets = getattr(stmt, "targets", None) or [getattr(stmt, "target", None)]
    return any(node is t for t in targets)


def _check_target(parsed: Parsed, target: gast.expr, allow_tuple: bool = True) -> None:
    if isinstance(target, gast.Name):
        return
    if allow_tuple and isinstance(target, (gast.Tuple, gast.List)):
        for elt in target.elts:
            _check_target(parsed, elt, allow_tuple=True)
        return
    if isinstance(target, (gast.Subscript, gast.Attribute)) and isinstance(target.value, gast.Name):
        return  # y[i] = ..., obj.a = ...: lowering checks that y is an array (obj an object) it made
    if isinstance(target, (gast.Subscript, gast.Attribute)):
        what = (
            "assignment to an attribute"
            if isinstance(target, gast.Attribute)
            else ("assignment into this expression")
        )
        raise _unsupported(parsed, target, what, "Assign into an array the function makes, by its name.")
    raise _unsupported(parsed, target, "this assignment target", "Assign to a plain name.")


def _check_expr(parsed: Parsed, expr: gast.AST) -> None:
    for node in gast.walk(expr):
        entry = _EXPRESSIONS.get(type(node))
        if entry:
            raise _unsupported(parsed, node, *entry)
        if isinstance(node, gast.Dict) and not all(
            k is None or isinstance(k, gast.Constant) and isinstance(k.value, str) for k in node.keys
        ):
            raise _unsupported(
                parsed, node, "a dict display with keys other than strings", 'Use string keys: {"w": w}.'
            )
        if isinstance(node, gast.NamedExpr) and not isinstance(node.target, gast.Name):
            raise _unsupported(parsed, node, "this `:=` target", "Assign to a plain name.")
