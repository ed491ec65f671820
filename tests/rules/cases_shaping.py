"""Cases for NumPy's shape and indexing functions (``s2sad/rules/shaping.py``, ``tensors.py``,
``selecting.py``) and their helpers (``shaping_helpers.py``)."""

from __future__ import annotations

import numpy as np

from s2sad import MissingRuleError

from .rule_cases import A, I, S, V, add, case, pos

# ------------------------------------------------------------------ moving axes
add(
    "np.flipud(m)",
    [case("np.flipud(x) * y", x=A((3,)), y=A((3,))), case("np.flipud(x)", x=A((3, 2)))],
)
add("np.fliplr(m)", [case("np.fliplr(x)", x=A((2, 3))), case("np.fliplr(x) * x", x=A((2, 3, 2)))])
add(
    "np.rot90(m, k=1, axes=(0, 1))",
    [
        case("np.rot90(x) * y", x=A((2, 3)), y=A((3, 2))),
        case("np.rot90(x, 2)", x=A((2, 3))),
        case("np.rot90(x, -3) * np.rot90(x, 4)", x=A((3, 3))),
        case("np.rot90(x, k=-1, axes=(1, 2))", x=A((2, 3, 4))),
        case("np.rot90(x, k) * x", x=A((3, 3)), k=I(3)),
    ],
)
add(
    "np.moveaxis(a, source, destination)",
    [
        case("np.moveaxis(x, 0, -1) * y", x=A((2, 3, 4)), y=A((2,))),
        case("np.moveaxis(x, [0, 1], [2, 0])", x=A((2, 3, 4))),
        case("np.moveaxis(x, source=-1, destination=0)", x=A((2, 3))),
    ],
)
add(
    "np.rollaxis(a, axis, start=0)",
    [
        case("np.rollaxis(x, 2) * y", x=A((2, 3, 4)), y=A((4, 1, 1))),
        case("np.rollaxis(x, 0, 3)", x=A((2, 3, 4))),
        case("np.rollaxis(x, -1, start=1)", x=A((2, 3, 4))),
        case("np.rollaxis(x, n, 0) * x[0]", x=A((3, 3)), n=I(1)),
    ],
)

# ------------------------------------------------------------------ differences
add(
    "np.diff(a, n=1, axis=-1, prepend=None, append=None)",
    [
        case("np.diff(x)", x=A((4,))),
        case("np.diff(x) ** 2", x=A((5,))),
        case("np.diff(x, 2) * 3.0", x=A((5,))),
        case("np.diff(x, n=3, axis=0)", x=A((5, 2))),
        case("np.sin(np.diff(x, axis=-2))", x=A((3, 4))),
        case("np.diff(x, n, 1)", x=A((2, 5)), n=I(2)),
        case("np.diff(x, n=0)", x=A((3,))),
        case("np.diff(x, 6)", x=A((8,))),  # n past the written-out ones: the helper
        case("np.diff(x, prepend=0.0) * x", x=A((4,))),
        case("np.diff(x, append=0, axis=0)", x=A((3, 2))),
        case("np.diff(x, prepend=0, append=0.0)", x=A((3,))),
        case("np.diff(x, prepend=1.5, axis=0) * x", x=A((3, 2))),
        case("np.diff(x, prepend=t) * x", x=A((4,)), t=I(2)),
        case("np.diff(x, 2, prepend=0.0)", x=A((4,))),
        case("np.diff(x, 3, axis=0, prepend=-1.0, append=2.0)", x=A((4, 2))),
        case("np.diff(x, 2, axis=-1, append=1.0)", x=A((2, 4))),
        case("np.diff(x, 0, prepend=3.0)", x=A((3,))),
        case("np.diff(x, prepend=x[:1])", x=A((3,)), error=MissingRuleError),  # an array end
        case("np.diff(x, prepend=t)", x=A((3,)), t=S(), error=MissingRuleError),  # a differentiated end
    ],
)
add(
    "np.gradient(f, *varargs, axis=None, edge_order=1)",
    [
        case("np.gradient(x)", x=A((5,))),
        case("np.gradient(x) ** 2", x=A((2,))),
        case("np.gradient(x, 0.5) * x", x=A((4,))),
        case("np.gradient(x, h)", x=A((4,)), h=pos()),
        case("np.gradient(x, h, edge_order=2) * x", x=A((5,)), h=pos()),
        case("np.gradient(x, axis=0)", x=A((4, 3))),
        case("np.gradient(x, 2.0, axis=-1, edge_order=2)", x=A((2, 4))),
        # an array per axis: every axis, or the axes given, each with its own spacing or one for all
        case("np.gradient(x)[0] * np.gradient(x)[1]", x=A((3, 4))),
        case("np.stack(np.gradient(x, h, edge_order=2))", x=A((3, 4)), h=pos()),
        case("np.gradient(x, 0.5, h)[1] * x", x=A((4, 3)), h=pos()),
        case(
            "np.gradient(x, h, k, axis=(0, -1))[0] + np.gradient(x, h, k, axis=(0, -1))[1]",
            x=A((3, 2, 4)),
            h=pos(),
            k=pos(),
        ),
        case("np.gradient(x, axis=(2,)) * x", x=A((2, 2, 3))),
        case("np.gradient(x, [0.0, 1.0, 3.0], 1.0)[0]", x=A((3, 3)), error=MissingRuleError),
        case("np.gradient(x, t)", x=A((4,)), t=V(np.array([0.0, 0.5, 1.5, 3.0])), error=MissingRuleError),
    ],
)

# ------------------------------------------------------------------ splitting and joining
add(
    "np.split(ary, indices_or_sections, axis=0)",
    [
        case("np.sum(np.split(x, 2)[0]) * np.split(x, 2)[1]", x=A((4,))),
        case("np.sum(np.split(x, [1, 3])[1] ** 2)", x=A((5,))),
        case("np.split(x, 3, axis=1)[2]", x=A((2, 6))),
        case("np.split(x, [2], axis=-1)[0] * 2.0", x=A((3, 4))),
    ],
)
add(
    "np.array_split(ary, indices_or_sections, axis=0)",
    [
        case("np.array_split(x, 2)[1] ** 2", x=A((5,))),
        case("np.sin(np.array_split(x, [1], axis=1)[1])", x=A((2, 3))),
    ],
)
add(
    "np.vsplit(ary, indices_or_sections)",
    [case("np.vsplit(x, 2)[1] * np.sum(np.vsplit(x, 2)[0])", x=A((4, 3)))],
)
add(
    "np.hsplit(ary, indices_or_sections)",
    [case("np.hsplit(x, 2)[1]", x=A((6,))), case("np.hsplit(x, [1])[1] ** 2", x=A((2, 3)))],
)
add("np.dsplit(ary, indices_or_sections)", [case("np.dsplit(x, 2)[0] ** 2", x=A((2, 2, 4)))])
add(
    "np.append(arr, values, axis=None)",
    [
        case("np.append(x, y)", x=A((3,)), y=A((2,))),
        case("np.append(x, y) ** 2", x=A((2, 2)), y=S()),
        case("np.append(x, y)", x=S(), y=A((2, 1))),
        case("np.append(x, y, axis=0)", x=A((2, 3)), y=A((1, 3))),
        case("np.append(x, y, axis=1) * np.sum(x, axis=1, keepdims=True)", x=A((2, 2)), y=A((2, 3))),
        case("np.append(x, [1.0, 2.0]) * 2.0", x=A((2,))),
    ],
)
add(
    "np.pad(array, pad_width, mode='constant', constant_values=0)",
    [
        case("np.pad(x, 1)", x=A((3,))),
        case("np.pad(x, (1, 2)) * y", x=A((3,)), y=A((6,))),
        case("np.pad(x, ((0, 1), (2, 0)))", x=A((2, 3))),
        case("np.pad(x, ((1, 1),)) ** 2", x=A((2, 2))),
        case("np.pad(x, 1, constant_values=c) * x[0, 0]", x=A((2, 2)), c=S()),
        case("np.pad(x, 2, 'constant', constant_values=1.5)", x=A((2,))),
        case("np.pad(x, n)", x=A((3,)), n=I(2)),
        case("np.pad(x, ((1, 0), (0, 1)), constant_values=(1.0, -2.0))", x=A((2, 2))),  # constant ends
        case("np.pad(x, (n, 1))", x=A((2, 2)), n=I(1)),
        case("np.pad(x, 2, mode='edge')", x=A((3,))),
        case("np.pad(x, ((1, 2), (2, 0)), 'reflect') * 2.0", x=A((3, 3))),
        case("np.pad(x, (2, 3), mode='symmetric')", x=A((2,))),
        case("np.pad(x, ((0, 3), (1, 1)), mode='wrap')", x=A((2, 2))),
        case("np.pad(x, n, mode='wrap')", x=A((3,)), n=I(2)),
        case("np.pad(x, 1, mode='mean')", x=A((3,)), error=MissingRuleError),
        case("np.pad(x, 1, mode='linear_ramp')", x=A((3,)), error=MissingRuleError),
        case("np.pad(x, 1, constant_values=(c, c))", x=A((3,)), c=S(), error=MissingRuleError),
    ],
)
add(
    "np.vander(x, N=None, increasing=False)",
    [
        case("np.vander(x)", x=A((3,))),
        case("np.vander(x, 4) * y", x=A((3,)), y=A((3, 4))),
        case("np.vander(x, N=2, increasing=True)", x=A((4,))),
        case("np.vander(x, increasing=True) ** 2", x=A((3,))),
        case("np.vander(x, 1)", x=A((2,))),
        case("np.vander(x, 0)", x=A((2,))),
    ],
)

# ------------------------------------------------------------------ picking elements
add(
    "np.diagonal(a, offset=0, axis1=0, axis2=1)",
    [
        case("np.diagonal(x)", x=A((3, 3))),
        case("np.diagonal(x, 1) ** 2", x=A((3, 4))),
        case("np.diagonal(x, offset=-1)", x=A((3, 2))),
        case("np.diagonal(x, 0, 1, 2)", x=A((2, 3, 3))),
        case("np.diagonal(x, axis1=-1, axis2=0)", x=A((3, 2, 3))),
        case("x.diagonal() ** 2", x=A((2, 3))),
        case("np.diagonal(x, 0, 1, 0)", x=A((2, 3))),
    ],
)
add(
    "np.take(a, indices, axis=None, out=None, mode='raise')",
    [
        case("np.take(x, [0, 2, 0])", x=A((3,))),
        case("np.take(x, 3) * x", x=A((2, 3))),
        case("np.take(x, i, axis=1)", x=A((2, 3)), i=V(np.array([[2, 0], [1, 2]]))),
        case("np.take(x, [1, -1], axis=-1) * y", x=A((2, 3)), y=A((2, 2))),
        case("np.take(x, [0, 4, -4], mode='wrap')", x=A((3,))),
        case("np.take(x, [5, -1], axis=0, mode='clip')", x=A((3, 2))),
    ],
)
ROWS = V(np.array([[1, 0, 1], [2, 2, 0]]))
add(
    "np.take_along_axis(arr, indices, axis)",
    [
        case("np.take_along_axis(x, i, 1)", x=A((2, 3)), i=ROWS),
        case(
            "np.take_along_axis(x, i, axis=0) * x",
            x=A((3, 3)),
            i=V(np.array([[2, 0, 0], [1, 1, 2], [0, 0, 0]])),
        ),
        case("np.take_along_axis(x, i, None)", x=A((2, 2)), i=V(np.array([3, 0, 3]))),
        case("np.take_along_axis(x, i, 1)", x=A((1, 3)), i=ROWS),  # x broadcast against the indices
    ],
)
add(
    "np.argsort(a, axis=-1, kind=None, order=None)",
    [
        case("np.take_along_axis(x, np.argsort(x), -1)", x=A((4,))),
        case("x[np.argsort(x, axis=None)]", x=A((3,))),
    ],
)
add(
    "np.argpartition(a, kth, axis=-1)",
    [case("np.take_along_axis(x, np.argpartition(x, 1, axis=0), axis=0) * x", x=A((3, 2)))],
)
add(
    "np.partition(a, kth, axis=-1)",
    [
        case("np.partition(x, 2) * y", x=A((5,)), y=A((5,))),
        case("np.partition(x, 1, axis=0)", x=A((3, 2))),
        case("np.partition(x, (0, 2))[1:] * x[:-1]", x=A((4,))),
        case("np.partition(x * y, 1, axis=None)", x=A((2, 2)), y=A((2, 2))),
    ],
)
COND = V(np.array([[True, False, False, True], [True, True, False, False]]))  # two conditions
add(
    "np.select(condlist, choicelist, default=0)",
    [
        case("np.select([c[0], c[1]], [x, y])", x=A((4,)), y=A((4,)), c=COND),
        case("np.select([c[0], c[1]], [x, y], z)", x=A((4,)), y=S(), z=A((4,)), c=COND),
        case("np.select([x > 0, x < -1], [x ** 2, -x], default=x)", x=A((5,))),
        case("np.select([c[0], c[1]], [x, 2.0 * x], default=z) * z", x=A((2, 4)), z=S(), c=COND),
    ],
)

# ------------------------------------------------------------------ products of whole arrays
add(
    "np.cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None)",
    [
        case("np.cross(x, y)", x=A((3,)), y=A((3,))),
        case("np.cross(x, y) * x", x=A((4, 3)), y=A((3,))),
        case("np.cross(x, y, axis=0)", x=A((3, 2)), y=A((3, 2))),
        case("np.cross(x, y, axisa=0, axisb=1, axisc=0)", x=A((3, 2)), y=A((2, 3))),
        case("np.cross(x, x * y)", x=A((2, 1, 3)), y=A((4, 3))),
    ],
)
add(
    "np.kron(a, b)",
    [
        case("np.kron(x, y)", x=A((2,)), y=A((3,))),
        case("np.kron(x, y) * np.kron(y, x)", x=A((2, 2)), y=A((1, 3))),
        case("np.kron(x, y)", x=A((2, 3)), y=A((3,))),
        case("np.kron(x, y) ** 2", x=A((2, 1, 2)), y=A((2, 2, 1))),
        case("np.kron(x, y)", x=S(), y=A((2, 2))),
    ],
)
add(
    "np.tensordot(a, b, axes=2)",
    [
        case("np.tensordot(x, y)", x=A((2, 3)), y=A((2, 3))),
        case("np.tensordot(x, y, 1)", x=A((2, 3)), y=A((3, 4))),
        case("np.tensordot(x, y, axes=0)", x=A((2,)), y=A((3,))),
        case("np.tensordot(x, y, axes=([1, 0], [0, 1]))", x=A((2, 3, 4)), y=A((3, 2))),
        case("np.tensordot(x, y, axes=(0, 2)) * 2.0", x=A((2, 3)), y=A((4, 3, 2))),
        case("np.tensordot(x, y, n)", x=A((2, 3)), y=A((3, 2)), n=I(1)),
    ],
)

# ------------------------------------------------------------------ the helpers
add("undiff(value, n=1, axis=-1)", [case("undiff(x * x, 2) * y", x=A((3,)), y=A((5,)))])
add("ungradient(value, axis=0, edge_order=1)", [case("ungradient(x * x, 0, 2)", x=A((4,)))])
add("unpad(value, pad_width)", [case("unpad(x * x, (1, 2))", x=A((5,)))])
add(
    "unpad_copies(value, a, pad_width, mode)",
    [case("unpad_copies(x * x, y, ((1, 0), (0, 2)), 'reflect')", x=A((3, 4)), y=A((2, 2)))],
)
add("rolled_to(axis, start, ndim)", [case("x * rolled_to(2, 0, 3)", x=S())])
add(
    "undiagonal(value, a, offset=0, axis1=0, axis2=1)",
    [case("undiagonal(x * x, y, 1, 1, 2)", x=A((2, 2)), y=A((2, 2, 3)))],
)
add(
    "kron_vjp(ct, a, b, which)",
    [
        case("kron_vjp(x, y, z, 0) * y", x=A((2, 9)), y=A((2, 3)), z=A((3,))),
        case("kron_vjp(x, y, z, 1) * z", x=A((1, 4)), y=A((2,)), z=A((1, 2))),
    ],
)
add(
    "tensordot_vjp(ct, a, b, axes, which)",
    [
        case("tensordot_vjp(x, y, z, 1, 0) * y", x=A((2, 2)), y=A((2, 3)), z=A((3, 2))),
        case("tensordot_vjp(x, y, z, ((0,), (1,)), 1) * z", x=A((3, 4)), y=A((2, 3)), z=A((4, 2))),
    ],
)
add(
    "untake(value, a, indices, axis=None, mode='raise')",
    [case("untake(x * x, y, [0, 1, 0], 1)", x=A((2, 3)), y=A((2, 2)))],
)
add(
    "untake_along_axis(value, arr, indices, axis)",
    [case("untake_along_axis(x * x, y, i, 1)", x=A((2, 3)), y=A((2, 3)), i=ROWS)],
)
add(
    "take_like(value, a, arranged, axis=-1)",
    [case("take_like(x * x, y, np.partition(y, 1))", x=A((3,)), y=A((3,)))],
)
add(
    "untake_like(value, a, arranged, axis=-1)",
    [case("untake_like(x * x, y, np.partition(y, 1, axis=0), 0)", x=A((3, 2)), y=A((3, 2)))],
)
add(
    "unselect(value, condlist, choicelist)",
    [case("unselect(x * x, [c[0], c[1]], [x, y])[1]", x=A((4,)), y=A((4,)), c=COND)],
)
add(
    "select_default(value, condlist, shape=None)",
    [
        case("select_default(x * x, [c[0], c[1]])", x=A((4,)), c=COND),
        case("select_default(x, [c[1], c[0]], (2, 4))", x=S(), c=COND),
    ],
)
