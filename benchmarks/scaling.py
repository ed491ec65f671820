"""How the first call of ``grad`` (transform + compile) grows with the function's size.

Two families of generated functions of N statements:

- ``straight``: straight-line code, a mix of arithmetic, ``math`` calls and reuse of
  earlier names (some names assigned more than once);
- ``loop``: the same kind of statements as the body of a ``for`` loop.

Each (family, N) is timed in a fresh subprocess (nothing cached, no warm-up beyond the
import): the time of ``s2sad.grad(f)(x, y)``, the first call. The table is printed and
written as JSON (``--json``, default ``benchmarks/scaling.json``).

    PYTHONPATH=. python benchmarks/scaling.py                 # N = 30, 100, 300, 1000
    PYTHONPATH=. python benchmarks/scaling.py --sizes 30 100 --repeat 3
    PYTHONPATH=. python benchmarks/scaling.py --profile straight 300   # cProfile of one
    PYTHONPATH=. python benchmarks/scaling.py --docs      # also the table and plot in docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {("straight", 300): 0.3, ("straight", 1000): 1.0, ("loop", 200): 0.6}  # seconds, issue 14
FUNCS = ("math.sin", "math.cos", "math.exp", "math.tanh", "math.sqrt", "math.log")


def statements(n: int, seed: int = 0, indent: str = "    ") -> list[str]:
    """``n`` assignments over the names ``x``, ``y`` and ``t0``, ``t1``, ...: arithmetic,
    math calls, reuse of earlier names; every fifth statement overwrites an earlier name."""
    rng = random.Random(seed)
    names = ["x", "y"]
    lines = []
    for i in range(n):
        a, b = rng.choice(names[-8:]), rng.choice(names)
        kind = i % 6
        if kind == 0:
            expr = f"{a} * {b} + 0.5 * {a}"
        elif kind == 1:
            f = FUNCS[rng.randrange(len(FUNCS))]
            arg = f"1.0 + {a} * {a}" if f in ("math.sqrt", "math.log") else f"0.1 * {a}"
            expr = f"{f}({arg})"
        elif kind == 2:
            expr = f"{a} - {b} / (1.0 + {b} * {b})"
        elif kind == 3:
            expr = f"{a} ** 2 + {b} * {a} ** 2"
        elif kind == 4:
            expr = f"0.9 * {a} + 0.1 * math.tanh({b})"
        else:
            expr = f"({a} + {b}) * 0.5"
        if i % 5 == 4 and len(names) > 4:
            target = rng.choice(names[2:])  # a name assigned more than once
        else:
            target = f"t{i}"
            names.append(target)
        lines.append(f"{indent}{target} = {expr}")
    return lines, names


def source(family: str, n: int) -> str:
    if family == "straight":
        body, names = statements(n)
        ret = " + ".join(names[-4:])
        return "import math\n\n\ndef f(x, y):\n" + "\n".join(body) + f"\n    return {ret}\n"
    if family == "loop":
        body, names = statements(n, indent="        ")
        ret = " + ".join(names[-4:])
        return (
            "import math\n\n\ndef f(x, y):\n    s = 0.0\n    for _ in range(3):\n"
            + "\n".join(body)
            + f"\n        s = s + {ret}\n        x = 0.5 * x + 0.01 * s\n    return s\n"
        )
    raise ValueError(f"unknown family {family!r}")


CHILD = textwrap.dedent(
    """
    import importlib.util, sys, time
    t0 = time.perf_counter()
    import s2sad
    t1 = time.perf_counter()
    spec = importlib.util.spec_from_file_location("scaling_case", sys.argv[1])
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    if len(sys.argv) > 2:
        import cProfile, pstats
        pr = cProfile.Profile()
        pr.enable()
        s2sad.grad(mod.f, wrt=(0, 1))(0.3, 0.7)
        pr.disable()
        pstats.Stats(pr).sort_stats(sys.argv[2]).print_stats(40)
    else:
        t2 = time.perf_counter()
        s2sad.grad(mod.f, wrt=(0, 1))(0.3, 0.7)
        t3 = time.perf_counter()
        print(t1 - t0, t3 - t2)
    """
)


def run_one(family: str, n: int, profile: str | None = None) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"case_{family}_{n}.py"
        path.write_text(source(family, n))
        env = dict(os.environ, S2SAD_CACHE_DIR="off")
        args = [sys.executable, "-c", CHILD, str(path)] + ([profile] if profile else [])
        out = subprocess.run(args, capture_output=True, text=True, env=env)
        if out.returncode != 0:
            raise RuntimeError(f"{family} N={n} failed:\n{out.stderr[-3000:]}")
        if profile:
            print(out.stdout)
            return 0.0, 0.0
        imp, first = map(float, out.stdout.split())
        return imp, first


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[30, 100, 200, 300, 1000])
    ap.add_argument("--families", nargs="+", default=["straight", "loop"])
    ap.add_argument("--repeat", type=int, default=3, help="subprocesses per case; the median is kept")
    ap.add_argument("--json", default=str(Path(__file__).with_name("scaling.json")))
    ap.add_argument("--profile", nargs=2, metavar=("FAMILY", "N"))
    ap.add_argument("--sort", default="cumulative", help="cProfile sort key with --profile")
    ap.add_argument(
        "--docs", action="store_true", help="also write the table and plot into docs/benchmarks.md"
    )
    a = ap.parse_args(argv)
    if a.profile:
        run_one(a.profile[0], int(a.profile[1]), profile=a.sort)
        return
    rows = []
    print(f"{'family':<10}{'N':>6}{'first call (s)':>16}{'import (s)':>12}")
    for family in a.families:
        for n in a.sizes:
            runs = [run_one(family, n) for _ in range(a.repeat)]
            first = statistics.median(r[1] for r in runs)
            imp = statistics.median(r[0] for r in runs)
            row = {"family": family, "n": n, "first_call_s": first, "import_s": imp}
            rows.append({**row, "runs": [r[1] for r in runs]})
            print(f"{family:<10}{n:>6}{first:>16.3f}{imp:>12.3f}", flush=True)
    Path(a.json).write_text(json.dumps(rows, indent=1) + "\n")
    print(f"written {a.json}")
    if a.docs:
        write_docs(rows)


def table(rows: list[dict]) -> str:
    lines = [
        "| function | statements | first call s | target s | met |",
        "|---|---:|---:|---:|:-:|",
    ]
    for r in rows:
        target = TARGETS.get((r["family"], r["n"]))
        met = "" if target is None else "yes" if r["first_call_s"] <= target else "no"
        what = "straight-line" if r["family"] == "straight" else "loop body"
        shown = f"{target:g}" if target else ""
        lines.append(f"| {what} | {r['n']} | {r['first_call_s']:.3f} | {shown} | {met} |")
    imports = statistics.median(r["import_s"] for r in rows)
    return "\n".join(lines) + f"\n\nImporting s2sad, not counted above: {imports * 1e3:.0f} ms (median).\n"


def write_docs(rows: list[dict]) -> None:
    """The table between the page's scaling markers, and the curves as docs/img/scaling.png."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from report import write_section

    write_section("scaling", table(rows))
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for family in dict.fromkeys(r["family"] for r in rows):
        mine = [r for r in rows if r["family"] == family]
        ax.plot([r["n"] for r in mine], [r["first_call_s"] for r in mine], "o-", label=family)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("statements in the function")
    ax.set_ylabel("first call of grad, s (log scale)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(ROOT / "docs" / "img" / "scaling.png", dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    main()
