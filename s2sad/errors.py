"""The errors s2sad raises on purpose.

Every error that points into user code says where (``path:line:col``), shows
the source line with a caret under the offending column, says what is wrong
and what to write instead:

>>> loc = Location("model.py", 12, 9, "        try:")
>>> print(UnsupportedSyntaxError("a `try` statement is not supported", loc, "Move the code out."))
model.py:12:9: a `try` statement is not supported
    try:
    ^
Move the code out.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """A position in user source: lines and columns count from 1."""

    path: str
    line: int
    col: int
    text: str = ""  # the whole source line, as written

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"

    def excerpt(self) -> str:
        """The source line and a caret under the column."""
        if not self.text:
            return ""
        line = self.text.rstrip().expandtabs()
        indent = len(line) - len(line.lstrip())
        shown = line[indent:]
        caret = max(self.col - 1 - indent, 0)
        return f"    {shown}\n    {' ' * caret}^"


class DifferentiationError(Exception):
    """Base class of every error s2sad raises on purpose."""

    def __init__(self, message: str, location: Location | None = None, hint: str = ""):
        self.message = message
        self.location = location
        self.hint = hint
        super().__init__(self._render())

    def _render(self) -> str:
        parts = [f"{self.location}: {self.message}" if self.location else self.message]
        if self.location and self.location.text:
            parts.append(self.location.excerpt())
        if self.hint:
            parts.append(self.hint)
        return "\n".join(parts)


class UnsupportedSyntaxError(DifferentiationError):
    """A construct the transformer does not handle."""


class UndefinedNameError(UnsupportedSyntaxError, NameError):
    """A name the function reads that is defined nowhere. s2sad reads every path, also one
    that does not run for these arguments; it is a ``NameError`` too, as Python's would be."""


class MissingRuleError(DifferentiationError):
    """A call to a function with no derivative rule and no Python source."""


class NonScalarOutputError(DifferentiationError):
    """``grad`` of a function whose output is not a scalar."""


class CompileWarning(UserWarning):
    """``compile="numba"`` could not compile a derivative (numba refused its code or its
    arguments, or numba is not installed): the Python code runs instead, with the same result."""


# ------------------------------------------------------------ a value whose every use raises


class Unbound:
    """What a variable holds before its first assignment, in generated code.

    A variable first assigned inside a loop, in one branch of an ``if``, keeps
    its value into the next iteration: ``if t == 0: h = h0`` then ``h = f(h)``.
    Three-address form copies it where paths join, and a copy of a name with no
    value would raise, so the loop's variable starts as ``UNBOUND`` instead. The
    function reads it only where Python would raise ``UnboundLocalError``; its
    kind, ``NOTHING``, joins with any other as that other.
    """

    __name__ = "UNBOUND"  # how generated modules import it (from s2sad.runtime)

    def __repr__(self) -> str:
        return "UNBOUND"

    def __reduce__(self) -> str:
        return "UNBOUND"

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        _no_value()


def _no_value(*args: object, **kwargs: object):
    raise UnboundLocalError(
        "a variable is read before it has a value: the branch that assigns it has not run"
    )


for _method in (
    *(
        f"__{p}{op}__"
        for op in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul")
        for p in ("", "r")
    ),
    *("__neg__", "__pos__", "__abs__", "__getitem__", "__setitem__", "__iter__", "__len__", "__bool__"),
    *("__float__", "__int__", "__index__", "__lt__", "__le__", "__gt__", "__ge__", "__array__", "__call__"),
    *("__array_ufunc__", "__array_function__"),
):
    setattr(Unbound, _method, _no_value)


UNBOUND = Unbound()
