"""The error that asks for a rule: math.gamma is written in C."""

import math
import os

import s2sad


def log_gamma_ratio(x):
    return math.log(math.gamma(x + 0.5) / math.gamma(x))


try:
    s2sad.grad(log_gamma_ratio)(3.0)
except s2sad.MissingRuleError as err:
    print(str(err).replace(os.getcwd() + os.sep, ""))  # the path relative to where you are
