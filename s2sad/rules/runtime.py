"""Rules for the helpers in ``s2sad.runtime`` that generated code may call.

They matter when generated code is differentiated again, and for the kinds
of what they return.
"""

from ..kinds import INT, Kind
from .core import ZERO, Arg, always, linear, nondiff, rule, same_as, shape_kind, table

table("runtime")


def _expanded(a: dict[str, Arg]) -> Kind:
    k = a["value"].kind
    if a["keepdims"].const is True or a["axis"].const is None:
        return k
    return Kind(k.type, None, k.dtype) if k.type is not None else k


linear("unbroadcast(value, shape)", value="np.broadcast_to(g, np.shape(value))", kind=shape_kind("shape"))
linear(
    "unreduce(value, shape, axis=None, keepdims=False)",
    value="np.sum(g, axis=axis, keepdims=keepdims)",
    kind=shape_kind("shape"),
)
linear(
    "expand_reduced(value, axis=None, keepdims=False)", value="np.reshape(g, np.shape(value))", kind=_expanded
)
rule(
    "gradient_like(value, like)",
    vjp={"value": "unbroadcast(g, value)", "like": ZERO},
    jvp={"value": "gradient_like(value_dot, like)", "like": ZERO},
    kind=same_as("like", dtype="f+"),
)
nondiff("reduced_size(shape, axis=None)", kind=always(INT))
nondiff("fail(message)")
# No derivatives of their own yet: differentiating them again raises MissingRuleError.
rule("prod_others(x, axis=None)", vjp={}, jvp={}, kind=same_as("x"))
rule(
    "matmul_vjp(ct, a, b, which)",
    vjp={},
    jvp={},
    kind=lambda a: a["a"].kind if a["which"].const == 0 else a["b"].kind,
)
nondiff("zero_like(x)", kind=lambda a: a["x"].kind if a["x"].kind.is_array else Kind(float, (), "f"))
