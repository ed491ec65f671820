"""The suite runs as the README says (``pytest``, not only ``python -m pytest``): test modules
import the shared helpers as ``checks`` and ``conftest``, which pytest puts on the path,
never through a ``tests`` package that only the current directory makes importable."""

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent


def test_no_test_module_imports_the_tests_package_at_the_top():
    top_level = re.compile(r"^(from tests[. ]|import tests\b)", re.M)
    offenders = [str(p.relative_to(TESTS)) for p in TESTS.rglob("*.py") if top_level.search(p.read_text())]
    assert not offenders, f"import `checks`/`conftest` directly instead: {offenders}"
