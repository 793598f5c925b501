"""Box format conversions behind box_convert (torchvision.ops._box_convert): the axis-aligned formats
xyxy, xywh, cxcywh and the rotated ones xywhr, cxcywhr (r in degrees, counter-clockwise) and xyxyxyxy."""
from __future__ import annotations

import functools
import math

import torchlike as torch


def cxcywh_to_xyxy(boxes):
    cx, cy, w, h = boxes.unbind(-1)
    return torch.stack((cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w, cy + 0.5 * h), dim=-1)


def xyxy_to_cxcywh(boxes):
    x1, y1, x2, y2 = boxes.unbind(-1)
    return torch.stack(((x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1), dim=-1)


def xywh_to_xyxy(boxes):
    x, y, w, h = boxes.unbind(-1)
    return torch.stack((x, y, x + w, y + h), dim=-1)


def xyxy_to_xywh(boxes):
    x1, y1, x2, y2 = boxes.unbind(-1)
    return torch.stack((x1, y1, x2 - x1, y2 - y1), dim=-1)


def _rotated(convert):
    """A rotated conversion `convert(*coordinates)` applied to boxes (..., n): integer boxes compute in
    float and are rounded back to their dtype, as torchvision does."""

    @functools.wraps(convert)
    def on_boxes(boxes):
        integral = not boxes.is_floating_point()
        out = torch.stack(convert(*boxes.unbind(-1)), dim=-1)
        return out.round().to(boxes.dtype) if integral else out

    return on_boxes


def _cos_sin(r):
    rad = r * math.pi / 180.0
    return torch.cos(rad), torch.sin(rad)


@_rotated
def cxcywhr_to_xywhr(cx, cy, w, h, r):
    cos, sin = _cos_sin(r)
    return cx - w / 2 * cos - h / 2 * sin, cy - h / 2 * cos + w / 2 * sin, w, h, r


@_rotated
def xywhr_to_cxcywhr(x1, y1, w, h, r):
    cos, sin = _cos_sin(r)
    return x1 + w / 2 * cos + h / 2 * sin, y1 - w / 2 * sin + h / 2 * cos, w, h, r


@_rotated
def xywhr_to_xyxyxyxy(x1, y1, w, h, r):
    cos, sin = _cos_sin(r)
    x2, y2 = x1 + w * cos, y1 - w * sin
    x3, y3 = x2 + h * sin, y2 + h * cos
    x4, y4 = x1 + h * sin, y1 + h * cos
    return x1, y1, x2, y2, x3, y3, x4, y4


@_rotated
def xyxyxyxy_to_xywhr(x1, y1, x2, y2, x3, y3, x4, y4):
    r = torch.atan2(y1 - y2, x2 - x1) * 180 / math.pi
    w = ((x2 - x1) ** 2 + (y1 - y2) ** 2).sqrt()
    h = ((x3 - x2) ** 2 + (y3 - y2) ** 2).sqrt()
    return x1, y1, w, h, r


# (in_fmt, out_fmt) -> the conversions applied in turn (each keeps the dtype of its input, so
# torchvision's cast back between two rotated steps changes nothing).
ROUTES = {
    ("xywh", "xyxy"): (xywh_to_xyxy,),
    ("cxcywh", "xyxy"): (cxcywh_to_xyxy,),
    ("xyxy", "xywh"): (xyxy_to_xywh,),
    ("xyxy", "cxcywh"): (xyxy_to_cxcywh,),
    ("xywh", "cxcywh"): (xywh_to_xyxy, xyxy_to_cxcywh),
    ("cxcywh", "xywh"): (cxcywh_to_xyxy, xyxy_to_xywh),
    ("cxcywhr", "xywhr"): (cxcywhr_to_xywhr,),
    ("xywhr", "cxcywhr"): (xywhr_to_cxcywhr,),
    ("cxcywhr", "xyxyxyxy"): (cxcywhr_to_xywhr, xywhr_to_xyxyxyxy),
    ("xyxyxyxy", "cxcywhr"): (xyxyxyxy_to_xywhr, xywhr_to_cxcywhr),
    ("xywhr", "xyxyxyxy"): (xywhr_to_xyxyxyxy,),
    ("xyxyxyxy", "xywhr"): (xyxyxyxy_to_xywhr,),
}
