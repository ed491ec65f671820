"""What `grad` returns: a dispatcher that checks the kinds of its arguments and calls the
derivative generated for them (compiled once, then cached)."""

import inspect
import sys

import numpy as np

sys.path.insert(0, "examples")
from quickstart import baydin  # noqa: E402

import s2sad  # noqa: E402

dbaydin = s2sad.grad(baydin, wrt=(0, 1))
dbaydin(2.0, 5.0)  # Python floats: generated and compiled for floats
dbaydin(np.float64(2.0), 5.0)  # a NumPy float: a second specialisation
print(inspect.getsource(dbaydin))
