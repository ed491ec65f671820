"""s2sad differentiates the code that runs: a file edited after its module was imported is an error."""

import importlib
import sys

import pytest

import s2sad


@pytest.fixture
def module_file(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    path = tmp_path / "edited_model.py"
    path.write_text("def f(x):\n    return x * x\n")
    yield path
    sys.modules.pop("edited_model", None)


def test_an_edited_file_is_an_error_that_says_to_reload(module_file):
    import edited_model

    module_file.write_text("def f(x):\n    return x * x * x\n")  # edited, not reloaded
    assert edited_model.f(3.0) == 9.0  # what runs is still x * x
    with pytest.raises(s2sad.DifferentiationError, match="changed since it was imported") as info:
        s2sad.grad(edited_model.f)(3.0)
    assert "importlib.reload" in str(info.value)
    assert "edited_model.py:1:1" in str(info.value)
    reloaded = importlib.reload(edited_model)
    assert s2sad.grad(reloaded.f)(3.0) == 27.0


def test_a_derivative_built_before_the_edit_stays_the_derivative_of_what_runs(module_file):
    import edited_model

    df = s2sad.grad(edited_model.f)
    assert df(3.0) == 6.0
    module_file.write_text("def f(x):\n    return x * x * x\n")
    assert df(3.0) == 6.0


@pytest.mark.parametrize(
    "source",
    [
        "def f(x):\n    # a comment, and another layout\n    return (x\n            * x)\n",
        "def f(x):\n    return x * x\n\n\n\n",
    ],
)
def test_layout_and_comments_do_not_count(module_file, source):
    import edited_model

    module_file.write_text(source)
    assert s2sad.grad(edited_model.f)(3.0) == 6.0


def test_every_generated_program_runs_as_its_text():
    """The fuzzer's programs (every construct it writes: loops, branches, conditional
    expressions, nested functions, containers) compiled from their text are their code."""
    import random

    import gast

    from s2sad.frontend.freshness import runs_as
    from tests.fuzz.programs import RandomChooser, generate

    for seed in range(300):
        text = generate(RandomChooser(random.Random(seed)))
        namespace: dict = {}
        exec(compile(text, f"<program {seed}>", "exec"), namespace)
        node = next(n for n in gast.parse(text).body if isinstance(n, gast.FunctionDef) and n.name == "f")
        assert runs_as(node, namespace["f"]), text


QUICK = """
import math
import numpy as np


def plain(x):
    return math.sin(x) * np.exp(x)


class Model:
    scale = 2.0

    def method(self, x):
        return self.__hidden(x) * math.cos(x)

    def __hidden(self, x):
        return x * self.scale


def outer(k):
    def inner(x):
        return k * math.tanh(x)

    return inner
"""


@pytest.mark.parametrize("name", ["plain", "method", "inner"])
def test_an_unchanged_function_is_the_same_bytecode_byte_for_byte(tmp_path, monkeypatch, name):
    """The quick comparison (the def's text compiled as the module compiled it) finds an
    unchanged function the same without the instruction-by-instruction comparison: module
    functions, methods (names mangled by their class) and closures."""
    import inspect

    from s2sad.frontend import freshness

    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "quick_model.py").write_text(QUICK)
    import quick_model

    functions = {"plain": quick_model.plain, "method": quick_model.Model.method}
    fn = functions[name] if name in functions else quick_model.outer(3.0)
    text = "".join(inspect.getsourcelines(fn)[0])
    assert freshness._same(freshness._compile_text(text, fn), fn.__code__)
    edited = text.replace("math.", "np.")
    assert not freshness._same(freshness._compile_text(edited, fn), fn.__code__)
    sys.modules.pop("quick_model", None)
