"""Parsing source text, and the docstring examples of the first stages (which run as tests)."""

import pytest

from s2sad import UnsupportedSyntaxError
from s2sad.frontend.parse import parse_source, split_docstring

TWO = """
def helper(x):
    return 2 * x

def f(x):
    "Uses the helper."
    return helper(x) + 1
"""


def test_parse_source_takes_the_last_function_or_the_one_named():
    assert parse_source(TWO).name == "f"
    assert parse_source(TWO, "helper").name == "helper"
    assert parse_source(TWO).fn(1.0) == 3.0


def test_parse_source_counts_lines_from_the_first_one_written():
    parsed = parse_source(TWO, filename="two.py")
    assert str(parsed.location(parsed.node.body[1])) == "two.py:6:5"
    assert parsed.source.lines[0] == "def helper(x):\n"


def test_parse_source_rejects_what_parse_rejects():
    with pytest.raises(UnsupportedSyntaxError) as info:
        parse_source("def f(x):\n    del x\n    return 0.0\n", filename="model.py")
    assert str(info.value).startswith("model.py:2:5: a `del` statement is not supported\n    del x\n    ^\n")


def test_split_docstring():
    doc, body = split_docstring(parse_source(TWO).node.body)
    assert doc == "Uses the helper." and len(body) == 1
    assert split_docstring(parse_source(TWO, "helper").node.body)[0] is None
