"""How derivative rules are written and looked up: the registry every table fills.

A rule is the call it differentiates, spelled with parameter names, and one
Python template per parameter::

    scalar("np.sin(x)", "np.cos(x)")          # the partial derivative
    scalar("x / y", "1.0 / y", "-ans / y")
    linear("np.sum(a, axis=None, keepdims=False)", a="unreduce(g, a, axis, keepdims)")
    rule("np.linalg.inv(a)", vjp={"a": "-ans.T @ g @ ans.T"}, jvp={"a": "-ans @ a_dot @ ans"})
    rule("np.einsum(*operands)", vjp={"operands": "einsum_vjp(g, operands, {i}, False)"},
         jvp={"operands": "einsum_jvp(operands, {i}, operands_{i}_dot, False)"})

In a template, ``g`` is the cotangent of the result, ``ans`` the result and
``x_dot`` the tangent of parameter ``x``. ``scalar`` rules (elementwise
functions) give partial derivatives, from which the VJP ``unbroadcast(g *
partial, x)`` and the JVP ``x_dot * partial`` follow; ``linear`` rules get
their JVP by applying the function to the tangent. Other names are NumPy
(``np``), ``math``, builtins, and *macros*: template functions that expand
when the rule is used, once the kinds of the arguments are known. So
``unbroadcast(g * y, x)`` is ``g * y`` for floats, ``np.sum(g * y, axis=0)``
when ``x`` lost a leading axis, and a run-time helper only when nothing is
known.

A variadic parameter (``*operands``, after the other positional ones) stands
for parameters ``operands_0``, ``operands_1``, ... (``STAR_ITEMS`` of them,
``None`` where the call passes fewer), so each item has a derivative of its
own and only the active ones are differentiated. Its templates are written
once, for item ``{i}`` (``operands_{i}``, ``operands_{i}_dot``); ``operands``
in them is the tuple of the items the call passes.

Rules are looked up by the function object (``numpy.sin``), or by the op for
operators, attributes and methods. The user's rules (``s2sad.defvjp``) go into the
same table, from their own functions' source (``user``).

>>> import numpy as np
>>> from s2sad import ir, rules
>>> sin = lookup(ir.call_op(np.sin, "np.sin"))
>>> sin.pattern, sin.table, sin.vjp["x"], sin.jvp["x"]
('np.sin(x)', 'numpy', 'unbroadcast(g * (np.cos(x)), x)', 'x_dot * (np.cos(x))')
>>> lookup(ir.BINARY["/"]).vjp["y"]
'unbroadcast(g * (-ans / y), y)'
>>> einsum = lookup(ir.call_op(np.einsum, "np.einsum"))
>>> einsum.params[:2], einsum.params[-2:], einsum.vjp["operands_1"]
(('operands_0', 'operands_1'), ('out', 'optimize'), 'einsum_vjp(g, operands, 1, optimize)')

Parsing the templates is ``templates``; binding them to a call and simplifying
by kinds is ``instantiate``; what a rule says of its result's kind is ``kindrules``.
"""

from __future__ import annotations

import os
import site
import sysconfig
import types
from collections.abc import Callable
from dataclasses import dataclass, field

import gast

from .. import ir
from ..errors import DifferentiationError, MissingRuleError
from ..ir import Call, Const, Expr, Ref
from ..ir.kinds import UNKNOWN, Kind
from ..ir.printer import gast_text
from .kindrules import NOT_CONST, Arg, KindRule, default_kind
from .templates import parse_pattern, parse_template

REQUIRED = object()


@dataclass
class Rule:
    key: object
    pattern: str
    table: str
    params: tuple[str, ...]
    defaults: dict[str, object]
    vjp: dict[str, str] = field(default_factory=dict)
    jvp: dict[str, str] = field(default_factory=dict)
    python_vjp: dict[str, str] = field(default_factory=dict)  # when all args are Python numbers
    python_jvp: dict[str, str] = field(default_factory=dict)
    kind: KindRule | None = None
    differentiable: bool = True
    elementwise: bool = False  # the result has the broadcast shape of the arguments
    linear: bool = False  # linear in each differentiable parameter (f(-x) == -f(x))
    star: str | None = None  # a variadic parameter: ``operands`` for ``*operands``
    _parsed: dict[tuple[str, str, bool], Expr] = field(default_factory=dict, repr=False)

    def covers(self, direction: str, param: str) -> bool:
        """Whether the rule says what happens to a derivative through ``param``."""
        return param in (self.vjp if direction == "vjp" else self.jvp)

    def template(self, direction: str, param: str, python: bool = False) -> Expr | None:
        """The parsed template for ``param`` (``None``: nothing flows through it)."""
        table = {
            "vjp": self.python_vjp if python else self.vjp,
            "jvp": self.python_jvp if python else self.jvp,
        }[direction]
        if python and param not in table:
            return self.template(direction, param, python=False)
        text = table.get(param)
        if text is None or text == ZERO:
            return None
        key = (direction, param, python)
        if key not in self._parsed:
            self._parsed[key] = parse_template(text, self.params + ((self.star,) if self.star else ()))
        return self._parsed[key]

    def bind(self, call: Call) -> dict[str, Expr]:
        """Match a call's arguments to the rule's parameters."""
        if len(call.args) > len(self.params):
            raise BindError(f"takes at most {len(self.params)} positional arguments")
        bound: dict[str, Expr] = dict(zip(self.params, call.args))
        for name, value in call.kwargs:
            if name not in self.params:
                raise BindError(f"argument `{name}` is not supported")
            if name in bound:
                raise BindError(f"argument `{name}` given twice")
            bound[name] = value
        for p in self.params:
            if p not in bound:
                default = self.defaults.get(p, REQUIRED)
                if default is REQUIRED:
                    raise BindError(f"argument `{p}` is missing")
                bound[p] = default if isinstance(default, Expr) else Const(default)
        if self.star:  # the items the call passes, as a tuple: `operands` in templates
            first = self.params.index(f"{self.star}_0")
            if any(name.startswith(f"{self.star}_") for name, _ in call.kwargs):
                raise BindError(f"`*{self.star}` are positional arguments")
            bound[self.star] = Call(ir.TUPLE, tuple(call.args[first:]))
        out = bound.get("out")
        if out is not None and not (isinstance(out, Const) and out.value is None):
            raise BindError("writing into `out=` is not supported; assign the result instead")
        return bound

    def result_kind(self, bound: dict[str, Expr], kind_of_expr: Callable[[Expr], Kind]) -> Kind:
        if self.kind is None:
            return UNKNOWN
        args = {p: Arg(kind_of_expr(e), _constant(e), e, kind_of_expr) for p, e in bound.items()}
        try:
            return self.kind(args)
        except Exception:
            return UNKNOWN


class BindError(Exception):
    pass


def _constant(e: Expr) -> object:
    """The value of a constant argument: a literal, or one of our names (``float``, ``np.pi``)."""
    if isinstance(e, Const):
        return e.value
    if isinstance(e, Ref) and e.canonical:
        return e.value
    return NOT_CONST


RULES: dict[object, Rule] = {}


_FALLBACKS: list[Callable[[object], Rule | None]] = []
NESTED = "__s2sad_nested__"  # on the rules of a function s2sad returned: that function's name
ONCE = "__s2sad_once__"  # on what s2sad.hessian, jacobian and hvp return: not differentiated again
AGAIN = (
    "s2sad differentiates again what grad, value_and_grad, derivative and vjp return "
    "(s2sad.grad(s2sad.grad(f)) for a number); a third derivative of a function of arrays is "
    "not supported yet."
)


def fallback(hook: Callable[[object], Rule | None]) -> None:
    """Ask ``hook(fn)`` for the rule of a function that has none (the API's: a function s2sad
    returned is differentiated by s2sad again)."""
    _FALLBACKS.append(hook)


def lookup(op: ir.Op) -> Rule | None:
    """The rule for an op, if any."""
    if op.form == "call":
        try:
            rule = RULES.get(op.fn)
        except TypeError:  # an unhashable callable
            return None
        for hook in _FALLBACKS if rule is None else ():
            rule = hook(op.fn)
            if rule is not None:
                break
        return rule
    return RULES.get(op)


# --------------------------------------------------------------------- parsing


# ---------------------------------------------------------------- registration

_TABLE = ["builtin"]


def table(name: str) -> None:
    """Name the table the following rules belong to (for tests and docs)."""
    _TABLE[0] = name


STAR_ITEMS = 64  # how many items a variadic parameter takes (NumPy's limit on einsum's operands)


def _register(pattern: str, key: object = None, **fields: object) -> Rule:
    parsed, params, defaults = parse_pattern(pattern)
    key = parsed if key is None else key
    star = next((p[1:] for p in params if p.startswith("*")), None)
    if star is not None:
        params, defaults, fields = _variadic(star, params, defaults, fields)
    rule = Rule(key, pattern, _TABLE[0], params, defaults, star=star, **fields)
    RULES[key] = rule
    return rule


def _variadic(star: str, params: tuple, defaults: dict, fields: dict) -> tuple[tuple, dict, dict]:
    """``*operands`` as parameters ``operands_0``, ``operands_1``, ... that default to ``None``,
    with the templates written for item ``{i}`` written out for each."""
    items = tuple(f"{star}_{i}" for i in range(STAR_ITEMS))
    at = params.index(f"*{star}")
    params = params[:at] + items + params[at + 1 :]
    defaults = {**defaults, **dict.fromkeys(items)}
    for direction in ("vjp", "jvp"):
        table = dict(fields.get(direction, {}))
        text = table.pop(star, None)
        if text is not None:
            table.update({f"{star}_{i}": text.replace("{i}", str(i)) for i in range(STAR_ITEMS)})
        fields[direction] = table
    return params, defaults, fields


ZERO = "0"  # a template for a parameter the result does not vary with (almost everywhere)


def _partials(params: tuple[str, ...], partials: tuple[str | None, ...]) -> tuple[dict, dict]:
    vjp, jvp = {}, {}
    for p, d in zip(params, partials):
        if d == ZERO:
            vjp[p] = jvp[p] = ZERO
        elif d is not None:
            vjp[p] = f"unbroadcast(g * ({d}), {p})"
            jvp[p] = f"{p}_dot * ({d})"
    return vjp, jvp


def scalar(
    pattern: str, *partials: str | None, python: tuple | str | None = None, kind: KindRule | None = None
) -> Rule:
    """An elementwise function, given by its partial derivatives.

    One partial per parameter, in order: ``ZERO`` where the result does not
    vary with it (almost everywhere), ``None`` where it takes no float.
    ``python`` gives partials to use instead when every argument is a Python
    number, so scalar code gets ``math`` rather than NumPy.
    """
    _, params, _ = parse_pattern(pattern)
    vjp, jvp = _partials(params, partials)
    py_vjp, py_jvp = {}, {}
    if python is not None:
        py_vjp, py_jvp = _partials(params, (python,) if isinstance(python, str) else python)
    return _register(
        pattern,
        vjp=vjp,
        jvp=jvp,
        python_vjp=py_vjp,
        python_jvp=py_jvp,
        kind=kind or default_kind(pattern, params),
        elementwise=True,
    )


def linear(pattern: str, kind: KindRule | None = None, **vjp: str) -> Rule:
    """A function linear in each differentiable parameter separately.

    Its JVP in parameter ``p`` is the function applied with ``p_dot`` in
    place of ``p``; the VJP templates are given by keyword, ``ZERO`` for a
    parameter only read for its shape.
    """
    _, params, defaults = parse_pattern(pattern)
    node = gast.parse(pattern, mode="eval").body
    jvp = {}
    for p, template in vjp.items():
        jvp[p] = ZERO if template == ZERO else gast_text(_swap_name(node, p, f"{p}_dot"))
    return _register(pattern, vjp=dict(vjp), jvp=jvp, kind=kind, linear=True)


def rule(
    pattern: str,
    vjp: dict[str, str],
    jvp: dict[str, str],
    kind: KindRule | None = None,
    python_vjp: dict[str, str] | None = None,
    python_jvp: dict[str, str] | None = None,
    elementwise: bool = False,
    key: object = None,
) -> Rule:
    """A rule with VJP and JVP templates given per parameter; ``key`` looks it up instead of
    the op the pattern spells (``ir.JOIN``, which prints as ``+``)."""
    assert set(vjp) == set(jvp), f"{pattern}: VJP and JVP must cover the same parameters"
    return _register(
        pattern,
        key,
        vjp=vjp,
        jvp=jvp,
        kind=kind,
        python_vjp=python_vjp or {},
        python_jvp=python_jvp or {},
        elementwise=elementwise,
    )


def nondiff(pattern: str, kind: KindRule | None = None) -> Rule:
    """A function whose result carries no derivative (comparisons, shapes, ...)."""
    return _register(pattern, kind=kind, differentiable=False)


def _swap_name(node: gast.AST, old: str, new: str) -> gast.AST:
    import copy

    node = copy.deepcopy(node)
    for n in gast.walk(node):
        if isinstance(n, gast.Name) and n.id == old:
            n.id = new
    for n in gast.walk(node):  # drop `=default` markers: a keyword keeps its name (or its tangent's)
        if isinstance(n, gast.Call):
            n.keywords = [
                gast.keyword(
                    arg=k.arg,
                    value=gast.Name(
                        id=new if k.arg == old else k.arg, ctx=gast.Load(), annotation=None, type_comment=None
                    ),
                )
                for k in n.keywords
            ]
    return node


# --------------------------------------------------------------- instantiation


def missing_rule(op: ir.Op, why: str = "") -> DifferentiationError:
    what = f".{op.symbol}" if op.form in ("attr", "method") else op.symbol
    return MissingRuleError(f"no derivative rule for `{what}`{why}")


# ---------------------------------------------------------------- kind helpers
# Small functions tables pass as ``kind=``: each maps the bound arguments to
# the kind of the result.


LIBRARIES = ("numpy", "scipy", "math", "builtins", "s2sad", "autograd", "jax", "torch")


def installed(fn: types.FunctionType) -> bool:
    """Whether ``fn`` comes from the standard library or an installed package.

    Such code is never transformed: it is not the user's, and it is written with
    ``try``, ``*args`` and the like. Without a rule it is a call like any other,
    an error only where a derivative must go through it.
    """
    filename = fn.__code__.co_filename
    return filename.startswith("<frozen") or os.path.realpath(filename).startswith(_INSTALLED)


def _installed_paths() -> tuple[str, ...]:
    paths = {sysconfig.get_path(key) for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    paths.update(getattr(site, "getsitepackages", list)())
    paths.add(site.getusersitepackages())
    return tuple(os.path.join(os.path.realpath(p), "") for p in paths if p)


_INSTALLED = _installed_paths()


def inlinable(fn: object) -> bool:
    """The user's own Python functions are inlined; library functions need rules."""
    if not isinstance(fn, types.FunctionType) or hasattr(fn, "__s2sad__"):
        return False
    if lookup(ir.call_op(fn, getattr(fn, "__name__", "f"))) is not None:
        return False
    module = (getattr(fn, "__module__", None) or "").split(".")[0]
    return module not in LIBRARIES and not installed(fn)
