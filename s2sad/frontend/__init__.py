"""Frontend: a Python function's source, parsed and checked, and what its free names mean.

- ``parse``: find the source of a function (or take it as a string: ``parse_source``), parse
  it with gast, and reject the first unsupported construct with the user's line and a hint;
- ``resolve``: what a free name means when the function runs (closure cell, global, builtin),
  and the parameters a function takes;
- ``namespaces``: the names generated code uses for modules and functions (``np.sin``).

>>> from s2sad.frontend.parse import parse_source
>>> from s2sad.frontend.resolve import Resolver
>>> parsed = parse_source("import numpy as np\\n\\ndef f(x):\\n    return np.sin(x)", filename="model.py")
>>> parsed.name, str(parsed.location(parsed.node.body[0]))
('f', 'model.py:4:5')
>>> Resolver(parsed.fn).lookup("np")[1].sin
<ufunc 'sin'>
"""
