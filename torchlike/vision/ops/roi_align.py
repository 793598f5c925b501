"""torchvision.ops.roi_align / RoIAlign: average of bilinear samples on a regular grid in each output bin.

The arithmetic follows torchvision's CPU kernel step by step in the input's dtype: box corners scaled
and (aligned=True) shifted by half a pixel, boxes under one pixel widened to one (aligned=False),
samples at the centres of a grid_h x grid_w lattice per bin, a sample outside [-1, size] contributing
zero, coordinates clamped to the last row/column. The gradient w.r.t. the feature map is the vjp of
this gather (torchvision's backward scatters the same weights); rois get none, as in torchvision.

sampling_ratio <= 0 ("adaptive") gives each roi ceil(roi_size / output_size) samples per bin axis: the
grids are computed on the host from the rois' values and the kernel samples on the largest one with
the rest masked, so a torchlike.compile step with an adaptive call runs eagerly (with a warning).
"""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

import torchlike as torch
from torchlike._engine.op import T, op
from ._utils import as_rois, bin_counts, pair
from .boxes import host_values

_FLOATS = ("float32", "float64", "float16")


def _roi_geometry(rois, spatial_scale, pooled, aligned, xp):
    """Per roi: start (y, x) and size (h, w) of the box in feature-map pixels, in the rois' dtype.

    xp is numpy (host grids) or jax.numpy (the kernel): the same steps give the same values."""
    dt = rois.dtype
    scale = xp.asarray(spatial_scale, dtype=dt)
    offset = xp.asarray(0.5 if aligned else 0.0, dtype=dt)
    x0, y0 = rois[:, 1] * scale - offset, rois[:, 2] * scale - offset
    x1, y1 = rois[:, 3] * scale - offset, rois[:, 4] * scale - offset
    h, w = y1 - y0, x1 - x0
    if not aligned:  # boxes smaller than a pixel count as one pixel
        one = xp.asarray(1.0, dtype=dt)
        h = xp.where(h < one, one, h)
        w = xp.where(w < one, one, w)
    return (y0, x0), (h, w)


def _adaptive_grids(rois: np.ndarray, spatial_scale, pooled, aligned) -> np.ndarray:
    """[K, 2] samples per bin along (y, x) when sampling_ratio <= 0: ceil(roi size / bins)."""
    _, (h, w) = _roi_geometry(rois, spatial_scale, pooled, aligned, np)
    gh = np.ceil(h / rois.dtype.type(pooled[0]))
    gw = np.ceil(w / rois.dtype.type(pooled[1]))
    return np.stack([gh, gw], axis=1).astype(np.int32)


def _axis_samples(start, bin_size, grid, pooled: int, grid_max: int, size: int, dt):
    """Bilinear taps along one axis for every (roi, bin, sample): low/high pixel, their weights, and
    whether the sample counts (inside the roi's own grid and not beyond [-1, size])."""
    p = jnp.arange(pooled, dtype=dt)[None, :, None]
    i = jnp.arange(grid_max, dtype=jnp.int32)
    frac = (i.astype(jnp.float32) + 0.5).astype(dt)[None, None, :]
    g = grid[:, None, None]
    bin_ = bin_size[:, None, None]
    # a roi with an empty grid samples nothing; dividing by 1 keeps its unused coordinates finite
    c = (start[:, None, None] + p * bin_) + frac * bin_ / jnp.maximum(g, 1).astype(dt)
    inside = (c >= -1.0) & (c <= size)  # NaN coordinates are outside
    c = jnp.where(c <= 0, jnp.zeros((), dt), c)
    c = jnp.where(inside, c, jnp.zeros((), dt))
    low = c.astype(jnp.int32)
    last = low >= size - 1
    low = jnp.where(last, size - 1, low)
    high = jnp.where(last, size - 1, low + 1)
    c = jnp.where(last, low.astype(dt), c)
    lw = c - low.astype(dt)
    hw = jnp.asarray(1.0, dt) - lw
    counts = inside & (i[None, None, :] < g)
    zero = jnp.zeros((), dt)  # zero weights, so an unused sample adds nothing to the gradient either
    return low, high, jnp.where(counts, hw, zero), jnp.where(counts, lw, zero), counts


def _bilinear_bins(input, rois, grids, bins, spatial_scale, pooled, grid_max, aligned, channels=None):
    """[K, PH, GH, PW, GW, C'] weighted samples (zero where a sample does not count).

    channels: None for every channel (C' = C), or an index array broadcasting against
    [1, PH, 1, PW, 1, C'] that picks the channel each bin reads (the position-sensitive forms)."""
    dt = input.dtype
    n, c, height, width = input.shape
    (y0, x0), (h, w) = _roi_geometry(rois, spatial_scale, pooled, aligned, jnp)
    bin_h, bin_w = h / bins[:, 0], w / bins[:, 1]
    ylo, yhi, yhw, ylw, ycount = _axis_samples(y0, bin_h, grids[:, 0], pooled[0], grid_max[0], height, dt)
    xlo, xhi, xhw, xlw, xcount = _axis_samples(x0, bin_w, grids[:, 1], pooled[1], grid_max[1], width, dt)
    index = jnp.int64 if input.size >= 2 ** 31 else jnp.int32
    batch = jnp.clip(rois[:, 0].astype(index), 0, n - 1)[:, None, None, None, None, None, None]
    if channels is None:
        channels = jnp.arange(c, dtype=index)[None, None, None, None, None, :]
    channels = channels.astype(index)
    # the four taps of every sample on a trailing axis, as flat indices into the whole input: one
    # gather (and one scatter-add in its vjp; XLA's CPU backend at optimization level 0 has
    # summed several overlapping scatter-adds wrongly)
    rows = jnp.stack([ylo, ylo, yhi, yhi], -1).astype(index)[:, :, :, None, None, :]
    cols = jnp.stack([xlo, xhi, xlo, xhi], -1).astype(index)[:, None, None, :, :, :]
    flat = ((batch * c + channels[..., None, :]) * height + rows[..., None]) * width + cols[..., None]
    taps = jnp.take(input.reshape(-1), flat, mode="clip")  # [K, PH, GH, PW, GW, 4, C']
    wy = jnp.stack([yhw, yhw, ylw, ylw], -1)[:, :, :, None, None, :]
    wx = jnp.stack([xhw, xlw, xhw, xlw], -1)[:, None, None, :, :, :]
    total = ((wy * wx)[..., None] * taps).sum(axis=-2)
    counts = (ycount[:, :, :, None, None] & xcount[:, None, None, :, :])[..., None]
    return jnp.where(counts, total, jnp.zeros((), dt))


@op(method=False, function=False, grad_name="RoiAlignBackward0")
def _vision_roi_align(input: T, rois: T, grids: T, bins: T, spatial_scale=1.0, pooled=(1, 1), grid_max=(1, 1),
                      aligned=False):
    k, c = rois.shape[0], input.shape[1]
    if k == 0 or input.size == 0 or grid_max[0] == 0 or grid_max[1] == 0:
        return jnp.zeros((k, c) + tuple(pooled), input.dtype)
    samples = _bilinear_bins(input, rois, grids, bins, spatial_scale, pooled, grid_max, aligned)
    count = jnp.maximum(grids[:, 0] * grids[:, 1], 1).astype(input.dtype)[:, None, None, None]
    out = samples.sum(axis=(2, 4)) / count  # [K, PH, PW, C]
    return jnp.moveaxis(out, -1, 1)


def _check(input, rois, fname, shape_msg="rois must have shape as Tensor[K, 5]") -> None:
    if rois.size(1) != 5:
        raise RuntimeError(shape_msg)
    if input.dim() != 4:
        raise RuntimeError(f"Dimension out of range (expected to be in range of [-{input.dim()}, {input.dim() - 1}], "
                           f"but got 3)")
    if input.dtype != rois.dtype:
        raise RuntimeError("input should have the same type as rois")
    if input.dtype.name not in _FLOATS:
        raise RuntimeError(f"\"{fname}\" not implemented for '{input.dtype.legacy}'")


def _grids(rois, sampling_ratio, pooled, spatial_scale, aligned, sized_table=True):
    """Per-roi sample counts per bin axis, as a [K, 2] int32 tensor, and their maxima.

    sized_table: the kernel allocates grid_h * grid_w samples per bin (roi_align), so a negative
    product fails there."""
    k = rois.size(0)
    if sampling_ratio > 0:
        grids = np.full((k, 2), sampling_ratio, dtype=np.int32)
    else:  # the grid sizes come from the values: a torchlike.compile step runs eagerly
        grids = _adaptive_grids(host_values(rois), spatial_scale, pooled, aligned)
        if sized_table and (grids[:, 0].astype(np.int64) * grids[:, 1] < 0).any():
            # an inverted box with aligned=True has a negative grid on one axis: torchvision's kernel
            # then fails to size its table of samples
            raise ValueError("cannot create std::vector larger than max_size()")
    top = tuple(int(v) for v in grids.max(axis=0)) if k else (0, 0)
    return torch.tensor(grids, device=rois.device), top


def roi_align(input, boxes, output_size, spatial_scale: float = 1.0, sampling_ratio: int = -1,
              aligned: bool = False):
    """torchvision.ops.roi_align: [K, C, output_size] features pooled from input [N, C, H, W] over
    boxes, given as Tensor[K, 5] (batch index, x1, y1, x2, y2) or a list of per-image Tensor[L, 4]."""
    rois = as_rois(boxes)
    pooled = tuple(int(v) for v in pair(output_size))
    _check(input, rois, "roi_align_forward_kernel")
    rois = rois.detach()  # torchvision gives the boxes no gradient
    grids, top = _grids(rois, int(sampling_ratio), pooled, float(spatial_scale), bool(aligned))
    return _vision_roi_align(input, rois, grids, bin_counts(pooled, input, rois), float(spatial_scale), pooled, top,
                             bool(aligned))


class RoIAlign(torch.nn.Module):
    """torchvision.ops.RoIAlign: roi_align as a module."""

    def __init__(self, output_size, spatial_scale: float, sampling_ratio: int, aligned: bool = False):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale
        self.sampling_ratio = sampling_ratio
        self.aligned = aligned

    def forward(self, input, rois):
        return roi_align(input, rois, self.output_size, self.spatial_scale, self.sampling_ratio, self.aligned)

    def __repr__(self) -> str:
        return (f"{self.__class__.__name__}(output_size={self.output_size}, spatial_scale={self.spatial_scale}, "
                f"sampling_ratio={self.sampling_ratio}, aligned={self.aligned})")
