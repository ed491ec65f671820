"""The package's layout is the pipeline: each stage imports only from the stages before it.

Counted over every import statement, inside functions too, so no dependency can hide in a
function-level import. A stage that needs something from a later one gets it handed over
(the driver passes the derivation passes its callbacks), never by importing it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "s2sad"

# In pipeline order. The modules at the top of the package are placed here too.
STAGES = [
    "errors",  # what every stage raises
    "checkpointing",  # checkpoint() as the user's code runs it, the binomial schedule
    "runtime",  # what generated code calls
    "ir",  # the IR, kinds, names, printing: under every stage
    "frontend",  # source, parsing, what free names mean
    "lower",  # SSA three-address form
    "rules",  # derivative rules, templates, algebra
    "analysis",  # activity, kinds of every value
    "derive",  # forward and reverse mode
    "simplify",  # passes that make derivative code read well
    "backend",  # compiling, standalone modules
    "driver",  # the pipeline, dispatch and cache, Hessian programs
    "api",  # grad, jvp, hessian, ...
    "tools",  # command line, evaluation traces
    "__init__",
    "__main__",
]
MAX_MODULE_LINES = 450
MAX_CLASS_LINES = 300


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


_MODULES = modules()


def stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports(module: str, path: Path) -> list[tuple[str, str | None, int]]:
    """(module imported, name imported from it, line) for every import of s2sad."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] == "s2sad":
                for alias in node.names:  # `from .. import ir` imports the module s2sad.ir
                    sub = f"{target}.{alias.name}"
                    out.append(
                        (sub, None, node.lineno) if sub in _MODULES else (target, alias.name, node.lineno)
                    )
        elif isinstance(node, ast.Import):
            out += [(a.name, None, node.lineno) for a in node.names if a.name.split(".")[0] == "s2sad"]
    return out


def edges() -> dict[str, set[str]]:
    mods = modules()
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for module, path in mods.items():
        for target, _, _ in imports(module, path):
            if target in mods and target != module:
                graph[module].add(target)
    return graph


def test_every_module_belongs_to_a_stage():
    assert {stage(m) for m in modules()} <= set(STAGES)


def test_no_stage_imports_a_later_one():
    wrong = []
    for module, path in modules().items():
        for target, _, line in imports(module, path):
            if STAGES.index(stage(target)) > STAGES.index(stage(module)):
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {module} imports {target}")
    assert not wrong, "\n".join(wrong)


def test_no_import_cycle():
    graph = edges()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            # a package's __init__ re-exporting its own modules is not a cycle
            if len(component) > 1 and not _init_and_its_modules(component):
                cycles.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    assert not cycles, cycles


def _init_and_its_modules(component: list[str]) -> bool:
    packages = [m for m in component if (PACKAGE.parent / m.replace(".", "/") / "__init__.py").exists()]
    return len(packages) == 1 and all(m.startswith(packages[0]) for m in component)


def test_no_private_name_is_imported_from_another_module():
    wrong = []
    for module, path in modules().items():
        for target, name, line in imports(module, path):
            if name and name.startswith("_") and name != "__version__":
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {name} from {target}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("module", sorted(modules()))
def test_modules_and_classes_are_small_enough_to_read_in_one_sitting(module):
    path = modules()[module]
    text = path.read_text()
    assert len(text.splitlines()) <= MAX_MODULE_LINES, f"{path.name}: {len(text.splitlines())} lines"
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ClassDef):
            length = node.end_lineno - node.lineno + 1
            assert length <= MAX_CLASS_LINES, f"{path.name}: class {node.name} has {length} lines"


def test_the_pipeline_page_maps_every_module():
    """docs/pipeline.md's file list names every module, under its own package."""
    page = (PACKAGE.parent / "docs" / "pipeline.md").read_text()
    tree = page[page.index("s2sad/\n") :]
    blocks = re.split(r"\n  (?=\S)", tree.split("```")[0])  # one block per line at the first level
    sections = {"": blocks[0]}
    for block in blocks[1:]:
        head = block.split()[0]
        if head.endswith("/"):
            sections[head[:-1]] = block
        else:
            sections[""] += block  # a module at the top of the package
    missing = []
    for path in modules().values():
        if path.name in ("__init__.py", "__main__.py"):
            continue
        package = path.parent.name if path.parent != PACKAGE else ""
        if path.name not in sections.get(package, ""):
            missing.append(str(path.relative_to(PACKAGE)))
    assert not missing, f"docs/pipeline.md does not list {missing}"
