"""The docs cannot drift from what s2sad prints: every generated block is regenerated and
compared (``python tests/docs_util.py`` rewrites them), and the site builds."""

import shutil
import subprocess
import sys

import pytest
from docs_util import DOCS, ROOT, blocks, pages, produce

BLOCKS = [
    (page.relative_to(ROOT).as_posix(), kind, command, body)
    for page in pages()
    for kind, command, _language, body, _m in blocks(page.read_text())
]


@pytest.mark.parametrize("page,kind,command,body", BLOCKS, ids=[f"{b[0]}: {b[2]}" for b in BLOCKS])
def test_generated_block(page, kind, command, body):
    assert produce(kind, command) == body, f"{page}: run `python tests/docs_util.py` to update"


def test_every_tutorial_chapter_has_generated_code():
    for page in (DOCS / "tutorial").glob("*.md"):
        assert any(True for _ in blocks(page.read_text())), page


def test_site_builds(tmp_path):
    pytest.importorskip("mkdocs")
    out = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "site" / "tutorial" / "reverse-mode" / "index.html").exists()
    shutil.rmtree(tmp_path / "site")
