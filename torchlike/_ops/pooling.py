"""Pooling behind torch.nn.functional: max (with PyTorch's flat per-plane indices), average,
adaptive average/max, power-average, and max-unpooling, for 1, 2 and 3 spatial dimensions.

Max pooling gathers each window into a trailing axis and picks the first maximum (PyTorch's
order), so the gradient goes to that one element as in PyTorch rather than being split at ties.
"""
from __future__ import annotations

import functools
import itertools
import math

import jax
import jax.numpy as jnp
import numpy as np

from .conv import ntuple
from .registry import T, op


def _sizes(input, n: int):
    return tuple(input.shape[-n:])


def _pool_args(kernel_size, stride, padding, dilation, n):
    k = ntuple(kernel_size, n, "kernel_size", "pooling")
    s = k if stride is None or (isinstance(stride, (list, tuple)) and len(stride) == 0) else \
        ntuple(stride, n, "stride", "pooling")
    p, d = ntuple(padding, n, "padding", "pooling"), ntuple(dilation, n, "dilation", "pooling")
    if any(x == 0 for x in s):
        raise RuntimeError("stride should not be zero")
    if any(x <= 0 for x in k):
        raise RuntimeError(f"kernel_size must be greater than zero, but got kernel_size={k}")
    if any(x <= 0 for x in d):
        raise RuntimeError("dilation should be greater than zero")
    for pi, ki, di in zip(p, k, d):
        if pi > ((ki - 1) * di + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={pi}, "
                               f"kernel_size={ki} and dilation={di}")
    return k, s, p, d


def _out_size(size, k, s, p, d, ceil_mode):
    num = size + 2 * p - d * (k - 1) - 1
    out = (num + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _check_out(input, n, outs):
    if any(o <= 0 for o in outs):
        lead = input.shape[-n - 1] if input.ndim > n else 1
        ins = "x".join(str(v) for v in (lead,) + _sizes(input, n))
        got = "x".join(str(v) for v in (lead,) + tuple(outs))
        raise RuntimeError(f"Given input size: ({ins}). Calculated output size: ({got}). Output size is too small")


def _check_rank(input, n: int, fname: str):
    if input.ndim not in (n + 1, n + 2) or any(s == 0 for s in input.shape[-n - 1:]):
        if fname.startswith("max_pool1d"):
            raise RuntimeError(f"max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size "
                               f"for input, but got:[{', '.join(map(str, input.shape))}]")
        raise RuntimeError(f"non-empty {n + 1}D or {n + 2}D (batch mode) tensor expected for input")


def windows(xp, idx: list):
    """Gather windows of a padded array: idx[j] is an (out_j, k_j) array of positions along spatial
    dimension j. Returns (..., out_1..out_n, k_1*...*k_n)."""
    n = len(idx)
    index = []
    for j, ix in enumerate(idx):
        shape = [1] * (2 * n)
        shape[j], shape[n + j] = ix.shape
        index.append(ix.reshape(shape))
    g = xp[(Ellipsis,) + tuple(index)]
    outs = tuple(ix.shape[0] for ix in idx)
    return g.reshape(g.shape[:-2 * n] + outs + (-1,))


def strided_windows(xp, outs, k, s, d):
    """Like `windows` for regular windows (start o*s, step d), as one strided slice per kernel
    offset: cheaper than a gather on every backend."""
    n = len(outs)
    lead = xp.ndim - n
    parts = []
    for offs in itertools.product(*[range(ki) for ki in k]):
        start = (0,) * lead + tuple(o * di for o, di in zip(offs, d))
        limit = xp.shape[:lead] + tuple(st + (oi - 1) * si + 1 for st, oi, si in zip(start[lead:], outs, s))
        parts.append(jax.lax.slice(xp, start, limit, (1,) * lead + tuple(s)))
    return jnp.stack(parts, axis=-1)


def _flat_index(idx: list, offsets, sizes):
    """Per-plane flat indices (row-major over the unpadded sizes) for every window element."""
    n = len(idx)
    flat = np.zeros(tuple(ix.shape[0] for ix in idx) + tuple(ix.shape[1] for ix in idx), np.int64)
    mult = 1
    for j in reversed(range(n)):
        shape = [1] * (2 * n)
        shape[j], shape[n + j] = idx[j].shape
        flat = flat + (idx[j] - offsets[j]).reshape(shape) * mult
        mult *= sizes[j]
    outs = flat.shape[:n]
    return flat.reshape(outs + (-1,))


def _argmax_take(g, flat):
    """The first maximum of each window (NaN counts as the maximum, as in PyTorch) and its index."""
    key = jnp.where(jnp.isnan(g), jnp.asarray(jnp.inf, g.dtype), g) if jnp.issubdtype(g.dtype, jnp.floating) else g
    am = jnp.argmax(key, axis=-1)
    out = jnp.take_along_axis(g, am[..., None], axis=-1)[..., 0]
    ind = jnp.take_along_axis(jnp.broadcast_to(jnp.asarray(flat), g.shape), am[..., None], axis=-1)[..., 0]
    return out, ind


def max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, n, fname):
    _check_rank(input, n, fname)
    k, s, p, d = _pool_args(kernel_size, stride, padding, dilation, n)
    sizes = _sizes(input, n)
    outs = [_out_size(i, *a, ceil_mode) for i, a in zip(sizes, zip(k, s, p, d))]
    _check_out(input, n, outs)
    idx = [np.arange(o)[:, None] * si + np.arange(ki)[None, :] * di for o, si, ki, di in zip(outs, s, k, d)]
    pads = [(pi, max(0, int(ix.max()) + 1 - (i + pi))) for pi, ix, i in zip(p, idx, sizes)]
    low = -jnp.inf if jnp.issubdtype(input.dtype, jnp.floating) else jnp.iinfo(input.dtype).min
    xp = jnp.pad(input, [(0, 0)] * (input.ndim - n) + pads, constant_values=jnp.asarray(low, input.dtype))
    g = strided_windows(xp, outs, k, s, d)
    return _argmax_take(g, _flat_index(idx, p, sizes))


@op(method=False, function=False, grad_name=lambda *a: "SqueezeBackward1")
def max_pool1d_with_indices(input: T, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    return max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, 1, "max_pool1d")


@op(method=False, function=False, grad_name="MaxPool2DWithIndicesBackward0")
def max_pool2d_with_indices(input: T, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    return max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, 2, "max_pool2d")


@op(method=False, function=False, grad_name="MaxPool3DWithIndicesBackward0")
def max_pool3d_with_indices(input: T, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    return max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, 3, "max_pool3d")


def _avg_divisor(size, k, s, p, out, count_include_pad):
    start = np.arange(out) * s - p
    end = np.minimum(start + k, size + p)
    full = end - start
    valid = np.minimum(end, size) - np.maximum(start, 0)
    return full if count_include_pad else valid


def avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, n, fname):
    _check_rank(input, n, fname)
    k, s, p, _ = _pool_args(kernel_size, stride, padding, 1, n)
    sizes = _sizes(input, n)
    outs = [_out_size(i, ki, si, pi, 1, ceil_mode) for i, ki, si, pi in zip(sizes, k, s, p)]
    _check_out(input, n, outs)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    pads = [(pi, max(0, (o - 1) * si + ki - (i + pi))) for pi, o, si, ki, i in zip(p, outs, s, k, sizes)]
    lead = input.ndim - n
    total = jax.lax.reduce_window(input, np.zeros((), input.dtype), jax.lax.add, (1,) * lead + k, (1,) * lead + s,
                                  [(0, 0)] * lead + pads)
    if divisor_override is not None:
        return total / jnp.asarray(divisor_override, input.dtype)
    div = np.ones((), np.float64)
    for i, (size, ki, si, pi, o) in enumerate(zip(sizes, k, s, p, outs)):
        shape = [1] * n
        shape[i] = o
        div = div * _avg_divisor(size, ki, si, pi, o, count_include_pad).reshape(shape)
    return total / jnp.asarray(div, input.dtype)


@op(method=False, grad_name=lambda *a: "SqueezeBackward1")
def avg_pool1d(input: T, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    return avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, None, 1, "avg_pool1d")


@op(method=False, function=False, grad_name="AvgPool2DBackward0")
def avg_pool2d(input: T, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    return avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, 2,
                    "avg_pool2d")


@op(method=False, function=False, grad_name="AvgPool3DBackward0")
def avg_pool3d(input: T, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    return avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, 3,
                    "avg_pool3d")


# ----- adaptive pooling: window i spans [floor(i*L/out), ceil((i+1)*L/out)) -----
def _adaptive_sizes(input, output_size, n, fname, colon=""):
    if input.ndim not in (n + 1, n + 2) or any(s == 0 for s in input.shape[-n:]):
        raise RuntimeError(f"{fname}(): Expected {n + 1}D or {n + 2}D tensor, but got{colon} "
                           f"[{', '.join(map(str, input.shape))}]")
    if isinstance(output_size, (list, tuple)):
        if len(output_size) != n:
            raise RuntimeError(f"{fname}: internal error: output_size.size() must be {n}")
        outs = [i if o is None else int(o) for o, i in zip(output_size, _sizes(input, n))]
    else:
        outs = [int(output_size)] * n
    if any(o < 0 for o in outs):
        raise RuntimeError(f"{fname}: elements of output_size must be greater than or equal to 0 but received "
                           f"{{{', '.join(map(str, outs))}}}")
    return _sizes(input, n), outs


def _adaptive_bounds(size, out):
    i = np.arange(out)
    return (i * size) // out, -((-(i + 1) * size) // out)


def adaptive_avg(input, output_size, n, fname):
    sizes, outs = _adaptive_sizes(input, output_size, n, fname)
    x = input
    for j, (size, out) in enumerate(zip(sizes, outs)):
        lo, hi = _adaptive_bounds(size, out)
        pos = np.arange(size)
        m = ((pos[None, :] >= lo[:, None]) & (pos[None, :] < hi[:, None])) / (hi - lo)[:, None]
        axis = x.ndim - n + j
        x = jnp.moveaxis(jnp.tensordot(x, jnp.asarray(m.T, x.dtype), axes=([axis], [0]),
                                       precision=jax.lax.Precision.HIGHEST), -1, axis)
    return x


@op(method=False, grad_name=lambda *a: "SqueezeBackward1")
def adaptive_avg_pool1d(input: T, output_size):
    return adaptive_avg(input, output_size, 1, "adaptive_avg_pool1d")


@op(method=False, function=False, grad_name="AdaptiveAvgPool2DBackward0")
def adaptive_avg_pool2d(input: T, output_size):
    return adaptive_avg(input, output_size, 2, "adaptive_avg_pool2d")


@op(method=False, function=False, grad_name="AdaptiveAvgPool3DBackward0")
def adaptive_avg_pool3d(input: T, output_size):
    return adaptive_avg(input, output_size, 3, "adaptive_avg_pool3d")


def adaptive_max(input, output_size, n, fname):
    sizes, outs = _adaptive_sizes(input, output_size, n, fname, ":")
    idx = []
    for size, out in zip(sizes, outs):
        lo, hi = _adaptive_bounds(size, out)
        kmax = int((hi - lo).max()) if out else 1
        # Shorter windows repeat their last element: a duplicate never changes the first maximum.
        idx.append(np.minimum(lo[:, None] + np.arange(kmax)[None, :], hi[:, None] - 1))
    g = windows(input, idx)
    return _argmax_take(g, _flat_index(idx, [0] * n, sizes))


@op(method=False, grad_name=lambda *a: "SqueezeBackward1")
def adaptive_max_pool1d(input: T, output_size):
    return adaptive_max(input, output_size, 1, "adaptive_max_pool1d")


@op(method=False, function=False, grad_name="AdaptiveMaxPool2DBackward0")
def adaptive_max_pool2d_with_indices(input: T, output_size):
    return adaptive_max(input, output_size, 2, "adaptive_max_pool2d")


@op(method=False, function=False, grad_name="AdaptiveMaxPool3DBackward0")
def adaptive_max_pool3d_with_indices(input: T, output_size):
    return adaptive_max(input, output_size, 3, "adaptive_max_pool3d")


def lp_pool(input, norm_type, kernel_size, stride, ceil_mode, n):
    k = ntuple(kernel_size, n, "kernel_size", "pooling")
    out = avg_pool(input ** norm_type, k, stride, 0, ceil_mode, True, None, n, f"lp_pool{n}d")
    return (jnp.sign(out) * jnp.maximum(jnp.abs(out), 0) * math.prod(k)) ** (1.0 / norm_type)


@op(method=False, function=False, grad_name="PowBackward0")
def lp_pool1d(input: T, norm_type, kernel_size, stride=None, ceil_mode=False):
    return lp_pool(input, float(norm_type), kernel_size, stride, ceil_mode, 1)


@op(method=False, function=False, grad_name="PowBackward0")
def lp_pool2d(input: T, norm_type, kernel_size, stride=None, ceil_mode=False):
    return lp_pool(input, float(norm_type), kernel_size, stride, ceil_mode, 2)


@op(method=False, function=False, grad_name=lambda *a: "MaxUnpool2DBackward0" if a[0].ndim != 3 else
    "SqueezeBackward1")
def _max_unpool(input: T, indices: T, output_size, n: int):
    """Scatter pooled values back to their flat per-plane positions in a zero plane of output_size."""
    if indices.shape != input.shape:
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor "
                           f"({list(input.shape)}) but got indices tensor with shape: {list(indices.shape)}")
    lead = input.shape[:-n]
    plane = math.prod(output_size)
    flat_in = input.reshape((-1, math.prod(input.shape[-n:])))
    flat_idx = indices.reshape(flat_in.shape).astype(jnp.int64)
    return _scatter_rows(flat_in, flat_idx, plane).reshape(lead + tuple(output_size))


# PyTorch's max_unpool backward gathers the output gradient at every index, also when windows
# overlap and several inputs point at one position; the vjp of a scatter-set would credit only
# the update that won the write.
@functools.partial(jax.custom_vjp, nondiff_argnums=(2,))
def _scatter_rows(values, index, plane: int):
    rows = jnp.arange(values.shape[0], dtype=jnp.int64)[:, None]
    return jnp.zeros((values.shape[0], plane), values.dtype).at[rows, index].set(values, mode="drop")


def _scatter_fwd(values, index, plane):
    return _scatter_rows(values, index, plane), index


def _scatter_bwd(plane, index, g):
    rows = jnp.arange(g.shape[0], dtype=jnp.int64)[:, None]
    return g[rows, jnp.clip(index, 0, plane - 1)], None


_scatter_rows.defvjp(_scatter_fwd, _scatter_bwd)
