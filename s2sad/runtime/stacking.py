"""The adjoint of ``np.column_stack``: the cotangent cut back into the columns it stacked."""

import numpy as np

from .core import unconcatenate

__all__ = ["uncolumn_stack"]


def uncolumn_stack(value, arrays):
    """The adjoint of ``np.column_stack(arrays)``: 1-D pieces were columns, 2-D ones blocks.

    >>> [p.tolist() for p in uncolumn_stack(np.arange(6.0).reshape(2, 3), [np.ones(2), np.ones((2, 2))])]
    [[0.0, 3.0], [[1.0, 2.0], [4.0, 5.0]]]
    """
    pieces = [np.reshape(a, (-1, 1)) if np.ndim(a) == 1 else a for a in arrays]
    return [np.reshape(p, np.shape(a)) for p, a in zip(unconcatenate(value, pieces, 1), arrays)]
