"""Expression swell: the n-th iterate of the logistic map l(x) = 4x(1 - x) written as one
expression, its derivative by the rules of symbolic differentiation (no simplification),
and the gradient s2sad writes for the loop. Sizes are counted in operations."""

import s2sad


def size(e):
    return 0 if isinstance(e, (str, float)) else 1 + sum(size(a) for a in e[1:])


def logistic(e):
    return ("*", ("*", 4.0, e), ("-", 1.0, e))


def d(e):
    """d/dx of an expression tree, by the textbook rules."""
    if e == "x":
        return 1.0
    if isinstance(e, float):
        return 0.0
    op, a, b = e
    if op == "-":
        return ("-", d(a), d(b))
    return ("+", ("*", d(a), b), ("*", a, d(b)))  # the product rule copies both factors


def logistic_map(x, n):
    for i in range(n):
        x = 4 * x * (1 - x)
    return x


code = s2sad.source(logistic_map, args=(0.3, 5))
body = code.split('"""\n')[-1]
ad_size = sum(1 for line in body.splitlines() if line.strip() and not line.strip().startswith("#")) - 1
print("  n   l_n(x)   symbolic d/dx   AD (lines of the gradient program)")
expr = "x"
for n in range(1, 7):
    expr = logistic(expr)
    print(f"{n:3d}  {size(expr):7d}  {size(d(expr)):14d}   {ad_size} (the same loop for every n)")
