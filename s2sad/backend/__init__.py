r"""The backend: generated source made into functions, and into modules that run by themselves.

- ``compiler``: ``compile_function`` (closure cells, source in ``linecache``);
- ``program``: ``module_source``, generated code with the imports it needs.

>>> from s2sad.backend.compiler import compile_function
>>> compile_function("def twice(x):\n    return 2 * x\n", "an example", {}, {})(21)
42
"""
