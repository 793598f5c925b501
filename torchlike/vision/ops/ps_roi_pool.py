"""torchvision.ops.ps_roi_pool / PSRoIPool: position-sensitive average RoI pooling (R-FCN).

The input has C_out * PH * PW channels; output bin (ph, pw) of output channel c averages input channel
(c * PH + ph) * PW + pw over the bin. Bins are roi_pool's (corners rounded half away from zero) without
the extra pixel. torchvision's forward clips bins to the last row/column index while its backward
clips to the map size, so its gradient spreads over slightly larger bins than the forward read: the
kernel here has a custom vjp that does the same. Windows are sized on the host as in roi_pool.
"""
from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

import torchlike as torch
from torchlike._engine.op import T, op

from ._utils import as_rois, bin_counts, pair
from .ps_roi_align import _check_channels, _position_channels
from .roi_pool import PoolModule, _bin_edges, _window, pool_window


def _bins(rois, spatial_scale, pooled, height, width, backward: bool, xp=jnp, bins=None):
    """(ys, ye), (xs, xe): [K, P] bin edges of the forward (clipped to size - 1) or backward pass."""
    out = []
    for axis, size in ((0, height), (1, width)):
        out.append(_bin_edges(rois, spatial_scale, pooled[axis], size, axis, xp, extra=0,
                              limit=size if backward else size - 1, divisor=None if bins is None else bins[:, axis]))
    return out


def _windows(rois, bins, spatial_scale, pooled, window, height, width, backward):
    """Window indices, inside-the-bin mask [K, PH, BH, PW, BW, 1] and bin areas [K, PH, PW, 1]."""
    (ys, ye), (xs, xe) = _bins(rois, spatial_scale, pooled, height, width, backward, bins=bins)
    yi, yin = _window(ys, ye, window[0], height)
    xi, xin = _window(xs, xe, window[1], width)
    inside = (yin[:, :, :, None, None] & xin[:, None, None, :, :])[..., None]
    area = ((ye - ys)[:, :, None] * (xe - xs)[:, None, :])[..., None]
    empty = ((ye <= ys)[:, :, None] | (xe <= xs)[:, None, :])[..., None]
    return yi, xi, inside, area, empty


def _gather_index(rois, yi, xi, channels):
    batch = rois[:, 0].astype(jnp.int32)[:, None, None, None, None, None]
    return batch, yi[:, :, :, None, None, None], xi[:, None, None, :, :, None], channels


@functools.partial(jax.custom_vjp, nondiff_argnums=(3, 4, 5))
def _pool(input, rois, bins, spatial_scale, pooled, window):
    dt = input.dtype
    n, c, height, width = input.shape
    channels = _position_channels(c // (pooled[0] * pooled[1]), pooled)
    yi, xi, inside, area, empty = _windows(rois, bins, spatial_scale, pooled, window, height, width, False)
    vals = jnp.moveaxis(input, 1, -1)[_gather_index(rois, yi, xi, channels)]
    total = jnp.where(inside, vals, jnp.zeros((), dt)).sum(axis=(2, 4))
    safe = jnp.where(empty, 1, area).astype(dt)
    return jnp.where(empty, jnp.zeros((), dt), total / safe)  # [K, PH, PW, C_out]


def _pool_fwd(input, rois, bins, spatial_scale, pooled, window):
    return _pool(input, rois, bins, spatial_scale, pooled, window), (jnp.zeros_like(input), rois, bins)


def _pool_bwd(spatial_scale, pooled, window, saved, ct):
    zeros, rois, bins = saved
    dt = zeros.dtype
    n, c, height, width = zeros.shape
    channels = _position_channels(c // (pooled[0] * pooled[1]), pooled)
    yi, xi, inside, area, empty = _windows(rois, bins, spatial_scale, pooled, window, height, width, True)
    share = jnp.where(empty, jnp.zeros((), dt), ct / jnp.where(empty, 1, area).astype(dt))
    spread = jnp.where(inside, share[:, :, None, :, None, :], jnp.zeros((), dt))
    grad = jnp.moveaxis(zeros, 1, -1).at[_gather_index(rois, yi, xi, channels)].add(spread)
    return jnp.moveaxis(grad, -1, 1), jnp.zeros_like(rois), jnp.zeros_like(bins)


_pool.defvjp(_pool_fwd, _pool_bwd)


@op(method=False, function=False, grad_name="PsRoiPoolBackward0")
def _vision_ps_roi_pool(input: T, rois: T, bins: T, spatial_scale=1.0, pooled=(1, 1), window=(1, 1)):
    k = rois.shape[0]
    c_out = input.shape[1] // (pooled[0] * pooled[1])
    if k == 0 or c_out == 0 or input.size == 0:
        return jnp.zeros((k, c_out) + tuple(pooled), input.dtype)
    return jnp.moveaxis(_pool(input, rois, bins, spatial_scale, pooled, window), -1, 1)


def _largest_bin(rois: np.ndarray, spatial_scale, pooled, height, width):
    """The largest bin extent of either pass along each axis."""
    sizes = [1, 1]
    for backward in (False, True):
        for axis, (start, end) in enumerate(_bins(rois, spatial_scale, pooled, height, width, backward, np)):
            sizes[axis] = max(sizes[axis], int((end - start).max()))
    return tuple(sizes)


def ps_roi_pool(input, boxes, output_size, spatial_scale: float = 1.0):
    """torchvision.ops.ps_roi_pool: [K, C / (PH * PW), PH, PW] position-sensitive bin averages."""
    rois = as_rois(boxes)
    pooled = tuple(int(v) for v in pair(output_size))
    if rois.size(1) != 5:
        raise RuntimeError("Tensor rois should have shape as Tensor[K, 5]")
    if input.dtype != rois.dtype:
        raise RuntimeError("input and rois must have the same dtype")
    _check_channels(input, pooled)
    if input.dtype not in (torch.float32, torch.float64):
        raise RuntimeError("ps_roi_pool only supports float and double types")
    rois = rois.detach()
    window = pool_window(input, rois, spatial_scale, pooled, _largest_bin)
    return _vision_ps_roi_pool(input, rois, bin_counts(pooled, input, rois), float(spatial_scale), pooled, window)


class PSRoIPool(PoolModule):
    """torchvision.ops.PSRoIPool: ps_roi_pool as a module."""

    pool = staticmethod(ps_roi_pool)
