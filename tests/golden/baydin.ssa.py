def baydin(x1, x2):
    """The running example of Baydin et al. (2018), "Automatic differentiation
        in machine learning: a survey".
    """
    # return math.log(x1) + x1 * x2 - math.sin(x2)
    v1 = math.log(x1)
    v2 = x1 * x2
    v3 = math.sin(x2)
    v4 = v1 + v2
    v5 = v4 - v3
    return v5
