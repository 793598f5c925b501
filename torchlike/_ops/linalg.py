"""Linear algebra: matmul and friends, with PyTorch's shape and dtype errors."""
from __future__ import annotations

import jax.numpy as jnp

from .. import _dtype as D
from .registry import T, op


def _same_dtype(name, a, b, pair=("mat1", "mat2")):
    if a.dtype != b.dtype:
        da, db = D.from_numpy_dtype(a.dtype).legacy, D.from_numpy_dtype(b.dtype).legacy
        raise RuntimeError(f"{pair[0]} and {pair[1]} must have the same dtype, but got {da} and {db}")


@op(grad_name="MmBackward0")
def mm(input: T, mat2: T, *, out=None):
    if input.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if input.shape[1] != mat2.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({input.shape[0]}x{input.shape[1]} and "
                           f"{mat2.shape[0]}x{mat2.shape[1]})")
    _same_dtype("mm", input, mat2, ("self", "mat2"))
    return input @ mat2


@op(grad_name="MmBackward0")
def matmul(input: T, other: T, *, out=None):
    if input.ndim == 0 or other.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {input.ndim}D and "
                           f"{other.ndim}D")
    k1 = input.shape[-1]
    k2 = other.shape[-2] if other.ndim > 1 else other.shape[0]
    if k1 != k2:
        if input.ndim == 1 and other.ndim == 1:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{k1}] and src [{k2}] to have the same "
                               f"number of elements, but got {k1} and {k2} elements respectively")
        a = f"{input.shape[0] if input.ndim > 1 else 1}x{k1}" if input.ndim <= 2 else \
            f"{int(jnp.prod(jnp.array(input.shape[:-1])))}x{k1}"
        b = f"{k2}x{other.shape[-1] if other.ndim > 1 else 1}"
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a} and {b})")
    if input.dtype != other.dtype:
        da, db = D.from_numpy_dtype(input.dtype).legacy, D.from_numpy_dtype(other.dtype).legacy
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {da} != {db}")
    return jnp.matmul(input, other)
