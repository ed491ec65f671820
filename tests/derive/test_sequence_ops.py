"""``+`` and ``*`` of lists and tuples join and repeat them: their adjoints are cut back
into pieces and added up over the copies (``analysis/sequences.py``). Each program in
both modes and at second order against central differences."""

import pytest

from .test_control_shapes import check_all

PROGRAMS = {
    "list + list": """
        def f(x, a):
            l = [x]
            l = l + [a[0] * x]
            return l[0] * l[1]
    """,
    "list += list": """
        def f(x, a):
            l = [x, a[1]]
            l += [a[0] * x]
            return l[0] * l[2] + l[1]
    """,
    "tuple + tuple": """
        def f(x, a):
            t = (x, a[0])
            t = t + (x * x,)
            return t[0] * t[2] + t[1]
    """,
    "tuple += in a loop": """
        def f(x, a):
            t = ()
            for v in a:
                t += (v * x,)
            return t[0] * t[1] + t[2] * x
    """,
    "list repeated": """
        def f(x, a):
            l = [x, a[0]]
            l = l * 2
            return l[0] * l[3] + l[2]
    """,
    "int times list, then summed": """
        def f(x, a):
            l = 3 * [x * a[1]]
            return sum(l) * x
    """,
    "lists of arrays joined": """
        def f(x, a):
            l = [a * x]
            l = l + [a]
            return np.sum(l[0] * l[1])
    """,
    "a list grown by + in a loop": """
        def f(x, a):
            hist = []
            h = x
            for v in a:
                h = np.tanh(h * v + x)
                hist = hist + [h]
            return sum(hist) / len(hist)
    """,
    "layers joined, then looped over": """
        def f(x, a):
            first = [(a * x, a[0])]
            layers = first + [(a, x * x)]
            h = x
            for w, b in layers:
                h = np.sum(w * h) + b
            return h
    """,
    "tuples joined and unpacked": """
        def f(x, a):
            p, q, r = (x,) + (a[0], x * a[1])
            return p * q * r
    """,
}


@pytest.mark.parametrize("name", PROGRAMS)
def test_sequences_joined_and_repeated(name):
    check_all(PROGRAMS[name])


# xs.pop() whose item the derivative does not need: its adjoint still goes back on the list's
POPPED = {
    "the last item popped, the rest read": """
        def f(x, a):
            l = [a[0] * x, x, a[1]]
            v = l.pop()
            return v * 2.0 + l[0] * l[1]
    """,
    "popped until empty": """
        def f(x, a):
            l = [a[0] * x, x, a[1] * x]
            s = 0.0
            while l:
                s = s * x + l.pop()
            return s
    """,
}


@pytest.mark.parametrize("name", POPPED)
def test_lists_popped(name):
    check_all(POPPED[name])
