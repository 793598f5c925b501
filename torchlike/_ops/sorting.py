"""Sorting and order statistics: sort, argsort, topk, kthvalue, median, mode, quantile, unique.

Values are gathered from the input at the chosen indices, so their gradient reaches those entries
only, as in PyTorch; indices are int64 and carry no gradient."""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .._engine.methods import install
from .. import return_types as RT
from .._tensor import Tensor
from .reduction import is_float, mirrors, named, nonempty_dim, one_dim, take, whole_or_along
from .._engine.op import T, op

__all__ = [
    "kthvalue",
    "median",
    "mode",
    "nanmedian",
    "nanquantile",
    "quantile",
    "sort",
    "topk",
    "unique",
    "unique_consecutive",
]


def _argsort(x, d, descending):
    return jnp.argsort(x, axis=d, stable=True, descending=descending).astype(jnp.int64)


@op(name="sort")
def _sort(input: T, dim=-1, descending=False, stable=False, *, out=None):
    d = one_dim(dim, input.ndim)
    if d is None:
        return input, jnp.zeros((), jnp.int64)
    idx = _argsort(jax.lax.stop_gradient(input), d, descending)
    return jnp.take_along_axis(input, idx, axis=d), idx


def sort(input, dim=-1, descending=False, stable=False, *, out=None):
    """Mirrors `torch.sort` (always a stable sort)."""
    return RT.wrap("sort", _sort(input, dim, descending, stable, out=out), out)


@op(differentiable=False)
def argsort(input: T, dim=-1, descending=False, stable=False):
    d = one_dim(dim, input.ndim)
    return jnp.zeros((), jnp.int64) if d is None else _argsort(input, d, descending)


@op()
def msort(input: T, *, out=None):
    return input if input.ndim == 0 else jnp.take_along_axis(input, _argsort(jax.lax.stop_gradient(input), 0, False),
                                                             axis=0)


@op(name="topk")
def _topk(input: T, k, dim=-1, largest=True, sorted=True, *, out=None):
    d = one_dim(dim, input.ndim)
    n = 1 if d is None else input.shape[d]
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")
    if d is None:
        return input, jnp.zeros((), jnp.int64)
    idx = jax.lax.slice_in_dim(_argsort(jax.lax.stop_gradient(input), d, largest), 0, k, axis=d)
    return jnp.take_along_axis(input, idx, axis=d), idx


topk = named(_topk, "topk")


@op(name="kthvalue")
def _kthvalue(input: T, k, dim=-1, keepdim=False, *, out=None):
    d = one_dim(dim, input.ndim)
    n = 1 if d is None else input.shape[d]
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d or 0}")
    if d is None:
        return input, jnp.zeros((), jnp.int64)
    idx = jax.lax.slice_in_dim(_argsort(jax.lax.stop_gradient(input), d, False), k - 1, k, axis=d)
    return take(input, idx, d, keepdim), (idx if keepdim else jnp.squeeze(idx, d))


kthvalue = named(_kthvalue, "kthvalue")


# ----- median -----
def _median_all(x, ignore_nan):
    flat = x.reshape(-1)
    if flat.size == 0:
        return jnp.full((), jnp.nan, x.dtype)
    key = jax.lax.stop_gradient(flat)
    s = jnp.sort(key)
    if is_float(x) and ignore_nan:
        valid = jnp.sum(~jnp.isnan(key))
        m = s[jnp.maximum(valid - 1, 0) // 2]
    else:
        m = s[(flat.size - 1) // 2]
        if is_float(x):
            m = jnp.where(jnp.any(jnp.isnan(key)), jnp.full((), jnp.nan, x.dtype), m)
    if not is_float(x):
        return m
    # PyTorch spreads the gradient evenly over the elements equal to the median (not one of them):
    # the value is m exactly, and its derivative is mask / count.
    mask = (key == m) | (jnp.isnan(key) & jnp.isnan(m))
    zero = jnp.zeros((), x.dtype)
    return m + jnp.sum(jnp.where(mask, flat - key, zero)) / jnp.sum(mask).astype(x.dtype)


def _median_dim(name, x, dim, keepdim, ignore_nan):
    d = one_dim(dim, x.ndim)
    if d is None:
        return x, jnp.zeros((), jnp.int64)
    nonempty_dim(name, x, d)
    key = jax.lax.stop_gradient(x)
    order = _argsort(key, d, False)
    n = x.shape[d]
    if is_float(x) and ignore_nan:
        valid = jnp.sum(~jnp.isnan(key), axis=d, keepdims=True)
        idx = jnp.take_along_axis(order, jnp.maximum(valid - 1, 0) // 2, axis=d)
    else:
        idx = jax.lax.slice_in_dim(order, (n - 1) // 2, (n - 1) // 2 + 1, axis=d)
        if is_float(x):
            has_nan = jnp.any(jnp.isnan(key), axis=d, keepdims=True)
            first_nan = jnp.argmax(jnp.isnan(key), axis=d, keepdims=True).astype(jnp.int64)
            idx = jnp.where(has_nan, first_nan, idx)
    return take(x, idx, d, keepdim), (idx if keepdim else jnp.squeeze(idx, d))


@op(name="_median", method=False, function=False, grad_name="MedianBackward0")
def _median(input: T, dim=None, keepdim=False, *, out=None):
    return _median_all(input, False) if dim is None else _median_dim("median", input, dim, keepdim, False)


@op(name="_nanmedian", method=False, function=False, grad_name="NanmedianBackward0")
def _nanmedian(input: T, dim=None, keepdim=False, *, out=None):
    return _median_all(input, True) if dim is None else _median_dim("nanmedian", input, dim, keepdim, True)


def _median_fn(name, o):
    def fn(input, dim=None, keepdim=False, *, out=None):
        return whole_or_along(name, o, input, dim, keepdim, out)
    return mirrors(fn, name, "the lower median, or (values, indices) along dim.")


median = _median_fn("median", _median)
nanmedian = _median_fn("nanmedian", _nanmedian)


@op(name="mode")
def _mode(input: T, dim=-1, keepdim=False, *, out=None):
    d = one_dim(dim, input.ndim)
    if d is None:
        return input, jnp.zeros((), jnp.int64)
    nonempty_dim("mode", input, d)
    x = jnp.moveaxis(jax.lax.stop_gradient(input), d, -1)
    s = jnp.sort(x, axis=-1)
    counts = jnp.sum(s[..., :, None] == s[..., None, :], axis=-1)
    # The most frequent value, the smallest among equally frequent ones, reported at its last position.
    v = jnp.take_along_axis(s, jnp.argmax(counts, axis=-1, keepdims=True), axis=-1)
    hit = (x == v)[..., ::-1]
    last = (x.shape[-1] - 1 - jnp.argmax(hit, axis=-1, keepdims=True)).astype(jnp.int64)
    idx = jnp.moveaxis(last, -1, d)
    return take(input, idx, d, keepdim), (idx if keepdim else jnp.squeeze(idx, d))


mode = named(_mode, "mode")


# ----- quantiles -----
_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


@op(name="_quantile", method=False, function=False, grad_name="QuantileBackward0")
def _quantile(input: T, q: T, dim=None, keepdim=False, interpolation="linear", ignore_nan=False, q_is_vector=False, *,
              out=None):
    name = "nanquantile" if ignore_nan else "quantile"
    if not is_float(input):
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest, "
                           f"but got {interpolation}")
    if dim is None:
        x, d = input.reshape(-1), 0
    else:
        x, d = (input.reshape(1), 0) if input.ndim == 0 else (input, one_dim(dim, input.ndim))
    if x.shape[d] == 0:
        raise IndexError(f"{name}() input tensor cannot be empty")
    x = jnp.moveaxis(x, d, -1)
    s = jnp.take_along_axis(x, _argsort(jax.lax.stop_gradient(x), -1, False), axis=-1)
    nan_row = jnp.isnan(jax.lax.stop_gradient(x))
    n = jnp.sum(~nan_row, axis=-1, keepdims=True) if ignore_nan else jnp.full(x.shape[:-1] + (1,), x.shape[-1])
    qs = q  # (the wrapper checked q's range and made it an array of the input's dtype)
    rank = qs * (jnp.maximum(n, 1) - 1).astype(x.dtype)  # (..., len(q))
    # A row PyTorch answers NaN for reads its last sorted entry (a NaN), which also takes the gradient.
    bad = jnp.any(nan_row, axis=-1, keepdims=True) if not ignore_nan else (n == 0)
    rank = jnp.where(bad, jnp.asarray(x.shape[-1] - 1, x.dtype), rank)
    if interpolation == "nearest":
        rank = jnp.round(rank)
    lo, hi = jnp.floor(rank), jnp.ceil(rank)
    below = jnp.take_along_axis(s, lo.astype(jnp.int64), axis=-1)
    above = jnp.take_along_axis(s, hi.astype(jnp.int64), axis=-1)
    if interpolation in ("lower", "nearest"):
        r = below
    elif interpolation == "higher":
        r = above
    else:
        w = rank - lo if interpolation == "linear" else jnp.full(rank.shape, 0.5, x.dtype)
        r = below + w * (above - below)
    r = jnp.moveaxis(r, -1, 0)  # (len(q), ...)
    if keepdim:
        r = r.reshape(r.shape[:1] + ((1,) * input.ndim if dim is None else r.shape[1:d + 1] + (1,) + r.shape[d + 1:]))
    return r if q_is_vector else r[0]


def _quantile_fn(name, ignore_nan):
    def fn(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
        vector = False
        if isinstance(q, Tensor):
            if q.dtype != input.dtype:
                raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
            if q.ndim > 1:
                raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
            vector = q.ndim == 1
            q = tuple(float(v) for v in np.asarray(q._data).reshape(-1))
        elif isinstance(q, (list, tuple)):
            vector, q = True, tuple(float(v) for v in q)
        else:
            q = (float(q),)
        # q becomes a kernel input (a new q compiles nothing); the kernel's own checks come first.
        if input.dtype.is_floating_point and interpolation in _INTERPOLATIONS:
            for v in q:
                if not 0 <= v <= 1:
                    raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {v}")
        qd = input.dtype.np if input.dtype.is_floating_point else np.float64
        qt = Tensor._wrap(jnp.asarray(np.asarray(q, np.float64).astype(qd)))
        return _quantile(input, qt, dim, keepdim, interpolation, ignore_nan, vector, out=out)
    return mirrors(fn, name)


quantile = _quantile_fn("quantile", False)
nanquantile = _quantile_fn("nanquantile", True)


# ----- unique: value-dependent output shapes, decided on the host -----
@op(name="_gather_unique", method=False, function=False, grad_name="Unique2Backward0")
def _gather_unique(input: T, index: T, dim=None):
    return input.reshape(-1)[index] if dim is None else jnp.take(input, index, axis=dim)


def _finish(input, first, inverse, counts, dim, return_inverse, return_counts):
    values = _gather_unique(input, Tensor._wrap(jnp.asarray(first, jnp.int64)), dim)
    out = [values]
    if return_inverse:
        out.append(Tensor._wrap(jnp.asarray(inverse, jnp.int64)))
    if return_counts:
        out.append(Tensor._wrap(jnp.asarray(counts, jnp.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def _rows(a, dim):
    """The slices along dim as rows of a 2-D array (so unique rows stand for unique slices)."""
    return np.moveaxis(a, dim, 0).reshape(a.shape[dim], -1)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """Mirrors `torch.unique` (the result is always sorted, as PyTorch's CPU kernel does)."""
    a = np.asarray(input._data)
    if dim is not None:
        dim = one_dim(dim, input.ndim) or 0
        rows = _rows(a, dim)
        _, first, inverse, counts = np.unique(rows, axis=0, return_index=True, return_inverse=True,
                                              return_counts=True)
        return _finish(input, first, inverse.reshape(-1), counts, dim, return_inverse, return_counts)
    flat = a.reshape(-1)
    _, first, inverse, counts = np.unique(flat, return_index=True, return_inverse=True, return_counts=True,
                                          equal_nan=False)
    return _finish(input, first, inverse.reshape(a.shape), counts, None, return_inverse, return_counts)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Mirrors `torch.unique_consecutive`."""
    a = np.asarray(input._data)
    d = None if dim is None else (one_dim(dim, input.ndim) or 0)
    rows = a.reshape(-1, 1) if d is None else _rows(a, d)
    change = np.ones(len(rows), bool)
    change[1:] = np.any(rows[1:] != rows[:-1], axis=1)
    first = np.flatnonzero(change)
    inverse = np.cumsum(change) - 1
    counts = np.diff(np.append(first, len(rows)))
    return _finish(input, first, inverse.reshape(a.shape) if d is None else inverse, counts, d, return_inverse,
                   return_counts)


def _install():
    for name in __all__:
        install(name, globals()[name])


_install()
