"""torchvision.ops.ps_roi_align / PSRoIAlign: position-sensitive RoIAlign (R-FCN).

The input has C_out * PH * PW channels; output bin (ph, pw) of output channel c reads only input
channel (c * PH + ph) * PW + pw. Sampling is roi_align's with aligned=True geometry (a half-pixel
shift, no widening of small boxes), and the bin average divides by grid_h * grid_w as torchvision's
kernel does, so a box with an empty adaptive grid gives NaN there. Gradients reach the input only.
"""
from __future__ import annotations

import jax.numpy as jnp

import torchlike as torch
from torchlike._engine.op import T, op

from ._utils import as_rois, bin_counts, pair
from .roi_align import _bilinear_bins, _check, _grids


def _position_channels(channels_out: int, pooled):
    """[1, PH, 1, PW, 1, C_out] input channel read by each (bin, output channel)."""
    ph = jnp.arange(pooled[0])[None, :, None, None, None, None]
    pw = jnp.arange(pooled[1])[None, None, None, :, None, None]
    c = jnp.arange(channels_out)[None, None, None, None, None, :]
    return (c * pooled[0] + ph) * pooled[1] + pw


@op(method=False, function=False, grad_name="PsRoiAlignBackward0")
def _vision_ps_roi_align(input: T, rois: T, grids: T, bins: T, spatial_scale=1.0, pooled=(1, 1), grid_max=(1, 1)):
    k = rois.shape[0]
    c_out = input.shape[1] // (pooled[0] * pooled[1])
    if k == 0 or c_out == 0:
        return jnp.zeros((k, c_out) + tuple(pooled), input.dtype)
    count = (grids[:, 0] * grids[:, 1]).astype(input.dtype)[:, None, None, None]
    if grid_max[0] <= 0 or grid_max[1] <= 0:
        total = jnp.zeros((k,) + tuple(pooled) + (c_out,), input.dtype)
    else:
        samples = _bilinear_bins(input, rois, grids, bins, spatial_scale, pooled, grid_max, True,
                                 channels=_position_channels(c_out, pooled))
        total = samples.sum(axis=(2, 4))  # [K, PH, PW, C_out]
    # no samples over a zero count is the kernel's 0 / 0; a safe divisor keeps that NaN out of the gradient
    safe = jnp.where(count == 0, jnp.ones((), input.dtype), count)
    out = jnp.where(count == 0, jnp.asarray(jnp.nan, input.dtype), total / safe)
    return jnp.moveaxis(out, -1, 1)


def _check_channels(input, pooled) -> None:
    if input.shape[1] % (pooled[0] * pooled[1]) != 0:
        raise RuntimeError("input channels must be a multiple of pooling height * pooling width")


def ps_roi_align(input, boxes, output_size, spatial_scale: float = 1.0, sampling_ratio: int = -1):
    """torchvision.ops.ps_roi_align: [K, C / (PH * PW), PH, PW] position-sensitive average of bilinear samples."""
    rois = as_rois(boxes)
    pooled = tuple(int(v) for v in pair(output_size))
    _check(input, rois, "ps_roi_align_forward_kernel", "Tensor rois should have shape as Tensor[K, 5]")
    _check_channels(input, pooled)
    rois = rois.detach()
    grids, top = _grids(rois, int(sampling_ratio), pooled, float(spatial_scale), True, sized_table=False)
    return _vision_ps_roi_align(input, rois, grids, bin_counts(pooled, input, rois), float(spatial_scale), pooled, top)


class PSRoIAlign(torch.nn.Module):
    """torchvision.ops.PSRoIAlign: ps_roi_align as a module."""

    def __init__(self, output_size, spatial_scale: float, sampling_ratio: int):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale
        self.sampling_ratio = sampling_ratio

    def forward(self, input, rois):
        return ps_roi_align(input, rois, self.output_size, self.spatial_scale, self.sampling_ratio)

    def __repr__(self) -> str:
        return (f"{self.__class__.__name__}(output_size={self.output_size}, spatial_scale={self.spatial_scale}, "
                f"sampling_ratio={self.sampling_ratio})")
