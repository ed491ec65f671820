def f(x):
    # return x ** 4 + 3 * x ** 2 + 2 * x
    v1 = x ** 4
    v2 = x ** 2
    v3 = 2 * x
    v4 = 3 * v2
    v5 = v1 + v4
    v6 = v5 + v3
    return v6
