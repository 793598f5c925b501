"""torch.autograd.functional: jacobian, hessian, vjp, jvp, hvp, vhp, mapped onto JAX's transforms.

The user's function runs on Tensors that wrap JAX tracers, so it must not read values back to
Python (`.item()`, data-dependent shapes), exactly the code that `torch.func` also rejects.
"""
from __future__ import annotations

import jax

from .._autograd import no_grad
from .._tensor import Tensor


def _as_tuple(x):
    return (tuple(x), True) if isinstance(x, (tuple, list)) else ((x,), False)


def _pure(func, n_in: int):
    """A jax function of arrays computing func on Tensors; returns (arrays, output-is-tuple)."""
    is_tuple = []

    def f(*arrays):
        with no_grad():
            out = func(*[Tensor._wrap(a) for a in arrays])
        outs, tup = _as_tuple(out)
        is_tuple[:] = [tup]
        for o in outs:
            if not isinstance(o, Tensor):
                raise TypeError(f"The outputs of the user-provided function must be Tensors, got {type(o).__name__}")
        return tuple(o._data for o in outs)
    return f, is_tuple


def _wrap(x):
    return jax.tree_util.tree_map(Tensor._wrap, x)


def _arrays(ts):
    return tuple(t._data for t in ts)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """Mirrors `torch.autograd.functional.jacobian`."""
    ins, in_tup = _as_tuple(inputs)
    f, out_tup = _pure(func, len(ins))
    transform = jax.jacfwd if strategy == "forward-mode" else jax.jacrev
    jac = transform(f, argnums=tuple(range(len(ins))))(*_arrays(ins))  # [out][in]
    jac = _wrap(jac)
    rows = [row if in_tup else row[0] for row in jac]
    return tuple(rows) if out_tup[0] else rows[0]


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """Mirrors `torch.autograd.functional.hessian` (func returns a single-element tensor)."""
    ins, in_tup = _as_tuple(inputs)
    f, _ = _pure(func, len(ins))

    def scalar(*a):
        out = f(*a)
        if len(out) != 1 or out[0].size != 1:
            raise RuntimeError("The function given to hessian should return a single Tensor containing a single "
                               "element")
        return out[0].reshape(())
    argnums = tuple(range(len(ins)))
    h = _wrap(jax.hessian(scalar, argnums=argnums)(*_arrays(ins)))
    return tuple(tuple(r) for r in h) if in_tup else h[0][0]


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """Mirrors `torch.autograd.functional.vjp`: returns (func_output, vjp)."""
    ins, in_tup = _as_tuple(inputs)
    f, out_tup = _pure(func, len(ins))
    out, pull = jax.vjp(f, *_arrays(ins))
    if v is None:
        if len(out) != 1 or out[0].size != 1:
            raise RuntimeError("The vector v can only be None if the user-provided function returns a single Tensor "
                               "with a single element.")
        cts = (jax.numpy.ones_like(out[0]),)
    else:
        cts = tuple(t._data for t in _as_tuple(v)[0])
    from .._engine.backward import _conj  # (PyTorch's complex gradients are the conjugates of JAX's cotangents)
    grads = _wrap(tuple(_conj(g) for g in pull(tuple(_conj(c.astype(o.dtype)) for c, o in zip(cts, out)))))
    outs = _wrap(out)
    return (tuple(outs) if out_tup[0] else outs[0]), (tuple(grads) if in_tup else grads[0])


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """Mirrors `torch.autograd.functional.jvp`: returns (func_output, jvp)."""
    ins, in_tup = _as_tuple(inputs)
    f, out_tup = _pure(func, len(ins))
    if v is None:
        if len(ins) != 1 or ins[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided function is a single "
                               "Tensor with a single element.")
        tangents = (jax.numpy.ones_like(ins[0]._data),)
    else:
        tangents = tuple(t._data for t in _as_tuple(v)[0])
    out, tan = jax.jvp(f, _arrays(ins), tangents)
    outs, tans = _wrap(out), _wrap(tan)
    return (tuple(outs) if out_tup[0] else outs[0]), (tuple(tans) if out_tup[0] else tans[0])


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """Mirrors `torch.autograd.functional.vhp`: (func_output, v^T H)."""
    return _hessian_product(func, inputs, v)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """Mirrors `torch.autograd.functional.hvp`: (func_output, H v) (H is symmetric: same as vhp)."""
    return _hessian_product(func, inputs, v)


def _hessian_product(func, inputs, v):
    ins, in_tup = _as_tuple(inputs)
    f, _ = _pure(func, len(ins))

    def scalar(*a):
        return f(*a)[0].reshape(())
    vs = tuple(t._data for t in _as_tuple(v)[0])
    out = scalar(*_arrays(ins))
    _, hv = jax.jvp(jax.grad(scalar, argnums=tuple(range(len(ins)))), _arrays(ins), vs)
    hv = _wrap(hv)
    return Tensor._wrap(out), (tuple(hv) if in_tup else hv[0])
