"""Time s2sad's gradients against gradients written by hand, autograd, JAX and PyTorch.

    python benchmarks/run.py            # every benchmark, about ten minutes
    python benchmarks/run.py --quick    # a smoke test in under a minute: short rounds, no JAX
    python benchmarks/run.py --only scalar,rnn --systems hand,s2sad
    python benchmarks/run.py --checkpointing   # a checkpointed loop's memory and time

Each benchmark runs in its own process with one thread for every library (BLAS,
XLA, PyTorch). In that process every system's gradient is first checked against
the hand-written one, then all systems are timed round-robin: each round times a
batch of calls of each system in turn, so a slow spell of the machine hits them
all alike; a system's time is the median over rounds. Peers that are not
installed (``pip install -e ".[bench]"``) are skipped with a note.

Writes ``results.json``, ``results.md`` and ``results.png`` to ``--out``
(default ``benchmarks/results``); ``--docs`` also puts the table and the plot
into ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peers import (  # noqa: E402
    leaves,
    setup_autograd,
    setup_jax,
    setup_s2sad,
    setup_tangent,
    setup_torch,
)
from report import PEERS, memory_table, plot, table, write_docs, write_section  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ONE_THREAD = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
    "JAX_PLATFORMS": "cpu",
    "TF_CPP_MIN_LOG_LEVEL": "3",
}
SYSTEMS = [
    "primal",
    "hand",
    "hand (sharper)",
    "s2sad",
    "s2sad (no dispatch)",
    "s2sad forward",
    "s2sad numba",
    *PEERS,
]


# ======================================================================================
# The worker: one benchmark, in a process of its own
# ======================================================================================


def worker(name: str, quick: bool, systems: list[str]) -> dict:
    import math

    import numpy as np

    sys.path.insert(0, str(HERE))
    from cases import BY_NAME

    case = BY_NAME[name]
    result: dict = {
        "name": name,
        "title": case.title,
        "kind": case.kind,
        "target": case.target,
        "compiled_target": case.compiled_target,
        "compiled_against": case.compiled_against,
        "systems": {},
    }
    out = result["systems"]

    # s2sad's one-time start-up (the first transform in a process), measured on another function
    t0 = time.perf_counter()
    import s2sad

    result["s2sad_import_ms"] = (time.perf_counter() - t0) * 1e3
    t0 = time.perf_counter()

    def warm_up(u):  # a def, so reading source from a file is warm too
        return u * u + 1.0

    s2sad.grad(warm_up)(2.0)
    result["s2sad_startup_ms"] = (time.perf_counter() - t0) * 1e3

    args = case.inputs(np.random.default_rng(0))
    reference = leaves(case.hand(*args))
    timed: dict[str, tuple] = {}

    def add(system, make):
        if system not in systems:
            return
        try:
            t0 = time.perf_counter()
            fn, xs = make()
            t1 = time.perf_counter()
            value = fn(*xs)
            t2 = time.perf_counter()
        except ImportError as e:
            out[system] = {"skipped": f"not installed ({e.name})"}
            return
        except Exception as e:  # a peer that cannot run this benchmark is reported, not fatal
            out[system] = {"skipped": f"{type(e).__name__}: {str(e).splitlines()[0][:120]}"}
            return
        entry = {"first_call_ms": (t2 - t0) * 1e3, "setup_ms": (t1 - t0) * 1e3}
        if system != "primal":
            got = leaves(value)
            error = float(np.max(np.abs(got - reference)) / max(1.0, float(np.max(np.abs(reference)))))
            entry["max_error"] = error
            if got.shape != reference.shape or not error < 1e-8:
                entry["skipped"] = f"wrong result (relative error {error:.2e})"
                out[system] = entry
                return
        out[system] = entry
        timed[system] = (fn, xs)

    f = case.make(np, math)
    add("primal", lambda: (f, args))
    add("hand", lambda: (case.hand, args))
    if case.sharper is not None:
        add("hand (sharper)", lambda: (case.sharper, args))
    add("s2sad", lambda: setup_s2sad(case, args))
    if "s2sad" in timed and case.kind == "grad":
        slots = timed["s2sad"][0].__s2sad__.slots  # empty where mode="auto" ran forward mode
        if slots:
            add("s2sad (no dispatch)", lambda: (slots[0][1], args))
    if case.kind == "grad" and len(case.wrt) == 1 and isinstance(args[case.wrt[0]], float):
        # one float in: forward mode (``derivative``) needs no tape, like the hand-written code
        add("s2sad forward", lambda: (s2sad.derivative(f, wrt=case.wrt[0]), args))
    if case.kind == "grad":  # Hessians are not compiled yet (they would run as Python, with a warning)
        add("s2sad numba", lambda: setup_s2sad(case, args, compile="numba"))
    add("autograd", lambda: setup_autograd(case, args))
    add("jax", lambda: setup_jax(case, args, jit=False))
    add("jax.jit", lambda: setup_jax(case, args, jit=True))
    add("torch", lambda: setup_torch(case, args))
    add("tangent", lambda: setup_tangent(case, args))

    # round-robin timing
    batch_s = 0.002 if quick else 0.02
    rounds = 5 if quick else 31
    budget_s = 0.5 if quick else 6.0  # per system: a slow peer gets fewer rounds, never fewer than 3
    timers, numbers, samples, plan = {}, {}, {}, {}
    for system, (fn, xs) in timed.items():
        names = [f"a{i}" for i in range(len(xs))]
        scope = {"fn": fn, **dict(zip(names, xs))}
        timers[system] = timeit.Timer(f"fn({', '.join(names)})", globals=scope)
        n, t = 1, timers[system].timeit(1)
        while t < batch_s / 4:  # calibrate on a quarter of a batch at least
            n *= 4
            t = timers[system].timeit(n)
        once = t / n
        numbers[system] = max(1, round(batch_s / once))
        plan[system] = max(3, min(rounds, int(budget_s / max(once * numbers[system], 1e-9))))
        samples[system] = []
    for r in range(rounds):
        for system in timed:
            if r < plan[system]:
                samples[system].append(timers[system].timeit(numbers[system]) / numbers[system])
    for system in timed:
        out[system]["us"] = statistics.median(samples[system]) * 1e6
        out[system]["rounds"] = len(samples[system])
    if case.steps and "s2sad" in timed:
        result["tape_bytes_per_step"] = tape_bytes_per_step(case, args)
    return result


def tape_bytes_per_step(case, args) -> dict:
    """The peak memory of one call of the reverse-mode gradient (its tape, mostly) and of the
    hand-written one, per step of the primal's loop."""
    import tracemalloc

    found = {}
    try:
        reverse, _ = setup_s2sad(case, args, mode="reverse")
    except TypeError:  # an s2sad without mode=: its grad is reverse mode
        reverse, _ = setup_s2sad(case, args)
    for system, fn in [("s2sad", reverse), ("hand", case.hand)]:
        fn(*args)
        tracemalloc.start()
        fn(*args)
        found[system] = tracemalloc.get_traced_memory()[1] / case.steps
        tracemalloc.stop()
    return found


def warm_first_call(name: str) -> float:
    """The first call in a new process of a function s2sad has already seen (its generated
    source on disk), in ms; the import of s2sad is not counted."""
    script = (
        "import sys, time; sys.path.insert(0, sys.argv[1]); from cases import BY_NAME; "
        "import s2sad, math, numpy as np; from peers import setup_s2sad; "
        "case = BY_NAME[sys.argv[2]]; args = case.inputs(np.random.default_rng(0)); "
        "t0 = time.perf_counter(); fn, xs = setup_s2sad(case, args); fn(*xs); "
        "print((time.perf_counter() - t0) * 1e3)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(HERE), name], capture_output=True, text=True, env=bench_env()
    )
    return float(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else float("nan")


def memory_worker(name: str, quick: bool) -> dict:
    """A checkpointed loop's gradient against the taped loop's: peak memory and time."""
    import statistics
    import tracemalloc

    import numpy as np

    sys.path.insert(0, str(HERE))
    from cases import MEMORY_CASES

    import s2sad
    from s2sad.checkpointing import default_snapshots

    case = next(c for c in MEMORY_CASES if c.name == name)
    steps = case.steps // 10 if quick else case.steps
    args = case.inputs(np.random.default_rng(0), steps)
    systems = {
        "taped": s2sad.grad(case.make_taped(np), wrt=case.wrt),
        "checkpointed": s2sad.grad(case.make_checkpointed(np, s2sad.checkpoint), wrt=case.wrt),
    }
    results = {name: fn(*args) for name, fn in systems.items()}  # built, and compared
    error = max(
        float(np.max(np.abs(a - b)) / max(1.0, float(np.max(np.abs(b)))))
        for a, b in zip(results["checkpointed"], results["taped"])
    )
    out: dict = {"name": case.name, "title": case.title, "steps": steps, "max_error": error}
    out["memory_target"], out["time_target"] = case.memory_target, case.time_target
    for system, fn in systems.items():
        tracemalloc.start()
        tracemalloc.reset_peak()
        fn(*args)
        out[f"{system}_peak_bytes"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    samples: dict[str, list[float]] = {s: [] for s in systems}
    for _ in range(3 if quick else 7):  # round-robin, as for the other benchmarks
        for system, fn in systems.items():
            t0 = time.perf_counter()
            fn(*args)
            samples[system].append(time.perf_counter() - t0)
    for system in systems:
        out[f"{system}_s"] = statistics.median(samples[system])
    out["snapshots"] = default_snapshots(steps)
    return out


def run_memory(quick: bool, docs: bool, out: Path) -> None:
    sys.path.insert(0, str(HERE))
    from cases import MEMORY_CASES

    results = []
    for case in MEMORY_CASES:
        with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
            cmd = [sys.executable, __file__, "--memory-worker", case.name, "--json", tmp.name]
            cmd += ["--quick"] if quick else []
            done = subprocess.run(cmd, env={**os.environ, **ONE_THREAD}, capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"benchmark {case.name} failed:\n{done.stderr}")
            results.append(json.loads(Path(tmp.name).read_text()))
    report = (
        f"Machine: {machine()}. One thread; times are medians over rounds"
        + (" (quick mode: a tenth of the steps)." if quick else ".")
        + "\n\n"
        + memory_table(results)
    )
    out.mkdir(parents=True, exist_ok=True)
    (out / "checkpointing.json").write_text(json.dumps(results, indent=1) + "\n")
    (out / "checkpointing.md").write_text(report)
    print(report)
    if docs:
        write_section("checkpointing", report)


# ======================================================================================
# The driver: one process per benchmark, then the report
# ======================================================================================


def versions() -> dict:
    from importlib import metadata

    found = {"python": platform.python_version()}
    for package in ["s2sad", "numpy", "autograd", "jax", "jaxlib", "torch"]:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = None
    return found


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}"


def run_one(name: str, quick: bool, systems: list[str]) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
        cmd = [sys.executable, __file__, "--worker", name, "--systems", ",".join(systems), "--json", tmp.name]
        if quick:
            cmd.append("--quick")
        done = subprocess.run(cmd, env=bench_env(), capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"benchmark {name} failed:\n{done.stderr}")
        result = json.loads(Path(tmp.name).read_text())
    if "s2sad" in systems:
        result["s2sad_warm_first_call_ms"] = warm_first_call(name)
    return result


_CACHE = tempfile.mkdtemp(prefix="s2sad-bench-cache-")


def bench_env() -> dict:
    """One thread for every library, and s2sad's disk cache in a directory of this run's
    own: the first calls measured are cold, then the warm ones find what they wrote."""
    return {**os.environ, **ONE_THREAD, "S2SAD_CACHE_DIR": _CACHE}


def main(argv: list[str] | None = None) -> None:
    sys.path.insert(0, str(HERE))
    from cases import CASES

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="short rounds: a smoke test in under a minute")
    parser.add_argument("--only", help="comma-separated benchmark names: " + ", ".join(c.name for c in CASES))
    parser.add_argument(
        "--systems",
        help="comma-separated, from: " + ", ".join(SYSTEMS) + " (default: all; with --quick, all but JAX, "
        "whose compile and eager times on the loop benchmarks alone take minutes)",
    )
    parser.add_argument("--out", default=str(HERE / "results"), help="where the JSON, Markdown and PNG go")
    parser.add_argument("--docs", action="store_true", help="also update docs/benchmarks.md and its plot")
    parser.add_argument("--report", metavar="JSON", help="only write the report again, from a results.json")
    parser.add_argument(
        "--checkpointing",
        action="store_true",
        help="instead: checkpointed loops against taped ones, peak memory and time (with --docs: its table)",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--memory-worker", help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    opts = parser.parse_args(argv)
    if opts.systems:
        systems = opts.systems.split(",")
        unknown = set(systems) - set(SYSTEMS)
        if unknown:
            parser.error(f"unknown system(s): {', '.join(sorted(unknown))}")
    else:
        systems = [s for s in SYSTEMS if not (opts.quick and s.startswith("jax"))]
    if opts.worker:
        Path(opts.json).write_text(json.dumps(worker(opts.worker, opts.quick, systems)))
        return
    if opts.memory_worker:
        Path(opts.json).write_text(json.dumps(memory_worker(opts.memory_worker, opts.quick)))
        return
    if opts.checkpointing:
        run_memory(opts.quick, opts.docs, Path(opts.out))
        return

    if opts.report:
        saved = json.loads(Path(opts.report).read_text())
        results = saved.pop("results")
        context = saved
    else:
        names = opts.only.split(",") if opts.only else [c.name for c in CASES]
        unknown = set(names) - {c.name for c in CASES}
        if unknown:
            parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
        results = []
        for name in names:
            t0 = time.perf_counter()
            results.append(run_one(name, opts.quick, systems))
            print(f"{name}: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        context = {"machine": machine(), "versions": versions(), "quick": opts.quick, "threads": 1}
    out = Path(opts.out)
    out.mkdir(parents=True, exist_ok=True)
    report = table(results)
    (out / "results.json").write_text(json.dumps({**context, "results": results}, indent=1) + "\n")
    header = (
        f"Machine: {context['machine']}.  \n"
        + "Versions: "
        + ", ".join(f"{k} {v}" for k, v in context["versions"].items() if v)
        + ".  \nOne thread for every system; medians over rounds"
        + (" (quick mode: few, short rounds)." if context["quick"] else ".")
        + "\n\n"
    )
    (out / "results.md").write_text(header + report)
    print(header + report)
    try:
        plot(results, out / "results.png")
    except ImportError:
        print("matplotlib is not installed: no plot", file=sys.stderr)
        return
    if opts.docs:
        write_docs(header + report, out / "results.png")


if __name__ == "__main__":
    main()
