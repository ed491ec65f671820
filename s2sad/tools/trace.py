"""The evaluation trace: every value of the three-address form, with its derivative.

As in the tables of Baydin et al. (2018), one row per SSA value, in the order
the function computes them: its name, the operation that made it, its value,
and its adjoint (reverse mode) or its tangent (forward mode)::

    name  operation      value   adjoint
    x1    argument       2       5.5
    x2    argument       5       1.716
    v1    math.log(x1)   0.693   0.5
    ...

The values come from running the unsimplified derivative program (the
``raw`` stage) with every assignment recorded. The computational graph of the
same form prints as Graphviz DOT (``graph``).

>>> import math
>>> from s2sad.api.inspection import program
>>> def f(x1, x2):
...     return math.log(x1) + x1 * x2 - math.sin(x2)
>>> p = program(f, "reverse", (0, 1), [2.0, 5.0], None, "trace")
>>> print(format_table(evaluation_trace(p.fn, p.stages, [2.0, 5.0])), end="")
name  operation     value   adjoint
----  ------------  ------  -------
x1    argument      2       5.5
x2    argument      5       1.716
v1    math.log(x1)  0.693   1
v2    x1 * x2       10      1
v3    math.sin(x2)  -0.959  -1
v4    v1 + v2       10.693  1
v5    v4 - v3       11.652  1
>>> print(graph(p.stages.ssa_ir), end="")  # doctest: +ELLIPSIS
digraph f {
    rankdir=LR;
    node [shape=box, fontname="monospace"];
    "x1" [label="x1", shape=ellipse];
    "x2" [label="x2", shape=ellipse];
    "v1" [label="v1 = math.log(x1)"];
    "x1" -> "v1";
    ...
    "return" [shape=plaintext];
    "v5" -> "return";
}
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import ir
from ..backend.compiler import compile_function
from ..driver.pipeline import Stages, cells_needed
from ..ir import Call, Const, Name
from ..ir.printer import expr_source, function_source


@dataclass
class Row:
    name: str
    operation: str
    value: Any
    derivative: Any = None
    has_derivative: bool = False


@dataclass
class Trace:
    rows: list[Row] = field(default_factory=list)
    result: Any = None
    column: str = "adjoint"  # or "tangent"


def _record_statements(stmts: list[ir.Stmt], record: ir.Op, aliases: dict[str, str]) -> list[ir.Stmt]:
    """After each assignment, ``__trace("name", ..., name)``."""
    out: list[ir.Stmt] = []
    for stmt in stmts:
        stmt = ir.with_blocks(stmt, lambda b: _record_statements(b, record, aliases))
        out.append(stmt)
        targets: list[Name] = []
        if isinstance(stmt, ir.Assign):
            targets = [stmt.target]
        elif isinstance(stmt, ir.Unpack):
            targets = list(stmt.targets)
        origin = stmt.origin
        again = (origin is not None and origin.adjoint) or getattr(stmt, "recomputed", False)
        operation = expr_source(stmt.value, aliases) if isinstance(stmt, ir.Assign) else ""
        for t in targets:
            accumulate = isinstance(stmt, ir.Assign) and stmt.accumulate
            info = (Const(t.id), Const(accumulate), Const(again), Const(operation))
            out.append(ir.Effect(Call(record, (*info, t))))
    return out


def run_recorded(stages: Stages, fn: Callable, args: Sequence[Any], extra: Sequence[Any] = ()) -> tuple:
    """Run the raw derivative program on ``args`` with every assignment recorded:
    ``(result, [(name, accumulated, value), ...])``."""
    events: list[tuple[str, bool, bool, str, Any]] = []

    def record(name: str, accumulated: bool, again: bool, operation: str, value: Any) -> None:
        copy = np.copy(value) if isinstance(value, np.ndarray) else value
        events.append((name, accumulated, again, operation, copy))

    op = ir.call_op(record, "__trace", pure=False)
    raw = stages.raw
    program = ir.replace(raw, body=_record_statements(raw.body, op, stages.aliases))
    text = function_source(program, stages.aliases)
    user_cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
    cells = {**cells_needed(stages), **user_cells, "__trace": record}
    compiled = compile_function(text, f"trace of {fn.__name__}", fn.__globals__, cells)
    result = compiled(*args, *extra)
    return result, events


def evaluation_trace(
    fn: Callable, stages: Stages, args: Sequence[Any], seeds: Sequence[Any] | None = None
) -> Trace:
    """The rows of the trace of ``fn`` at ``args``. In forward mode ``seeds`` are the
    tangents of the ``wrt`` parameters (1.0 for the first, zeros elsewhere by default)."""
    ssa = stages.ssa_ir
    forward = stages.request.mode in ("jvp", "derivative")
    params = [p.name for p in ssa.params]
    extra: list[Any] = []
    if stages.request.mode == "jvp":
        wrt = list(stages.request.wrt)
        if seeds is None:
            seeds = [1.0 if i == 0 else 0.0 for i in range(len(wrt))]
        extra = [np.asarray(s, dtype=float) if np.ndim(s) else float(s) for s in seeds]
    result, events = run_recorded(stages, fn, args, extra)
    trace = Trace(column="tangent" if forward else "adjoint")
    primal_names = set(params) | {w for s in ir.walk(ssa.body) for w in s.writes()}
    # primal events in order, each with the derivative that belongs to it
    suffix = "_dot" if forward else "_bar"
    derivative_events: dict[str, list[tuple[bool, Any]]] = {}
    for name, accumulated, _again, _op, value in events:
        if name.endswith(suffix) and name[: -len(suffix)] in primal_names:
            derivative_events.setdefault(name[: -len(suffix)], []).append((accumulated, value))
    for p, value in zip(params, args):
        trace.rows.append(Row(p, "argument", value))
    for name, _acc, again, operation, value in events:
        if name in primal_names and not name.endswith(suffix) and not again:
            trace.rows.append(Row(name, operation, value))
    _attach(trace.rows, derivative_events, forward, extra, stages, params)
    trace.result = result
    return trace


def _attach(rows: list[Row], events: dict, forward: bool, seeds: list, stages: Stages, params: list) -> None:
    """Give each row its tangent (the one computed right after it) or its adjoint (the
    value its adjoint had when the sweep was done with it)."""
    by_name: dict[str, list[Row]] = {}
    for row in rows:
        by_name.setdefault(row.name, []).append(row)
    if forward and stages.request.mode == "jvp":
        for name, seed in zip(stages.request.wrt, seeds):
            for row in by_name.get(name, [])[:1]:
                row.derivative, row.has_derivative = seed, True
    for name, evs in events.items():
        runs: list[Any] = []  # one value per assignment (and the additions that follow it)
        for accumulated, value in evs:
            if accumulated and runs:
                runs[-1] = value
            else:
                runs.append(value)
        targets = [r for r in by_name.get(name, []) if r.operation != "argument" or forward is False]
        if forward:
            targets = [r for r in by_name.get(name, []) if r.operation != "argument"]
            pairs = zip(targets, runs)
        else:
            if name in params:  # the gradient: the adjoint once the sweep is over
                for row in by_name.get(name, []):
                    row.derivative, row.has_derivative = runs[-1], True
                continue
            pairs = zip(reversed(targets), runs) if len(targets) == len(runs) else ()
        for row, value in pairs:
            row.derivative, row.has_derivative = value, True


def format_value(v: Any) -> str:
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        text = f"{float(v):.3f}".rstrip("0").rstrip(".")
        if text in ("-0", ""):
            text = "0"
        if abs(float(v)) >= 1e6 or (0 < abs(float(v)) < 5e-4):
            text = f"{float(v):.3g}"
        return text
    if isinstance(v, np.ndarray):
        flat = [format_value(x) for x in v.reshape(-1)[:3]]
        more = ", ..." if v.size > 3 else ""
        return f"[{', '.join(flat)}{more}] {v.shape}"
    if isinstance(v, (list, tuple)):
        inner = ", ".join(format_value(x) for x in list(v)[:3])
        return f"[{inner}{', ...' if len(v) > 3 else ''}]"
    return repr(v)


def format_table(trace: Trace) -> str:
    header = ["name", "operation", "value", trace.column]
    lines = [
        [r.name, r.operation, format_value(r.value), format_value(r.derivative) if r.has_derivative else ""]
        for r in trace.rows
    ]
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]

    def row(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    out = [row(header), row(["-" * w for w in widths])] + [row(line) for line in lines]
    return "\n".join(out) + "\n"


def graph(ssa: ir.Function, trace: Trace | None = None) -> str:
    """The computational graph of the three-address form as Graphviz DOT: a node per value
    (with its value and derivative when a trace is given), an edge per use."""
    values: dict[str, Row] = {}
    if trace is not None:
        for r in trace.rows:
            values[r.name] = r
    lines = [f"digraph {ssa.name} {{", "    rankdir=LR;", '    node [shape=box, fontname="monospace"];']

    def node(name: str, operation: str) -> None:
        label = name if not operation or operation == "argument" else f"{name} = {operation}"
        r = values.get(name)
        if r is not None:
            label += f"\\n{format_value(r.value)}"
            if r.has_derivative:
                label += f"\\n{trace.column} {format_value(r.derivative)}"
        shape = ", shape=ellipse" if operation == "argument" else ""
        lines.append(f'    "{name}" [label="{_escape(label)}"{shape}];')

    for p in ssa.params:
        node(p.name, "argument")
    seen = {p.name for p in ssa.params}
    for stmt in ir.walk(ssa.body):
        if isinstance(stmt, ir.Assign) and stmt.target.id not in seen:
            seen.add(stmt.target.id)
            node(stmt.target.id, expr_source(stmt.value))
        if isinstance(stmt, ir.Assign):
            for src in dict.fromkeys(ir.names_in(stmt.value)):
                lines.append(f'    "{src}" -> "{stmt.target.id}";')
        elif isinstance(stmt, ir.Return):
            lines.append('    "return" [shape=plaintext];')
            for src in dict.fromkeys(ir.names_in(stmt.value)):
                lines.append(f'    "{src}" -> "return";')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _escape(text: str) -> str:
    return text.replace('"', '\\"')
