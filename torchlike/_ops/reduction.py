"""Reductions: sum, mean, ... with PyTorch's dim/keepdim/dtype arguments."""
from __future__ import annotations

import jax.numpy as jnp

from .. import _dtype as D
from .registry import T, op


def _dims(dim, ndim):
    if dim is None or dim == ():
        return None
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    n = max(ndim, 1)
    for d in dims:
        if not -n <= d < n:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})")
    return tuple(d % n for d in dims) if ndim else None


def _sum_dtype(x, dtype):
    if dtype is not None:
        return dtype.np
    return jnp.int64 if jnp.issubdtype(x.dtype, jnp.integer) or x.dtype == jnp.bool_ else x.dtype


@op(linear=True)
def sum(input: T, dim=None, keepdim=False, *, dtype=None, out=None):
    return jnp.sum(input.astype(_sum_dtype(input, dtype)), axis=_dims(dim, input.ndim), keepdims=keepdim)


@op(linear=True)
def mean(input: T, dim=None, keepdim=False, *, dtype=None, out=None):
    if dtype is None and not jnp.issubdtype(input.dtype, jnp.inexact):
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating point or "
                           f"complex dtype. Got: {D.from_numpy_dtype(input.dtype).legacy}")
    return jnp.mean(input.astype(dtype.np) if dtype else input, axis=_dims(dim, input.ndim), keepdims=keepdim)
