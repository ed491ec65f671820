"""What s2sad says about code it does not handle."""

import os

import s2sad


def clipped(x):
    try:
        return x * x
    except OverflowError:
        return 0.0


try:
    s2sad.grad(clipped)(2.0)
except s2sad.UnsupportedSyntaxError as error:
    print(str(error).replace(os.getcwd() + os.sep, ""))  # the path relative to where you are
