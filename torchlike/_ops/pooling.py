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

from .._engine.grad_name import GradName
from .conv import legacy, ntuple
from .._engine.op import T, op

# 1-d pooling is PyTorch's 2-d kernel on a height-1 view: its backward is that kernel's.
_POOL_1D = GradName("SqueezeBackward1", takes_inputs=True)


def _sizes(input, n: int):
    return tuple(input.shape[-n:])


def _dims(shape) -> str:
    return ", ".join(map(str, shape))


def _cdiv(a: int, b: int) -> int:
    """C++ integer division (truncates toward zero), which PyTorch's bounds use."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def _int_list(v, n: int) -> list:
    """A size argument as PyTorch's binding passes it on: an int repeated n times, a sequence as is."""
    return [int(x) for x in v] if isinstance(v, (list, tuple)) else [int(v)] * n


_WORDS = {2: "two", 3: "three"}


def _arg_lists(fname, n, kernel_size, stride, padding, dilation=None):
    """kernel, stride, padding (and dilation) of an n-d pooling as n-tuples, with PyTorch's
    complaints about their lengths; an omitted stride is the kernel size."""
    k, p = _int_list(kernel_size, n), _int_list(padding, n)
    s = [] if stride is None else _int_list(stride, n)
    either, word = ("" if fname == "avg_pool3d" else "either "), _WORDS[n]
    if len(k) not in (1, n):
        raise RuntimeError(f"{fname}: kernel_size must {either}be a single int, or a tuple of {word} ints")
    if len(s) not in (0, 1, n):
        raise RuntimeError(f"{fname}: stride must {either}be omitted, a single int, or a tuple of {word} ints")
    if len(p) not in (1, n):
        raise RuntimeError(f"{fname}: padding must {either}be a single int, or a tuple of {word} ints")
    d = [1] if dilation is None else _int_list(dilation, n)
    if len(d) not in (1, n):
        raise RuntimeError(f"{fname}: dilation must be either a single int, or a tuple of {word} ints")
    full = [tuple(v * n) if len(v) == 1 else tuple(v) for v in (k, s or k, p, d)]
    return tuple(full)


def _check_1d(fname, shape, **args):
    """The 1-d poolings' own checks before they run the 2-d one: rank and one-int arguments."""
    if len(shape) not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {len(shape)}-dimensional tensor for argument #1 "
                           f"'self' (while checking arguments for {fname})")
    out = []
    for name, v in args.items():
        v = _int_list(v, 1)
        if len(v) != 1:
            raise RuntimeError(f"{fname}() argument '{name}' should contain one int (got {len(v)})")
        out.append(v[0])
    return out


def _output_size(size, k, p, s, d, ceil_mode):
    """PyTorch's `pooling_output_shape`, with its checks."""
    if s == 0:
        raise RuntimeError("stride should not be zero")
    if p < 0:
        raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
    if p > _cdiv((k - 1) * d + 1, 2):
        raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, kernel_size={k} "
                           f"and dilation={d}")
    out = (size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _shape_check_2d(shape, k, s, p, d, outs):
    """PyTorch's `pool2d_shape_check` (sizes in (H, W) order)."""
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = k, s, p, d
    if kw <= 0 or kh <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kH: {kh} kW: {kw}")
    if sw <= 0 or sh <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got dH: {sh} dW: {sw}")
    if dh <= 0 or dw <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilationH: {dh} dilationW: {dw}")
    valid = shape[1] != 0 and shape[2] != 0
    if not ((len(shape) == 3 and shape[0] != 0 and valid) or (len(shape) == 4 and valid and shape[3] != 0)):
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but "
                           f"got:[{_dims(shape)}]")
    if kw // 2 < pw or kh // 2 < ph:
        raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but got padW = {pw}, "
                           f"padH = {ph}, kW = {kw}, kH = {kh}")
    _check_out(shape, 2, outs)


def _shape_check_3d(shape, k, s, p, d, outs, fn_name, check_input_size=False):
    """PyTorch's `pool3d_shape_check` (sizes in (T, H, W) order)."""
    (kt, kh, kw), (st, sh, sw), (pt, ph, pw), (dt, dh, dw) = k, s, p, d
    if min(k) <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kT: {kt} kH: {kh} kW: {kw}")
    if min(s) <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got dT: {st} dH: {sh} dW: {sw}")
    if min(d) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilationT: {dt} dilationH: {dh} "
                           f"dilationW: {dw}")
    for i, size in enumerate(shape):
        if size <= 0 and not (len(shape) == 5 and i == 0):
            raise RuntimeError(f"{fn_name}: Expected input's non-batch dimensions to have positive length, but input "
                               f"has a shape of [{_dims(shape)}] and non-batch dimension {size} has length zero!")
    it, ih, iw = shape[-3:]
    if check_input_size and (it < kt or ih < kh or iw < kw):
        raise RuntimeError(f"input image (T: {it} H: {ih} W: {iw}) smaller than kernel size (kT: {kt} kH: {kh} "
                           f"kW: {kw})")
    if kt // 2 < pt or kw // 2 < pw or kh // 2 < ph:
        raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but got kT: {kt} kW: {kw} "
                           f"kH: {kh} padT: {pt} padW: {pw} padH: {ph}")
    _check_out(shape, 3, outs)


def _check_out(shape, n, outs):
    if any(o < 1 for o in outs):
        plane = "x".join(str(v) for v in (shape[-n - 1],) + tuple(shape[-n:]))
        got = "x".join(str(v) for v in (shape[-n - 1],) + tuple(outs))
        raise RuntimeError(f"Given input size: ({plane}). Calculated output size: ({got}). Output size is too small")


def _max_pool_check(shape, n, kernel_size, stride, padding, dilation, ceil_mode):
    """max_pool{2,3}d_with_indices' checks, in PyTorch's order; returns (k, s, p, d, outs)."""
    k, s, p, d = _arg_lists(f"max_pool{n}d", n, kernel_size, stride, padding, dilation)
    if len(shape) not in (n + 1, n + 2):
        raise RuntimeError(f"non-empty {n + 1}D or {n + 2}D (batch mode) tensor expected for input")
    outs = [_output_size(i, *a, ceil_mode) for i, a in zip(shape[-n:], zip(k, p, s, d))]
    if n == 2:
        _shape_check_2d(shape, k, s, p, d, outs)
    else:
        _shape_check_3d(shape, k, s, p, d, outs, "max_pool3d_with_indices_out_cpu_template()")
    return k, s, p, d, outs


def _avg_pool_check(shape, n, kernel_size, stride, padding, divisor_override, ceil_mode):
    """avg_pool{2,3}d's checks, in PyTorch's order; returns (k, s, p, outs)."""
    fname = f"avg_pool{n}d"
    k, s, p, d = _arg_lists(fname, n, kernel_size, stride, padding)
    if n == 3 and len(shape) not in (4, 5):
        raise RuntimeError("non-empty 4D or 5D (batch mode) tensor expected for input")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    if len(shape) < 3:  # avg_pool2d reads size(-3) before any rank check
        raise IndexError("Dimension specified as -3 but tensor has no dimensions" if not shape else
                         f"Dimension out of range (expected to be in range of [{-len(shape)}, {len(shape) - 1}], "
                         "but got -3)")
    outs = [_output_size(i, ki, pi, si, 1, ceil_mode) for i, ki, pi, si in zip(shape[-n:], k, p, s)]
    if n == 2:
        _shape_check_2d(shape, k, s, p, d, outs)
    else:
        _shape_check_3d(shape, k, s, p, d, outs, "avg_pool3d()", check_input_size=True)
    return k, s, p, outs


def check_max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode):
    """max_pool1d's own checks (the path without indices), which differ from the indices path's."""
    shape = tuple(input.shape)
    if not ((len(shape) == 2 and shape[0] != 0 and shape[1] != 0) or
            (len(shape) == 3 and shape[1] != 0 and shape[2] != 0)):
        raise RuntimeError(f"max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for "
                           f"input, but got:[{_dims(shape)}]")
    k, p, d = _int_list(kernel_size, 1), _int_list(padding, 1), _int_list(dilation, 1)
    s = [] if stride is None else _int_list(stride, 1)
    if len(k) != 1:
        raise RuntimeError(f"max_pool1d() kernel_size must be an int, list of ints or tuple of ints of size 1 but got "
                           f"size {len(k)}")
    if len(s) > 1:
        raise RuntimeError(f"max_pool1d() stride must be None, an int, list of ints, or tuple of ints of size 1 but "
                           f"got size {len(s)}")
    if len(p) != 1:
        raise RuntimeError(f"max_pool1d() padding must be an int, list of ints, or tuple of ints of size 1 but got "
                           f"size {len(p)}")
    if len(d) != 1:
        raise RuntimeError(f"max_pool1d() dilation must be an int, list of ints or tuple of ints of size 1 but got "
                           f"size {len(d)}")
    (k,), (s,), (p,), (d,) = k, s or k, p, d
    if k <= 0:
        raise RuntimeError(f"max_pool1d() kernel_size must be greater than zero, but got {k}")
    if s <= 0:
        raise RuntimeError(f"max_pool1d() stride must be greater than zero, but got {s}")
    if p < 0:
        raise RuntimeError(f"max_pool1d() padding must be non-negative, but got {p}")
    if p > k // 2:
        raise RuntimeError(f"max_pool1d() padding should be at most half of kernel size, but got padding={p} and "
                           f"kernel_size={k}")
    if d <= 0:
        raise RuntimeError(f"max_pool1d() dilation must be greater than zero, but got {d}")
    out = _output_size(shape[-1], k, p, s, d, ceil_mode)
    if out <= 0:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {out}")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"max_pool1d_impl\" not implemented for '{input.dtype.legacy}'")


def _not_implemented(kernel, x):
    return NotImplementedError(f"\"{kernel}\" not implemented for '{legacy(x)}'")


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
    return g.reshape(g.shape[:-2 * n] + outs + (math.prod(ix.shape[1] for ix in idx),))


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
    return flat.reshape(outs + (math.prod(flat.shape[n:]),))


def _argmax_take(g, flat):
    """The first maximum of each window (NaN counts as the maximum, as in PyTorch) and its index."""
    key = jnp.where(jnp.isnan(g), jnp.asarray(jnp.inf, g.dtype), g) if jnp.issubdtype(g.dtype, jnp.floating) else g
    am = jnp.argmax(key, axis=-1)
    out = jnp.take_along_axis(g, am[..., None], axis=-1)[..., 0]
    ind = jnp.take_along_axis(jnp.broadcast_to(jnp.asarray(flat), g.shape), am[..., None], axis=-1)[..., 0]
    return out, ind


def max_pool(input, k, s, p, d, outs):
    n = len(k)
    if input.dtype == jnp.bool_:
        raise _not_implemented(f"max_pool{n}d", input)
    sizes = _sizes(input, n)
    idx = [np.arange(o)[:, None] * si + np.arange(ki)[None, :] * di for o, si, ki, di in zip(outs, s, k, d)]
    pads = [(pi, max(0, int(ix.max()) + 1 - (i + pi))) for pi, ix, i in zip(p, idx, sizes)]
    low = -jnp.inf if jnp.issubdtype(input.dtype, jnp.floating) else jnp.iinfo(input.dtype).min
    xp = jnp.pad(input, [(0, 0)] * (input.ndim - n) + pads, constant_values=jnp.asarray(low, input.dtype))
    g = strided_windows(xp, outs, k, s, d)
    return _argmax_take(g, _flat_index(idx, p, sizes))


@op(method=False, function=False, grad_name=_POOL_1D)
def max_pool1d_with_indices(input: T, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    # PyTorch runs the 2-d pooling on a height-1 view: its checks, messages and all.
    stride = kernel_size if stride is None or stride == [] or stride == () else stride
    k, s, p, d = _check_1d("max_pool1d", input.shape, kernel_size=kernel_size, stride=stride, padding=padding,
                           dilation=dilation)
    shape = input.shape[:-1] + (1, input.shape[-1])
    k, s, p, d, outs = _max_pool_check(shape, 2, (1, k), (1, s), (0, p), (1, d), ceil_mode)
    out, ind = max_pool(input[..., None, :], k, s, p, d, outs)
    return out[..., 0, :], ind[..., 0, :]


@op(method=False, function=False, grad_name="MaxPool2DWithIndicesBackward0")
def max_pool2d_with_indices(input: T, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    return max_pool(input, *_max_pool_check(input.shape, 2, kernel_size, stride, padding, dilation, ceil_mode))


@op(method=False, function=False, grad_name="MaxPool3DWithIndicesBackward0")
def max_pool3d_with_indices(input: T, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    return max_pool(input, *_max_pool_check(input.shape, 3, kernel_size, stride, padding, dilation, ceil_mode))


def _avg_divisor(size, k, s, p, out, count_include_pad):
    start = np.arange(out) * s - p
    end = np.minimum(start + k, size + p)
    full = end - start
    valid = np.minimum(end, size) - np.maximum(start, 0)
    return full if count_include_pad else valid


def avg_pool(input, k, s, p, outs, count_include_pad, divisor_override):
    n = len(k)
    if input.dtype not in (jnp.float32, jnp.float64, jnp.int64) and not (n < 3 and input.dtype in (jnp.float16,
                                                                                                    jnp.bfloat16)):
        raise _not_implemented("avg_pool2d" if n < 3 else "avg_pool3d_out_frame", input)
    sizes = _sizes(input, n)
    pads = [(pi, max(0, (o - 1) * si + ki - (i + pi))) for pi, o, si, ki, i in zip(p, outs, s, k, sizes)]
    lead = input.ndim - n
    total = jax.lax.reduce_window(input, np.zeros((), input.dtype), jax.lax.add, (1,) * lead + k, (1,) * lead + s,
                                  [(0, 0)] * lead + pads)
    if divisor_override is not None:
        div = np.asarray(divisor_override)
    else:
        div = np.ones((), np.int64)
        for i, (size, ki, si, pi, o) in enumerate(zip(sizes, k, s, p, outs)):
            shape = [1] * n
            shape[i] = o
            div = div * _avg_divisor(size, ki, si, pi, o, count_include_pad).reshape(shape)
    # Integer averages truncate toward zero, as PyTorch's integer division does (lax.div does too).
    return jax.lax.div(total, jnp.broadcast_to(jnp.asarray(div, input.dtype), total.shape))


def _avg_pool1d(input, kernel_size, stride, padding, ceil_mode, count_include_pad):
    # PyTorch runs the 2-d pooling on a height-1 view: its checks, messages and all.
    stride = kernel_size if stride is None or stride == [] or stride == () else stride
    k, s, p = _check_1d("avg_pool1d", input.shape, kernel_size=kernel_size, stride=stride, padding=padding)
    shape = input.shape[:-1] + (1, input.shape[-1])
    k, s, p, outs = _avg_pool_check(shape, 2, (1, k), (1, s), (0, p), None, ceil_mode)
    return avg_pool(input[..., None, :], k, s, p, outs, count_include_pad, None)[..., 0, :]


def _avg_pool2d(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    k, s, p, outs = _avg_pool_check(input.shape, 2, kernel_size, stride, padding, divisor_override, ceil_mode)
    return avg_pool(input, k, s, p, outs, count_include_pad, divisor_override)


@op(method=False, grad_name=_POOL_1D)
def avg_pool1d(input: T, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    return _avg_pool1d(input, kernel_size, stride, padding, ceil_mode, count_include_pad)


@op(method=False, function=False, grad_name="AvgPool2DBackward0")
def avg_pool2d(input: T, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    return _avg_pool2d(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


@op(method=False, function=False, grad_name="AvgPool3DBackward0")
def avg_pool3d(input: T, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    k, s, p, outs = _avg_pool_check(input.shape, 3, kernel_size, stride, padding, divisor_override, ceil_mode)
    return avg_pool(input, k, s, p, outs, count_include_pad, divisor_override)


# ----- adaptive pooling: window i spans [floor(i*L/out), ceil((i+1)*L/out)) -----
def _nonempty(fname, shape, dims):
    for i in dims:
        if shape[i] <= 0:
            raise RuntimeError(f"{fname}(): Expected input to have non-zero size for non-batch dimensions, but input "
                               f"has sizes [{_dims(shape)}] with dimension {i} being empty")


def _adaptive_bounds(size, out):
    i = np.arange(out)
    return (i * size) // out, -((-(i + 1) * size) // out)


def adaptive_avg(input, outs: list, n: int):
    """adaptive_avg_pool{2,3}d after the Python wrapper: PyTorch's checks, then the average."""
    fname = f"adaptive_avg_pool{n}d"
    if len(outs) != n:
        raise RuntimeError(f"{fname}: output_size must be {n}")
    if any(o < 0 for o in outs):
        # (PyTorch omits the last space in the 3-d message)
        shown = ", ".join(map(str, outs[:2])) + ("," + str(outs[2]) if n == 3 else "")
        raise RuntimeError(f"{fname}: elements of output_size must be greater than or equal to 0 but received "
                           f"{{{shown}}}")
    if all(o == 1 for o in outs):  # PyTorch takes a mean over the last n dimensions of any input here
        r = max(input.ndim, 1)  # a 0-d tensor wraps dimensions as a 1-d one
        if r < n:  # PyTorch reports the first of dims -1, -2, ... out of range
            raise IndexError(f"Dimension out of range (expected to be in range of [{-r}, {r - 1}], but got {-r - 1})")
        if not jnp.issubdtype(input.dtype, jnp.inexact):
            raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating point or "
                               f"complex dtype. Got: {legacy(input)}")
        return jnp.mean(input, axis=tuple(range(-n, 0)), keepdims=True)
    shape = tuple(input.shape)
    if n == 2:
        if input.ndim not in (3, 4):
            raise RuntimeError(f"{fname}(): Expected 3D or 4D tensor, but got [{_dims(shape)}]")
        _nonempty(fname, shape, (input.ndim - 2, input.ndim - 1))
    else:
        _nonempty(fname, shape, range(1, input.ndim))
        if input.ndim not in (4, 5):
            raise RuntimeError(f"{fname}(): Expected 4D or 5D tensor, but got [{_dims(shape)}]")
    if not jnp.issubdtype(input.dtype, jnp.floating):
        raise _not_implemented("adaptive_avg_pool2d" if n == 2 else "adaptive_avg_pool3d_cpu", input)
    x = input
    for j, (size, out) in enumerate(zip(_sizes(input, n), outs)):
        lo, hi = _adaptive_bounds(size, out)
        pos = np.arange(size)
        m = ((pos[None, :] >= lo[:, None]) & (pos[None, :] < hi[:, None])) / (hi - lo)[:, None]
        axis = x.ndim - n + j
        x = jnp.moveaxis(jnp.tensordot(x, jnp.asarray(m.T, x.dtype), axes=([axis], [0]),
                                       precision=jax.lax.Precision.HIGHEST), -1, axis)
    return x


def _adaptive_op(kind, pool, n):
    """The op adaptive_<kind>_pool<n>d (for max, with its indices): output_size read as n ints, then
    `pool` (adaptive_avg or adaptive_max)."""
    name = f"adaptive_{kind}_pool{n}d" + ("_with_indices" if kind == "max" else "")

    def kernel(input: T, output_size):
        return pool(input, _int_list(output_size, n), n)
    kernel.__name__ = name
    return op(name, method=False, function=False, grad_name=f"Adaptive{kind.capitalize()}Pool{n}DBackward0")(kernel)


@op(method=False, grad_name=_POOL_1D)
def adaptive_avg_pool1d(input: T, output_size):
    (o,) = _check_1d("adaptive_avg_pool1d", input.shape, output_size=output_size)
    return adaptive_avg(input[..., None, :], [1, o], 2)[..., 0, :]


adaptive_avg_pool2d = _adaptive_op("avg", adaptive_avg, 2)
adaptive_avg_pool3d = _adaptive_op("avg", adaptive_avg, 3)


def adaptive_max(input, outs: list, n: int):
    """adaptive_max_pool{2,3}d after the Python wrapper: PyTorch's checks, then the maximum."""
    fname = f"adaptive_max_pool{n}d"
    shape = tuple(input.shape)
    if input.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"{fname}(): Expected {n + 1}D or {n + 2}D tensor, but got: [{_dims(shape)}]")
    _nonempty(fname, shape, range(1, input.ndim))
    if len(outs) != n:
        raise RuntimeError(f"{fname}(): internal error: output_size.size() must be {n}")
    if any(o < 0 for o in outs):
        out_shape = shape[:-n] + tuple(outs)
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(outs)}: [{_dims(out_shape)}]")
    if not jnp.issubdtype(input.dtype, jnp.floating):
        raise _not_implemented("adaptive_max_pool2d" if n == 2 else "adaptive_max_pool3d_cpu", input)
    sizes = _sizes(input, n)
    idx = []
    for size, out in zip(sizes, outs):
        lo, hi = _adaptive_bounds(size, out)
        kmax = int((hi - lo).max()) if out else 1
        # Shorter windows repeat their last element: a duplicate never changes the first maximum.
        idx.append(np.minimum(lo[:, None] + np.arange(kmax)[None, :], hi[:, None] - 1))
    g = windows(input, idx)
    return _argmax_take(g, _flat_index(idx, [0] * n, sizes))


@op(method=False, grad_name=_POOL_1D)
def adaptive_max_pool1d(input: T, output_size):
    (o,) = _check_1d("adaptive_max_pool1d", input.shape, output_size=output_size)
    _nonempty("adaptive_max_pool1d", tuple(input.shape), range(1, input.ndim))
    out, ind = adaptive_max(input[..., None, :], [1, o], 2)
    return out[..., 0, :], ind[..., 0, :]


adaptive_max_pool2d_with_indices = _adaptive_op("max", adaptive_max, 2)
adaptive_max_pool3d_with_indices = _adaptive_op("max", adaptive_max, 3)


def lp_pool(input, norm_type, kernel_size, stride, ceil_mode, n):
    k = ntuple(kernel_size, n, "kernel_size", "pooling")
    if n == 1:
        out = _avg_pool1d(input ** norm_type, kernel_size, stride, 0, ceil_mode, True)
    elif n == 2:
        out = _avg_pool2d(input ** norm_type, k, stride, 0, ceil_mode, True, None)
    else:
        k, s, p, outs = _avg_pool_check(input.shape, 3, k, stride, 0, None, ceil_mode)
        out = avg_pool(input ** norm_type, k, s, p, outs, True, None)
    return (jnp.sign(out) * jnp.maximum(jnp.abs(out), 0) * math.prod(k)) ** (1.0 / norm_type)


@op(method=False, function=False, grad_name="PowBackward0")
def lp_pool1d(input: T, norm_type, kernel_size, stride=None, ceil_mode=False):
    return lp_pool(input, float(norm_type), kernel_size, stride, ceil_mode, 1)


@op(method=False, function=False, grad_name="PowBackward0")
def lp_pool2d(input: T, norm_type, kernel_size, stride=None, ceil_mode=False):
    return lp_pool(input, float(norm_type), kernel_size, stride, ceil_mode, 2)


@op(method=False, function=False, grad_name="PowBackward0")
def lp_pool3d(input: T, norm_type, kernel_size, stride=None, ceil_mode=False):
    return lp_pool(input, float(norm_type), kernel_size, stride, ceil_mode, 3)


@op(method=False, function=False, grad_name=GradName.arrays(
    lambda *a: "MaxUnpool2DBackward0" if a[0].ndim != 3 else "SqueezeBackward1"))
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


# ----- fractional max pooling (Graham): one pseudo-random sequence of window starts per plane -----
_FRAC_DIMS = {2: ("height", "width"), 3: ("time", "height", "width")}


def _frac_starts(u, size: int, out: int, k: int):
    """PyTorch's generate_intervals for samples u (..., ) -> (..., out) window starts, computed in
    the samples' dtype as PyTorch computes them in the input's."""
    if out == 0:
        return jnp.zeros(u.shape + (0,), jnp.int64)
    last = jnp.full(u.shape + (1,), size - k, jnp.int64)
    if out == 1:
        return last
    alpha = jnp.asarray(size - k, u.dtype) / jnp.asarray(out - 1, u.dtype)
    i = jnp.arange(out - 1, dtype=u.dtype)
    # (float -> int truncates toward zero, as C++'s static_cast<int>)
    starts = (jnp.trunc((i + u[..., None]) * alpha) - jnp.trunc(u[..., None] * alpha)).astype(jnp.int64)
    return jnp.concatenate([starts, last], axis=-1)


def fractional_max(input, kernel_size, output_size, samples, n: int):
    fname = f"fractional_max_pool{n}d" + ("" if n == 2 else "_out")
    for name, v in (("kernel_size", kernel_size), ("output_size", output_size)):
        if len(v) != n:
            raise RuntimeError(f"fractional_max_pool{n}d: {name} must either be a single Int or tuple of "
                               f"{'Ints' if n == 2 else 'three Ints'}")
    shape = tuple(input.shape)
    if input.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"{fname}(): Expected {n + 1}D or {n + 2}D tensor, but got: [{_dims(shape)}]")
    for i in range(1, input.ndim):
        if shape[i] <= 0:
            raise RuntimeError(f"{fname}(): Expected input to have non-zero size for non-batch dimensions, but "
                               f"got[{_dims(shape)}] with dimension {i} being empty.")
    sizes = shape[-n:]
    for name, o, k, i in zip(_FRAC_DIMS[n], output_size, kernel_size, sizes):
        if o + k - 1 > i:
            raise RuntimeError(f"{fname}(): pool {name} {k} too large relative to input {name} {i}")
    if samples.dtype != input.dtype:
        raise RuntimeError("Expect _random_samples to have the same dtype as input")
    if samples.ndim != 3:
        raise RuntimeError(f"Expect _random_samples to have 3 dimensions, got {samples.ndim}")
    batch = shape[0] if input.ndim == n + 2 else 1
    if samples.shape[0] < batch:
        raise RuntimeError("Expect _random_samples.size(0) no less then input batch size.")
    if samples.shape[1] != shape[-n - 1]:
        raise RuntimeError("Expect _random_samples.size(1) equals to input channel size.")
    if samples.shape[2] != n:
        raise RuntimeError(f"Expect _random_samples.size(2) equals to {n}; got {samples.shape[2]}.")
    if not jnp.issubdtype(input.dtype, jnp.floating):
        raise _not_implemented(f"fractional_max_pool{n}d_out_frame", input)
    x = input if input.ndim == n + 2 else input[None]
    u = samples[:batch]
    # PyTorch's samples per plane: 2-d (width, height), 3-d (time, height, width).
    order = (1, 0) if n == 2 else (0, 1, 2)
    flat = jnp.zeros(u.shape[:2] + tuple(output_size) + tuple(kernel_size), jnp.int64)
    mult = 1
    for j in reversed(range(n)):
        starts = _frac_starts(u[..., order[j]], sizes[j], output_size[j], kernel_size[j])
        pos = starts[..., None] + jnp.arange(kernel_size[j], dtype=jnp.int64)  # (B, C, out_j, k_j)
        bshape = [pos.shape[0], pos.shape[1]] + [1] * (2 * n)
        bshape[2 + j], bshape[2 + n + j] = pos.shape[2], pos.shape[3]
        flat = flat + pos.reshape(bshape) * mult
        mult *= sizes[j]
    flat = flat.reshape(flat.shape[:2 + n] + (-1,))
    planes = x.reshape(x.shape[:2] + (-1,))
    g = jnp.take_along_axis(planes, flat.reshape(flat.shape[:2] + (-1,)), axis=2).reshape(flat.shape)
    # The first maximum, or the last NaN where a window holds one (PyTorch's `val > max || isnan(val)`).
    nan = jnp.isnan(g)
    last_nan = g.shape[-1] - 1 - jnp.argmax(nan[..., ::-1], axis=-1)
    am = jnp.where(jnp.any(nan, axis=-1), last_nan, jnp.argmax(g, axis=-1))
    out = jnp.take_along_axis(g, am[..., None], axis=-1)[..., 0]
    ind = jnp.take_along_axis(flat, am[..., None], axis=-1)[..., 0]
    if input.ndim == n + 1:
        out, ind = out[0], ind[0]
    return out, ind


@op(method=False, function=False, grad_name="FractionalMaxPool2DBackward0")
def fractional_max_pool2d(input: T, kernel_size, output_size, random_samples: T):
    return fractional_max(input, _int_list(kernel_size, 2), _int_list(output_size, 2), random_samples, 2)


@op(method=False, function=False, grad_name="FractionalMaxPool3DBackward0")
def fractional_max_pool3d(input: T, kernel_size, output_size, random_samples: T):
    return fractional_max(input, _int_list(kernel_size, 3), _int_list(output_size, 3), random_samples, 3)
