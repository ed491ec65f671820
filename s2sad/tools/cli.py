"""The command line: print the derivative s2sad generates for a function in a file.

s2sad examples/quickstart.py:f
s2sad examples/quickstart.py:baydin --wrt x1,x2 --trace 2 5
s2sad model.py:loss --args "np.ones((3, 4))" "np.ones(4)"
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path

from ..api.inspection import program
from ..backend.program import module_source
from ..driver.generated import positional_params
from ..errors import DifferentiationError
from .trace import evaluation_trace, format_table, graph

EPILOG = """\
examples:
  s2sad examples/quickstart.py:f
      the gradient of f, as a module that runs by itself
  s2sad examples/quickstart.py:baydin --wrt x1,x2 --stage raw
      the same before simplification (--stage ssa: f itself in three-address form)
  s2sad examples/quickstart.py:baydin --wrt x1,x2 --mode forward
      the tangent program (forward mode): each value followed by its tangent
  s2sad examples/quickstart.py:baydin --wrt x1,x2 --trace 2 5
      the evaluation trace at x1=2, x2=5: every value and its adjoint
  s2sad examples/quickstart.py:baydin --wrt x1,x2 --mode forward --trace 2 5 --seed 1 0
      the trace with tangents, along the direction (1, 0)
  s2sad examples/quickstart.py:baydin --graph --trace 2 5 > baydin.dot
      the computational graph (Graphviz DOT), values and adjoints on the nodes
  s2sad model.py:loss --args "np.ones((3, 4))" 2.0
      the gradient specialised for an array and a float
"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="s2sad",
        description="Print the derivative source that s2sad generates for a Python function.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("target", metavar="FILE.py:FUNC", help="the file, and the name of the function in it")
    p.add_argument(
        "--mode",
        default="reverse",
        choices=["reverse", "forward"],
        help="reverse: the gradient, a primal and an adjoint sweep (the default); "
        "forward: the tangent program",
    )
    p.add_argument(
        "--wrt",
        default=None,
        metavar="NAMES",
        help="parameters to differentiate, by name or position: --wrt x1,x2 or --wrt 0,1 "
        "(default: the first)",
    )
    p.add_argument(
        "--stage",
        default="final",
        choices=["final", "raw", "ssa"],
        help="final: the code as it runs (the default); raw: before simplification; "
        "ssa: the function itself in three-address form",
    )
    p.add_argument(
        "--args",
        nargs="+",
        metavar="EXPR",
        help="example arguments to specialise on, as Python expressions evaluated in the file's "
        'namespace: --args "np.ones(3)" 2.0 (default: every parameter a float)',
    )
    p.add_argument(
        "--trace",
        nargs="+",
        metavar="EXPR",
        help="evaluate at these arguments and print the evaluation trace: every value of the "
        "three-address form with its adjoint (reverse) or tangent (forward): --trace 2 5",
    )
    p.add_argument(
        "--seed",
        nargs="+",
        metavar="EXPR",
        help="with --mode forward --trace, the tangents of the --wrt parameters: --seed 1 0 "
        "(default: 1 for the first, 0 for the others)",
    )
    p.add_argument(
        "--graph",
        action="store_true",
        help="print the computational graph as Graphviz DOT (with --trace, values and "
        "derivatives on the nodes): s2sad f.py:f --graph | dot -Tsvg > f.svg",
    )
    p.add_argument("--debug", action="store_true", help="show a Python traceback on errors")
    return p


class UsageError(Exception):
    pass


def load(target: str):
    """The function ``FUNC`` of ``FILE.py:FUNC``, from the file run as a module."""
    path, sep, name = target.rpartition(":")
    if not sep or not path or not name:
        raise UsageError(f"expected FILE.py:FUNC, got {target!r}")
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"no such file: {path}")
    sys.path.insert(0, str(file.resolve().parent))
    spec = importlib.util.spec_from_file_location(file.stem, file)
    module = importlib.util.module_from_spec(spec)
    sys.modules[file.stem] = module
    spec.loader.exec_module(module)
    fn = getattr(module, name, None)
    if fn is None:
        raise UsageError(f"{path} has no function {name!r}")
    if not callable(fn):
        raise UsageError(f"{path}:{name} is not a function")
    return fn, module


def _wrt(text: str | None):
    if text is None:
        return 0
    items = [int(t) if t.strip().lstrip("-").isdigit() else t.strip() for t in text.split(",")]
    return tuple(items) if len(items) > 1 else items[0]


def _values(exprs: list[str] | None, module) -> list | None:
    if exprs is None:
        return None
    return [eval(e, vars(module)) for e in exprs]  # noqa: S307 - the user's own file, on purpose


def run(args: argparse.Namespace) -> str:
    fn, module = load(args.target)
    examples = _values(args.args, module)
    point = _values(args.trace, module)
    if point is not None:  # --trace 2 5: numbers to differentiate, as floats
        wrt = _wrt(args.wrt)
        names = positional_params(fn)
        chosen = {names[w] if isinstance(w, int) else w for w in (wrt if isinstance(wrt, tuple) else (wrt,))}
        point = [float(v) if type(v) is int and n in chosen else v for n, v in zip(names, point)]
    if point is not None and examples is None:
        examples = point  # the code the trace runs is specialised on its arguments
    kind = "jvp" if args.mode == "forward" else "grad"
    prog = program(fn, args.mode, _wrt(args.wrt), examples, kind, "s2sad")
    if point is not None or args.graph:
        trace = None
        if point is not None:
            trace = evaluation_trace(prog.fn, prog.stages, point, _values(args.seed, module))
        if args.graph:
            return graph(prog.stages.ssa_ir, trace)
        return format_table(trace)
    text = prog.stages.source(args.stage)
    generated = None if args.stage == "ssa" else prog.compiled
    where = f"{args.target} ({args.mode} mode{'' if args.stage == 'final' else ', stage ' + args.stage})"
    return module_source(prog.fn, generated, text, f"Generated by s2sad from {where}.")


def _colour(text: str, stream) -> str:
    """The first line of an error in bold red, on a terminal that shows colour."""
    if not (hasattr(stream, "isatty") and stream.isatty()) or os.environ.get("NO_COLOR"):
        return text
    first, _, rest = text.partition("\n")
    return f"\033[1;31m{first}\033[0m" + (f"\n{rest}" if rest else "")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        text = run(args)
    except (DifferentiationError, UsageError, TypeError, ValueError, NameError, SyntaxError) as exc:
        if args.debug:
            raise
        print(_colour(f"s2sad: {exc}", sys.stderr), file=sys.stderr)
        return 2
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
