"""Cases for ``s2sad/rules/stacking.py``: at least 1-, 2-, 3-D, and stacking columns and rows."""

import numpy as np

from .rule_cases import A, S, add, case

for rank in (1, 2, 3):
    add(
        f"np.atleast_{rank}d(x)",
        [
            case(f"np.atleast_{rank}d(x) * y", x=S(), y=A((3,) * rank)),
            case(f"np.atleast_{rank}d(x) * np.atleast_{rank}d(y)", x=A((3,)), y=A((3,))),
            case(f"np.sum(np.atleast_{rank}d(x) ** 2)", x=A((2, 3))),
        ],
    )
add(
    "np.column_stack(tup)",
    [
        case("np.column_stack([x, y]) ** 2", x=A((3,)), y=A((3,))),
        case("np.column_stack((x, y, x)) * 2.0", x=A((2,)), y=A((2, 2))),
    ],
)
if hasattr(np, "row_stack"):
    add("np.row_stack(tup)", [case("np.row_stack([x, y * y])", x=A((3,)), y=A((3,)))])
add(
    "uncolumn_stack(value, arrays)",
    [case("uncolumn_stack(x, [y, z])[1] * z", x=A((2, 3)), y=A((2,)), z=A((2, 2)))],
)
