"""Spatial operators behind torch.nn.functional: padding, interpolation, grid sampling, affine
grids, pixel (un)shuffle, channel shuffle, and im2col/col2im (unfold/fold).

Interpolation is separable: each spatial dimension is resampled by a constant (out x in) matrix
built in numpy with PyTorch's index arithmetic (float32 for float32 inputs, float64 for float64
ones), so gradients are the exact transposes PyTorch accumulates.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .._engine.grad_name import GradName
from .conv import legacy, ntuple
from .pooling import windows
from .._engine.op import N, T, op

_HI = jax.lax.Precision.HIGHEST


# ----- padding (PyTorch's order: last dimension first, (left, right) pairs) -----
@op(method=False, grad_name="ConstantPadNdBackward0")
def constant_pad_nd(input: T, pad, value: N = 0):
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {input.ndim}")
    cfg = [(0, 0, 0)] * input.ndim
    for i in range(len(pad) // 2):
        cfg[input.ndim - 1 - i] = (int(pad[2 * i]), int(pad[2 * i + 1]), 0)
    for d, (lo, hi, _) in enumerate(cfg):
        if input.shape[d] + lo + hi < 0:
            raise RuntimeError(f"The input size {input.shape[d]}, plus negative padding {lo} and {hi} resulted in a "
                               f"negative output size, which is invalid. Check dimension {d} of your input.")
    return jax.lax.pad(input, jnp.asarray(value, input.dtype), cfg)


_MODE_NAME = {"reflect": "Reflection", "replicate": "Replication", "circular": "Circular"}


@op(method=False, function=False,
    grad_name=GradName.static(lambda pad, mode: f"{_MODE_NAME[mode]}Pad{len(pad) // 2}DBackward0"))
def _pad_nonconstant(input: T, pad, mode):
    """reflect / replicate / circular padding of the last len(pad)//2 dimensions."""
    n = len(pad) // 2
    if len(pad) % 2 or n not in (1, 2, 3) or input.ndim not in (n + 1, n + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.ndim}D input tensor.\nSupported combinations for "
            "non-constant padding:\n  - 2D or 3D input: padding size = 2 (pads last dimension)\n  - 3D or 4D input: "
            "padding size = 4 (pads last 2 dimensions)\n  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    widths = [(0, 0)] * input.ndim
    for i in range(n):
        d = input.ndim - 1 - i
        lo, hi = int(pad[2 * i]), int(pad[2 * i + 1])
        size = input.shape[d]
        if mode == "reflect" and (lo >= size or hi >= size):
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input dimension, "
                               f"but got: padding ({lo}, {hi}) at dimension {d} of input "
                               f"[{', '.join(map(str, input.shape))}]")
        if mode == "circular" and (lo > size or hi > size):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        widths[d] = (lo, hi)
    if mode == "replicate":
        # Output j reads input clamp(j - lo, 0, size - 1), as PyTorch's kernel does; this also covers
        # negative widths, even a crop of the whole dimension followed by padding.
        out = input
        for d, (lo, hi) in enumerate(widths):
            if lo or hi:
                src = np.clip(np.arange(input.shape[d] + lo + hi) - lo, 0, input.shape[d] - 1)
                out = jnp.take(out, jnp.asarray(src), axis=d)
        return out
    # Negative widths crop first (jnp.pad takes only non-negative ones); circular padding then wraps
    # what is left, as PyTorch's does.
    crop = tuple(slice(-lo if lo < 0 else None, hi if hi < 0 else None) for lo, hi in widths)
    return jnp.pad(input[crop], [(max(lo, 0), max(hi, 0)) for lo, hi in widths],
                   mode={"reflect": "reflect", "circular": "wrap"}[mode])


# ----- interpolation -----
def _scale(in_size, out_size, align_corners, scale, dtype=np.float32):
    """PyTorch's source/destination scale, in the kernel's compute type (float for nearest and
    float inputs, double for double inputs)."""
    if align_corners:
        return dtype(in_size - 1) / dtype(out_size - 1) if out_size > 1 else dtype(0)
    return dtype(1.0 / scale) if scale is not None and scale > 0 else dtype(in_size) / dtype(out_size)


def _nearest_index(in_size, out_size, scale, exact):
    if out_size == in_size and not exact:
        return np.arange(out_size)
    s = _scale(in_size, out_size, False, scale)
    dst = np.arange(out_size, dtype=np.float32)
    src = np.floor(((dst + np.float32(0.5)) if exact else dst) * s).astype(np.int64)
    return np.minimum(src, in_size - 1)


def _linear_matrix(in_size, out_size, align_corners, scale, dtype):
    s = _scale(in_size, out_size, align_corners, scale, dtype)
    dst = np.arange(out_size, dtype=dtype)
    src = (s * dst).astype(dtype) if align_corners else np.maximum(s * (dst + dtype(0.5)) - dtype(0.5), 0)
    i0 = src.astype(np.int64)
    lam = (src - i0).astype(dtype)
    i1 = i0 + (i0 < in_size - 1)
    m = np.zeros((out_size, in_size), dtype)
    np.add.at(m, (np.arange(out_size), i0), 1 - lam)
    np.add.at(m, (np.arange(out_size), i1), lam)
    return m


def _cubic_matrix(in_size, out_size, align_corners, scale, dtype):
    s = _scale(in_size, out_size, align_corners, scale, dtype)
    dst = np.arange(out_size, dtype=dtype)
    src = (s * dst).astype(dtype) if align_corners else (s * (dst + dtype(0.5)) - dtype(0.5)).astype(dtype)
    i0 = np.floor(src).astype(np.int64)
    t = (src - i0).astype(dtype)
    a = dtype(-0.75)

    def near(x):  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    coeffs = [far(t + 1), near(t), near(1 - t), far(2 - t)]
    m = np.zeros((out_size, in_size), dtype)
    for k, c in enumerate(coeffs):
        np.add.at(m, (np.arange(out_size), np.clip(i0 - 1 + k, 0, in_size - 1)), c)
    return m


def _uint8_weights(in_size, out_size, align_corners, scale, cubic):
    """PyTorch's uint8 bilinear/bicubic weights: the float path's taps (computed in double),
    those falling outside the input folded onto the edge pixels, as int16 fixed point. Returns
    the (out x in) integer matrix and its number of fraction bits."""
    s = _scale(in_size, out_size, align_corners, scale, np.float64)
    taps = 4 if cubic else 2
    support = taps // 2

    def filt(x):
        x, a = abs(x), -0.75
        if not cubic:
            return max(1.0 - x, 0.0)
        if x < 1.0:
            return ((a + 2) * x - (a + 3)) * x * x + 1
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a if x < 2.0 else 0.0
    w = np.zeros((out_size, in_size))
    w_max = 0.0
    for i in range(out_size):
        real = s * i if align_corners else s * (i + 0.5) - 0.5
        if not cubic and not align_corners:
            real = max(real, 0.0)
        index = min(int(np.floor(np.float32(real))), in_size - 1)  # (floorf: rounds to float first)
        lam = min(max(real - index, 0.0), 1.0)
        first = index - support + 1
        lo = max(first, 0)
        size = min(max(min(index + support + 1, in_size) - lo, 0), taps)
        row, k = np.zeros(taps), 0
        for j in range(taps):
            if first + j <= 0:
                k = 0
            elif first + j >= in_size - 1:
                k = size - 1
            row[k] += filt(j + 1 - support - lam)
            w_max = max(w_max, row[k])  # (the running sums count, as in PyTorch)
            k += 1
        w[i, lo:lo + size] = row[:size]
    bits = 0
    while bits < 22 and int(0.5 + w_max * (1 << (bits + 1))) < (1 << 15):
        bits += 1
    v = w * (1 << bits)
    return np.where(v < 0, np.trunc(v - 0.5), np.trunc(v + 0.5)).astype(np.int32), bits


def _uint8_resample(x, size, scales, align_corners, cubic):
    """uint8 bilinear/bicubic as PyTorch's CPU kernel does it: width pass then height pass (a pass
    is skipped where the size is unchanged), each rounding and saturating to uint8."""
    for axis, out, scale in ((3, size[1], scales[1]), (2, size[0], scales[0])):
        if x.shape[axis] == out:
            continue
        m, bits = _uint8_weights(x.shape[axis], out, align_corners, scale, cubic)
        acc = jnp.tensordot(x.astype(jnp.int32), jnp.asarray(m.T), axes=([axis], [0])) + (1 << bits >> 1)
        x = jnp.moveaxis(jnp.clip(acc >> bits, 0, 255).astype(jnp.uint8), -1, axis)
    return x


def _upsample_kernel(mode, size) -> str:
    """The name of the CPU kernel PyTorch picks (2-d outputs up to 128 rows plus columns take
    its vectorised one), as its dtype errors give it."""
    if len(size) == 2 and size[0] + size[1] <= 128 and mode in ("nearest", "nearest-exact", "bilinear"):
        return "upsample_bilinear2d_channels_last" if mode == "bilinear" else "upsample_nearest2d_channels_last"
    kind = {"bicubic": "cubic", "nearest": "nearest", "nearest-exact": "nearest"}.get(mode, "linear")
    return f"compute_indices_weights_{kind}"


_UP_NAMES = {"nearest": "Nearest", "nearest-exact": "NearestExact", "linear": "Linear", "bilinear": "Bilinear",
             "bicubic": "Bicubic", "trilinear": "Trilinear"}


@op(method=False, function=False,
    grad_name=GradName.static(lambda size, scales, mode, align_corners: f"Upsample{_UP_NAMES[mode]}{len(size)}DBackward0"))
def _upsample(input: T, size, scales, mode, align_corners):
    """Resample the trailing len(size) dimensions to `size` (PyTorch's upsample_* kernels)."""
    n = len(size)
    x = input
    if x.dtype == jnp.uint8 and mode in ("bilinear", "bicubic"):
        return _uint8_resample(x, size, scales, align_corners, mode == "bicubic")
    if not jnp.issubdtype(x.dtype, jnp.floating) and not (x.dtype == jnp.uint8 and mode.startswith("nearest")):
        raise NotImplementedError(f"\"{_upsample_kernel(mode, size)}\" not implemented for '{legacy(x)}'")
    for j, (out, scale) in enumerate(zip(size, scales)):
        axis = x.ndim - n + j
        in_size = x.shape[axis]
        if mode in ("nearest", "nearest-exact"):
            x = jnp.take(x, jnp.asarray(_nearest_index(in_size, out, scale, mode == "nearest-exact")), axis=axis)
            continue
        dt = np.float64 if x.dtype == jnp.float64 else np.float32
        build = _cubic_matrix if mode == "bicubic" else _linear_matrix
        m = build(in_size, out, align_corners, scale, dt)
        x = jnp.moveaxis(jnp.tensordot(x, jnp.asarray(m.T, x.dtype), axes=([axis], [0]), precision=_HI), -1, axis)
    return x


# ----- grid sampling -----
def _unnormalize(c, size, align_corners):
    return (c + 1) / 2 * (size - 1) if align_corners else ((c + 1) * size - 1) / 2


def _reflect(c, low2, high2):
    if low2 == high2:
        return jnp.zeros_like(c)
    lo, span = low2 / 2, (high2 - low2) / 2
    c = jnp.abs(c - lo)
    extra = jnp.fmod(c, span)
    flips = jnp.floor(c / span)
    return jnp.where(jnp.fmod(flips, 2) == 0, extra + lo, span - extra + lo)


def _source(c, size, padding_mode, align_corners):
    c = _unnormalize(c, size, align_corners)
    if padding_mode == "reflection":
        c = _reflect(c, 0, 2 * (size - 1)) if align_corners else _reflect(c, -1, 2 * size - 1)
    if padding_mode in ("border", "reflection"):
        c = jnp.clip(c, 0, size - 1)
    return c


@op(method=False, grad_name="GridSampler2DBackward0")
def grid_sampler(input: T, grid: T, interpolation_mode=0, padding_mode=0, align_corners=False):
    """2-d grid sampling; interpolation_mode 0 bilinear, 1 nearest; padding_mode 0 zeros, 1 border,
    2 reflection (PyTorch's enum values)."""
    if input.ndim != 4 or grid.ndim != 4:
        raise NotImplementedError("grid_sample: only 4-D input (2-d sampling) is supported")
    if interpolation_mode not in (0, 1):
        raise NotImplementedError("grid_sample: bicubic interpolation is not supported")
    if grid.shape[0] != input.shape[0] or grid.shape[-1] != 2:
        raise RuntimeError(f"grid_sampler(): expected grid to have size 2 in last dimension and the same batch size "
                           f"as input, but got grid with sizes [{', '.join(map(str, grid.shape))}]")
    pm = ("zeros", "border", "reflection")[padding_mode]
    n, c, h, w = input.shape
    ho, wo = grid.shape[1:3]
    grid = grid.astype(input.dtype)
    ix = _source(grid[..., 0], w, pm, align_corners)
    iy = _source(grid[..., 1], h, pm, align_corners)
    flat = input.reshape(n, c, h * w)

    def tap(yy, xx):
        ok = (xx >= 0) & (xx <= w - 1) & (yy >= 0) & (yy <= h - 1)
        pos = (jnp.clip(yy, 0, h - 1) * w + jnp.clip(xx, 0, w - 1)).astype(jnp.int64).reshape(n, 1, ho * wo)
        vals = jnp.take_along_axis(flat, pos, axis=2).reshape(n, c, ho, wo)
        return vals * ok[:, None].astype(input.dtype)
    if interpolation_mode == 1:
        return tap(jnp.round(iy), jnp.round(ix))
    x0, y0 = jnp.floor(ix), jnp.floor(iy)
    wx1, wy1 = ix - x0, iy - y0
    wx0, wy0 = 1 - wx1, 1 - wy1
    out = tap(y0, x0) * (wy0 * wx0)[:, None] + tap(y0, x0 + 1) * (wy0 * wx1)[:, None]
    return out + tap(y0 + 1, x0) * (wy1 * wx0)[:, None] + tap(y0 + 1, x0 + 1) * (wy1 * wx1)[:, None]


def _base_coords(steps, align_corners, dtype):
    if steps <= 1:
        return jnp.zeros((steps,), dtype)
    r = jnp.linspace(-1.0, 1.0, steps, dtype=dtype)
    return r if align_corners else r * (steps - 1) / steps


@op(method=False, grad_name="AffineGridGeneratorBackward0")
def affine_grid_generator(theta: T, size, align_corners):
    if len(size) == 4:
        n, _, h, w = size
        if theta.shape != (n, 2, 3):
            raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {tuple(size)}. "
                             f"Got {tuple(theta.shape)}.")
        ys, xs = _base_coords(h, align_corners, theta.dtype), _base_coords(w, align_corners, theta.dtype)
        base = jnp.stack([jnp.broadcast_to(xs[None, :], (h, w)), jnp.broadcast_to(ys[:, None], (h, w)),
                          jnp.ones((h, w), theta.dtype)], axis=-1)
        return jnp.einsum("hwk,nik->nhwi", base, theta, precision=_HI)
    if len(size) == 5:
        n, _, d, h, w = size
        if theta.shape != (n, 3, 4):
            raise ValueError(f"Expected a batch of 3D affine matrices of shape Nx3x4 for size {tuple(size)}. "
                             f"Got {tuple(theta.shape)}.")
        zs, ys = _base_coords(d, align_corners, theta.dtype), _base_coords(h, align_corners, theta.dtype)
        xs = _base_coords(w, align_corners, theta.dtype)
        shape = (d, h, w)
        base = jnp.stack([jnp.broadcast_to(xs[None, None, :], shape), jnp.broadcast_to(ys[None, :, None], shape),
                          jnp.broadcast_to(zs[:, None, None], shape), jnp.ones(shape, theta.dtype)], axis=-1)
        return jnp.einsum("dhwk,nik->ndhwi", base, theta, precision=_HI)
    raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                              f"respectively. Got size {tuple(size)}.")


# ----- shuffles -----
def _image_dims(name, input):
    """(channels, height, width): input's last three dimensions, which it must have."""
    if input.ndim < 3:
        raise RuntimeError(f"{name} expects input to have at least 3 dimensions, but got input with "
                           f"{input.ndim} dimension(s)")
    return input.shape[-3:]


def _regroup(input, split, order, merged):
    """The last three dimensions of input split into `split`, permuted into `order` (indices into
    `split`) and merged into `merged`: pixel_shuffle's data movement and its inverse."""
    lead = input.shape[:-3]
    k = len(lead)
    x = jnp.transpose(input.reshape(lead + split), tuple(range(k)) + tuple(k + i for i in order))
    return x.reshape(lead + merged)


@op(method=False)
def pixel_shuffle(input: T, upscale_factor):
    r = int(upscale_factor)
    c, h, w = _image_dims("pixel_shuffle", input)
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
    # (c r r, h, w) -> (c, h r, w r): each channel's r x r block of pixels.
    return _regroup(input, (c // (r * r), r, r, h, w), (0, 3, 1, 4, 2), (c // (r * r), h * r, w * r))


@op(method=False)
def pixel_unshuffle(input: T, downscale_factor):
    r = int(downscale_factor)
    c, h, w = _image_dims("pixel_unshuffle", input)
    for name, size, d in (("height", h, -2), ("width", w, -1)):
        if size % r:
            raise RuntimeError(f"pixel_unshuffle expects {name} to be divisible by downscale_factor, but "
                               f"input.size({d})={size} is not divisible by {r}")
    return _regroup(input, (c, h // r, r, w // r, r), (0, 2, 4, 1, 3), (c * r * r, h // r, w // r))


@op(method=False)
def channel_shuffle(input: T, groups):
    c = input.shape[1]
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of groups:{groups}")
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels and {groups} groups.")
    x = input.reshape((input.shape[0], groups, c // groups) + input.shape[2:])
    return jnp.swapaxes(x, 1, 2).reshape(input.shape)


# ----- im2col / col2im -----
def _block_index(sizes, k, d, p, s):
    outs = [(i + 2 * pi - di * (ki - 1) - 1) // si + 1 for i, ki, di, pi, si in zip(sizes, k, d, p, s)]
    idx = [np.arange(o)[:, None] * si + np.arange(ki)[None, :] * di for o, si, ki, di in zip(outs, s, k, d)]
    return outs, idx


@op(method=False, function=False, grad_name="Im2ColBackward0")
def im2col(input: T, kernel_size, dilation=1, padding=0, stride=1):
    if input.ndim not in (3, 4):
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor for input with possible 0 batch size and non-zero "
                           f"dimensions, but got: [{', '.join(map(str, input.shape))}]")
    k, d = ntuple(kernel_size, 2, "kernel_size"), ntuple(dilation, 2, "dilation")
    p, s = ntuple(padding, 2, "padding"), ntuple(stride, 2, "stride")
    x = input if input.ndim == 4 else input[None]
    outs, idx = _block_index(x.shape[2:], k, d, p, s)
    if any(o <= 0 for o in outs):
        raise RuntimeError(f"Given input with spatial size ({x.shape[2]}, {x.shape[3]}), kernel_size=({k[0]}, "
                           f"{k[1]}), dilation=({d[0]}, {d[1]}), padding=({p[0]}, {p[1]}), calculated shape of the "
                           f"array of sliding blocks as ({outs[0]}, {outs[1]}), but its components must be at least "
                           f"one.")
    xp = jnp.pad(x, [(0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])])
    g = windows(xp, idx)  # (N, C, oh, ow, K)
    n, c = x.shape[:2]
    out = jnp.moveaxis(g, -1, 2).reshape(n, c * k[0] * k[1], outs[0] * outs[1])
    return out if input.ndim == 4 else out[0]


@op(method=False, function=False, grad_name="Col2ImBackward0")
def col2im(input: T, output_size, kernel_size, dilation=1, padding=0, stride=1):
    if input.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2D or 3D (batch mode) tensor for input with possible 0 batch size and non-zero "
                           f"dimensions, but got: [{', '.join(map(str, input.shape))}]")
    size = ntuple(output_size, 2, "output_size")
    k, d = ntuple(kernel_size, 2, "kernel_size"), ntuple(dilation, 2, "dilation")
    p, s = ntuple(padding, 2, "padding"), ntuple(stride, 2, "stride")
    x = input if input.ndim == 3 else input[None]
    kk = k[0] * k[1]
    if x.shape[1] % kk:
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, but "
                           f"got input.size(1)={x.shape[1]} and kernel_size=({k[0]}, {k[1]}).")
    outs, idx = _block_index(size, k, d, p, s)
    if x.shape[2] != outs[0] * outs[1]:
        raise RuntimeError(f"Given output_size=({size[0]}, {size[1]}), kernel_size=({k[0]}, {k[1]}), dilation=("
                           f"{d[0]}, {d[1]}), padding=({p[0]}, {p[1]}), stride=({s[0]}, {s[1]}), expected size of "
                           f"input's dimension 2 to match the calculated number of sliding blocks {outs[0]} * "
                           f"{outs[1]} = {outs[0] * outs[1]}, but got input.size(2)={x.shape[2]}.")
    n, c = x.shape[0], x.shape[1] // kk
    hp, wp = size[0] + 2 * p[0], size[1] + 2 * p[1]
    # flat padded position of (kernel element, block): rows follow (kh, kw), columns (oh, ow)
    pos = (idx[0].T[:, None, :, None] * wp + idx[1].T[None, :, None, :]).reshape(kk, -1)
    vals = x.reshape(n, c, kk * x.shape[2])
    out = jnp.zeros((n, c, hp * wp), input.dtype).at[:, :, jnp.asarray(pos.reshape(-1))].add(vals)
    out = out.reshape(n, c, hp, wp)[:, :, p[0]:p[0] + size[0], p[1]:p[1] + size[1]]
    return out if input.ndim == 3 else out[0]



# ----- weight normalisation -----
def _norm_except(v, pw, dim):
    if dim == -1 or dim is None:
        return jnp.sum(jnp.abs(v) ** pw) ** (1.0 / pw)
    axes = tuple(a for a in range(v.ndim) if a != dim % v.ndim)
    return jnp.sum(jnp.abs(v) ** pw, axis=axes, keepdims=True) ** (1.0 / pw)


@op(method=False)
def norm_except_dim(v: T, pow=2, dim=0):
    return _norm_except(v, pow, dim)


@op(method=False, function=False, grad_name="WeightNormInterfaceBackward0")
def _weight_norm(v: T, g: T, dim=0):
    """v * (g / ||v||), the norm taken over every dimension but `dim` (all of them for dim=-1)."""
    return v * (g / _norm_except(v, 2, dim))


# ----- spectral normalisation -----
def _as_matrix(weight, dim):
    w = jnp.moveaxis(weight, dim, 0) if dim else weight
    return w.reshape(w.shape[0], -1)


def _unit(x, eps):
    return x / jnp.maximum(jnp.linalg.norm(x), eps)


@op(method=False, function=False, differentiable=False)
def _spectral_power(weight: T, u: T, v: T, dim=0, n_iter=1, eps=1e-12):
    """n_iter power-iteration steps (u first, then v) for the top singular vectors of the weight
    viewed as a (size(dim), -1) matrix."""
    w = _as_matrix(weight, dim)
    for _ in range(n_iter):
        u = _unit(jnp.matmul(w, v, precision=_HI), eps)
        v = _unit(jnp.matmul(w.T, u, precision=_HI), eps)
    return u, v


@op(method=False, function=False, grad_name="DivBackward0")
def _spectral_divide(weight: T, u: T, v: T, dim=0):
    """weight / sigma with sigma = u . (W v), the gradient flowing through W only."""
    sigma = jnp.dot(u, jnp.matmul(_as_matrix(weight, dim), v, precision=_HI), precision=_HI)
    return weight / sigma


# ----- torch.nn.functional.pad -----
def pad(input, pad, mode: str = "constant", value: float | None = None):
    """Mirrors `torch.nn.functional.pad` (pairs from the last dimension backwards)."""
    pad = tuple(int(p) for p in pad)
    if mode == "constant":
        return constant_pad_nd(input, pad, 0 if value is None else value)
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) > 2 * input.ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {input.ndim}")
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    return _pad_nonconstant(input, pad, mode)
