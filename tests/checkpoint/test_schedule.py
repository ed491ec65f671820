"""The binomial schedule itself: every step reversed once, last first, never more than the
snapshots it is given, and exactly as many forward steps as Revolve's optimum."""

from math import comb

import pytest

from s2sad.checkpointing import default_snapshots, forward_steps, reverse_steps, schedule


def optimum(n, s):
    """Griewank's t(n, s) = r n - C(s + r, s + 1), r the least with C(s + r, s) >= n."""
    if n <= 1:
        return 0
    r = 0
    while comb(s + r, s) < n:
        r += 1
    return r * n - comb(s + r, s + 1)


def run(n, s):
    held, most, reversed_, advanced, at = {0}, 1, [], 0, 0
    for action in schedule(n, s):
        kind = action[0]
        if kind == "advance":
            assert at == action[1], action
            advanced += action[2] - action[1]
            at = action[2]
        elif kind == "store":
            assert at == action[1] and action[1] not in held
            held.add(action[1])
            most = max(most, len(held))
        elif kind == "free":
            held.remove(action[1])
        elif kind == "restore":
            assert action[1] in held
            at = action[1]
        else:
            assert kind == "reverse" and at == action[1], action
            reversed_.append(action[1])
            at = None  # the step's state is used up
    return reversed_, most, advanced


@pytest.mark.parametrize("s", range(1, 7))
def test_schedule_is_optimal(s):
    for n in range(0, 61):
        reversed_, most, advanced = run(n, s)
        assert reversed_ == list(range(n - 1, -1, -1)), (n, s)
        assert most <= s, (n, s)
        assert advanced == optimum(n, s) == forward_steps(n, s), (n, s)


def test_one_snapshot_starts_from_the_start_every_time():
    assert run(5, 1)[2] == 4 + 3 + 2 + 1


def test_default_is_about_log2():
    assert [default_snapshots(n) for n in (0, 1, 2, 3, 4, 1000, 20000)] == [1, 1, 1, 2, 2, 10, 15]
    reversed_, most, _ = run(20000, None)
    assert reversed_ == list(range(19999, -1, -1)) and most <= 15


def test_reverse_steps_runs_the_schedule():
    calls = []

    def step(t, x):
        calls.append(("step", t))
        return (x + t,)

    def step_adjoint(t, x, x_bar):
        calls.append(("adjoint", t, x))
        return (x_bar * 2.0,)

    (x_bar,) = reverse_steps(step, step_adjoint, range(6), (0,), (1.0,), snapshots=2)
    assert x_bar == 2.0**6
    adjoints = [c for c in calls if c[0] == "adjoint"]
    assert [c[1] for c in adjoints] == [5, 4, 3, 2, 1, 0]
    assert [c[2] for c in adjoints] == [15 - 5, 10 - 4, 6 - 3, 3 - 2, 1 - 1, 0]  # the state before
    assert sum(c[0] == "step" for c in calls) == forward_steps(6, 2)
    assert reverse_steps(step, step_adjoint, iter([]), (0,), (1.0,)) == (1.0,)
