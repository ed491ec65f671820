"""The benchmark harness runs, and the hand-written gradients it checks everything against are right."""

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from cases import CASES  # noqa: E402


def numerical(f, args, i, h=1e-6):
    """Central differences of ``f`` in argument ``i`` (a float or an array)."""
    x = args[i]

    def at(value):
        return f(*args[:i], value, *args[i + 1 :])

    if isinstance(x, float):
        return np.array([(at(x + h) - at(x - h)) / (2 * h)])
    out = np.empty((x.size,) + np.shape(at(x)))
    for k in range(x.size):
        e = np.zeros(x.size)
        e[k] = h
        out[k] = (at(x + e.reshape(x.shape)) - at(x - e.reshape(x.shape))) / (2 * h)
    return out.ravel()


def flat(value):
    if isinstance(value, tuple):
        return np.concatenate([flat(v) for v in value])
    return np.ravel(np.asarray(value, dtype=float))


def shrink(case, args):
    """Smaller inputs of the same shapes' ranks, so differences stay cheap."""
    if case.name == "mlp":
        W1, b1, W2, b2, X, Y = args
        return W1[:7, :5], b1[:5], W2[:5], b2, X[:3, :7], Y[:3]
    if case.name == "rnn":
        Wh, Wx, b, xs, h = args
        return Wh[:4, :4], Wx[:4, :3], b[:4], xs[:5, :3], h[:4] + 0.3
    if case.name.startswith("rosenbrock"):
        return (args[0][:6],)
    if case.name.startswith("horner"):
        return (args[0][:12] * 50, args[1])
    return args


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_hand_written_reference_is_right(case):
    args = shrink(case, case.inputs(np.random.default_rng(0)))
    f = case.make(np, math)
    target = grad_of = f
    if case.kind == "hessian":  # the Hessian's columns are differences of the gradient
        from s2sad import grad

        grad_of = grad(f, wrt=case.wrt if len(case.wrt) > 1 else case.wrt[0])
        target = lambda *a: flat(grad_of(*a))  # noqa: E731
    expected = np.concatenate([numerical(target, args, i).ravel() for i in case.wrt])
    for reference in [case.hand, case.sharper]:
        if reference is not None:
            np.testing.assert_allclose(flat(reference(*args)), expected, rtol=1e-6, atol=1e-6)


def test_quick_run_writes_its_report(tmp_path):
    cmd = [
        sys.executable,
        str(BENCHMARKS / "run.py"),
        "--quick",
        "--only",
        "square,horner_c",
        "--systems",
        "primal,hand,hand (sharper),s2sad,s2sad (no dispatch)",
        "--out",
        str(tmp_path),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "results.json").read_text())
    assert [r["name"] for r in report["results"]] == ["square", "horner_c"]
    for r in report["results"]:
        ours = r["systems"]["s2sad"]
        assert ours["max_error"] < 1e-8 and ours["us"] > 0
    horner = report["results"][1]
    assert horner["systems"]["hand (sharper)"]["max_error"] < 1e-8  # the closed form, checked and timed
    assert horner["tape_bytes_per_step"]["s2sad"] > 0  # the memory of the loop's reverse sweep
    table = (tmp_path / "results.md").read_text()
    assert "| x * x (call overhead) |" in table and "to the loop" in table and "B/step" in table


def test_checkpointing_run_compares_with_the_taped_loop(tmp_path):
    cmd = [sys.executable, str(BENCHMARKS / "run.py"), "--checkpointing", "--quick", "--out", str(tmp_path)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    (result,) = json.loads((tmp_path / "checkpointing.json").read_text())
    assert result["max_error"] < 1e-10
    assert result["checkpointed_peak_bytes"] < result["taped_peak_bytes"]
    assert "| RNN step" in (tmp_path / "checkpointing.md").read_text()
