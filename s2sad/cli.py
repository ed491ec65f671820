"""The command line: print the derivative s2sad generates for a function in a file.

s2sad examples/quickstart.py:f
s2sad examples/quickstart.py:baydin --wrt x1,x2 --stage raw
s2sad model.py:loss --args "np.ones((3, 4))" "np.ones(4)"
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

from . import api
from .errors import DifferentiationError

EPILOG = """\
examples:
  s2sad examples/quickstart.py:f                 the gradient of f, as it runs
  s2sad examples/quickstart.py:baydin --wrt x1,x2 --stage raw
                                                 before simplification
  s2sad examples/quickstart.py:baydin --wrt x1,x2 --mode forward
                                                 the tangent program (forward mode)
  s2sad model.py:loss --args "np.ones((3, 4))" 2.0
                                                 specialised for an array and a float
"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="s2sad",
        description="Print the derivative source that s2sad generates for a Python function.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("target", metavar="FILE.py:FUNC", help="the file and the name of the function in it")
    p.add_argument(
        "--mode",
        default="reverse",
        choices=["reverse", "forward"],
        help="reverse mode: the gradient (the default); forward mode: the tangent program",
    )
    p.add_argument("--wrt", default=None, help="parameters to differentiate, by name or position: x,y or 0,1")
    p.add_argument(
        "--stage",
        default="final",
        choices=["final", "raw", "ssa"],
        help="final: as it runs; raw: before simplification; ssa: the function in three-address form",
    )
    p.add_argument(
        "--args",
        nargs="+",
        metavar="EXPR",
        help="example arguments (Python expressions, evaluated in the file's namespace) "
        "to specialise on; every parameter is a float by default",
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
    return fn, module


def _wrt(text: str | None):
    if text is None:
        return 0
    items = [int(t) if t.strip().lstrip("-").isdigit() else t.strip() for t in text.split(",")]
    return tuple(items) if len(items) > 1 else items[0]


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        fn, module = load(args.target)
        examples = None
        if args.args:
            examples = [eval(e, vars(module)) for e in args.args]  # noqa: S307 - the user's own file
        text = api.source(fn, mode=args.mode, wrt=_wrt(args.wrt), stage=args.stage, args=examples)
    except DifferentiationError as exc:
        if args.debug:
            raise
        print(f"s2sad: {exc}", file=sys.stderr)
        return 2
    except (UsageError, TypeError, ValueError, NameError) as exc:
        if args.debug:
            raise
        print(f"s2sad: {exc}", file=sys.stderr)
        return 2
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
