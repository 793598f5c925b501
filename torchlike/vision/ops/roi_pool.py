"""torchvision.ops.roi_pool / RoIPool: the maximum over each output bin of a box snapped to whole pixels.

As torchvision's CPU kernel: box corners scaled and rounded half away from zero, at least one pixel
wide, bins [floor(i * size / n), ceil((i + 1) * size / n)) clipped to the map; an empty bin gives 0,
a bin whose values are all NaN or below -FLT_MAX gives -FLT_MAX. The gradient goes to the first
maximum in row-major order, as torchvision's argmax does; rois get none.

The kernel gathers a fixed window per bin: its size is the largest bin, read on the host from the
rois' values, or the whole feature map inside a torchlike.compile trace.
"""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

import torchlike as torch
from torchlike._engine.op import T, op
from torchlike._tensor import concrete

from ._utils import as_rois, bin_counts, pair


def _round_half_away(v, xp):
    """C's round(): halves go away from zero (numpy's and jax's round go to even)."""
    t = xp.trunc(v)
    return xp.where(xp.abs(v - t) >= 0.5, t + xp.sign(v), t)


def _bin_edges(rois, spatial_scale, pooled, size, axis, xp, extra: int = 1, limit=None, divisor=None):
    """[K, pooled] start and end pixel of every bin along one axis (axis 0: y, 1: x), clipped to
    [0, limit] (default size). extra: pixels added to the rounded box length (roi_pool counts both
    corner pixels, ps_roi_pool does not). divisor: pooled as a kernel input (see bin_counts)."""
    dt = rois.dtype
    scale = xp.asarray(spatial_scale, dtype=dt)
    lo = _round_half_away(rois[:, 2 - axis] * scale, xp).astype(np.int32)
    hi = _round_half_away(rois[:, 4 - axis] * scale, xp).astype(np.int32)
    length = xp.maximum(hi - lo + extra, 1)
    bin_size = length.astype(dt) / (xp.asarray(pooled, dtype=dt) if divisor is None else divisor)
    i = xp.arange(pooled, dtype=dt)[None, :]
    start = xp.floor(i * bin_size[:, None]).astype(np.int32) + lo[:, None]
    end = xp.ceil((i + 1) * bin_size[:, None]).astype(np.int32) + lo[:, None]
    limit = size if limit is None else limit
    return xp.clip(start, 0, limit), xp.clip(end, 0, limit)


def _largest_bin(rois: np.ndarray, spatial_scale, pooled, height, width):
    sizes = []
    for axis, size in ((0, height), (1, width)):
        start, end = _bin_edges(rois, spatial_scale, pooled[axis], size, axis, np)
        sizes.append(max(int((end - start).max()), 1))
    return tuple(sizes)


def _window(start, end, extent: int, size: int):
    """[K, P, extent] pixel indices from each bin's start (clipped into the map) and which are inside the bin."""
    idx = start[:, :, None] + jnp.arange(extent, dtype=jnp.int32)[None, None, :]
    return jnp.clip(idx, 0, size - 1), idx < end[:, :, None]


@op(method=False, function=False, grad_name="RoiPoolBackward0")
def _vision_roi_pool(input: T, rois: T, bins: T, spatial_scale=1.0, pooled=(1, 1), window=(1, 1)):
    n, c, height, width = input.shape
    k = rois.shape[0]
    if k == 0 or input.size == 0:
        return jnp.zeros((k, c) + tuple(pooled), input.dtype)
    dt = input.dtype
    ys, ye = _bin_edges(rois, spatial_scale, pooled[0], height, 0, jnp, divisor=bins[:, 0])
    xs, xe = _bin_edges(rois, spatial_scale, pooled[1], width, 1, jnp, divisor=bins[:, 1])
    yi, yin = _window(ys, ye, window[0], height)
    xi, xin = _window(xs, xe, window[1], width)
    batch = rois[:, 0].astype(jnp.int32)[:, None, None, None, None]
    vals = jnp.moveaxis(input, 1, -1)[batch, yi[:, :, :, None, None], xi[:, None, None, :, :]]
    # [K, PH, BH, PW, BW, C] -> [K, C, PH, PW, BH * BW]: window pixels in row-major order
    vals = jnp.transpose(vals, (0, 5, 1, 3, 2, 4)).reshape(k, c, pooled[0], pooled[1], -1)
    inside = (yin[:, :, :, None, None] & xin[:, None, None, :, :]).transpose(0, 1, 3, 2, 4)
    inside = inside.reshape(k, 1, pooled[0], pooled[1], -1)
    lowest = jnp.asarray(-np.finfo(np.float32).max, dt)
    # the kernel's running max takes a value only when strictly greater (NaN never is) than -FLT_MAX
    candidates = jnp.where(inside & (vals > lowest), vals, -jnp.inf)
    first = jnp.argmax(candidates, axis=-1)[..., None]
    picked = jnp.take_along_axis(vals, first, axis=-1)[..., 0]
    found = jnp.take_along_axis(candidates, first, axis=-1)[..., 0] > lowest
    empty = ((ye <= ys)[:, :, None] | (xe <= xs)[:, None, :])[:, None]
    fallback = jnp.where(empty, jnp.zeros((), dt), lowest)
    return jnp.where(found, picked, fallback)


def roi_pool(input, boxes, output_size, spatial_scale: float = 1.0):
    """torchvision.ops.roi_pool: [K, C, output_size] bin maxima of input [N, C, H, W] over boxes
    (Tensor[K, 5] with the batch index first, or a list of per-image Tensor[L, 4])."""
    rois = as_rois(boxes)
    pooled = tuple(int(v) for v in pair(output_size))
    if input.dtype != rois.dtype:
        raise RuntimeError("input and rois must have the same dtype")
    if input.dim() != 4:
        raise RuntimeError(f"Dimension out of range (expected to be in range of [-{input.dim()}, {input.dim() - 1}], "
                           f"but got 3)")
    if input.dtype not in (torch.float32, torch.float64):
        raise RuntimeError("roi_pool only supports float and double types")
    rois = rois.detach()  # torchvision gives the boxes no gradient
    window = pool_window(input, rois, spatial_scale, pooled, _largest_bin)
    return _vision_roi_pool(input, rois, bin_counts(pooled, input, rois), float(spatial_scale), pooled, window)


def pool_window(input, rois, spatial_scale, pooled, largest_bin) -> tuple:
    """The window every bin's gather spans: the largest bin of concrete boxes (1x1 for none), the whole
    map for traced ones."""
    height, width = input.shape[2], input.shape[3]
    if not concrete(rois):
        return (max(height, 1), max(width, 1))
    if rois.size(0) == 0:
        return (1, 1)
    return largest_bin(rois.cpu().numpy(), float(spatial_scale), pooled, height, width)


class PoolModule(torch.nn.Module):
    """A RoI pooling function (`pool`) as a module, printed as torchvision's."""

    pool = None

    def __init__(self, output_size, spatial_scale: float):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale

    def forward(self, input, rois):
        return type(self).pool(input, rois, self.output_size, self.spatial_scale)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(output_size={self.output_size}, spatial_scale={self.spatial_scale})"


class RoIPool(PoolModule):
    """torchvision.ops.RoIPool: roi_pool as a module."""

    pool = staticmethod(roi_pool)
