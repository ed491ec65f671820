"""Helpers that generated code calls when kinds do not settle a question.

When the kinds of the values are known, rule templates expand to plain NumPy
(``np.sum(g, axis=0)``). These helpers are the fallback for what only the
run-time shapes tell, and for the few derivatives that need a loop's worth of
NumPy. Each is plain NumPy with derivative rules of its own, so derivative
code that calls them can be differentiated again.
"""

# Each module of helpers lists its own in ``__all__``; generated code imports them from here.
from . import core, integrate, linalg, numeric, pairs, shaping, signal, spectral, stacking
from .core import *  # noqa: F403
from .integrate import *  # noqa: F403
from .linalg import *  # noqa: F403
from .numeric import *  # noqa: F403
from .pairs import *  # noqa: F403
from .shaping import *  # noqa: F403
from .signal import *  # noqa: F403
from .spectral import *  # noqa: F403
from .stacking import *  # noqa: F403

__all__ = [
    *core.__all__,
    *stacking.__all__,
    *shaping.__all__,
    *linalg.__all__,
    *numeric.__all__,
    *pairs.__all__,
    *spectral.__all__,
    *signal.__all__,
    *integrate.__all__,
]
