"""The command line."""

import subprocess
import sys

import pytest

from s2sad.cli import main


def test_prints_the_gradient(in_root, capsys):
    assert main(["examples/quickstart.py:baydin", "--wrt", "x1,x2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("def baydin_grad(x1, x2):")
    assert "x1_bar = x2 + 1.0 / x1" in out


@pytest.mark.parametrize("stage,first", [("ssa", "def f(x):"), ("raw", "def f_grad(x):")])
def test_stages(in_root, capsys, stage, first):
    assert main(["examples/quickstart.py:f", "--stage", stage]) == 0
    assert capsys.readouterr().out.startswith(first)


def test_example_arguments(tmp_path, capsys):
    src = tmp_path / "model.py"
    src.write_text("import numpy as np\n\ndef loss(w, x):\n    return np.sum((x @ w) ** 2)\n")
    assert main([f"{src}:loss", "--args", "np.ones(3)", "np.ones((2, 3))"]) == 0
    assert "x.T @" in capsys.readouterr().out


def test_errors_exit_2_without_traceback(tmp_path, capsys):
    src = tmp_path / "bad.py"
    src.write_text("def f(x):\n    try:\n        return x\n    except Exception:\n        return 0.0\n")
    assert main([f"{src}:f"]) == 2
    err = capsys.readouterr().err
    assert "bad.py:2:5: a `try` statement is not supported" in err
    assert "Traceback" not in err
    assert main([f"{src}:missing"]) == 2
    assert main(["no_such_file.py:f"]) == 2


def test_python_dash_m(in_root):
    out = subprocess.run(
        [sys.executable, "-m", "s2sad", "examples/quickstart.py:f"], capture_output=True, text=True
    )
    assert out.returncode == 0 and "x_bar = 2.0 + 6.0 * x + 4 * x ** 3" in out.stdout


def test_forward_mode(in_root, capsys):
    assert main(["examples/quickstart.py:baydin", "--wrt", "x1,x2", "--mode", "forward"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("def baydin_jvp(x1, x2, x1_dot, x2_dot):")
    assert "Forward mode" in out and "x1_dot / x1" in out
