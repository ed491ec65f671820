"""A sparse Hessian's program: the gradient's tangent program run once, along one seed
direction per colour of the Hessian's columns, and each nonzero read off where its colour
put it (``sparsity`` finds the pattern and the colours).

The program is written out as one function, the batched tangent program between a guard
and the scatter of the compressed columns into the Hessian:

>>> import inspect
>>> import numpy as np
>>> import s2sad
>>> def f(x):
...     return np.sum(x[1:] * x[:-1] ** 2)
>>> h = s2sad.hessian(f)
>>> h(np.arange(8.0))[:3, :3]
array([[2., 0., 0.],
       [0., 4., 2.],
       [0., 2., 6.]])
>>> (program,) = [p for _, p in h.__s2sad__.all]
>>> print(inspect.getsource(program), end="")  # doctest: +ELLIPSIS
def f_hessian(x):
    ...
    if x.shape != (8,):
        return __others(x)
    x_dot = __seeds
    ...
    h = np.zeros(64)
    h[__into] = x_bar_dot.ravel()[__taken]
    return h.reshape((8, 8))

``__seeds`` holds one direction per colour, the sum of the unit directions of its
columns; ``__into`` and ``__taken`` say where each nonzero goes and where it is read.

A pattern holds for the arguments it was traced at: the shape of the array, and the
values of the other arguments (an index ``k`` in ``x[k] ** 3``, a flag a branch tests).
So the guard tests those too, and ``__others`` finds, or traces and checks, the program
for other shapes and values: up to ``PLANS`` of them, past which the dense columns are
taken. Each program is checked against the dense columns once, when it is made.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import ir
from ..backend.compiler import compile_function
from ..ir import Call, Const, Name
from ..ir.printer import function_source
from ..rules.instantiate import np_call
from . import sparsity

PLANS = 8  # patterns traced per Hessian program (shapes, values of the other arguments)
_VALUES = (int, float, bool, str, type(None))  # other arguments a pattern can be keyed on


class SparseHessian:
    """The sparse Hessian programs of one array argument ``wrt`` of ``fn``.

    ``batched`` is the gradient's tangent program with the directions on a first axis
    (``batch.batched``), ``tangent`` its tangent parameter, ``dense(*args, **kwargs)``
    the dense Hessian it is checked against and falls back to; ``params`` are the
    parameters of the Hessian program, positional then keyword-only."""

    def __init__(
        self,
        fn: Callable,
        batched: ir.Function,
        tangent: str,
        wrt: str,
        params: tuple[list[str], list[str]],
        compile_args: tuple,
        dense: Callable,
    ):
        self.fn, self.batched, self.tangent, self.wrt = fn, batched, tangent, wrt
        self.positional, self.keyword = params
        self.aliases, self.name, self.globals, self.cells, self.defaults, self.kwdefaults = compile_args
        self.dense = dense
        self.plans: dict[tuple, Callable] = {}

    @staticmethod
    def keyable(values: dict[str, object], wrt: str) -> bool:
        """Whether the other arguments are values a pattern can be keyed on."""
        return all(type(v) in _VALUES for name, v in values.items() if name != wrt)

    def _split(self, values: tuple) -> tuple[list, dict]:
        n = len(self.positional)
        return list(values[:n]), dict(zip(self.keyword, values[n:]))

    def _key(self, values: tuple) -> tuple:
        params = self.positional + self.keyword
        return tuple(np.shape(v) if p == self.wrt else (type(v), v) for p, v in zip(params, values))

    def others(self, *values: Any) -> Any:
        """The Hessian at arguments another plan's guard turned away (every parameter by position)."""
        args, kwargs = self._split(values)
        key = self._key(values)
        program = self.plans.get(key)
        if program is None:
            program = self.plan(args, kwargs) if len(self.plans) < PLANS else None
            if program is None:
                program = self._dense_block
            self.plans[key] = program
        return program(*args, **kwargs)

    def _dense_block(self, *args: Any, **kwargs: Any) -> Any:
        return self.dense(*args, **kwargs)[0]

    def plan(self, args: list, kwargs: dict) -> Callable | None:
        """The program for the pattern at these arguments, checked against the dense
        columns; None where the pattern is not known or the colours save too little."""
        where = self.positional.index(self.wrt)
        x = args[where]
        pattern = sparsity.hessian_pattern(self.fn, args, where, kwargs)
        size = np.size(x)
        if pattern is None or size < 8:
            return None
        recovery = sparsity.recovery(pattern)
        if recovery is None or 2 * recovery.count > size:
            return None
        program = self._compile(recovery, np.shape(x), args, kwargs)
        try:
            same = np.allclose(
                program(*args, **kwargs), self._dense_block(*args, **kwargs), rtol=1e-9, atol=1e-12
            )
        except Exception:
            same = False
        if not same:
            return None
        self.plans[self._key((*args, *kwargs.values()))] = program
        return program

    def _compile(self, recovery: sparsity.Recovery, shape: tuple, args: list, kwargs: dict) -> Callable:
        size = math.prod(shape)
        values = dict(zip(self.positional, args)) | kwargs
        taken = ir.names_in_function(self.batched) | {p.name for p in self.batched.params}
        cells: dict[str, object] = {
            "__others": self.others,
            "__seeds": sparsity.seeds(recovery.colour, shape),
            "__into": recovery.rows * size + recovery.cols,
            "__taken": recovery.found * size + recovery.read,
        }
        tests = [Call(ir.COMPARE["!="], (Call(ir.attr_op("shape"), (Name(self.wrt),)), Const(tuple(shape))))]
        for p in self.positional + self.keyword:
            v = values[p]
            if p == self.wrt:
                continue
            if type(v) in (int, bool, str, type(None)) or type(v) is float and math.isfinite(v):
                tests.append(Call(ir.COMPARE["!="], (Name(p), Const(v))))
            else:
                cells[f"__key_{p}"] = v
                tests.append(Call(ir.COMPARE["!="], (Name(p), Name(f"__key_{p}"))))
        test = tests[0]
        for t in tests[1:]:
            test = Call(ir.OR, (test, t))
        params = [p for p in self.batched.params if p.name != self.tangent]
        every = tuple(Name(p.name) for p in params)
        guard = ir.If(test, [ir.Return(Call(ir.APPLY, (Name("__others"), *every)))])
        seeds = ir.Assign(Name(self.tangent), Name("__seeds"))
        ret = self.batched.body[-1]
        compressed = (
            ret.value.args[0] if isinstance(ret.value, Call) and ret.value.op is ir.TUPLE else ret.value
        )
        square = tuple(shape) * 2
        h = "h"
        while h in taken:
            h += "_"
        if isinstance(compressed, Const):  # a Hessian that is zero
            tail = [ir.Return(np_call("zeros", Const(square)))]
        else:
            tail = [
                ir.Assign(Name(h), np_call("zeros", Const(size * size))),
                ir.SetItem(
                    Name(h),
                    Name("__into"),
                    Call(ir.GETITEM, (Call(ir.method_op("ravel"), (compressed,)), Name("__taken"))),
                ),
                ir.Return(Call(ir.method_op("reshape"), (Name(h), Const(square)))),
            ]
        count = recovery.count
        sweeps = f"{count} sweep{'s' * (count != 1)}"
        doc = (
            f"Hessian of {self.fn.__name__} with respect to {self.wrt}, from {sweeps} of the tangent "
            f"program of its gradient:\none seed direction per colour of the Hessian's columns "
            f"({recovery.method} colouring of its sparsity pattern).\n\n"
            "Forward over reverse, generated by s2sad."
        )
        body = [guard, seeds, *self.batched.body[:-1], *tail]
        program = ir.replace(self.batched, name=self.name, params=params, body=body, doc=doc)
        text = function_source(program, self.aliases)
        cells[self.aliases.get("np", "np")] = np
        compiled = compile_function(
            text,
            f"{self.name} of {self.fn.__qualname__}",
            self.globals,
            {**self.cells, **cells},
            self.defaults,
            self.kwdefaults,
        )
        compiled.__s2sad_columns__ = "sparse"
        compiled.__s2sad_text__ = text  # for the dispatcher, which runs it inline
        return compiled
