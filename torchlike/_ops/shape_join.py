"""Shape operators that copy: joins (cat, stack and friends), repeats, flips and rolls."""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from .._engine.methods import install
from .. import _dtype as D
from .._tensor import Tensor
from .._engine.op import TL, T, op
from .shape import wrap_dim
from .creation import arange

__all__ = ["repeat_interleave"]


def _nonempty(tensors, what):
    if not tensors:
        if what == "cat":
            raise ValueError("torch.cat(): expected a non-empty list of Tensors")
        raise RuntimeError(f"{what} expects a non-empty TensorList")


def _cat(tensors, dim):
    # PyTorch's legacy rule: 1-D empty tensors are skipped, whatever the others' shapes.
    kept = [(i, t) for i, t in enumerate(tensors) if not (t.ndim == 1 and t.shape[0] == 0)]
    if not kept:
        return tensors[0]
    i0, ref = kept[0]
    if ref.ndim == 0:
        raise RuntimeError(f"zero-dimensional tensor (at position {i0}) cannot be concatenated")
    d = wrap_dim(dim, ref.ndim)
    for i, t in kept[1:]:
        if t.ndim != ref.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {ref.ndim} and {t.ndim}")
        for j in range(ref.ndim):
            if j != d and t.shape[j] != ref.shape[j]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size "
                                   f"{ref.shape[j]} but got size {t.shape[j]} for tensor number {i} in the list.")
    return jnp.concatenate([t for _, t in kept], axis=d)


@op(promote="same", linear=True, method=False, aliases=("concat", "concatenate"))
def cat(tensors: TL, dim=0, *, out=None):
    _nonempty(tensors, "cat")
    return _cat(tensors, dim)


@op(promote="same", linear=True, method=False)
def stack(tensors: TL, dim=0, *, out=None):
    _nonempty(tensors, "stack")
    for i, t in enumerate(tensors[1:], 1):
        if t.shape != tensors[0].shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)} at "
                               f"entry 0 and {list(t.shape)} at entry {i}")
    return jnp.stack(tensors, axis=wrap_dim(dim, tensors[0].ndim + 1))


def _atleast(t, n):
    if t.ndim >= n:
        return t
    if n == 3 and t.ndim == 2:
        return t[:, :, None]
    if n == 3 and t.ndim == 1:
        return t[None, :, None]
    return t.reshape((1,) * (n - t.ndim) + t.shape)


@op(promote="same", linear=True, method=False, grad_name="CatBackward0")
def hstack(tensors: TL, *, out=None):
    _nonempty(tensors, "hstack")
    ts = [_atleast(t, 1) for t in tensors]
    return _cat(ts, 0 if ts[0].ndim == 1 else 1)


@op(promote="same", linear=True, method=False, grad_name="CatBackward0", aliases=("row_stack",))
def vstack(tensors: TL, *, out=None):
    _nonempty(tensors, "vstack")
    return _cat([_atleast(t, 2) for t in tensors], 0)


@op(promote="same", linear=True, method=False, grad_name="CatBackward0")
def dstack(tensors: TL, *, out=None):
    _nonempty(tensors, "dstack")
    return _cat([_atleast(t, 3) for t in tensors], 2)


@op(promote="same", linear=True, method=False, grad_name="CatBackward0")
def column_stack(tensors: TL, *, out=None):
    _nonempty(tensors, "column_stack")
    return _cat([t.reshape(t.size, 1) if t.ndim <= 1 else t for t in tensors], 1)


# ----- repeats -----
@op(linear=True, varargs="repeats", function=False)
def repeat(input: T, repeats):
    reps = tuple(int(r) for r in repeats)
    if len(reps) < input.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of "
                           "tensor")
    if any(r < 0 for r in reps):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(reps)}: {list(reps)}")
    x = input.reshape((1,) * (len(reps) - input.ndim) + input.shape)
    return jnp.tile(x, reps)


@op(linear=True, varargs="dims", grad_name="RepeatBackward0")
def tile(input: T, dims):
    dims = tuple(int(r) for r in dims)
    dims = (1,) * (input.ndim - len(dims)) + dims
    return repeat.fn(input, dims)


@op(name="_repeat_interleave", method=False, function=False, linear=True, grad_name="IndexSelectBackward0")
def _repeat_interleave(input: T, repeats, dim, total):
    reps = jnp.asarray(np.asarray(repeats, dtype=np.int64)) if isinstance(repeats, tuple) else repeats
    x = input.ravel() if dim is None else input
    return jnp.repeat(x, reps, axis=0 if dim is None else dim, total_repeat_length=total)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Mirrors `torch.repeat_interleave`. Tensor repeats make a value-dependent shape: read on the host."""
    if repeats is None:  # torch.repeat_interleave(repeats): indices repeated by their counts
        counts = np.asarray(input._data)
        return repeat_interleave(arange(len(counts)), input)
    d = None if dim is None else wrap_dim(dim, input.ndim)
    n = input.numel() if d is None else input.shape[d]
    if isinstance(repeats, Tensor):
        if repeats.dtype.category != D.INT:
            raise RuntimeError("repeat_interleave only accept int32/int64 tensor dtypes")
        if repeats.ndim > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        reps = tuple(int(v) for v in np.asarray(repeats._data).reshape(-1))
        if repeats.ndim == 0 or len(reps) == 1:
            repeats = reps[0]
        else:
            if len(reps) != n:
                raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                                   f"{len(reps)} and input.size({0 if d is None else d}) = {n}")
            if min(reps, default=0) < 0:
                raise RuntimeError("repeats can not be negative")
            return _repeat_interleave(input, reps, d, sum(reps))
    if repeats < 0:
        raise RuntimeError("repeats can not be negative")
    return _repeat_interleave(input, int(repeats), d, n * int(repeats))


# ----- flips, rolls, rotations -----
@op(linear=True, varargs="dims")
def flip(input: T, dims):
    ds = [wrap_dim(d, input.ndim) for d in dims]
    for d in ds:
        if ds.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return jnp.flip(input, tuple(ds)) if ds and input.ndim else input


@op(linear=True, grad_name="FlipBackward0")
def fliplr(input: T):
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return jnp.flip(input, 1)


@op(linear=True, grad_name="FlipBackward0")
def flipud(input: T):
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return jnp.flip(input, 0)


@op(linear=True)
def roll(input: T, shifts, dims=None):
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    if not shifts:
        raise RuntimeError("`shifts` required")
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        return jnp.roll(input.ravel(), shifts[0]).reshape(input.shape)
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    if input.ndim == 0:  # (no dim to roll along: PyTorch does not treat a 0-d tensor as 1-d here)
        raise IndexError(f"Dimension specified as {dims[0]} but tensor has no dimensions")
    return jnp.roll(input, shifts, tuple(wrap_dim(d, input.ndim) for d in dims))


@op(linear=True)
def rot90(input: T, k=1, dims=(0, 1)):
    dims = tuple(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.ndim}")
    d0, d1 = wrap_dim(dims[0], input.ndim), wrap_dim(dims[1], input.ndim)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
    return jnp.rot90(input, k % 4, (d0, d1))


def _install():
    install("repeat_interleave", repeat_interleave)


_install()
