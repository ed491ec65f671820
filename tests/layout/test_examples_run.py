"""Every module of the pipeline shows what it does with an example that runs.

The examples are the modules' docstrings (pytest runs them with ``--doctest-modules``); this test
checks that they are there, so a new pass cannot arrive without one.
"""

from __future__ import annotations

import doctest
import importlib

import pytest

from .test_layers import modules, stage

# Modules whose job is data, not a transformation to show: the rule tables (each row is tested
# against central differences by tests/rules/test_rules.py) and the package indexes.
TABLES = {f"s2sad.rules.{t}" for t in ("builtin", "math", "numpy", "arrays", "linalg", "runtime")}


def examples(module_name: str) -> int:
    module = importlib.import_module(module_name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    return sum(len(test.examples) for test in finder.find(module))


@pytest.mark.parametrize(
    "module",
    sorted(
        m
        for m, path in modules().items()
        if path.name not in ("__init__.py", "__main__.py") and m not in TABLES and stage(m) != "__init__"
    ),
)
def test_module_has_a_running_example(module):
    assert examples(module) > 0, f"{module} has no doctest showing what it does"


def test_the_package_runs_enough_examples():
    assert sum(examples(m) for m in modules() if m != "s2sad.__main__") >= 15
