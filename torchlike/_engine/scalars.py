"""Python scalars as kernel inputs.

A scalar operand (`x * 0.5`: a `TS` parameter) is converted to the kernel's compute dtype, as
PyTorch converts a wrapped number; a float for an `N` parameter (an alpha, a slope) travels as a
float64 and is made weakly typed inside the kernel, so it takes the dtype of the tensor it meets
as a float constant written in the kernel would. Either way it is an input, not a constant: a
new value reuses the kernel, its compiled programs and its fast-path entry. Numpy scalars are
used because they are cheap to make and a jitted call takes them as fast as device arrays.
"""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .._tensor import no_trace


def scalar_array(v, d: D.dtype):
    """A Python scalar as a host array of dtype d (wrapping like a C cast, as PyTorch does)."""
    if isinstance(v, (np.generic,)):
        v = v.item()
    if d.category == D.INT and isinstance(v, int) and not isinstance(v, bool):
        info = np.iinfo(d.np)
        v = ((v - info.min) % (info.max - info.min + 1)) + info.min
    return np.asarray(v, dtype=d.np) if not (d.category < D.COMPLEX and isinstance(v, complex)) else np.asarray(v)


try:  # made weak inside the kernel, a float64 acts there as a Python float does
    from jax._src.lax.lax import _convert_element_type

    def _weak(a):
        return _convert_element_type(a, np.dtype(np.float64), weak_type=True)

    def _number(v):
        return np.float64(v)
except ImportError:  # (a private jax API: without it, a weakly typed device array, slower to make)
    def _weak(a):
        return a

    def _number(v):
        return jnp.asarray(v) if no_trace() else v


def scalar_input(v, d: D.dtype | None):
    """A Python scalar as a kernel input: a numpy scalar of dtype d (converted as `scalar_array`),
    or with d None a float for an `N` parameter (weakly typed in the kernel). Numpy scalars cost
    a jitted call no more than device arrays do, and a new value makes nothing new."""
    return _number(v) if d is None else scalar_array(v, d)[()]


def _call_scalars(sources, args, kwargs) -> list:
    """A fast entry's sources with this call's Python scalars in place as kernel inputs."""
    out = []
    for j in sources:
        if j.__class__ is tuple and len(j) == 2:
            where = j[0]
            out.append((scalar_input(args[where] if where.__class__ is int else kwargs[where], j[1]),))
        else:
            out.append(j)
    return out
