"""Shared pieces of torchlike.vision.ops: torchvision.ops._utils' box-list conversion, shape checks and
dtype upcasting."""
from __future__ import annotations

import torchlike as torch


def _cat(tensors, dim: int = 0):
    return tensors[0] if len(tensors) == 1 else torch.cat(list(tensors), dim)


def convert_boxes_to_roi_format(boxes):
    """A list of per-image Tensor[L, 4] boxes as one Tensor[K, 5] whose first column is the image index."""
    concat = _cat(boxes, 0)
    ids = _cat([torch.full_like(b[:, :1], i) for i, b in enumerate(boxes)], 0)
    return torch.cat([ids, concat], dim=1)


def check_roi_boxes_shape(boxes) -> None:
    """torchvision's assertion on the two accepted box forms."""
    if isinstance(boxes, (list, tuple)):
        for b in boxes:
            if b.size(1) != 4:
                raise AssertionError("The shape of the tensor in the boxes list is not correct as List[Tensor[L, 4]]")
    elif isinstance(boxes, torch.Tensor):
        if boxes.size(1) != 5:
            raise AssertionError("The boxes tensor shape is not correct as Tensor[K, 5]")
    else:
        raise AssertionError("boxes is expected to be a Tensor[L, 5] or a List[Tensor[K, 4]]")


def as_rois(boxes):
    """Tensor[K, 5] rois from either accepted box form, after torchvision's shape check."""
    check_roi_boxes_shape(boxes)
    return boxes if isinstance(boxes, torch.Tensor) else convert_boxes_to_roi_format(boxes)


def pair(v):
    """torch.nn.modules.utils._pair: an int as (v, v), a sequence as a tuple."""
    return tuple(v) if isinstance(v, (list, tuple)) else (v, v)


def _upcast(t):
    """Widen half floats to float32 and small ints to int32 before products can overflow."""
    if t.is_floating_point():
        return t if t.dtype in (torch.float32, torch.float64) else t.float()
    return t if t.dtype in (torch.int32, torch.int64) else t.int()


def _upcast_non_float(t):
    return t if t.dtype in (torch.float32, torch.float64) else t.float()


def _loss_inter_union(boxes1, boxes2):
    """Elementwise intersection and union of paired boxes, as the IoU losses use them."""
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    xi1, yi1 = torch.max(x1, x1g), torch.max(y1, y1g)
    xi2, yi2 = torch.min(x2, x2g), torch.min(y2, y2g)
    overlap = (yi2 > yi1) & (xi2 > xi1)
    # torchvision fills the intersection through a boolean mask; `where` gives the same values
    # and the same zero gradient outside the mask.
    inter = torch.where(overlap, (xi2 - xi1) * (yi2 - yi1), torch.zeros_like(x1))
    union = (x2 - x1) * (y2 - y1) + (x2g - x1g) * (y2g - y1g) - inter
    return inter, union




def bin_counts(pooled, like, rois):
    """[K, 2] tensor (like's dtype) holding the output size for every roi: the region kernels divide
    box sizes by it as an input array.

    XLA rewrites division by a constant or by a broadcast scalar into multiplication by the rounded
    reciprocal, which can move a bin edge across an integer (7 / 3 * 3 > 7 in float32) and change
    which pixels a bin covers; an elementwise division of two arrays stays the correctly rounded
    division the C++ kernels do."""
    k = rois.size(0)
    return torch.tensor([[float(pooled[0]), float(pooled[1])]] * k, dtype=like.dtype,
                        device=like.device).reshape(k, 2)
