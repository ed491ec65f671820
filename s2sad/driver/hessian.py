"""Hessian programs: the generated gradient, differentiated again in forward mode.

``HessianTransform`` is what ``s2sad.hessian`` returns the dispatcher of: like the
gradient it is built on, it is specialised on the kinds of the arguments, cached and
guarded. For each kind it builds one Hessian program, checks it once against the
sweeps it replaces, and keeps it:

- number arguments: the gradient's primal sweep once and its tangent sweep along
  each argument, in one function (``unroll.unrolled``);
- an array argument: its column block from the tangent program of the gradient run
  with every unit direction at once (``batch.batched``), or once per entry; a sparse
  Hessian of one array argument from one sweep per colour of its columns
  (``compressed``).

The first program built runs inside the dispatcher where it is one generated function.

A gradient program the forward transform cannot follow (a recursive function's
passes pullbacks around) falls back to ``slow_hessian``, one directional derivative
at a time (``second_derivatives``: forward over reverse where it can be, else forward
over forward); so does the Hessian of a function s2sad returned.

>>> def f(x1, x2):
...     return x1 ** 2 * x2
>>> h = HessianTransform(f, ("x1", "x2"), False).dispatcher
>>> h(1.0, 3.0)
((6.0, 2.0), (2.0, 0.0))
>>> import inspect
>>> program = h.__s2sad__.all[0][1]  # the Hessian program for two floats
>>> print(inspect.getsource(program), end="")  # doctest: +ELLIPSIS
def f_hessian(x1, x2):
    ...
    # x2_bar = x1 * x1
    x2_bar_dot_0 = 2.0 * x1
    # x1_bar = x2 * (2.0 * x1)
    v1 = 2.0 * x1
    x1_bar_dot_0 = 2.0 * x2
    # return x1_bar, x2_bar
    return (x1_bar_dot_0, v1), (x2_bar_dot_0, 0.0)
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .. import ir
from ..backend.compiler import compile_function
from ..derive.request import Request
from ..errors import UnsupportedSyntaxError
from ..frontend.parse import parse
from ..frontend.resolve import parameters
from ..ir.kinds import kind_of
from ..ir.printer import function_source
from ..rules.registry import ONCE
from . import batch, unroll
from .compressed import SparseHessian
from .directions import assemble, basis, check_array_like, jvp_at, unit_tangents, zero_tangents
from .dispatch import Compiled, Transform, transform
from .generated import concrete, positional_params


def gradient_function(f: Callable, names: tuple[str, ...], args: Sequence[Any]) -> Callable:
    """The gradient program of ``f`` for these arguments: generated code, which the forward
    transform differentiates again (forward over reverse)."""
    f = concrete(f, args)
    positional, _, _ = parameters(f)
    t = transform(f, Request("grad", names, False, taped=True))  # differentiated again
    parse(f)
    return t.specialise(dict(zip(positional, args)))


_over_forward: set[tuple] = set()  # functions whose gradient program calls itself (recursion)


def second_derivatives(f: Callable, names: tuple[str, ...], args: Sequence[Any]) -> Callable:
    """``directional(v, k)``: the derivative along the tangents ``v`` of the gradient with
    respect to ``names[k]`` (a column of the Hessian, or a Hessian-vector product).

    Forward mode over the generated gradient, as a rule. A gradient program of a
    recursive function passes pullbacks around, which the forward transform does not
    follow: there the second derivatives come from forward mode over forward mode, one
    entry at a time."""
    positional = positional_params(f)
    key = (getattr(concrete(f, args), "__code__", None), names, tuple(kind_of(a) for a in args))
    if key not in _over_forward:
        try:
            g = gradient_function(f, names, args)
            jvp_at(g, tuple(args), tuple(zero_tangents(args)), names)  # built now: may raise
        except UnsupportedSyntaxError:
            _over_forward.add(key)
        else:

            def over_reverse(tangents: list, k: int) -> Any:
                return jvp_at(g, tuple(args), tuple(tangents), names)[1][k]

            return over_reverse
    program = concrete(f, args)
    parse(program)
    t = transform(program, Request("jvp", tuple(parameters(program)[0]), False))
    tangent_program = t.specialise(dict(zip(positional, args)))

    def over_forward(tangents: list, k: int) -> Any:
        i = positional.index(names[k])
        columns = []
        for e in basis(args[i]):
            unit = zero_tangents(args)
            unit[i] = e
            # d/ds of (d/dt f(x + t e)) at x + s v: the mixed second derivative e' H v
            _, (_, second) = jvp_at(tangent_program, (*args, *unit), (*tangents, *zero_tangents(unit)))
            columns.append(second)
        return assemble(columns, (), args[i]) if isinstance(args[i], np.ndarray) else float(columns[0])

    return over_forward


def slow_hessian(f: Callable, names: tuple[str, ...], single: bool) -> Callable:
    """The Hessian one directional derivative at a time: for functions s2sad returned (a
    Hessian of a gradient) and for recursive functions."""
    positional = positional_params(f)

    def hess(*args: Any) -> Any:
        args = _with_defaults(f, positional, args)
        for name in names:
            check_array_like(args[positional.index(name)], f"hessian: `{name}`")
        directional = second_derivatives(f, names, args)
        blocks = []
        for a in names:
            row = []
            for b in names:
                j = positional.index(b)
                tangents = zero_tangents(args)
                columns = []
                for e in basis(args[j]):
                    tangents[j] = e
                    columns.append(directional(tangents, names.index(a)))
                row.append(assemble(columns, np.shape(args[positional.index(a)]), args[j]))
            blocks.append(tuple(row))
        return blocks[0][0] if single else tuple(blocks)

    hess.__name__ = f"{getattr(f, '__name__', 'f')}_hessian"
    return hess


class HessianTransform(Transform):
    """``hessian(f)``: specialised, cached and guarded like the gradient it is built on.

    For each kind of arguments the function called is::

        def f_hessian(x1, x2):
            d_x1 = __d0(x1, x2)  # the gradient's derivative along x1 (forward over reverse)
            d_x2 = __d1(x1, x2)
            return ((d_x1[0], d_x2[0]), (d_x1[1], d_x2[1]))

    where an array argument's column block comes from one Jacobian-vector product of
    the gradient program per entry. A gradient program the forward transform cannot
    follow (a recursive function's) falls back to forward over forward."""

    suffix = "hessian"
    inline = True  # the first Hessian program's body goes into the dispatcher, where it is generated code

    def _inline_first(self, compiled: Compiled) -> tuple[list[str], dict[str, object]] | None:
        """Inline the Hessian program just built (not the gradient ``compiled`` holds), where it
        is one generated function: numbers' unrolled program, a sparse Hessian's program."""
        _, program = self.all[-1]
        text = getattr(program, "__s2sad_text__", None)
        if text is None:
            return None
        cells = dict(zip(program.__code__.co_freevars, program.__closure__ or ()))
        program_compiled = dataclasses.replace(compiled, code=program.__code__, cells=cells, text=text)
        return super()._inline_first(program_compiled)

    def __init__(self, fn: Callable, names: tuple[str, ...], single: bool):
        self.names, self.single = names, single
        super().__init__(fn, Request("grad", names, False, taped=True))

    def specialise(self, values: dict[str, object]) -> Callable:
        for name in self.names:
            check_array_like(values[name], f"hessian: `{name}`")
        return super().specialise(values)

    def finish(self, compiled: Compiled, values: dict[str, object]) -> Callable:
        gradient = compiled.instantiate(self.fn)
        try:
            if all(type(values[name]) is float for name in self.names):
                together = self._unrolled(gradient, values)
                if together is not None:
                    return together
            self._sparse = None
            columns = [self._column(gradient, name, values, compiled) for name in self.names]
        except UnsupportedSyntaxError:  # recursion: pullbacks the forward transform does not follow
            return slow_hessian(self.fn, self.names, self.single)
        if self._sparse is not None:
            args = [values[p] for p in self.positional if p in values]
            kwargs = {k: values[k] for k in self.keyword if k in values}
            program = self._sparse.plan(args, kwargs)
            if program is not None:
                return program
        return self._assemble(columns)

    def _assemble(self, columns: list[Callable]) -> Callable:
        """The Hessian program that calls one column program per ``wrt`` parameter."""
        call = self._forward()
        lines = [f"def {self.name}({', '.join(self.all_params)}):"]
        cells = {}
        for k, (name, column) in enumerate(zip(self.names, columns)):
            cells[f"__d{k}"] = column
            lines.append(f"    d_{name} = __d{k}({call})")
        if self.single:
            lines.append(f"    return d_{self.names[0]}[0]")
        else:
            rows = [f"({', '.join(f'd_{b}[{i}]' for b in self.names)},)" for i in range(len(self.names))]
            lines.append(f"    return ({', '.join(rows)},)")
        text = "\n".join(lines) + "\n"

        where = f"{self.name} of {self.fn.__qualname__}"
        return compile_function(text, where, self.fn.__globals__, cells)

    def _unrolled(self, gradient: Callable, values: dict[str, object]) -> Callable | None:
        """For number arguments: one program with the gradient's primal sweep once and its
        tangent sweep along each argument (see ``unroll.unrolled``)."""

        t = transform(gradient, Request("jvp", self.names, True))
        jvp_program = t.specialise(values)
        compiled = next(c for c, f in t.all if f is jvp_program)
        stages = compiled.stages
        positional, keyword, _ = parameters(jvp_program)
        tangents = [p for p in positional + keyword if p not in self.all_params]
        program = unroll.unrolled(stages.final, tangents, dict(stages.kinds), self.single)
        if program is None:
            return None
        n, single = len(self.names), self.single

        def one_direction_at_a_time(*args: Any, **kwargs: Any) -> Any:
            """What the program replaces: the tangent program once along each argument."""
            rows: list[list[Any]] = [[None] * n for _ in range(n)]
            for j in range(n):
                seeds = {t: 1.0 if i == j else 0.0 for i, t in enumerate(tangents)}
                _, out = jvp_program(*args, **kwargs, **seeds)
                for i in range(n):
                    rows[i][j] = out[i]
            return rows[0][0] if single else tuple(tuple(row) for row in rows)

        wrt = " and ".join(self.names)
        doc = (
            f"Hessian of {self.fn.__name__} with respect to {wrt}: the derivative of its gradient along "
            f"each of them.\n\nForward over reverse, generated by s2sad."
        )
        program = ir.replace(program, name=self.name, doc=doc)
        text = function_source(program, stages.aliases)
        user_cells = dict(zip(gradient.__code__.co_freevars, gradient.__closure__ or ()))
        together = compile_function(
            text,
            f"{self.name} of {self.fn.__qualname__}",
            gradient.__globals__,
            {**compiled.cells, **user_cells},
            gradient.__defaults__,
            gradient.__kwdefaults__,
        )
        together.__s2sad_text__ = text
        return together if agree(together, one_direction_at_a_time, values, self) else None

    def _column(
        self, gradient: Callable, name: str, values: dict[str, object], compiled: Compiled
    ) -> Callable:
        """``column(*args)``: the derivative of every block of the gradient along ``name``."""
        if not isinstance(values[name], np.ndarray):
            t = transform(gradient, Request("derivative", (name,), True))
            return t.specialise(values)
        t = transform(gradient, Request("jvp", (name,), True))
        jvp_program = t.specialise(values)
        positional, keyword, _ = parameters(jvp_program)
        (tangent,) = [p for p in positional + keyword if p not in self.all_params]
        where = self.all_params.index(name)
        n = len(self.names)

        def columns(*args: Any, **kwargs: Any) -> tuple:
            """One sweep of the tangent program per entry of ``x``."""
            x = args[where] if where < len(args) else kwargs[name]
            outs = [jvp_program(*args, **kwargs, **{tangent: e})[1] for e in unit_tangents(x)]
            if not outs:  # an empty x: blocks with no entries, shaped like the others
                places = [self.all_params.index(a) for a in self.names]
                return tuple(
                    np.zeros(np.shape(args[p] if p < len(args) else kwargs[a]) + x.shape)
                    for p, a in zip(places, self.names)
                )
            return tuple(
                np.stack([o[i] for o in outs], axis=-1).reshape(np.shape(outs[0][i]) + x.shape)
                for i in range(n)
            )

        batched = self._batched(t, jvp_program, gradient, tangent, self.name)
        program = batched and batched[0]
        if program is None:
            setattr(columns, ONCE, "s2sad.hessian")
            return columns

        places = [self.all_params.index(a) for a in self.names]
        # the directions' axis goes last: block (a, x) has the axes of a, then those of x
        last = [(*range(1, np.ndim(values[a]) + 1), 0) for a in self.names]
        flat = np.ndim(values[name]) == 1

        def batched_columns(*args: Any, **kwargs: Any) -> tuple:
            """One sweep of the tangent program for every entry of ``x`` at once."""
            x = args[where] if where < len(args) else kwargs[name]
            outs = program(*args, **kwargs, **{tangent: unit_tangents(x)})
            blocks = []
            for i in range(n):
                if flat and np.ndim(outs[i]) == len(last[i]):
                    blocks.append(outs[i].transpose(last[i]))
                    continue
                shape = np.shape(args[places[i]] if places[i] < len(args) else kwargs[self.names[i]])
                if np.ndim(outs[i]) == 0:
                    blocks.append(np.zeros(shape + x.shape))
                else:
                    blocks.append(np.moveaxis(outs[i], 0, -1).reshape(shape + x.shape))
            return tuple(blocks)

        args = [values[p] for p in self.positional if p in values]
        kwargs = {k: values[k] for k in self.keyword if k in values}
        try:  # the batched program is checked against the sweeps it replaces, once
            same = all(
                np.allclose(a, b, rtol=1e-9, atol=1e-12)
                for a, b in zip(batched_columns(*args, **kwargs), columns(*args, **kwargs))
            )
        except Exception:
            same = False
        chosen = batched_columns if same else columns
        batched_columns.__s2sad_text__ = program.__s2sad_text__  # what it runs, for s2sad.source
        if same and self.single and not compiled.ref_kinds and SparseHessian.keyable(values, name):
            # the pattern holds for the values it was traced at: no data read from outside
            _, fn, compile_args = batched
            params = (self.positional, self.keyword)
            self._sparse = SparseHessian(self.fn, fn, tangent, name, params, compile_args, batched_columns)
        setattr(chosen, ONCE, "s2sad.hessian")  # its own derivative is not written
        return chosen

    @staticmethod
    def _batched(
        t: Transform, jvp_program: Callable, gradient: Callable, tangent: str, name: str
    ) -> tuple[Callable, ir.Function, tuple] | None:
        """The tangent program with a leading axis of directions on its tangents, compiled; its IR,
        and what compiling a program made from it needs (aliases, name, globals, cells, defaults)."""

        compiled = next(c for c, f in t.all if f is jvp_program)
        stages = compiled.stages
        program = batch.batched(stages.final, [tangent], stages.kinds)
        if program is None:
            return None
        text = function_source(program, stages.aliases)
        user_cells = dict(zip(gradient.__code__.co_freevars, gradient.__closure__ or ()))
        cells = {**compiled.cells, **user_cells}
        defaults = gradient.__defaults__, gradient.__kwdefaults__
        compile_args = (stages.aliases, name, gradient.__globals__, cells, *defaults)
        function = compile_function(
            text,
            f"{program.name} for many tangents",
            gradient.__globals__,
            cells,
            jvp_program.__defaults__,
            jvp_program.__kwdefaults__,
        )
        function.__s2sad_text__ = text
        return function, program, compile_args


def agree(a: Callable, b: Callable, values: dict[str, object], t: Transform) -> bool:
    """Whether two Hessian programs give the same blocks at these arguments (a rewritten
    program is checked against the one it replaces, once)."""
    args = [values[p] for p in t.positional if p in values]
    kwargs = {k: values[k] for k in t.keyword if k in values}
    try:
        return all(
            np.allclose(x, y, rtol=1e-9, atol=1e-12)
            for x, y in zip(_leaves(a(*args, **kwargs)), _leaves(b(*args, **kwargs)))
        )
    except Exception:
        return False


def _leaves(value: Any) -> list:
    if isinstance(value, tuple):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value]


def _with_defaults(f: Callable, positional: list[str], args: Sequence[Any]) -> tuple:
    """``args`` and the defaults of the positional parameters they leave out: the programs
    built from ``f`` take every parameter."""
    try:
        params = inspect.signature(f).parameters
    except (TypeError, ValueError):
        return tuple(args)
    missing = [params.get(p) for p in positional[len(args) :]]
    if not missing or any(p is None or p.default is inspect.Parameter.empty for p in missing):
        return tuple(args)
    return (*args, *(p.default for p in missing))
