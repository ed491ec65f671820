"""Compare generated source with golden files (S2SAD_UPDATE_GOLDEN=1 rewrites them)."""

from __future__ import annotations

import ast
import os
from pathlib import Path

from s2sad.ir import printer as codegen

GOLDEN = Path(__file__).resolve().parent / "golden"


def _comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("S2SAD_UPDATE_GOLDEN") == "1" or not path.exists():
        path.write_text(text)
        if os.environ.get("S2SAD_UPDATE_GOLDEN") != "1":
            raise AssertionError(f"wrote a new golden file {path}; check it and run again")
        return
    expected = path.read_text()
    if codegen.PRINTER == "astor":
        assert text == expected, f"generated source differs from {path}:\n{text}"
    else:  # another printer spells parentheses differently; compare the code and comments
        assert ast.dump(ast.parse(text)) == ast.dump(ast.parse(expected)), text
        assert _comments(text) == _comments(expected), text
