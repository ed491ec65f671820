"""Random small programs as Python source: a grammar of typed pieces.

A program is a function ``f(x, a)`` of a float ``x`` and a float array ``a`` of
length 3 that returns a float. It is built statement by statement; every
statement only reads names defined before it, so the program always runs.
Values are kept smooth at the sampled inputs: no kinks (``abs``; ``max`` and ``min`` of a
list only, smooth but where two items cross, which the oracle then calls invalid), no
logarithm of a value that may be negative (``np.log(1.0 + e * e)`` instead),
no division by a value that may vanish (``e / (1.0 + e * e)``), loops with a
fixed number of iterations.

Every choice goes through a ``Chooser``: ``HypothesisChooser`` draws from
hypothesis (which then shrinks a failing program), ``RandomChooser`` from a
seeded ``random.Random`` (the long runs of ``tests/fuzz/run.py``). ``FEATURES``
names the constructs; a generator given a subset of them only writes those.

>>> import random
>>> src = generate(RandomChooser(random.Random(3)), {"arith", "math"})
>>> print(src)  # doctest: +ELLIPSIS
import math
...
def f(x, a):
...
    return ...
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# Every construct the generator writes, by name. CI_FEATURES in test_fuzz.py is a subset.
FEATURES = frozenset(
    {
        "arith",  # + - * and safe division, constants
        "math",  # math.sin, math.cos, math.tanh, math.exp of a bounded value
        "numpy",  # np.sin, np.tanh, np.exp, np.log(1 + e*e), np.sqrt(1 + e*e), on floats and arrays
        "reduce",  # np.sum, np.mean, .sum()
        "dot",  # np.dot(u, v)
        "matmul",  # u @ v
        "index",  # a[1], a[-1]
        "slice",  # a[1:], a[::-1], a[:2]
        "if",  # if / elif / else on a value
        "truthiness",  # if n: for an int, if items: for a list
        "ifexp",  # e1 if c else e2
        "for",  # for i in range(3), for v in a, with carried values
        "break",  # if c: break inside a for loop
        "continue",  # if c: continue inside a for loop
        "return",  # an early return (in the body or in a loop)
        "while",  # while k < n with a counter
        "helper",  # a module-level helper function, called
        "lambda",  # a lambda bound to a name, called
        "closure",  # a nested def that reads a local of f
        "local_def",  # a lambda or nested def inside a loop or a branch (not only at the top of f)
        "tuple",  # tuples built, indexed and unpacked
        "list",  # lists built, indexed, appended to in loops
        "dict",  # dicts built and read by key
        "nested",  # containers in containers
        "write",  # y = np.zeros(3); y[i] = ...
        "copy",  # y = a.copy(); y[i] = ...
        "array",  # np.array([e1, e2, e3])
        "matrix",  # np.array of a list of lists or of tuples: a comprehension, appends, a display
        "extremum",  # max(...) / min(...) of a list or a generator (kinks only where items cross)
        "alias",  # an array bound to a second name: v = a
        "fancy",  # y[idx] = v, y[idx] += v, np.add.at(y, idx, v), v[idx]: an index that repeats a slot
        "first_in_branch",  # a name first bound in a loop, in an `if` true on the first pass only
        "checkpoint",  # for i in s2sad.checkpoint(range(k), snapshots=s), s2sad.checkpoint(helper)(...)
        "complex",  # complex values in between (complex(), np.exp(1j * e), np.fft), back to real numbers
    }
)

N = 3  # the length of every array in a program


class RandomChooser:
    """Choices from a seeded ``random.Random``: fast, for long runs."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def choice(self, options):
        return self.rng.choice(list(options))

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p


class HypothesisChooser:
    """Choices drawn from hypothesis, so that a failing program shrinks."""

    def __init__(self, draw):
        from hypothesis import strategies as st

        self.draw, self.st = draw, st

    def choice(self, options):
        return self.draw(self.st.sampled_from(list(options)))

    def integer(self, lo: int, hi: int) -> int:
        return self.draw(self.st.integers(lo, hi))

    def chance(self, p: float) -> bool:
        # shrinks towards False: the smaller program
        return self.draw(self.st.integers(0, 99)) >= 100 - round(100 * p)


@dataclass
class Scope:
    """The names a statement may read: floats and arrays of length N (and ints, as loop indices)."""

    floats: list[str]
    arrays: list[str]
    ints: list[str] = field(default_factory=list)
    callables: list[str] = field(default_factory=list)  # float -> float
    in_loop: bool = False
    checkpointed: bool = False  # inside a checkpointed loop: no break or return out of it

    def child(self, **changes) -> Scope:
        new = Scope(list(self.floats), list(self.arrays), list(self.ints), list(self.callables), self.in_loop)
        new.checkpointed = self.checkpointed
        for k, v in changes.items():
            setattr(new, k, v)
        return new


class Generator:
    """Writes one program; ``features`` says which constructs it may use."""

    def __init__(self, chooser, features=FEATURES):
        self.c, self.features = chooser, frozenset(features)
        self.counter = 0
        self.helpers: list[str] = []  # module-level source blocks

    def has(self, *names: str) -> bool:
        return all(n in self.features for n in names)

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    # ---- expressions ---------------------------------------------------------------------

    def const(self) -> str:
        return self.c.choice(["0.5", "2.0", "1.5", "0.3", "3.0"])

    def threshold(self) -> str:
        # never 0.0: inputs shrink towards 0 and a branch taken at the sample point must stay taken
        return self.c.choice(["0.37", "-0.41", "0.83", "1.3"])

    def floating(self, scope: Scope, depth: int) -> str:
        """An expression whose value is a float."""
        leaves = [lambda: self.c.choice(scope.floats)]
        if self.has("index") and scope.arrays:
            leaves.append(lambda: f"{self.c.choice(scope.arrays)}[{self.c.choice(['0', '1', '2', '-1'])}]")
        if scope.ints and self.has("index") and scope.arrays:
            leaves.append(lambda: f"{self.c.choice(scope.arrays)}[{self.c.choice(scope.ints)}]")
        if depth <= 0 or self.c.chance(0.3):
            return self.c.choice(leaves)()
        d = depth - 1
        forms = [lambda: self.c.choice(leaves)()]
        if self.has("arith"):
            forms += [
                lambda: (
                    f"({self.floating(scope, d)} {self.c.choice(['+', '-', '*'])} {self.floating(scope, d)})"
                ),
                lambda: f"({self.const()} * {self.floating(scope, d)})",
                lambda: f"(-{self.floating(scope, d)})",
                lambda: self.safe_division(self.floating(scope, d), self.floating(scope, d)),
            ]
        if self.has("math"):
            forms.append(lambda: self.unary("math", self.floating(scope, d)))
        if self.has("numpy"):
            forms.append(lambda: self.unary("np", self.floating(scope, d)))
        if scope.arrays and self.has("reduce"):
            forms.append(lambda: self.reduction(scope, d))
        if scope.arrays and self.has("dot"):
            forms.append(lambda: f"np.dot({self.array(scope, d)}, {self.array(scope, d)})")
        if scope.arrays and self.has("matmul"):
            forms.append(lambda: f"({self.array(scope, d)} @ {self.array(scope, d)})")
        if self.has("ifexp"):
            forms.append(
                lambda: (
                    f"({self.floating(scope, d)} if {self.condition(scope)} else {self.floating(scope, d)})"
                )
            )
        if scope.callables:
            forms.append(lambda: f"{self.c.choice(scope.callables)}({self.floating(scope, d)})")
        if self.has("complex"):
            forms.append(lambda: self.through_complex(self.floating(scope, d), self.floating(scope, d)))
            if scope.arrays and self.has("reduce"):
                forms.append(lambda: f"np.sum({self.spectral(self.array(scope, d))})")
        return self.c.choice(forms)()

    def through_complex(self, e1: str, e2: str) -> str:
        """A float computed through a complex number (smooth: |z| and the angle away from their
        kinks, 0 and the negative real axis)."""
        forms = [
            "abs(complex({0}, 1.0 + {1} * {1}))",
            "np.imag(np.exp(1j * {0}) * (0.6 - 0.8j))",
            "(({0} + 1j * {1}) ** 2).real",
            "np.angle({0} + (1.5 + {1} * {1}) * 1j)",
            "np.real(np.conj({0} * (0.3 + 1j)) * ({1} + 2j))",
        ]
        return self.c.choice(forms).format(e1, e2)

    def spectral(self, v: str) -> str:
        """An array of length N computed through complex values: a filter on a spectrum."""
        forms = [
            "np.real(np.fft.ifft(np.fft.fft({0}) * np.array([1.0, 0.5 - 0.5j, 0.25 + 1j])))",
            "np.fft.irfft(np.fft.rfft({0}) * np.array([1.0, 0.5j]), n=3)",
            "np.abs(np.fft.fft({0}) + 1.5j)",
            "np.imag(np.exp(1j * {0}) * np.array([1.0, 1j, -0.5]))",
        ]
        return self.c.choice(forms).format(v)

    @staticmethod
    def safe_division(num: str, den: str) -> str:
        return f"({num} / (1.0 + {den} * {den}))"

    def unary(self, module: str, e: str) -> str:
        if module == "math":
            forms = ["math.sin({})", "math.cos({})", "math.tanh({})", "math.exp(math.tanh({}))"]
        else:
            forms = ["np.sin({})", "np.tanh({})", "np.exp(np.tanh({}))", "np.log(1.0 + {0} * {0})"]
            forms += ["np.sqrt(1.0 + {0} * {0})"]
        if self.has("arith"):
            forms.append("({0} * {0})")
        return self.c.choice(forms).format(e)

    def reduction(self, scope: Scope, depth: int) -> str:
        v = self.array(scope, depth)
        forms = [f"np.sum({v})", f"np.mean({v})", f"{v}.sum()" if v.isidentifier() else f"np.sum({v})"]
        if self.has("slice"):
            forms.append(
                f"np.sum({v}[{self.c.choice(['1:', ':2', '::2'])}])" if v.isidentifier() else forms[0]
            )
        return self.c.choice(forms)

    def array(self, scope: Scope, depth: int) -> str:
        """An expression whose value is a float array of length N."""
        leaf = lambda: self.c.choice(scope.arrays)  # noqa: E731
        if depth <= 0 or self.c.chance(0.35):
            return leaf()
        d = depth - 1
        forms = [leaf]
        if self.has("arith"):
            forms += [
                lambda: f"({self.array(scope, d)} {self.c.choice(['+', '-', '*'])} {self.array(scope, d)})",
                lambda: f"({self.floating(scope, d)} * {self.array(scope, d)})",
                lambda: f"({self.array(scope, d)} - {self.floating(scope, d)})",
            ]
        if self.has("numpy"):
            forms.append(lambda: self.unary("np", self.array(scope, d)))
        if self.has("slice"):
            forms.append(lambda: f"{leaf()}[::-1]")
        if self.has("array"):
            forms.append(lambda: f"np.array([{', '.join(self.floating(scope, d) for _ in range(N))}])")
        if self.has("fancy"):
            forms.append(lambda: f"{leaf()}[{self.repeating_index(N)}]")
        if self.has("complex"):
            forms.append(lambda: self.spectral(self.array(scope, d)))
        return self.c.choice(forms)()

    def repeating_index(self, n: int) -> str:
        """An integer array or list of ``n`` slots, some named twice: ``np.array([0, 0, 2])``."""
        slots = [self.c.integer(0, N - 1) for _ in range(n)]
        return repr(slots) if self.c.chance(0.3) else f"np.array({slots})"

    def condition(self, scope: Scope) -> str:
        forms = [lambda: f"{self.floating(scope, 1)} {self.c.choice(['>', '<'])} {self.threshold()}"]
        if self.has("truthiness") and scope.ints:
            forms.append(lambda: self.c.choice(scope.ints))
            forms.append(lambda: f"not {self.c.choice(scope.ints)}")
        return self.c.choice(forms)()

    # ---- statements ----------------------------------------------------------------------

    def statements(self, scope: Scope, count: int, depth: int, indent: str) -> list[str]:
        lines: list[str] = []
        for _ in range(count):
            lines += self.statement(scope, depth, indent)
        return lines

    def statement(self, scope: Scope, depth: int, indent: str) -> list[str]:
        """Lines of one statement; the names it defines are added to ``scope``."""
        kinds = ["float", "float", "array"]
        if depth > 0:
            kinds += [k for k in ("if", "for", "while") if self.has(k)]
            if self.has("for", "list"):
                kinds.append("append")
        for k in ("tuple", "list", "dict", "write", "copy", "helper", "fancy", "matrix", "extremum"):
            if self.has(k):
                kinds.append(k)
        for k in ("lambda", "closure"):
            if self.has(k) and (indent == "    " or self.has("local_def")):
                kinds.append(k)
        if scope.in_loop:
            kinds += [
                k for k in ("break", "continue") if self.has(k) and not (k == "break" and scope.checkpointed)
            ]
        if self.has("return") and not scope.checkpointed:
            kinds.append("return")
        kind = self.c.choice(kinds)
        return getattr(self, "stmt_" + kind)(scope, depth, indent)

    def stmt_float(self, scope, depth, indent):
        if scope.floats and self.c.chance(0.3):
            target = self.c.choice(scope.floats)
            return [f"{indent}{target} {self.c.choice(['+=', '-=', '='])} {self.floating(scope, 2)}"]
        name = self.fresh("s")
        line = f"{indent}{name} = {self.floating(scope, 2)}"
        scope.floats.append(name)
        return [line]

    def stmt_array(self, scope, depth, indent):
        name = self.fresh("v")
        value = self.array(scope, 2)
        if value.isidentifier() and not self.has("alias"):
            value = f"(0.5 * {value})"
        line = f"{indent}{name} = {value}"
        scope.arrays.append(name)
        return [line]

    def stmt_if(self, scope, depth, indent):
        # every branch assigns the same target, so it is defined after the if
        target = self.c.choice(scope.floats) if self.c.chance(0.5) else self.fresh("s")
        arms = self.c.integer(1, 3)  # if / if-else / if-elif-else
        headers = ["if"] + ["elif"] * (arms - 2) + (["else"] if arms > 1 else [])
        lines = []
        for header in headers:
            inner = scope.child()
            head = f"{indent}{header} {self.condition(scope)}:" if header != "else" else f"{indent}else:"
            body = self.statements(inner, self.c.integer(0, 2), depth - 1, indent + "    ")
            body.append(f"{indent}    {target} = {self.floating(inner, 2)}")
            lines += [head] + body
        if arms == 1 and target not in scope.floats:
            lines.insert(0, f"{indent}{target} = {self.floating(scope, 1)}")
        if target not in scope.floats:
            scope.floats.append(target)
        return lines

    def stmt_for(self, scope, depth, indent):
        carried = self.c.choice(scope.floats)
        i = self.fresh("i")
        checkpointed = self.has("checkpoint") and self.c.chance(0.4)

        def iterable(it: str) -> str:
            if not checkpointed:
                return it
            return f"s2sad.checkpoint({it}{self.c.choice(['', ', snapshots=1', ', snapshots=2'])})"

        if self.c.chance(0.5) and scope.arrays:
            elem = self.fresh("e")
            header = f"{indent}for {elem} in {iterable(self.c.choice(scope.arrays))}:"
            inner = scope.child(in_loop=True, floats=scope.floats + [elem])
        else:
            header = f"{indent}for {i} in {iterable(f'range({self.c.integer(1, N)})')}:"
            inner = scope.child(in_loop=True, ints=scope.ints + [i])
        inner.checkpointed = inner.checkpointed or checkpointed
        body = (
            self.first_in_branch(scope, inner, f"{i} == 0", indent + "    ") if inner.ints[-1:] == [i] else []
        )
        body += self.statements(inner, self.c.integer(0, 2), depth - 1, indent + "    ")
        body.append(
            f"{indent}    {carried} = {self.c.choice(['0.5', '0.9'])} * {carried} + {self.floating(inner, 2)}"
        )
        return [header] + body

    def stmt_while(self, scope, depth, indent):
        k = self.fresh("k")
        carried = self.c.choice(scope.floats)
        inner = scope.child(in_loop=True, ints=scope.ints + [k])
        # the counter goes up first, so that a `continue` cannot skip it
        body = [f"{indent}    {k} += 1"]
        body += self.first_in_branch(scope, inner, f"{k} == 1", indent + "    ")
        body += self.statements(inner, self.c.integer(0, 2), depth - 1, indent + "    ")
        body.append(f"{indent}    {carried} = 0.5 * {carried} + {self.floating(inner, 2)}")
        return [f"{indent}{k} = 0", f"{indent}while {k} < {self.c.integer(1, N)}:"] + body

    def first_in_branch(self, scope: Scope, inner: Scope, first: str, indent: str) -> list[str]:
        """``if <first pass> or c: t = ...`` at the top of a loop body: ``t`` has a value from
        the first pass on, in the body and after the loop, and keeps it where ``c`` is false."""
        if not (self.has("first_in_branch", "if") and self.c.chance(0.25)):
            return []
        is_array = bool(inner.arrays) and self.c.chance(0.4)
        name = self.fresh("w" if is_array else "t")
        value = self.array(inner, 2) if is_array else self.floating(inner, 2)
        lines = [f"{indent}if {first} or {self.condition(inner)}:", f"{indent}    {name} = {value}"]
        for names in (inner.arrays, scope.arrays) if is_array else (inner.floats, scope.floats):
            names.append(name)
        return lines

    def stmt_append(self, scope, depth, indent):
        items, i = self.fresh("items"), self.fresh("i")
        inner = scope.child(ints=scope.ints + [i])
        lines = [
            f"{indent}{items} = []",
            f"{indent}for {i} in range({self.c.integer(1, N)}):",
            f"{indent}    {items}.append({self.floating(inner, 2)})",
        ]
        total = self.fresh("s")
        reader = self.c.choice([f"sum({items})", f"{items}[0]", f"{items}[-1]", f"np.sum(np.array({items}))"])
        if self.has("truthiness") and self.c.chance(0.3):
            reader = f"({reader} if {items} else 0.0)"
        scope.floats.append(total)
        return lines + [f"{indent}{total} = {reader}"]

    def stmt_break(self, scope, depth, indent):
        return [f"{indent}if {self.condition(scope)}:", f"{indent}    break"]

    def stmt_continue(self, scope, depth, indent):
        return [f"{indent}if {self.condition(scope)}:", f"{indent}    continue"]

    def stmt_return(self, scope, depth, indent):
        return [f"{indent}if {self.condition(scope)}:", f"{indent}    return {self.floating(scope, 2)}"]

    def stmt_matrix(self, scope, depth, indent):
        m, i, j = self.fresh("m"), self.fresh("i"), self.fresh("j")
        inner = scope.child(ints=scope.ints + [i, j])
        e = lambda: self.floating(inner, 1)  # noqa: E731
        form = self.c.choice(["comprehension", "tuples", "append", "display"])
        if form == "comprehension":
            lines = [f"{indent}{m} = np.array([[{e()} for {j} in range(2)] for {i} in range({N})])"]
        elif form == "tuples":  # one loop: j is not bound here
            row = scope.child(ints=scope.ints + [i])
            pair = f"({self.floating(row, 1)}, {self.floating(row, 1)})"
            lines = [f"{indent}{m} = np.array([{pair} for {i} in range({N})])"]
        elif form == "append":
            row = self.fresh("row")
            lines = [
                f"{indent}{m} = []",
                f"{indent}for {i} in range({N}):",
                f"{indent}    {row} = []",
                f"{indent}    for {j} in range(2):",
                f"{indent}        {row}.append({e()})",
                f"{indent}    {m}.append({row})",
                f"{indent}{m} = np.asarray({m})",
            ]
        else:
            outer = scope.child()
            rows = [f"[{self.floating(outer, 1)}, {self.floating(outer, 1)}]" for _ in range(2)]
            lines = [f"{indent}{m} = np.array([{', '.join(rows)}])"]
        s = self.fresh("s")
        readers = [f"np.sum({m} * {m})", f"np.sum({m}.T @ {m})", f"np.sum({m}[0])"]
        lines.append(f"{indent}{s} = {self.c.choice(readers)}")
        scope.floats.append(s)
        return lines

    def stmt_extremum(self, scope, depth, indent):
        s, v = self.fresh("s"), self.fresh("v")
        inner = scope.child(floats=scope.floats + [v])
        fn = self.c.choice(["max", "min"])
        if self.c.chance(0.5):
            value = f"{fn}({self.floating(inner, 1)} for {v} in {self.c.choice(scope.arrays)})"
        else:
            value = f"{fn}([{', '.join(self.floating(scope, 2) for _ in range(self.c.integer(1, 3)))}])"
        scope.floats.append(s)
        return [f"{indent}{s} = {value}"]

    def stmt_tuple(self, scope, depth, indent):
        t = self.fresh("t")
        parts = [self.floating(scope, 1), self.c.choice(scope.arrays), self.floating(scope, 1)]
        lines = [f"{indent}{t} = ({', '.join(parts)})"]
        p, q, r = self.fresh("s"), self.fresh("v"), self.fresh("s")
        if self.c.chance(0.5):
            lines.append(f"{indent}{p}, {q}, {r} = {t}")
        else:
            lines.append(f"{indent}{p}, {q}, {r} = {t}[0], {t}[1], {t}[2]")
        scope.floats += [p, r]
        scope.arrays.append(q)
        return lines

    def stmt_list(self, scope, depth, indent):
        lst, s = self.fresh("items"), self.fresh("s")
        parts = [self.floating(scope, 1) for _ in range(self.c.integer(1, 3))]
        lines = [f"{indent}{lst} = [{', '.join(parts)}]"]
        if self.c.chance(0.3):
            lines.append(f"{indent}{lst}[0] = {self.floating(scope, 1)}")
        lines.append(f"{indent}{s} = {lst}[{self.c.integer(0, len(parts) - 1)}] * {lst}[-1]")
        scope.floats.append(s)
        return lines

    def stmt_dict(self, scope, depth, indent):
        d, s, v = self.fresh("d"), self.fresh("s"), self.fresh("v")
        arr = self.c.choice(scope.arrays)
        if self.has("nested") and self.c.chance(0.5):
            inner = f"({self.floating(scope, 1)}, [{arr}, {self.floating(scope, 1)}])"
            lines = [f'{indent}{d} = {{"p": {inner}, "q": {self.floating(scope, 1)}}}']
            lines += [
                f'{indent}{s} = {d}["p"][0] * {d}["p"][1][1] + {d}["q"]',
                f'{indent}{v} = {d}["p"][1][0]',
            ]
        else:
            lines = [f'{indent}{d} = {{"u": {self.floating(scope, 1)}, "w": {arr}}}']
            lines += [f'{indent}{s} = {d}["u"]', f'{indent}{v} = {d}["w"]']
        scope.floats.append(s)
        scope.arrays.append(v)
        return lines

    def stmt_write(self, scope, depth, indent):
        y = self.fresh("y")
        lines = [f"{indent}{y} = np.zeros({N})"]
        if self.has("for") and self.c.chance(0.5):
            i = self.fresh("i")
            inner = scope.child(ints=scope.ints + [i])
            lines += [f"{indent}for {i} in range({N}):", f"{indent}    {y}[{i}] = {self.floating(inner, 2)}"]
        else:
            for j in sorted({self.c.integer(0, N - 1) for _ in range(self.c.integer(1, 3))}):
                lines.append(f"{indent}{y}[{j}] = {self.floating(scope, 2)}")
        scope.arrays.append(y)
        return lines

    def stmt_fancy(self, scope, depth, indent):
        """``y[idx] = v`` or ``y[idx] += v``: NumPy keeps the last write to a repeated slot."""
        y = self.fresh("y")
        start = f"{self.c.choice(scope.arrays)}.copy()" if scope.arrays else f"np.zeros({N})"
        n = self.c.integer(2, N)
        value = (
            self.array(scope, 2)
            if n == N and scope.arrays and self.c.chance(0.5)
            else self.floating(scope, 2)
        )
        op = self.c.choice(["=", "+=", "np.add.at"])
        made = [name for name in scope.arrays if name.startswith("y")]  # fresh arrays, not `a`
        if op == "np.add.at" and made and self.c.chance(0.5):  # into an array from outside the block
            return [f"{indent}np.add.at({self.c.choice(made)}, {self.repeating_index(n)}, {value})"]
        scope.arrays.append(y)
        if op == "np.add.at":
            return [f"{indent}{y} = {start}", f"{indent}np.add.at({y}, {self.repeating_index(n)}, {value})"]
        return [f"{indent}{y} = {start}", f"{indent}{y}[{self.repeating_index(n)}] {op} {value}"]

    def stmt_copy(self, scope, depth, indent):
        y = self.fresh("y")
        lines = [f"{indent}{y} = {self.c.choice(scope.arrays)}.copy()"]
        op = self.c.choice(["=", "+=", "*="])
        lines.append(f"{indent}{y}[{self.c.integer(0, N - 1)}] {op} {self.floating(scope, 2)}")
        scope.arrays.append(y)
        return lines

    def stmt_lambda(self, scope, depth, indent):
        g = self.fresh("g")
        body = self.floating(Scope(["t"], []), 2)
        scope.callables.append(g)
        return [f"{indent}{g} = lambda t: {body}"]

    def stmt_closure(self, scope, depth, indent):
        g = self.fresh("g")
        body = self.floating(Scope(["t"] + scope.floats, scope.arrays, scope.ints), 2)
        scope.callables.append(g)
        return [f"{indent}def {g}(t):", f"{indent}    return {body}"]

    def stmt_helper(self, scope, depth, indent):
        h = self.fresh("h")
        inner = Scope(["u", "w"], ["z"])
        body = self.statements(inner, self.c.integer(0, 2), 1, "    ")
        self.helpers.append("\n".join([f"def {h}(u, z, w):", *body, f"    return {self.floating(inner, 2)}"]))
        s = self.fresh("s")
        args = [self.floating(scope, 1), self.array(scope, 1), self.floating(scope, 1)]
        scope.floats.append(s)
        if self.has("checkpoint") and self.c.chance(0.3):
            h = f"s2sad.checkpoint({h})"
        return [f"{indent}{s} = {h}({', '.join(args)})"]

    # ---- the program ---------------------------------------------------------------------

    def program(self) -> str:
        scope = Scope(["x"], ["a"])
        body = self.statements(scope, self.c.integer(1, 5), 2, "    ")
        final = [self.c.choice(scope.floats)]
        final += [self.c.choice(scope.floats) for _ in range(self.c.integer(0, 2))]
        if self.has("reduce"):
            final += [f"np.sum({v})" for v in scope.arrays[1:] if self.c.chance(0.7)]
        body.append(f"    return {' + '.join(final)}")
        parts = ["import math", "", "import numpy as np", ""]
        if any("s2sad." in line for line in body + self.helpers):
            parts = ["import math", "", "import numpy as np", "", "import s2sad", ""]
        for h in self.helpers:
            parts += ["", h, ""]
        parts += ["", "def f(x, a):", *body]
        return "\n".join(parts) + "\n"


def generate(chooser, features=FEATURES) -> str:
    """The source of one random program that uses only ``features``."""
    unknown = set(features) - FEATURES
    if unknown:
        raise ValueError(f"unknown features: {sorted(unknown)}")
    return Generator(chooser, features).program()


def programs(features=FEATURES):
    """A hypothesis strategy of program sources."""
    from hypothesis import strategies as st

    return st.composite(lambda draw: generate(HypothesisChooser(draw), features))()
