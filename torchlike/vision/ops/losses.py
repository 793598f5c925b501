"""The box regression and focal losses of torchvision.ops: generalized_box_iou_loss (giou_loss.py),
distance_box_iou_loss (diou_loss.py), complete_box_iou_loss (ciou_loss.py) and sigmoid_focal_loss
(focal_loss.py). Boxes are paired elementwise ([..., 4] each), in xyxy format."""
from __future__ import annotations

import math

import torchlike as torch
from torchlike.nn import functional as F

from ._utils import _loss_inter_union, _upcast_non_float


def _reduce(loss, reduction: str, empty_is_zero: bool = True):
    if reduction == "none":
        return loss
    if reduction == "mean":
        if empty_is_zero and loss.numel() == 0:
            return 0.0 * loss.sum()  # an empty batch gives 0, not NaN
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(
        f"Invalid Value for arg 'reduction': '{reduction} \n Supported reduction modes: 'none', 'mean', 'sum'")


def _enclosing(boxes1, boxes2):
    """Corners of the smallest box enclosing each pair."""
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    return torch.min(x1, x1g), torch.min(y1, y1g), torch.max(x2, x2g), torch.max(y2, y2g)


def generalized_box_iou_loss(boxes1, boxes2, reduction: str = "none", eps: float = 1e-7):
    """torchvision.ops.generalized_box_iou_loss: 1 - GIoU of paired boxes."""
    boxes1, boxes2 = _upcast_non_float(boxes1), _upcast_non_float(boxes2)
    inter, union = _loss_inter_union(boxes1, boxes2)
    iou = inter / (union + eps)
    xc1, yc1, xc2, yc2 = _enclosing(boxes1, boxes2)
    area_c = (xc2 - xc1) * (yc2 - yc1)
    loss = 1 - (iou - ((area_c - union) / (area_c + eps)))
    return _reduce(loss, reduction)


def _diou_iou_loss(boxes1, boxes2, eps: float = 1e-7):
    inter, union = _loss_inter_union(boxes1, boxes2)
    iou = inter / (union + eps)
    xc1, yc1, xc2, yc2 = _enclosing(boxes1, boxes2)
    diagonal_sq = ((xc2 - xc1) ** 2) + ((yc2 - yc1) ** 2) + eps
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    centers_sq = (((x2 + x1) / 2 - (x1g + x2g) / 2) ** 2) + (((y2 + y1) / 2 - (y1g + y2g) / 2) ** 2)
    return 1 - iou + centers_sq / diagonal_sq, iou


def distance_box_iou_loss(boxes1, boxes2, reduction: str = "none", eps: float = 1e-7):
    """torchvision.ops.distance_box_iou_loss: 1 - IoU + squared centre distance / enclosing diagonal squared."""
    boxes1, boxes2 = _upcast_non_float(boxes1), _upcast_non_float(boxes2)
    return _reduce(_diou_iou_loss(boxes1, boxes2, eps)[0], reduction)


def complete_box_iou_loss(boxes1, boxes2, reduction: str = "none", eps: float = 1e-7):
    """torchvision.ops.complete_box_iou_loss: the distance loss plus the aspect-ratio term.

    As in torchvision, eps enters only the aspect-ratio weight; the distance part uses its default."""
    boxes1, boxes2 = _upcast_non_float(boxes1), _upcast_non_float(boxes2)
    diou_loss, iou = _diou_iou_loss(boxes1, boxes2)
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    v = (4 / (math.pi ** 2)) * torch.pow(torch.atan((x2g - x1g) / (y2g - y1g)) - torch.atan((x2 - x1) / (y2 - y1)), 2)
    with torch.no_grad():
        alpha = v / (1 - iou + v + eps)
    return _reduce(diou_loss + alpha * v, reduction)


def sigmoid_focal_loss(inputs, targets, alpha: float = 0.25, gamma: float = 2, reduction: str = "none"):
    """torchvision.ops.sigmoid_focal_loss (RetinaNet): binary cross-entropy on logits scaled by
    (1 - p_t) ** gamma and, unless alpha is -1, weighted by alpha for positives."""
    if not (0 <= alpha <= 1) and alpha != -1:
        raise ValueError(f"Invalid alpha value: {alpha}. alpha must be in the range [0,1] or -1 for ignore.")
    p = torch.sigmoid(inputs)
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    return _reduce(loss, reduction, empty_is_zero=False)
