"""The text of a lifted function, compiled (``lifting``): what it reads, a ``def`` of it.

A local function given to ``s2sad.grad`` is written out as a module-level ``def``; the
names it reads but does not bind are found (Python's own ``symtable`` says), and the text
is compiled with its source in ``linecache``, one function per text and per the cells it
reads, so the dispatcher's cache finds it again:

>>> import gast
>>> lam = gast.parse("lambda y: np.sin(x * y) * x").body[0].value
>>> fdef = as_def(lam, "inner", ["y"])
>>> free_names(fdef)
['np', 'x']
>>> fdef.args.args.append(ast.arg(arg="x"))
>>> import numpy
>>> module = {"np": numpy}  # the globals of the function it was defined in
>>> inner = compiled(fdef, module, {}, "an example")
>>> round(float(inner(0.5, 2.0)), 6), compiled(fdef, module, {}, "an example") is inner
(1.682942, True)
"""

from __future__ import annotations

import ast
import linecache
import symtable
import sys
import threading
import types

import gast

_lifted: dict[tuple, types.FunctionType] = {}
_lock = threading.Lock()


def source(node: gast.expr) -> str:
    """An expression as the user wrote it (``gast_text`` puts a lambda in parentheses)."""
    return ast.unparse(gast.gast_to_ast(gast.Expression(body=node)))


def lambda_name(node: gast.expr, root: str) -> str:
    if isinstance(node, gast.Name):
        return node.id
    return f"{root if root.isidentifier() and root != 'lambda' else 'f'}_lambda"


def as_def(h: gast.FunctionDef | gast.Lambda, name: str, params: list[str]) -> ast.FunctionDef:
    """``h`` as a module-level ``def`` of its positional parameters, without defaults."""
    if isinstance(h, gast.Lambda):
        body = [ast.Return(value=gast.gast_to_ast(h.body))]
    else:
        body = gast.gast_to_ast(gast.Module(body=list(h.body), type_ignores=[])).body
    arguments = ast.arguments(
        posonlyargs=[], args=[ast.arg(arg=p) for p in params], kwonlyargs=[], kw_defaults=[], defaults=[]
    )
    fdef = ast.FunctionDef(
        name=name, args=arguments, body=body, decorator_list=[], returns=None, type_params=[]
    )
    if sys.version_info < (3, 12):
        del fdef.type_params
    fdef.type_comment = None
    return ast.fix_missing_locations(ast.copy_location(fdef, h))


def nested_def(g: gast.FunctionDef | gast.Lambda, name: str) -> ast.FunctionDef:
    """A local function ``g`` as a ``def`` named ``name``, its parameters as written."""
    if isinstance(g, gast.FunctionDef):
        (fdef,) = gast.gast_to_ast(gast.Module(body=[g], type_ignores=[])).body
        fdef.name, fdef.decorator_list = name, []
        return fdef
    lam = gast.gast_to_ast(gast.Expression(body=g)).body
    fdef = ast.FunctionDef(
        name=name, args=lam.args, body=[ast.Return(value=lam.body)], decorator_list=[], returns=None
    )
    if sys.version_info >= (3, 12):
        fdef.type_params = []
    fdef.type_comment = None
    return ast.fix_missing_locations(ast.copy_location(fdef, lam))


def free_names(fdef: ast.FunctionDef) -> list[str]:
    """The names ``fdef`` (and functions inside it) read but do not bind, in source order."""
    free: set[str] = set()
    tables = [symtable.symtable(ast.unparse(fdef), "<lifted>", "exec")]
    while tables:
        table = tables.pop()
        tables += table.get_children()
        if table.get_type() != "module":
            free |= {s.get_name() for s in table.get_symbols() if s.is_global()}
    text = ast.parse(ast.unparse(fdef))
    names = sorted((n.lineno, n.col_offset, n.id) for n in ast.walk(text) if isinstance(n, ast.Name))
    return list(dict.fromkeys(name for _, _, name in names if name in free))


_cells: dict[int, tuple[object, types.CellType]] = {}


def cell(value: object) -> types.CellType:
    """One cell per value known now (a function the local one calls), so the lifted function
    made again is the same function to the dispatcher's cache."""
    with _lock:
        hit = _cells.get(id(value))
        if hit is None or hit[0] is not value:
            hit = _cells[id(value)] = (value, types.CellType(value))
        return hit[1]


def compiled(fdef: ast.FunctionDef, globals: dict, cells: dict, description: str) -> types.FunctionType:
    """``fdef`` compiled as a function whose free names read ``cells``, the others ``globals``;
    its text in ``linecache``. The same text and cells give the same function."""
    text = ast.unparse(fdef) + "\n"
    key = (text, id(globals), tuple((k, id(c)) for k, c in sorted(cells.items())))
    with _lock:
        hit = _lifted.get(key)
    if hit is not None:
        return hit
    filename = f"<s2sad {description} #{len(_lifted) + 1}>"
    linecache.cache[filename] = (len(text), None, text.splitlines(keepends=True), filename)
    inner = ast.parse(text, filename).body[0]
    # A function around it, whose parameters are the cell names, makes them closure variables.
    names = sorted(cells)
    outer = ast.parse(f"def __s2sad_closure__({', '.join(names)}):\n    return None\n").body[0]
    outer.body = [inner, ast.Return(value=ast.Name(id=inner.name, ctx=ast.Load()))]
    ast.fix_missing_locations(outer)
    module = compile(ast.Module(body=[outer], type_ignores=[]), filename, "exec")
    outer_code = next(c for c in module.co_consts if isinstance(c, types.CodeType))
    code = next(c for c in outer_code.co_consts if isinstance(c, types.CodeType) and c.co_name == inner.name)
    fn = types.FunctionType(code, globals, inner.name, None, tuple(cells[n] for n in code.co_freevars))
    fn.__qualname__ = inner.name  # not __s2sad_closure__.<locals>.inner: it stands at module level
    with _lock:
        if len(_lifted) > 4096:
            _lifted.clear()
        fn = _lifted.setdefault(key, fn)
    return fn
