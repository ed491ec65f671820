"""Long fuzzing runs: ``python -m tests.fuzz.run --programs 10000 --seed 1`` from the repository root.

Generates programs with every feature (``--features ci`` for the CI subset),
checks each one (``oracle.check``), prints the count of each outcome, and
writes the failures to ``fuzz-failures.txt``: for each kind of failure (outcome,
the derivative that failed, the exception type) the first few programs, shrunk
to a minimal one, with what was expected and what came out.
"""

from __future__ import annotations

import argparse
import collections
import random
import signal
import sys
import time

from . import oracle
from .programs import FEATURES, RandomChooser, generate
from .shrink import shrink

TIMEOUT = "timeout"  # a program whose check took longer than --timeout seconds


class _Timeout(BaseException):  # not an Exception: oracle.check must not catch it
    pass


def _alarm(signum, frame):
    raise _Timeout()


def check_with_timeout(source: str, seconds: int, second_order: bool = True) -> oracle.Outcome:
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        return oracle.check(source, second_order)
    except _Timeout:
        return oracle.Outcome(TIMEOUT, detail=f"more than {seconds} s")
    finally:
        signal.alarm(0)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz.run", description=__doc__.splitlines()[0])
    parser.add_argument("--programs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--start", type=int, default=0, help="first program (split a long run: --start 5000 --programs 5000)"
    )
    parser.add_argument("--features", choices=["all", "ci"], default="all")
    parser.add_argument("--without", default="", help="features left out, comma-separated")
    parser.add_argument("--out", default="fuzz-failures.txt")
    parser.add_argument("--shrink-per-class", type=int, default=2, help="failures shrunk per class")
    parser.add_argument("--shrink-budget", type=int, default=120, help="programs tried per shrink")
    parser.add_argument("--timeout", type=int, default=30, help="seconds per program")
    args = parser.parse_args(argv)
    if args.features == "ci":
        from .test_fuzz import CI_FEATURES as features
    else:
        features = FEATURES
    features = frozenset(features) - set(filter(None, args.without.split(",")))

    counts: collections.Counter = collections.Counter()
    classes: collections.Counter = collections.Counter()
    exact = 0  # programs judged against autograd's exact derivatives
    start = time.time()
    with open(args.out, "w") as out:
        out.write(
            f"# python -m tests.fuzz.run --programs {args.programs} --seed {args.seed} --start {args.start}\n"
        )
        for n in range(args.start, args.start + args.programs):
            source = generate(RandomChooser(random.Random(f"{args.seed}:{n}")), features)
            outcome = check_with_timeout(source, args.timeout)
            counts[outcome.kind] += 1
            exact += outcome.exact
            if outcome.failed or outcome.kind in (TIMEOUT, oracle.CLEAR):
                signature = outcome.signature()
                classes[signature] += 1
                if classes[signature] <= args.shrink_per_class and outcome.kind != TIMEOUT:
                    second = outcome.check.startswith(("hessian", "hvp", "grad of grad"))
                    small = shrink(
                        source,
                        lambda s, sig=signature, so=second: (
                            check_with_timeout(s, args.timeout, so).signature() == sig
                        ),
                        budget=args.shrink_budget,
                    )
                    final = check_with_timeout(small, args.timeout)
                    out.write(f"\n## {' / '.join(filter(None, signature))} (program {n})\n{final}\n\n{small}")
                    out.flush()
            done = n + 1 - args.start
            if done % 100 == 0:
                print(f"{done} programs, {time.time() - start:.0f} s: {dict(counts)}", flush=True)
                if done % 500 == 0:
                    print(
                        "  classes:", {" / ".join(filter(None, k)): v for k, v in classes.items()}, flush=True
                    )
    print(f"{args.programs} programs in {time.time() - start:.0f} s")
    for kind in (oracle.PASS, oracle.CLEAR, oracle.INTERNAL, oracle.WRONG, TIMEOUT, oracle.INVALID):
        print(f"  {kind:15} {counts[kind]}")
    print(f"  judged against autograd's exact derivatives: {exact}, by differences alone: the rest")
    print("failure classes (outcome / derivative / exception: programs):")
    for signature, count in classes.most_common():
        print(f"  {' / '.join(filter(None, signature))}: {count}")
    print(f"minimal programs written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
