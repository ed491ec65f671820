"""Functions s2sad returned, and the generated code they run.

A dispatcher (what ``grad(f)`` returns) carries its ``Transform`` in ``__s2sad__``.
Differentiating it again (``grad(grad(f))``, ``hessian(grad(f))``) starts from the
code it runs for the arguments at hand: plain generated Python, with source, which
the pipeline reads like any function. ``per_call`` makes such a transform of a
transform; it carries in ``__s2sad_concrete__`` how to get the code it runs in turn.

>>> from s2sad.derive.request import Request
>>> from s2sad.driver.dispatch import transform
>>> def cube(x):
...     return x ** 3
>>> df = transform(cube, Request("grad", ("x",), True)).dispatcher
>>> is_generated(df), is_generated(cube)
(True, False)
>>> code = concrete(df, [2.0])  # the gradient program that runs for a float
>>> code.__name__, code(2.0), positional_params(df)
('cube_grad', 12.0, ['x'])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from ..derive.checkpoints import uses_checkpoint
from ..frontend.resolve import parameters
from .dispatch import Transform, transform


def generated(f: Callable) -> Transform | None:
    """The transform behind a function ``grad`` (or another transform) returned."""
    t = getattr(f, "__s2sad__", None)
    return t if isinstance(t, Transform) else None


def is_generated(f: Callable) -> bool:
    """Whether ``f`` was returned by s2sad (its code is generated for each kind of argument)."""
    return generated(f) is not None or hasattr(f, "__s2sad_concrete__")


def concrete(f: Callable, args: Sequence[Any], kwargs: dict | None = None) -> Callable:
    """``f`` itself, or for a function s2sad returned, the generated code it runs for ``args``:
    plain Python, which can be differentiated again."""
    hook = getattr(f, "__s2sad_concrete__", None)
    if hook is not None:
        return hook(args, kwargs or {})
    t = generated(f)
    if t is None:
        return f
    values = dict(zip(t.positional, args))
    values.update(kwargs or {})
    for name, default in zip(
        t.positional[len(t.positional) - len(f.__defaults__ or ()) :], f.__defaults__ or ()
    ):
        values.setdefault(name, default)
    values.update({k: v for k, v in (f.__kwdefaults__ or {}).items() if k not in values})
    reverse = t.request.mode in ("grad", "value_and_grad", "vjp") and not t.request.taped
    if reverse and uses_checkpoint(t.stages(values).ssa):  # to differentiate: checkpointed loops taped
        t = transform(t.fn, replace(t.request, taped=True))
    return t.specialise(values)


def positional_params(f: Callable) -> list[str]:
    """The positional parameters of ``f`` (of the function it transforms, for s2sad's own)."""
    if hasattr(f, "__s2sad_params__"):
        return f.__s2sad_params__
    t = generated(f)
    return list(t.positional) if t is not None else parameters(f)[0]


def per_call(f: Callable, make: Callable[[Callable], Callable], name: str) -> Callable:
    """A transform ``make`` of a function s2sad returned: applied, call by call, to the
    code it runs."""

    def outer(*args: Any, **kwargs: Any) -> Any:
        return make(concrete(f, args, kwargs))(*args, **kwargs)

    outer.__name__ = outer.__qualname__ = f"{f.__name__}_{name}"
    outer.__doc__ = f"{name} of {f.__name__}, by differentiating the code it runs."
    outer.__s2sad_concrete__ = lambda args, kwargs: concrete(make(concrete(f, args, kwargs)), args, kwargs)
    outer.__s2sad_params__ = positional_params(f)
    return outer
