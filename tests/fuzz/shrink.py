"""Shrinking a failing program by hand, for the long runs (hypothesis shrinks the CI sample itself).

``shrink(source, still_fails)`` tries smaller programs, one edit at a time, and
keeps an edit when ``still_fails(smaller)`` holds: a statement removed, an
``if`` or a loop replaced by its body, an expression replaced by one of its
parts or by ``x``, a loop count made 1. It stops at a program no single edit
makes smaller, or after ``budget`` tries.

>>> src = "def f(x, a):\\n    s = x * 2.0\\n    t = s + 1.0\\n    return t * x\\n"
>>> print(shrink(src, lambda s: "x * 2.0" in s), end="")
def f(x, a):
    s = x * 2.0
"""

from __future__ import annotations

import ast
import copy


def _bodies(tree: ast.AST):
    """Every list of statements in the tree, as (node, field)."""
    for node in ast.walk(tree):
        for name in ("body", "orelse"):
            stmts = getattr(node, name, None)
            if isinstance(stmts, list) and stmts and isinstance(stmts[0], ast.stmt):
                yield node, name


def _statement_edits(tree: ast.Module):
    """Smaller trees: a statement removed, a compound statement replaced by its body."""
    for b, (node, name) in enumerate(list(_bodies(tree))):
        for i, stmt in enumerate(getattr(node, name)):
            replacements = [[]]
            if isinstance(stmt, (ast.If, ast.For, ast.While)):
                replacements += [stmt.body] + ([stmt.orelse] if stmt.orelse else [])
            for new in replacements:
                edited = copy.deepcopy(tree)
                enode, ename = list(_bodies(edited))[b]
                stmts = getattr(enode, ename)
                stmts[i : i + 1] = copy.deepcopy(new)
                if not stmts:
                    stmts.append(ast.Pass())
                yield edited


def _parts(expr: ast.expr) -> list[ast.expr]:
    if isinstance(expr, ast.BinOp):
        return [expr.left, expr.right]
    if isinstance(expr, ast.UnaryOp):
        return [expr.operand]
    if isinstance(expr, ast.IfExp):
        return [expr.body, expr.orelse]
    if isinstance(expr, ast.Call):
        return list(expr.args)
    return []


def _expression_edits(tree: ast.Module):
    """Smaller trees: an expression replaced by a part of it, or by ``x``; ``range(n)`` by ``range(1)``."""
    count = sum(1 for _ in ast.walk(tree))
    for k in range(count):
        original = list(ast.walk(tree))[k]
        if not isinstance(original, ast.expr) or isinstance(original, (ast.Name, ast.Constant)):
            continue
        options = _parts(original) + [ast.Name("x", ast.Load())]
        if isinstance(original, ast.Call) and getattr(original.func, "id", "") == "range":
            options = [ast.Call(original.func, [ast.Constant(1)], [])]
        for option in options:
            edited = copy.deepcopy(tree)
            target = list(ast.walk(edited))[k]
            replacement = copy.deepcopy(option)
            for parent in ast.walk(edited):
                for name, value in ast.iter_fields(parent):
                    if value is target:
                        setattr(parent, name, replacement)
                    elif isinstance(value, list):
                        for j, item in enumerate(value):
                            if item is target:
                                value[j] = replacement
            yield edited


def shrink(source: str, still_fails, budget: int = 300) -> str:
    """The smallest program found from ``source`` for which ``still_fails`` holds."""
    best = ast.parse(source)
    tries = 0
    improved = True
    while improved and tries < budget:
        improved = False
        for edits in (_statement_edits, _expression_edits):
            for candidate in edits(best):
                text = ast.unparse(ast.fix_missing_locations(candidate)) + "\n"
                if len(text) >= len(ast.unparse(best)) + 1:
                    continue
                tries += 1
                if still_fails(text):
                    best, improved = ast.parse(text), True
                    break
                if tries >= budget:
                    break
            if improved or tries >= budget:
                break
    return ast.unparse(best) + "\n"
