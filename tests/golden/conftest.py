"""The files here are expected generated source, not tests: tests/test_teaching.py compares against them.

Listed as ignored so that `pytest tests/golden` (which overrides the `--ignore` in pyproject.toml) does not
try to import them as test or doctest modules.
"""

collect_ignore_glob = ["*.py"]
