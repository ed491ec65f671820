"""Generated blocks in the docs: each is what a command prints, and tests compare them.

In a Markdown file under ``docs/`` (and in the README), an HTML comment right before a fenced
block says what made it::

    <!-- s2sad: examples/quickstart.py:f --mode forward -->
    ```python
    ...what the command line prints...
    ```

- ``s2sad: ARGS`` — what ``s2sad ARGS`` prints;
- ``source: ARGS`` — the same, but only the generated function (no module header);
- ``run: SCRIPT [ARGS]`` — what ``python SCRIPT ARGS`` prints.

Commands run from the repository root. ``python tests/docs_util.py`` rewrites
every block with what the commands print now; ``tests/test_docs.py`` fails
when a block differs.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
BLOCK = re.compile(r"<!-- (s2sad|source|run): (.*?) -->\n```(\w*)\n(.*?)```\n", re.S)


def blocks(text: str):
    """``(kind, command, language, body, match)`` for each generated block."""
    for m in BLOCK.finditer(text):
        yield m.group(1), m.group(2).strip(), m.group(3), m.group(4), m


def produce(kind: str, command: str) -> str:
    """What the command prints, run from the repository root."""
    if kind == "run":
        args = shlex.split(command)
        out = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise RuntimeError(f"`python {command}` failed:\n{out.stderr}")
        return out.stdout
    from s2sad.tools.cli import main

    buffer = io.StringIO()
    with _in_root(), contextlib.redirect_stdout(buffer):
        status = main(shlex.split(command))
    if status != 0:
        raise RuntimeError(f"`s2sad {command}` exited with {status}")
    text = buffer.getvalue()
    if kind == "source":  # from the first def: the function without the module around it
        text = text[text.index("\ndef ") + 1 :] if not text.startswith("def ") else text
        text = text.rstrip("\n") + "\n"
    return text


@contextlib.contextmanager
def _in_root():
    import os

    before = os.getcwd()
    os.chdir(ROOT)
    try:
        yield
    finally:
        os.chdir(before)


def pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md")) + [ROOT / "README.md"]


def regenerate(path: Path) -> bool:
    """Rewrite the generated blocks of one page; whether anything changed."""
    text = path.read_text()
    out, last = [], 0
    for kind, command, language, _body, m in blocks(text):
        fresh = produce(kind, command)
        out.append(text[last : m.start()])
        out.append(f"<!-- {kind}: {command} -->\n```{language}\n{fresh}```\n")
        last = m.end()
    out.append(text[last:])
    new = "".join(out)
    if new != text:
        path.write_text(new)
    return new != text


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    for page in pages():
        if regenerate(page):
            print(f"updated {page.relative_to(ROOT)}")
