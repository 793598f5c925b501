"""torchvision.ops.MultiScaleRoIAlign: roi_align over a feature pyramid, each box pooled from the level
its size maps to (Feature Pyramid Networks, eq. 1), as Faster / Mask R-CNN use it."""
from __future__ import annotations

import numpy as np

import torchlike as torch

from .boxes import box_area
from .roi_align import roi_align


class LevelMapper:
    """torchvision.ops.poolers.LevelMapper: the pyramid level (0-based from k_min) of each box,
    floor(canonical_level + log2(sqrt(area) / canonical_scale) + eps) clamped to [k_min, k_max]."""

    def __init__(self, k_min: int, k_max: int, canonical_scale: int = 224, canonical_level: int = 4,
                 eps: float = 1e-6):
        self.k_min, self.k_max = k_min, k_max
        self.s0, self.lvl0, self.eps = canonical_scale, canonical_level, eps

    def __call__(self, boxlists):
        s = torch.sqrt(torch.cat([box_area(b) for b in boxlists]))
        levels = torch.floor(self.lvl0 + torch.log2(s / self.s0) + torch.tensor(self.eps, dtype=s.dtype))
        levels = torch.clamp(levels, min=self.k_min, max=self.k_max)
        return (levels.to(torch.int64) - self.k_min).to(torch.int64)


def initLevelMapper(k_min: int, k_max: int, canonical_scale: int = 224, canonical_level: int = 4,
                    eps: float = 1e-6) -> LevelMapper:
    return LevelMapper(k_min, k_max, canonical_scale, canonical_level, eps)


def _convert_to_roi_format(boxes):
    concat = torch.cat(boxes, dim=0)
    ids = torch.cat([torch.full_like(b[:, :1], i) for i, b in enumerate(boxes)], dim=0)
    return torch.cat([ids, concat], dim=1)


def _infer_scale(feature, original_size) -> float:
    """The power of two nearest (in float32 log2, ties to even) to feature height / image height."""
    approx = float(feature.shape[-2]) / float(original_size[0])
    return 2 ** float(np.round(np.log2(np.float32(approx))))


def _setup_scales(features, image_shapes, canonical_scale: int, canonical_level: int):
    if not image_shapes:
        raise ValueError("images list should not be empty")
    original = (max(s[0] for s in image_shapes), max(s[1] for s in image_shapes))
    scales = [_infer_scale(f, original) for f in features]
    lvl_min = -float(np.log2(np.float32(scales[0])))
    lvl_max = -float(np.log2(np.float32(scales[-1])))
    return scales, initLevelMapper(int(lvl_min), int(lvl_max), canonical_scale=canonical_scale,
                                   canonical_level=canonical_level)


def _multiscale_roi_align(features, boxes, output_size, sampling_ratio, scales, mapper):
    if scales is None or mapper is None:
        raise ValueError("scales and mapper should not be None")
    rois = _convert_to_roi_format(boxes)
    if len(features) == 1:
        return roi_align(features[0], rois, output_size=output_size, spatial_scale=scales[0],
                         sampling_ratio=sampling_ratio)
    levels = mapper(boxes)
    first = features[0]
    result = torch.zeros((len(rois), first.shape[1]) + tuple(output_size), dtype=first.dtype, device=first.device)
    for level, (feature, scale) in enumerate(zip(features, scales)):
        members = torch.where(levels == level)[0]
        pooled = roi_align(feature, rois[members], output_size=output_size, spatial_scale=scale,
                           sampling_ratio=sampling_ratio)
        result[members] = pooled.to(result.dtype)
    return result


class MultiScaleRoIAlign(torch.nn.Module):
    """torchvision.ops.MultiScaleRoIAlign: forward(x: dict of feature maps, boxes: list of per-image
    Tensor[L, 4], image_shapes: list of (height, width)). The level scales are inferred on the first call."""

    def __init__(self, featmap_names, output_size, sampling_ratio: int, *, canonical_scale: int = 224,
                 canonical_level: int = 4):
        super().__init__()
        if isinstance(output_size, int):
            output_size = (output_size, output_size)
        self.featmap_names = featmap_names
        self.sampling_ratio = sampling_ratio
        self.output_size = tuple(output_size)
        self.scales = None
        self.map_levels = None
        self.canonical_scale = canonical_scale
        self.canonical_level = canonical_level

    def forward(self, x, boxes, image_shapes):
        features = [v for k, v in x.items() if k in self.featmap_names]
        if self.scales is None or self.map_levels is None:
            self.scales, self.map_levels = _setup_scales(features, image_shapes, self.canonical_scale,
                                                         self.canonical_level)
        return _multiscale_roi_align(features, boxes, self.output_size, self.sampling_ratio, self.scales,
                                     self.map_levels)

    def __repr__(self) -> str:
        return (f"{self.__class__.__name__}(featmap_names={self.featmap_names}, "
                f"output_size={self.output_size}, sampling_ratio={self.sampling_ratio})")
