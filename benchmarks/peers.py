"""How each system computes a benchmark's derivative: ``setup_<system>(case, args)``
returns the function to time and the arguments to call it with (converted to the
system's own arrays where it needs them)."""

from __future__ import annotations


def leaves(value) -> np.ndarray:  # noqa: F821 - numpy is imported in the worker
    """Every number in a (nested tuple of) float, array, JAX array or tensor, as one vector."""
    import numpy as np

    if isinstance(value, (tuple, list)):
        return np.concatenate([leaves(v) for v in value]) if value else np.zeros(0)
    if hasattr(value, "detach"):
        value = value.detach().numpy()
    return np.ravel(np.asarray(value, dtype=float))


class Peer:
    """How one system computes the benchmark's derivative: ``setup`` returns the
    function to time and the arguments to call it with."""

    def __init__(self, case, args):
        self.case, self.args = case, args
        self.single = len(case.wrt) == 1

    @property
    def wrt(self):
        return self.case.wrt[0] if self.single else self.case.wrt


def setup_s2sad(case, args, **options):
    """s2sad's gradient (or Hessian); ``options`` such as ``compile="numba"`` go to it."""
    import math

    import numpy as np

    import s2sad

    f = case.make(np, math)
    transform = s2sad.hessian if case.kind == "hessian" else s2sad.grad
    return transform(f, wrt=Peer(case, args).wrt, **options), args


def setup_tangent(case, args):
    """tangent-ad (``pip install tangent-ad``, imported as ``tangent``): gradients only."""
    import numpy as np
    import tangent

    if case.kind == "hessian":
        raise NotImplementedError("tangent-ad has no Hessian")
    g = tangent.grad(case.make(np, np), wrt=case.wrt)
    return g, args


def setup_autograd(case, args):
    import autograd
    import autograd.numpy as anp

    f = case.make(anp, anp)
    p = Peer(case, args)
    if case.kind == "hessian":
        if p.single:
            return autograd.hessian(f, p.wrt), args
        # autograd's Hessian takes one argument: pack the numbers into a vector
        packed = autograd.hessian(lambda v: f(*v))
        import numpy as np

        return (lambda *xs: packed(np.array(xs))), args
    return autograd.grad(f, p.wrt), args


def setup_jax(case, args, jit: bool):
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    f = case.make(jnp, jnp)
    p = Peer(case, args)
    g = (jax.hessian if case.kind == "hessian" else jax.grad)(f, argnums=p.wrt)
    if jit:
        g = jax.jit(g)
    converted = tuple(jnp.asarray(a) if hasattr(a, "shape") else a for a in args)

    def blocking(*xs):
        return jax.block_until_ready(g(*xs))

    return blocking, converted


def setup_torch(case, args):
    import torch

    torch.set_num_threads(1)
    f = case.make(torch, torch)
    p = Peer(case, args)
    converted = tuple(
        torch.tensor(a, dtype=torch.float64, requires_grad=i in case.wrt and case.kind == "grad")
        if hasattr(a, "shape") or i in case.wrt
        else a
        for i, a in enumerate(args)
    )
    if case.kind == "hessian":
        from torch.autograd.functional import hessian

        def torch_hessian(*xs):
            return hessian(f, xs[0] if p.single else tuple(xs[i] for i in case.wrt))

        return torch_hessian, converted

    def torch_grad(*xs):
        out = torch.autograd.grad(f(*xs), [xs[i] for i in case.wrt])
        return out[0] if p.single else out

    return torch_grad, converted
