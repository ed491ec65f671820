"""The fuzzer's CI sample: a hundred random programs, the same ones on every machine.

Each program (``programs.py``) is differentiated every way s2sad offers and
checked against finite differences (``oracle.py``). A clear refusal is allowed;
an internal error or a wrong number fails the test, which prints the program.
``shrink.shrink`` cuts it down to a minimal program.

The programs come from ``random.Random(k)`` for fixed ``k``, not from
hypothesis: hypothesis draws different programs under different
``PYTHONHASHSEED`` values (even with ``derandomize=True``), so a sample drawn
through it is not the same in CI as on the machine that last ran it.

The sample leaves out the constructs with known failures (``CI_FEATURES``);
``known_failures.md`` has a minimal program for each, and the long runs of
``python -m tests.fuzz.run`` use every feature. Put a feature back here when
its failures are fixed.
"""

from __future__ import annotations

import random

import pytest

from . import oracle
from .programs import FEATURES, RandomChooser, generate

# The constructs the CI sample leaves out, each for a failure class in known_failures.md.
KNOWN_FAILING: frozenset[str] = frozenset()
CI_FEATURES = FEATURES - KNOWN_FAILING

SAMPLE = 100  # programs; about 0.3 s each
SEED = 20261201  # program k of the sample comes from random.Random(SEED + k)


def sample_program(k: int, features=CI_FEATURES) -> str:
    """Program ``k`` of the CI sample."""
    return generate(RandomChooser(random.Random(SEED + k)), features)


@pytest.mark.parametrize("k", range(SAMPLE))
def test_programs_differentiate_correctly(k):
    source = sample_program(k)
    outcome = oracle.check(source)
    assert not outcome.failed, f"{outcome}\n\n{source}"
