"""The derivatives of ``dict(pairs)``: a dict made from ``(key, value)`` pairs.

A dict's cotangent is a dict; the cotangent of the pairs is a list of ``[key, value]``
cotangents, the keys' zero. Where a key comes twice, the dict keeps the last pair's value,
so only that pair's value gets the key's cotangent. Made from a dict, ``dict(d)`` is a copy,
and so are its derivatives.
"""

from .core import zero_like

__all__ = ["paired", "unpaired"]


def unpaired(value: dict, pairs) -> dict | list:
    """The adjoint of ``dict(pairs)``: the cotangent ``value`` of the dict, given back to the pairs.

    >>> unpaired({"a": 2.0, "b": 3.0}, [("a", 1.0), ("b", 5.0), ("a", 7.0)])
    [[0.0, 0.0], [0.0, 3.0], [0.0, 2.0]]
    """
    if isinstance(pairs, dict):
        return dict(value)
    pairs = list(pairs)
    last = {key: i for i, (key, _) in enumerate(pairs)}
    return [
        [zero_like(key), value[key] if last[key] == i else zero_like(v)] for i, (key, v) in enumerate(pairs)
    ]


def paired(tangents, pairs) -> dict:
    """The tangent of ``dict(pairs)`` from the tangents of the pairs (the value's of each).

    >>> paired([[0.0, 1.0], [0.0, 2.0]], [("a", 5.0), ("b", 6.0)])
    {'a': 1.0, 'b': 2.0}
    """
    if isinstance(pairs, dict):
        return dict(tangents)
    return {key: t[1] for (key, _), t in zip(pairs, tangents)}
