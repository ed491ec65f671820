"""What checkpoint refuses: clear errors at the user's line, and bad arguments named."""

import numpy as np
import pytest
from conftest import make_function

import s2sad
from s2sad.checkpointing import checkpoint

REFUSED = {
    "break": (
        """
        def f(x, n):
            for t in checkpoint(range(n)):
                if x > 3.0:
                    break
                x = x * 1.5
            return x
        """,
        "`break` in a checkpointed loop",
    ),
    "in_place": (
        """
        def f(x, n):
            y = np.zeros(n)
            for t in checkpoint(range(n)):
                y[t] = x * t
            return np.sum(y)
        """,
        "changes an array or a list in place",
    ),
    "append": (
        """
        def f(x, n):
            ys = []
            for t in checkpoint(range(n)):
                x = np.sin(x)
                ys.append(x)
            return sum(ys)
        """,
        "changes an array or a list in place",
    ),
    "comprehension": (
        """
        def f(x, n):
            return sum([x * t for t in checkpoint(range(n))])
        """,
        "in a comprehension",
    ),
    "stored": (
        """
        def f(x, n):
            steps = checkpoint(range(n))
            for t in steps:
                x = np.sin(x)
            return x
        """,
        "only as the iterable of a `for` or called on a function",
    ),
    "while_test": (
        """
        def f(x, n):
            while checkpoint(x < 3.0):
                x = x * 1.5
            return x
        """,
        "only as the iterable of a `for` or called on a function",
    ),
    "zip_rows": (
        """
        def f(h, X, Y):
            for x, y in checkpoint(reversed(list(zip(X, Y)))):
                h = np.tanh(h * x + y)
            return np.sum(h)
        """,
        "over a sequence that is differentiated",
    ),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_refused_at_the_users_line(name):
    source, message = REFUSED[name]
    f = make_function(source, checkpoint=checkpoint)
    args = (0.5, 4) if name != "zip_rows" else (np.ones(2), np.ones((3, 2)), np.ones((3, 2)))
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.grad(f, wrt=tuple(range(len(args))))(*args)
    text = str(info.value)
    assert message in text
    assert "checkpoint" in text.splitlines()[1] or "checkpoint" in text  # the source line is quoted
    assert ":" in text.splitlines()[0]


@pytest.mark.parametrize(
    "args,error,word",
    [
        ((range(3),), None, None),
        ((range(3), 0), ValueError, "snapshots"),
        ((range(3), 2.5), ValueError, "snapshots"),
        ((range(3), True), ValueError, "snapshots"),
        ((3,), TypeError, "iterable"),
        ((np.sin, 2), TypeError, "snapshots"),
    ],
)
def test_bad_arguments_name_the_parameter(args, error, word):
    if error is None:
        assert checkpoint(*args) is args[0]
        return
    with pytest.raises(error, match=word):
        checkpoint(*args)


def test_runs_as_itself_in_python():
    def f(x, y=2.0):
        """doc"""
        return x * y

    g = checkpoint(f)
    assert g(3.0) == 6.0 and g(3.0, y=1.0) == 3.0
    assert g.__name__ == "f" and g.__doc__ == "doc" and g.__wrapped__ is f
    assert list(checkpoint(range(2, 9, 3), snapshots=2)) == [2, 5, 8]
    assert s2sad.checkpoint is checkpoint
