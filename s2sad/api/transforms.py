"""The public API: ``grad``, ``value_and_grad``, ``vjp``, ``source``, ``check_grad``."""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import ir
from ..backend.compiler import compile_function
from ..derive.request import Request
from ..driver import batch
from ..driver.dispatch import Compiled, Transform, transform
from ..errors import UnsupportedSyntaxError
from ..frontend.parse import parse
from ..frontend.resolve import parameters
from ..ir.kinds import Kind, kind_of
from ..ir.printer import function_source

Wrt = int | str | Sequence[int | str]


def _check_function(f: object, api: str) -> None:
    if not callable(f):
        raise TypeError(f"{api} expects a function, got {type(f).__name__} {f!r}")
    if inspect.ismethod(f):
        raise UnsupportedSyntaxError(
            f"{api} of the bound method {f.__qualname__} is not supported",
            hint="Differentiate a plain function that takes the object's data as arguments.",
        )
    if not hasattr(f, "__code__"):
        name = getattr(f, "__name__", repr(f))
        raise UnsupportedSyntaxError(
            f"{api} needs a Python function with source; `{name}` is {type(f).__name__}",
            hint=f"Wrap it: {api}(lambda x: {name}(x)).",
        )


def _wrt_names(f: Callable, wrt: Wrt, api: str) -> tuple[tuple[str, ...], bool]:
    """Parameter names for ``wrt``, and whether one gradient (not a tuple) is wanted."""
    positional, keyword, _ = parameters(f)
    single = not isinstance(wrt, (tuple, list))
    items = [wrt] if single else list(wrt)
    if not items:
        raise ValueError(f"{api}: wrt is empty; name at least one parameter")
    names = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, (int, str)):
            raise TypeError(f"{api}: wrt must be a parameter position or name, got {item!r}")
        if isinstance(item, int):
            if not -len(positional) <= item < len(positional):
                raise ValueError(
                    f"{api}: wrt={item} is out of range: {f.__name__} has "
                    f"{len(positional)} positional parameters"
                )
            names.append(positional[item])
        else:
            if item not in positional + keyword:
                raise ValueError(
                    f"{api}: wrt={item!r} is not a parameter of {f.__name__}; "
                    f"its parameters are {', '.join(positional + keyword)}"
                )
            names.append(item)
    if len(set(names)) != len(names):
        raise ValueError(f"{api}: wrt names a parameter twice: {wrt!r}")
    return tuple(names), single


def _transform(f: Callable, wrt: Wrt, mode: str, api: str) -> Transform:
    _check_function(f, api)
    parse(f)  # unsupported constructs are reported now, not at the first call
    names, single = _wrt_names(f, wrt, api)
    return transform(f, Request(mode, names, single))


def _generated(f: Callable) -> Transform | None:
    """The transform behind a function ``grad`` (or another transform) returned."""
    t = getattr(f, "__s2sad__", None)
    return t if isinstance(t, Transform) else None


def _concrete(f: Callable, args: Sequence[Any], kwargs: dict | None = None) -> Callable:
    """``f`` itself, or for a function s2sad returned, the generated code it runs for ``args``:
    plain Python, which can be differentiated again."""
    hook = getattr(f, "__s2sad_concrete__", None)
    if hook is not None:
        return hook(args, kwargs or {})
    t = _generated(f)
    if t is None:
        return f
    values = dict(zip(t.positional, args))
    values.update(kwargs or {})
    for name, default in zip(
        t.positional[len(t.positional) - len(f.__defaults__ or ()) :], f.__defaults__ or ()
    ):
        values.setdefault(name, default)
    values.update({k: v for k, v in (f.__kwdefaults__ or {}).items() if k not in values})
    return t.specialise(values)


def _per_call(f: Callable, make: Callable[[Callable], Callable], name: str) -> Callable:
    """A transform of a function s2sad returned: applied, call by call, to the code it runs."""

    def outer(*args: Any, **kwargs: Any) -> Any:
        return make(_concrete(f, args, kwargs))(*args, **kwargs)

    outer.__name__ = outer.__qualname__ = f"{f.__name__}_{name}"
    outer.__doc__ = f"{name} of {f.__name__}, by differentiating the code it runs."
    outer.__s2sad_concrete__ = lambda args, kwargs: _concrete(make(_concrete(f, args, kwargs)), args, kwargs)
    outer.__s2sad_params__ = positional_params(f)
    return outer


def positional_params(f: Callable) -> list[str]:
    """The positional parameters of ``f`` (of the function it transforms, for s2sad's own)."""
    if hasattr(f, "__s2sad_params__"):
        return f.__s2sad_params__
    t = _generated(f)
    return list(t.positional) if t is not None else parameters(f)[0]


def _ours(f: Callable) -> bool:
    """Whether ``f`` was returned by s2sad (its code is generated for each kind of argument)."""
    return _generated(f) is not None or hasattr(f, "__s2sad_concrete__")


def grad(f: Callable | None = None, wrt: Wrt = 0) -> Callable:
    """The gradient of a scalar function ``f`` with respect to ``wrt``.

    ``wrt`` is a parameter position or name, or a tuple of them (the result
    is then a tuple of gradients). Works as ``@grad`` and ``@grad(wrt=...)``.

    >>> import math
    >>> def f(x1, x2):
    ...     return math.log(x1) + x1 * x2 - math.sin(x2)
    >>> dx1, dx2 = grad(f, wrt=(0, 1))(2.0, 5.0)
    >>> round(dx1, 3), round(dx2, 3)
    (5.5, 1.716)
    """
    if f is None:
        return lambda g: grad(g, wrt)
    if _ours(f):  # grad(grad(f))
        return _per_call(f, lambda g: grad(g, wrt), "grad")
    return _transform(f, wrt, "grad", "grad").dispatcher


def value_and_grad(f: Callable | None = None, wrt: Wrt = 0) -> Callable:
    """Like ``grad``, but the function returns ``(f(...), gradient)`` from one primal sweep.

    >>> value_and_grad(lambda x: x ** 3)(2.0)
    (8.0, 12.0)
    """
    if f is None:
        return lambda g: value_and_grad(g, wrt)
    if _ours(f):
        return _per_call(f, lambda g: value_and_grad(g, wrt), "value_and_grad")
    return _transform(f, wrt, "value_and_grad", "value_and_grad").dispatcher


def vjp(f: Callable, *primals: Any) -> tuple[Any, Callable]:
    """``(f(*primals), pullback)``; ``pullback(cotangent)`` gives one cotangent per primal.

    >>> out, pullback = vjp(lambda x, y: x * y, 2.0, 3.0)
    >>> out, pullback(1.0)
    (6.0, (3.0, 2.0))
    """
    _check_function(f, "vjp")
    f = _concrete(f, primals)
    positional, keyword, _ = parameters(f)
    if len(primals) != len(positional):
        raise TypeError(
            f"vjp: {f.__name__} takes {len(positional)} positional arguments, got {len(primals)} primals"
        )
    t = _transform(f, tuple(range(len(positional))), "vjp", "vjp")
    out, pullback = t.dispatcher(*primals)
    out_kind = kind_of(out)

    def checked_pullback(cotangent):
        _check_cotangent(cotangent, out, out_kind)
        return pullback(cotangent)

    checked_pullback.__doc__ = pullback.__doc__
    checked_pullback.__name__ = pullback.__name__
    checked_pullback.__wrapped__ = pullback
    return out, checked_pullback


def jvp(f: Callable, primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    """``(f(*primals), tangent_out)``: forward mode, the derivative of ``f`` along ``tangents``.

    A tangent for an argument that is not differentiated (an int used as a count or
    flag, an integer array) is ignored, whatever it is.

    >>> jvp(lambda x, y: x * y, (2.0, 3.0), (1.0, 0.0))
    (6.0, 3.0)
    """
    _check_function(f, "jvp")
    primals, tangents = _as_tuple(primals, "primals"), _as_tuple(tangents, "tangents")
    f = _concrete(f, primals)
    positional, keyword, _ = parameters(f)
    if len(primals) != len(positional):
        raise ValueError(
            f"jvp: {f.__name__} takes {len(positional)} positional arguments, got {len(primals)} primals"
        )
    if len(tangents) != len(primals):
        raise ValueError(
            f"jvp: {len(primals)} primals but {len(tangents)} tangents; pass one tangent per primal"
        )
    tangents = tuple(_tangent(t, x, f"tangents[{i}]") for i, (t, x) in enumerate(zip(tangents, primals)))
    t = _transform(f, tuple(range(len(positional))), "jvp", "jvp")
    function = t.specialise(dict(zip(positional, primals)))
    return function(*primals, *tangents)


def _as_tuple(values: Any, what: str) -> tuple:
    if not isinstance(values, (tuple, list)):
        raise TypeError(
            f"jvp: `{what}` must be a tuple (one item per positional argument), got {type(values).__name__}"
        )
    return tuple(values)


def _tangent(t: Any, x: Any, what: str) -> Any:
    """A tangent for the primal ``x``: of its structure and shape, as floats; ``0.0`` for an
    argument that has none (an int, a bool, an integer array)."""
    k = kind_of(x)
    if isinstance(x, dict):
        if not isinstance(t, dict) or set(t) != set(x):
            raise ValueError(f"jvp: {what} must be a dict with the keys {sorted(x)}, like its primal")
        return {key: _tangent(t[key], x[key], f"{what}[{key!r}]") for key in x}
    if isinstance(x, (tuple, list)):
        if not isinstance(t, (tuple, list)) or len(t) != len(x):
            raise ValueError(f"jvp: {what} must be a {type(x).__name__} of {len(x)} items, like its primal")
        return type(x)(_tangent(a, b, f"{what}[{i}]") for i, (a, b) in enumerate(zip(t, x)))
    if not k.is_numeric or k.dtype in "bi":
        return 0.0  # ignored: the argument is not differentiated
    if t is None:
        raise ValueError(
            f"jvp: {what} is None; pass a tangent for each float argument (zeros to hold it still)"
        )
    if np.shape(t) != np.shape(x):
        raise ValueError(f"jvp: {what} has shape {np.shape(t)}, but its primal has shape {np.shape(x)}")
    if isinstance(x, np.ndarray):
        return np.asarray(t, dtype=complex if k.dtype == "c" else float)
    return complex(t) if k.dtype == "c" else float(t)


def derivative(f: Callable | None = None, wrt: Wrt = 0) -> Callable:
    """The derivative of ``f`` with respect to the number ``wrt``, by forward mode: the
    output may be a number, an array or a container of them.

    >>> derivative(lambda x: [x ** 2, 3.0 * x])(2.0)
    [4.0, 3.0]
    """
    if f is None:
        return lambda g: derivative(g, wrt)
    if isinstance(wrt, (tuple, list)):
        raise ValueError("derivative: `wrt` must be one parameter (a number); use s2sad.jacobian for several")
    if _ours(f):
        return _per_call(f, lambda g: derivative(g, wrt), "derivative")
    return _transform(f, wrt, "derivative", "derivative").dispatcher


def jacobian(f: Callable, wrt: Wrt = 0, mode: str = "auto") -> Callable:
    """The Jacobian of ``f`` with respect to ``wrt``, of shape ``out.shape + arg.shape``.

    ``mode="forward"`` builds it column by column with JVPs, ``"reverse"`` row by
    row with VJPs, ``"auto"`` picks forward when the argument has fewer entries
    than the output. A tuple ``wrt`` gives a tuple of Jacobians.

    >>> import numpy as np
    >>> jacobian(lambda x: x ** 2)(np.array([1.0, 2.0]))
    array([[2., 0.],
           [0., 4.]])
    """
    if mode not in ("auto", "forward", "reverse"):
        raise ValueError(f"jacobian: mode must be 'auto', 'forward' or 'reverse', got {mode!r}")
    _check_function(f, "jacobian")
    names, single = _wrt_names(f, wrt, "jacobian")
    positional, _, _ = parameters(f)

    def jac(*args: Any) -> Any:
        if len(args) != len(positional):
            raise TypeError(
                f"jacobian: {f.__name__} takes {len(positional)} positional arguments, got {len(args)}"
            )
        for name in names:
            _check_array_like(args[positional.index(name)], f"jacobian: `{name}`")
        out = None
        if mode == "auto":
            out = f(*args)
        results = []
        for name in names:
            i = positional.index(name)
            x = args[i]
            chosen = mode
            if mode == "auto":
                _check_array_like(out, "jacobian: the output")
                chosen = "forward" if np.size(x) <= np.size(out) else "reverse"
            results.append(
                _jacobian_forward(f, args, i) if chosen == "forward" else _jacobian_reverse(f, args, i)
            )
        return results[0] if single else tuple(results)

    jac.__name__ = f"{getattr(f, '__name__', 'f')}_jacobian"
    jac.__doc__ = f"Jacobian of {getattr(f, '__name__', 'f')} with respect to {', '.join(names)}."
    return jac


def _check_array_like(x: Any, what: str) -> None:
    if not kind_of(x).is_numeric or isinstance(x, (tuple, list, dict)):
        raise TypeError(f"{what} must be a number or an array, got {type(x).__name__}")


def _basis(x: Any):
    """Unit tangents of the shape of ``x``, one per entry, in C order."""
    if np.ndim(x) == 0 and not isinstance(x, np.ndarray):
        yield 1.0
        return
    for j in range(np.size(x)):
        e = np.zeros(np.shape(x))
        e.flat[j] = 1.0
        yield e


def _zero_tangents(args: Sequence[Any]) -> list[Any]:
    out = []
    for x in args:
        if isinstance(x, (tuple, list, dict)) or not kind_of(x).is_numeric:
            out.append(_zeros_like_tree(x))
        else:
            out.append(np.zeros(np.shape(x)) if isinstance(x, np.ndarray) else 0.0)
    return out


def _zeros_like_tree(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _zeros_like_tree(v) for k, v in x.items()}
    if isinstance(x, (tuple, list)):
        return type(x)(_zeros_like_tree(v) for v in x)
    if isinstance(x, np.ndarray):
        return np.zeros(x.shape)
    return 0.0


def _assemble(parts: list[Any], out_shape: tuple, x: Any) -> Any:
    """Columns (or rows) of a Jacobian into an array of shape ``out.shape + x.shape``."""
    x_shape = np.shape(x)
    if not out_shape and not x_shape and not isinstance(x, np.ndarray):
        return float(parts[0])
    return np.reshape(np.stack([np.asarray(p, dtype=float) for p in parts], axis=-1), out_shape + x_shape)


def _jacobian_forward(f: Callable, args: Sequence[Any], i: int) -> Any:
    tangents = _zero_tangents(args)
    columns, out = [], None
    for e in _basis(args[i]):
        tangents[i] = e
        out, column = jvp(f, tuple(args), tuple(tangents))
        columns.append(column)
    _check_array_like(out, "jacobian: the output")
    return _assemble(columns, np.shape(out), args[i])


def _jacobian_reverse(f: Callable, args: Sequence[Any], i: int) -> Any:
    out, pullback = vjp(f, *args)
    _check_array_like(out, "jacobian: the output")
    rows = [pullback(e)[i] for e in _basis(out)]
    x = args[i]
    if not rows:
        return np.zeros(np.shape(out) + np.shape(x))
    stacked = np.stack([np.asarray(r, dtype=float) for r in rows])  # (out.size,) + x.shape
    result = np.reshape(stacked, np.shape(out) + np.shape(x))
    if result.shape == () and not isinstance(x, np.ndarray) and not isinstance(out, np.ndarray):
        return float(result)
    return result


def _gradient_function(f: Callable, names: tuple[str, ...], args: Sequence[Any], api: str) -> Callable:
    """The gradient program of ``f`` for these arguments: generated code, which the forward
    transform differentiates again (forward over reverse)."""
    _check_function(f, api)
    f = _concrete(f, args)
    positional, _, _ = parameters(f)
    t = transform(f, Request("grad", names, False))
    parse(f)
    return t.specialise(dict(zip(positional, args)))


_OVER_FORWARD: set[tuple] = set()  # functions whose gradient program calls itself (recursion)


def _second_derivatives(f: Callable, names: tuple[str, ...], args: Sequence[Any], api: str) -> Callable:
    """``directional(v, k)``: the derivative along the tangents ``v`` of the gradient with
    respect to ``names[k]`` (a column of the Hessian, or a Hessian-vector product).

    Forward mode over the generated gradient, as a rule. A gradient program of a
    recursive function passes pullbacks around, which the forward transform does not
    follow: there the second derivatives come from forward mode over forward mode, one
    entry at a time."""
    positional = positional_params(f)
    key = (getattr(_concrete(f, args), "__code__", None), names, tuple(kind_of(a) for a in args))
    if key not in _OVER_FORWARD:
        try:
            g = _gradient_function(f, names, args, api)
            jvp(g, tuple(args), tuple(_zero_tangents(args)))  # built now: may raise
        except UnsupportedSyntaxError:
            _OVER_FORWARD.add(key)
        else:

            def over_reverse(tangents: list, k: int) -> Any:
                return jvp(g, tuple(args), tuple(tangents))[1][k]

            return over_reverse
    concrete = _concrete(f, args)
    n = len(positional)
    tangent_program = _transform(concrete, tuple(range(n)), "jvp", api).specialise(
        dict(zip(positional, args))
    )

    def over_forward(tangents: list, k: int) -> Any:
        i = positional.index(names[k])
        columns = []
        for e in _basis(args[i]):
            unit = _zero_tangents(args)
            unit[i] = e
            # d/ds of (d/dt f(x + t e)) at x + s v: the mixed second derivative e' H v
            _, (_, second) = jvp(tangent_program, (*args, *unit), (*tangents, *_zero_tangents(unit)))
            columns.append(second)
        return _assemble(columns, (), args[i]) if isinstance(args[i], np.ndarray) else float(columns[0])

    return over_forward


def hessian(f: Callable, wrt: Wrt = 0) -> Callable:
    """The Hessian of a scalar ``f``, by forward mode over the generated gradient.

    A float for a number argument; an array of shape ``s + s`` for an array of shape
    ``s``; for a tuple ``wrt``, a tuple of tuples of blocks.

    Like ``grad``, the result is a dispatcher: for each new kind of arguments it builds
    a Hessian program once (the gradient program, differentiated in forward mode once
    per number argument and with one tangent per entry of an array argument), and
    later calls run that program.

    >>> hessian(lambda x: x ** 4 + 3 * x ** 2 + 2 * x)(2.0)
    54.0
    """
    _check_function(f, "hessian")
    names, single = _wrt_names(f, wrt, "hessian")
    if _ours(f):
        return _slow_hessian(f, names, single)
    parse(f)
    return _HessianTransform(f, names, single).dispatcher


class _HessianTransform(Transform):
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
    inline = False  # what the dispatcher calls is the Hessian program, not the compiled gradient

    def __init__(self, fn: Callable, names: tuple[str, ...], single: bool):
        self.names, self.single = names, single
        super().__init__(fn, Request("grad", names, False))

    def specialise(self, values: dict[str, object]) -> Callable:
        for name in self.names:
            _check_array_like(values[name], f"hessian: `{name}`")
        return super().specialise(values)

    def finish(self, compiled: Compiled, values: dict[str, object]) -> Callable:
        gradient = compiled.instantiate(self.fn)
        try:
            if all(type(values[name]) is float for name in self.names):
                together = self._unrolled(gradient, values)
                if together is not None:
                    return together
            columns = [self._column(gradient, name, values) for name in self.names]
        except UnsupportedSyntaxError:  # recursion: pullbacks the forward transform does not follow
            return _slow_hessian(self.fn, self.names, self.single)
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
        tangent sweep along each argument (see ``batch.unrolled``)."""

        t = transform(gradient, Request("jvp", self.names, True))
        jvp_program = t.specialise(values)
        compiled = next(c for c, f in t.all if f is jvp_program)
        stages = compiled.stages
        positional, keyword, _ = parameters(jvp_program)
        tangents = [p for p in positional + keyword if p not in self.all_params]
        program = batch.unrolled(stages.final, tangents, dict(stages.kinds), self.single)
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
        return together if _agree(together, one_direction_at_a_time, values, self) else None

    def _column(self, gradient: Callable, name: str, values: dict[str, object]) -> Callable:
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
            outs = [jvp_program(*args, **kwargs, **{tangent: e})[1] for e in _unit_tangents(x)]
            return tuple(
                np.stack([o[i] for o in outs], axis=-1).reshape(np.shape(outs[0][i]) + x.shape)
                for i in range(n)
            )

        program = self._batched(t, jvp_program, gradient, tangent)
        if program is None:
            return columns

        places = [self.all_params.index(a) for a in self.names]
        # the directions' axis goes last: block (a, x) has the axes of a, then those of x
        last = [(*range(1, np.ndim(values[a]) + 1), 0) for a in self.names]
        flat = np.ndim(values[name]) == 1

        def batched_columns(*args: Any, **kwargs: Any) -> tuple:
            """One sweep of the tangent program for every entry of ``x`` at once."""
            x = args[where] if where < len(args) else kwargs[name]
            outs = program(*args, **kwargs, **{tangent: _unit_tangents(x)})
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
        return batched_columns if same else columns

    @staticmethod
    def _batched(t: Transform, jvp_program: Callable, gradient: Callable, tangent: str) -> Callable | None:
        """The tangent program with a leading axis of directions on its tangents, compiled."""

        compiled = next(c for c, f in t.all if f is jvp_program)
        stages = compiled.stages
        program = batch.batched(stages.final, [tangent], stages.kinds)
        if program is None:
            return None
        text = function_source(program, stages.aliases)
        user_cells = dict(zip(gradient.__code__.co_freevars, gradient.__closure__ or ()))
        return compile_function(
            text,
            f"{program.name} for many tangents",
            gradient.__globals__,
            {**compiled.cells, **user_cells},
            jvp_program.__defaults__,
            jvp_program.__kwdefaults__,
        )


def _agree(a: Callable, b: Callable, values: dict[str, object], t: Transform) -> bool:
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


def _unit_tangents(x: np.ndarray) -> np.ndarray:
    """The unit tangents of the shape of ``x``, one per entry in C order, stacked (read-only,
    and made once per shape)."""
    return _units(x.shape)


@functools.lru_cache(maxsize=64)
def _units(shape: tuple[int, ...]) -> np.ndarray:
    n = math.prod(shape)
    units = np.eye(n).reshape((n,) + shape)
    units.flags.writeable = False
    return units


def _slow_hessian(f: Callable, names: tuple[str, ...], single: bool) -> Callable:
    """The Hessian one directional derivative at a time, through the public ``jvp``: for
    functions s2sad returned (a Hessian of a gradient) and for recursive functions."""
    positional = positional_params(f)

    def hess(*args: Any) -> Any:
        for name in names:
            _check_array_like(args[positional.index(name)], f"hessian: `{name}`")
        directional = _second_derivatives(f, names, args, "hessian")
        blocks = []
        for a in names:
            row = []
            for b in names:
                j = positional.index(b)
                tangents = _zero_tangents(args)
                columns = []
                for e in _basis(args[j]):
                    tangents[j] = e
                    columns.append(directional(tangents, names.index(a)))
                row.append(_assemble(columns, np.shape(args[positional.index(a)]), args[j]))
            blocks.append(tuple(row))
        return blocks[0][0] if single else tuple(blocks)

    hess.__name__ = f"{getattr(f, '__name__', 'f')}_hessian"
    return hess


def hvp(f: Callable, wrt: Wrt = 0) -> Callable:
    """``hvp(f, wrt)(*args, v)``: the Hessian of scalar ``f`` times ``v``, without forming the
    Hessian (one forward sweep over the gradient program). ``v`` has the shape of the
    ``wrt`` argument (a tuple of them for a tuple ``wrt``).

    >>> hvp(lambda x: x ** 4 + 3 * x ** 2 + 2 * x)(2.0, 1.0)
    54.0
    """
    _check_function(f, "hvp")
    names, single = _wrt_names(f, wrt, "hvp")
    positional, _, _ = parameters(f)

    def product(*args_and_v: Any) -> Any:
        if len(args_and_v) != len(positional) + 1:
            raise TypeError(
                f"hvp: call it with {f.__name__}'s {len(positional)} positional arguments and then v"
            )
        *args, v = args_and_v
        vs = (v,) if single else tuple(v)
        if len(vs) != len(names):
            raise ValueError(f"hvp: v must be a tuple of {len(names)} directions, one per wrt parameter")
        for name in names:
            _check_array_like(args[positional.index(name)], f"hvp: `{name}`")
        directional = _second_derivatives(f, names, args, "hvp")
        tangents = _zero_tangents(args)
        for name, direction in zip(names, vs):
            tangents[positional.index(name)] = direction
        products = tuple(directional(tangents, k) for k in range(len(names)))
        return products[0] if single else products

    product.__name__ = f"{getattr(f, '__name__', 'f')}_hvp"
    return product


def _check_cotangent(ct: object, out: object, out_kind: Kind, where: str = "") -> None:
    """The cotangent has the output's structure: a number or an array of its shape for each
    number or array, a tuple or list for a tuple or list, a dict with its keys for a dict."""
    what = f"the cotangent{where}"
    if isinstance(out, (tuple, list)):
        if not isinstance(ct, (tuple, list)) or len(ct) != len(out):
            raise TypeError(
                f"pullback: {what} must be a tuple of {len(out)} items, like the output; got {_describe(ct)}"
            )
        for i, (c, o) in enumerate(zip(ct, out)):
            _check_cotangent(c, o, kind_of(o), f"{where}[{i}]")
        return
    if isinstance(out, dict):
        if not isinstance(ct, dict) or set(ct) != set(out):
            raise TypeError(
                f"pullback: {what} must be a dict with the keys {sorted(out)}; got {_describe(ct)}"
            )
        for key in out:
            _check_cotangent(ct[key], out[key], kind_of(out[key]), f"{where}[{key!r}]")
        return
    if not kind_of(ct).is_numeric:
        raise TypeError(f"pullback: {what} must be a number or an array, got {type(ct).__name__}")
    if np.shape(ct) != np.shape(out):
        raise ValueError(
            f"pullback: {what} has shape {np.shape(ct)}, but the output{where} has shape {np.shape(out)}"
        )


def _describe(value: object) -> str:
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} items"
    if isinstance(value, dict):
        return f"a dict with the keys {sorted(value)}"
    return type(value).__name__


def _example_kinds(f: Callable, args: Sequence[Any] | None) -> dict[str, object]:
    positional, keyword, _ = parameters(f)
    if args is not None:
        if len(args) > len(positional):
            raise TypeError(f"source: {f.__name__} takes {len(positional)} positional arguments")
        values = dict(zip(positional, args))
        sig = inspect.signature(f)
        for name, p in sig.parameters.items():
            if name not in values and p.default is not inspect.Parameter.empty:
                values[name] = p.default
        return values
    # No example arguments: the annotation where it names a type, else a float.
    values = {}
    annotations = getattr(f, "__annotations__", {})
    for name in positional + keyword:
        ann = annotations.get(name)
        values[name] = {int: 1, np.ndarray: np.zeros(2), float: 1.0}.get(ann, 1.0)
    return values


def source(
    f: Callable,
    mode: str = "reverse",
    wrt: Wrt = 0,
    stage: str = "final",
    args: Sequence[Any] | None = None,
    kind: str | None = None,
) -> str:
    """The generated source of ``f``'s derivative, as a string.

    ``stage`` is ``"final"`` (what runs), ``"raw"`` (before simplification) or
    ``"ssa"`` (the lowered three-address form of ``f`` itself). Generated code
    is specialised on the kinds of the arguments: pass example ``args`` to see
    the code for arrays; by default every parameter is taken as a float.
    In reverse mode ``kind`` is ``"grad"`` (the default), ``"value_and_grad"`` or
    ``"vjp"``; in forward mode (``mode="forward"``) it is ``"jvp"`` (the default:
    the tangent program, with a tangent parameter ``x_dot`` per ``wrt``
    parameter) or ``"derivative"``.

    >>> print(source(lambda x: x * x))  # doctest: +ELLIPSIS
    def lambda_grad(x):
    ...
        return x + x
    <BLANKLINE>
    """
    if stage not in ("final", "raw", "ssa"):
        raise ValueError(f"source: stage must be 'final', 'raw' or 'ssa', got {stage!r}")
    return program(f, mode, wrt, args, kind, "source").stages.source(stage)


@dataclass
class Program:
    """What ``source`` prints, with what it came from: the function transformed (generated
    code itself for a function s2sad returned), its stages, and the compiled derivative."""

    fn: Callable
    stages: Any
    compiled: Callable
    values: dict[str, Any]


def program(
    f: Callable, mode: str, wrt: Wrt, args: Sequence[Any] | None, kind: str | None, api: str
) -> Program:
    kinds = {"reverse": ("grad", "value_and_grad", "vjp"), "forward": ("jvp", "derivative")}
    if mode not in kinds:
        raise ValueError(f"{api}: mode must be 'reverse' or 'forward', got {mode!r}")
    kind = kind or kinds[mode][0]
    if kind not in kinds[mode]:
        allowed = ", ".join(repr(k) for k in kinds[mode])
        raise ValueError(f"{api}: kind must be one of {allowed} in {mode} mode, got {kind!r}")
    if _ours(f):  # the code a function s2sad returned runs for these arguments
        positional = positional_params(f)
        example = list(args) if args is not None else [1.0] * len(positional)
        f = _concrete(f, example)
    t = _transform(f, tuple(range(len(parameters(f)[0]))) if kind == "vjp" else wrt, kind, api)
    values = _example_kinds(f, args)
    return Program(f, t.stages(values), t.specialise(values), values)


def check_grad(f: Callable, *args: Any, wrt: Wrt = 0, rtol: float = 1e-5, atol: float = 1e-7) -> None:
    """Compare ``grad(f, wrt)(*args)`` with central finite differences.

    Raises ``AssertionError`` naming the worst entry when they disagree.

    >>> check_grad(lambda x: x ** 3, 2.0)
    """
    names, single = _wrt_names(f, wrt, "check_grad")
    positional, _, _ = parameters(f)
    ad = grad(f, wrt)(*args)
    ad = (ad,) if single else ad
    for name, g in zip(names, ad):
        i = positional.index(name)
        fd = numerical_gradient(f, args, i)
        _compare(f"d{f.__name__}/d{name}", np.asarray(g, dtype=float), fd, rtol, atol)


def numerical_gradient(f: Callable, args: Sequence[Any], i: int, step: float = 1e-6) -> np.ndarray:
    """Central differences of scalar ``f`` in argument ``i`` (any shape)."""
    x0 = args[i]
    x = np.array(x0, dtype=float)
    grad_fd = np.zeros_like(x)

    def call(value):
        new = list(args)
        new[i] = float(value) if np.ndim(x0) == 0 and not isinstance(x0, np.ndarray) else value
        return float(f(*new))

    flat = x.reshape(-1)
    out = grad_fd.reshape(-1)
    for j in range(flat.size):
        h = step * max(1.0, abs(flat[j]))
        plus, minus = flat.copy(), flat.copy()
        plus[j] += h
        minus[j] -= h
        out[j] = (call(plus.reshape(x.shape)) - call(minus.reshape(x.shape))) / (2 * h)
    return grad_fd


def _compare(what: str, ad: np.ndarray, fd: np.ndarray, rtol: float, atol: float) -> None:
    if ad.shape != fd.shape:
        raise AssertionError(f"{what}: the gradient has shape {ad.shape}, expected {fd.shape}")
    scale = max(1.0, float(np.max(np.abs(fd), initial=0.0)))
    err = np.abs(ad - fd)
    bound = atol * scale + rtol * np.maximum(np.abs(fd), scale * 1e-3)
    bad = err > np.maximum(bound, 1e-5 * scale)
    if np.any(bad) or not np.all(np.isfinite(ad)) and np.all(np.isfinite(fd)):
        j = int(np.argmax(np.where(np.isfinite(err), err, math.inf)))
        idx = np.unravel_index(j, ad.shape) if ad.shape else ()
        where = f"[{', '.join(map(str, idx))}]" if idx else ""
        raise AssertionError(
            f"{what}{where} = {ad.reshape(-1)[j]!r} by AD but {fd.reshape(-1)[j]!r} "
            f"by central differences (error {err.reshape(-1)[j]:.3g})"
        )


__all__ = [
    "grad",
    "value_and_grad",
    "vjp",
    "jvp",
    "derivative",
    "jacobian",
    "hessian",
    "hvp",
    "source",
    "check_grad",
]
