"""The driver: from a request to a derivative that runs, built once per kind of arguments.

- ``pipeline``: the stages of one derivative (``build``), each kept for printing;
- ``dispatch``: specialising on the kinds of the arguments, the cache, the generated
  dispatcher, and ``CALLEES``, through which the derivation passes reach the
  derivatives of recursive calls;
- ``generated``: functions s2sad returned, and the generated code they run;
- ``directions``: unit and zero tangents, Jacobian blocks, forward mode along tangents;
- ``batch``: a forward program along many directions in one sweep;
- ``hessian``: Hessian programs, forward over reverse: built, checked and cached.

>>> from s2sad.derive.request import Request
>>> from s2sad.driver.dispatch import transform
>>> def cube(x):
...     return x ** 3
>>> transform(cube, Request("grad", ("x",))).dispatcher(2.0)
12.0
"""
