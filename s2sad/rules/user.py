"""Rules the user registers: ``s2sad.defvjp``, ``s2sad.defjvp`` and the ``custom_*`` decorators.

A user's rule is a function per positional argument, ``vjp_i(g, ans, *args)`` or
``jvp_i(t, ans, *args)``. When its source reads as one expression (a lambda, or a
``def`` that returns one), the expression becomes a template like a built-in rule's,
with the user's names for the cotangent, the result and the arguments turned into the
template's ``g``, ``ans`` and parameters, so the derivative shows the user's formula (a
cotangent at the result's shape is summed to the argument's, which kinds make nothing for
arguments of the same shape):

>>> import math
>>> def softplus(x):
...     return math.log1p(math.exp(x))
>>> rule = register(softplus, "vjp", (lambda dy, y, x: dy / (1.0 + math.exp(-x)),))
>>> rule.pattern, rule.vjp["x"], rule.covers("jvp", "x")
('softplus(x)', 'unbroadcast(g / (1.0 + math.exp(-x)), x)', False)

A rule whose source cannot be read (a builtin, a callable object, a ``def`` of several
statements) is called instead: its template is ``softplus_vjp_0(g, ans, x)``, the name
reaching the rule through a cell of generated code. Free names of a template (``math``
above, a module the rule's file imports, a helper of the user's) are resolved where the
rule is written. Registering changes ``RULES``; ``on_change`` callbacks (the driver's
caches) hear of it, so derivatives built before are built again.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable, Sequence

import gast
import numpy as np

from ..errors import DifferentiationError
from ..frontend.namespaces import canonical_path, module_path, rule_name
from ..frontend.parse import parse, split_docstring
from ..frontend.resolve import Resolver
from ..ir import Call, Const, Expr, Name, Ref, call_op, substitute
from ..lower.expressions import Function, Module
from .kindrules import default_kind, probed, same_as
from .registry import RULES, ZERO, Rule
from .templates import TemplateBuilder, parse_template

LITERALS = (int, float, complex, str, bool, type(None))
_listeners: list[Callable[[object], None]] = []


def on_change(callback: Callable[[object], None]) -> None:
    """Call ``callback(fn)`` whenever a rule for ``fn`` is registered or replaced."""
    _listeners.append(callback)


def register(
    fn: object, direction: str, rules: Sequence[Callable | None], notify: bool = True, shaped: bool = False
) -> Rule:
    """Register the VJP (or JVP) rules of ``fn``, one per positional argument; the rule.
    Without ``notify``, derivatives built before are kept (a rule for a function that had
    none, which nothing built before can have used). With ``shaped``, the VJPs give each
    argument a cotangent of its own shape (s2sad's own, for what it returned): no
    ``unbroadcast`` around them."""
    old = RULES.get(fn) if _hashable(fn) else None
    params, defaults = _parameters(fn, rules)
    name = _name(fn)
    rule = _fresh_rule(fn, name, params, defaults, old)
    texts = {}
    for i, param in enumerate(params):
        user_rule = rules[i] if i < len(rules) else None
        if user_rule is None:
            texts[param] = ZERO
            continue
        template = _template(user_rule, direction, params, i, name)
        if direction == "vjp" and not shaped:  # a broadcast cotangent is summed to the argument's shape
            template = substitute(parse_template(f"unbroadcast(g, {param})", params), {"g": template})
        texts[param] = repr(template)
        rule._parsed[(direction, param, False)] = template
    setattr(rule, direction, texts)
    other = rule.jvp if direction == "vjp" else rule.vjp
    for param, text in list(texts.items()) + list(other.items()):
        mine, theirs = (texts, other) if text == ZERO else (other, texts)
        if mine.get(param) == ZERO and theirs.get(param) not in (None, ZERO):
            del mine[param]  # no derivative one way and one the other: ask for the missing rule
    RULES[fn] = rule
    for callback in _listeners if notify else ():
        callback(fn)
    return rule


def declare(fn: Callable) -> Rule:
    """A function whose derivative comes only from the rules given later (``custom_vjp``)."""
    rule = RULES.get(fn)
    if rule is None or rule.table != "user":
        params, defaults = _parameters(fn, ())
        rule = RULES[fn] = _fresh_rule(fn, _name(fn), params, defaults, None)
    return rule


def held_still(fn: Callable) -> Rule:
    """``fn(x)`` is ``x`` with no derivative, at every order (``s2sad.stop_gradient``)."""
    rule = declare(fn)
    rule.differentiable, rule.kind = False, same_as(rule.params[0])
    return rule


# ------------------------------------------------------------------ parameters


def _parameters(fn: object, rules: Sequence[Callable | None]) -> tuple[tuple[str, ...], dict[str, object]]:
    """The rule's parameters: ``fn``'s own where Python can tell them, else those of the
    first rule that names its arguments (after the cotangent and the result). A ufunc's
    are its inputs, named as its rules (or its built-in rule) name them."""
    if isinstance(fn, np.ufunc):
        for user_rule in rules:
            sig = _signature(user_rule) if user_rule is not None else None
            if sig is not None and len(sig[0]) == fn.nin + 2:
                return sig[0][2:], {}
        old = RULES.get(fn)
        if old is not None and len(old.params) == fn.nin:
            return old.params, {}
        return tuple(f"x{i + 1}" for i in range(fn.nin)), {}
    signature = _signature(fn)
    if signature is not None:
        return signature
    for user_rule in rules:
        sig = _signature(user_rule) if user_rule is not None else None
        if sig is not None and len(sig[0]) >= 2:
            params = sig[0][2:]
            return params, {p: v for p, v in sig[1].items() if p in params}
    return tuple(f"x{i + 1}" for i in range(len(rules))), {}


def _signature(fn: object) -> tuple[tuple[str, ...], dict[str, object]] | None:
    """Named parameters and their defaults, or ``None`` when ``fn`` takes ``*args``/``**kwargs``
    or Python cannot tell."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    params, defaults = [], {}
    for p in sig.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            return None
        params.append(p.name)
        if p.default is not p.empty:
            defaults[p.name] = p.default if isinstance(p.default, LITERALS) else _cell_ref(p.name, p.default)
    return tuple(params), defaults


def _cell_ref(name: str, value: object) -> Ref:
    """A default that is not a literal reaches generated code through a cell of its own."""
    return Ref(rule_name(name, value), value, canonical=True)


def _name(fn: object) -> str:
    path = canonical_path(fn)
    if path is not None:
        return path
    name = getattr(fn, "__name__", None) or type(fn).__name__
    return name if name.isidentifier() else "fn"


def _fresh_rule(fn: object, name: str, params: tuple[str, ...], defaults: dict, old: Rule | None) -> Rule:
    """A user rule for ``fn``; what an earlier rule with the same parameters said of the
    other direction (and of the result's kind) carries over."""
    pattern = f"{name}({', '.join(params)})"
    elementwise = isinstance(fn, np.ufunc)
    kind = default_kind("np.", params) if elementwise else probed(fn, params)
    rule = Rule(fn, pattern, "user", params, defaults, kind=kind, elementwise=elementwise)
    if old is None or len(old.params) != len(params):
        return rule
    if old.table != "user" and old.params == params:  # a built-in rule: its kinds stay
        rule.kind, rule.elementwise = old.kind, old.elementwise
    renamed = dict(zip(old.params, params))
    renamed.update({f"{a}_dot": f"{b}_dot" for a, b in renamed.items()})
    mapping = {a: Name(b) for a, b in renamed.items()}
    for direction in ("vjp", "jvp"):
        texts = {}
        for old_param, param in zip(old.params, params):
            text = getattr(old, direction).get(old_param)
            template = old.template(direction, old_param) if text not in (None, ZERO) else None
            if template is not None:
                template = substitute(template, mapping)
                rule._parsed[(direction, param, False)] = template
                text = repr(template)
            if text is not None:
                texts[param] = text
        setattr(rule, direction, texts)
    return rule


def _hashable(fn: object) -> bool:
    try:
        hash(fn)
    except TypeError:
        return False
    return True


# ------------------------------------------------------------------- templates


def _template(user_rule: Callable, direction: str, params: tuple[str, ...], i: int, name: str) -> Expr:
    """The template of one rule: its expression, or a call to it."""
    inlined = _inlined(user_rule, direction, params, i)
    if inlined is not None:
        return inlined
    head = rule_name(f"{name.rpartition('.')[2]}_{direction}_{i}", user_rule)
    first = "g" if direction == "vjp" else f"{params[i]}_dot"
    sig = _signature(user_rule)
    taken = params if sig is None else params[: max(len(sig[0]) - 2, 0)]
    args = (Name(first), Name("ans"), *(Name(p) for p in taken))
    return Call(call_op(user_rule, head, True, canonical=True), args)


def _inlined(user_rule: Callable, direction: str, params: tuple[str, ...], i: int) -> Expr | None:
    """The rule's expression as a template, or ``None`` if it is not one expression of its
    named parameters."""
    if not isinstance(user_rule, types.FunctionType):
        return None
    sig = _signature(user_rule)
    if sig is None or not 2 <= len(sig[0]) <= len(params) + 2:
        return None
    try:
        parsed = parse(user_rule)
    except DifferentiationError:
        return None
    node = parsed.node
    if isinstance(node, gast.Lambda):
        body = node.body
    else:
        _, stmts = split_docstring(node.body)
        if len(stmts) != 1 or not isinstance(stmts[0], gast.Return) or stmts[0].value is None:
            return None
        body = stmts[0].value
    own = sig[0]
    builder = _RuleBuilder(user_rule, set(own))
    try:
        expr = builder.expr(body)
    except (DifferentiationError, NameError):
        return None
    first = "g" if direction == "vjp" else f"{params[i]}_dot"
    mapping = {own[0]: Name(first), own[1]: Name("ans")}
    mapping.update({mine: Name(p) for mine, p in zip(own[2:], params)})
    return substitute(expr, mapping)


class _RuleBuilder(TemplateBuilder):
    """Parses a user's rule: its parameters are the placeholders, and its free names are
    what they are where the rule is written, reaching generated code through cells."""

    def __init__(self, user_rule: types.FunctionType, placeholders: set[str]):
        super().__init__(placeholders)
        self.resolver = Resolver(user_rule)

    def resolve(self, name: str, node: gast.AST) -> Expr | Module | Function:
        where, value = self.resolver.lookup(name)
        if where == "missing":
            raise NameError(name)
        if where == "builtin":
            return self.wrap(value, name, canonical=True)
        if isinstance(value, types.ModuleType):
            path = module_path(value)
            return Module(value, path, True) if path else Module(value, rule_name(name, value), True)
        if callable(value) and not isinstance(value, np.ndarray):
            path = canonical_path(value)
            return Function(value, path or rule_name(name, value), True)
        if isinstance(value, LITERALS) and not isinstance(value, str):
            return Const(value)
        return Ref(rule_name(name, value), value, canonical=True)
