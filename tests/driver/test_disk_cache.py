"""The disk cache of generated source: a new process finds what an old one built, and
never code built from anything else (another text of the function or of a helper, another
closure value, a user's rule). Each run is a process of its own, as a user's would be."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from s2sad.backend.cachedir import cache_dir

ROOT = Path(__file__).resolve().parents[2]

HELPERS = """
import math


def helper(u):
    return u * math.sin(u)


def cube(u):
    return u ** 3
"""

MODEL = """
import numpy as np

import helpers as hp
from helpers import helper

SCALE = 2.0


def f(x, y):
    z = helper(x) + SCALE * x * y + hp.cube(y)
    return z * z


def make(k):
    def g(x):
        return k * np.sum(np.tanh(x) ** 2)

    return g
"""

SCRIPT = """
import inspect, json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
import model
import s2sad
from s2sad.driver import diskcache
{setup}
x = 0.7, 1.3
grad = s2sad.grad(model.f, wrt=(0, 1))
g = s2sad.grad(model.make({k}))
out = {{
    "f": list(grad(*x)),
    "g": g(np.array([0.3, -1.2])).tolist(),
    "source": inspect.getsource(grad.__s2sad__.all[0][1]),
    "stats": dict(diskcache.stats),
}}
print(json.dumps(out))
"""


def run(
    tmp_path: Path,
    model: str = MODEL,
    k: float = 3.0,
    setup: str = "",
    cache: str | None = None,
    helpers: str = HELPERS,
) -> dict:
    (tmp_path / "model.py").write_text(textwrap.dedent(model))
    (tmp_path / "helpers.py").write_text(textwrap.dedent(helpers))
    env = {**os.environ, "S2SAD_CACHE_DIR": cache if cache is not None else str(tmp_path / "cache")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    script = SCRIPT.format(setup=setup, k=k)
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], env=env, capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def expected(model: str = MODEL, k: float = 3.0, helpers: str = HELPERS) -> tuple[list, list]:
    """The gradients by central differences, from the model's text run here."""
    import types

    import numpy as np

    module = types.ModuleType("helpers")
    exec(textwrap.dedent(helpers), module.__dict__)
    saved = sys.modules.get("helpers")
    sys.modules["helpers"] = module
    namespace: dict = {}
    try:
        exec(textwrap.dedent(model), namespace)
    finally:
        if saved is None:
            del sys.modules["helpers"]
        else:
            sys.modules["helpers"] = saved
    f, g = namespace["f"], namespace["make"](k)
    h = 1e-6
    x = [0.7, 1.3]
    df = []
    for i in range(2):
        up, down = list(x), list(x)
        up[i] += h
        down[i] -= h
        df.append((f(*up) - f(*down)) / (2 * h))
    a = np.array([0.3, -1.2])
    dg = []
    for i in range(2):
        e = np.zeros(2)
        e[i] = h
        dg.append((g(a + e) - g(a - e)) / (2 * h))
    return df, dg


def check(out: dict, model: str = MODEL, k: float = 3.0, helpers: str = HELPERS) -> None:
    df, dg = expected(model, k, helpers)
    assert out["f"] == pytest.approx(df, rel=1e-6, abs=1e-8)
    assert out["g"] == pytest.approx(dg, rel=1e-6, abs=1e-8)


def entries(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "cache" / "source"
    return sorted(folder.glob("*.json")) if folder.exists() else []


def test_a_second_process_compiles_what_the_first_wrote(tmp_path):
    first = run(tmp_path)
    assert first["stats"] == {"misses": 2, "stores": 2}
    assert len(entries(tmp_path)) == 2
    second = run(tmp_path)
    assert second["stats"] == {"hits": 2}  # nothing transformed, nothing written
    assert second["f"] == first["f"] and second["g"] == first["g"]
    check(second)
    assert second["source"] == first["source"]  # inspect.getsource of the code read back
    assert second["source"].startswith("def f_grad(x, y):")


def test_a_changed_function_is_built_again(tmp_path):
    first = run(tmp_path)
    changed = MODEL.replace("return z * z", "return z * z * z")
    out = run(tmp_path, changed)
    # built again, and so is g: any change to the file is a change to what it may read
    assert out["stats"] == {"misses": 2, "stores": 2}
    assert out["source"] != first["source"]
    check(out, changed)


@pytest.mark.parametrize(
    "old, new",
    [("u * math.sin(u)", "u * math.cos(u)"), ("u ** 3", "u ** 4")],
    ids=["imported by name", "read as an attribute of its module"],
)
def test_a_changed_helper_in_another_module_is_built_again(tmp_path, old, new):
    first = run(tmp_path)
    changed = HELPERS.replace(old, new)
    out = run(tmp_path, helpers=changed)
    assert out["stats"] == {"misses": 1, "stores": 1, "hits": 1}  # f built again; g reads no helper
    assert out["source"] != first["source"]
    check(out, helpers=changed)


def test_a_changed_global_or_closure_value_is_built_again(tmp_path):
    run(tmp_path)
    changed = MODEL.replace("SCALE = 2.0", "SCALE = 5.0")
    out = run(tmp_path, changed, k=4.0)
    assert out["stats"] == {"misses": 2, "stores": 2}
    check(out, changed, k=4.0)


def test_a_user_rule_keeps_the_disk_out(tmp_path):
    run(tmp_path)
    setup = "import math\ns2sad.defvjp(model.helper, lambda g, ans, u: g * (math.sin(u) + u * math.cos(u)))"
    out = run(tmp_path, setup=setup)
    assert out["stats"] == {"unkeyed": 2}  # neither read nor written: the rule is the user's
    check(out)


def test_off_writes_nothing(tmp_path):
    out = run(tmp_path, cache="off")
    assert out["stats"] == {}
    assert not (tmp_path / "off").exists() and not entries(tmp_path)
    check(out)


def test_a_corrupt_entry_is_ignored_and_written_again(tmp_path):
    run(tmp_path)
    paths = entries(tmp_path)
    paths[0].write_text(paths[0].read_text()[:-40])  # cut short
    text = json.loads(paths[1].read_text())
    text["payload"]["text"] += "x = 1\n"  # edited: its sum fails
    paths[1].write_text(json.dumps(text))
    out = run(tmp_path)
    assert out["stats"] == {"misses": 2, "stores": 2}
    check(out)
    again = run(tmp_path)
    assert again["stats"] == {"hits": 2}
    check(again)


def test_cache_dir_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("S2SAD_CACHE_DIR", str(tmp_path / "here"))
    assert cache_dir("source") == tmp_path / "here" / "source"
    assert (tmp_path / "here" / "source").is_dir()
    for off in ("", "0", "off"):
        monkeypatch.setenv("S2SAD_CACHE_DIR", off)
        assert cache_dir("source") is None
    monkeypatch.delenv("S2SAD_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir("numba") == tmp_path / "xdg" / "s2sad" / "numba"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir("source") == tmp_path / "home" / ".cache" / "s2sad" / "source"
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("S2SAD_CACHE_DIR", str(tmp_path / "file"))  # not a directory
    assert cache_dir("source") is None
