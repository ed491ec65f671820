"""The operators of Python syntax: gast's operator classes and the symbols the IR spells them with.

Lowering reads a class and looks up its symbol; printing goes the other way:

>>> import gast
>>> BINARY_SYMBOLS[gast.Add], COMPARE_SYMBOLS[gast.NotIn]
('+', 'not in')
>>> BINARY_NODES["**"] is gast.Pow
True
"""

from __future__ import annotations

import gast

BINARY_SYMBOLS: dict[type, str] = {
    gast.Add: "+",
    gast.Sub: "-",
    gast.Mult: "*",
    gast.Div: "/",
    gast.FloorDiv: "//",
    gast.Mod: "%",
    gast.Pow: "**",
    gast.MatMult: "@",
    gast.BitAnd: "&",
    gast.BitOr: "|",
    gast.BitXor: "^",
    gast.LShift: "<<",
    gast.RShift: ">>",
}
UNARY_SYMBOLS: dict[type, str] = {gast.USub: "-", gast.UAdd: "+", gast.Not: "not", gast.Invert: "~"}
COMPARE_SYMBOLS: dict[type, str] = {
    gast.Lt: "<",
    gast.LtE: "<=",
    gast.Gt: ">",
    gast.GtE: ">=",
    gast.Eq: "==",
    gast.NotEq: "!=",
    gast.Is: "is",
    gast.IsNot: "is not",
    gast.In: "in",
    gast.NotIn: "not in",
}

BINARY_NODES: dict[str, type] = {symbol: node for node, symbol in BINARY_SYMBOLS.items()}
UNARY_NODES: dict[str, type] = {symbol: node for node, symbol in UNARY_SYMBOLS.items()}
COMPARE_NODES: dict[str, type] = {symbol: node for node, symbol in COMPARE_SYMBOLS.items()}
