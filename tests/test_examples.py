"""Every example runs and shows what it is about (each takes about a second)."""

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

EXPECTED = {
    "quickstart.py": "f'(2) = 46.0",
    "checkpointing.py": "the same gradient, 5000 steps: True",
    "control_flow.py": "x_1_tape.append(x_1)",
    "extending.py": "quantized to 0.5, loss 0.0",
    "gaussian_process.py": "noise std 0.08",
    "logistic_regression.py": "accuracy 0.955",
    "mlp.py": "epoch 300",
    "newton.py": "x = [1. 1. 1. 1. 1.]",
    "projectile.py": "fitted speed 25.00",
}


def test_every_example_is_listed():
    assert sorted(p.name for p in EXAMPLES.glob("*.py")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_runs(name):
    out = subprocess.run([sys.executable, str(EXAMPLES / name)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert EXPECTED[name] in out.stdout, out.stdout
