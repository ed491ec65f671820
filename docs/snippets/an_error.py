"""What s2sad says about code it does not handle."""

import s2sad


def clipped(x):
    try:
        return x * x
    except OverflowError:
        return 0.0


try:
    s2sad.grad(clipped)(2.0)
except s2sad.UnsupportedSyntaxError as error:
    print(error)
