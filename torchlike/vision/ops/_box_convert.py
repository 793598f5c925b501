"""Box format conversions behind box_convert (torchvision.ops._box_convert): the axis-aligned formats
xyxy, xywh, cxcywh and the rotated ones xywhr, cxcywhr (r in degrees, counter-clockwise) and xyxyxyxy."""
from __future__ import annotations

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


def _rounded_back(out, dtype, integral: bool):
    """Rotated conversions of integer boxes compute in float and round back to the integer dtype."""
    return out.round().to(dtype) if integral else out


def _cos_sin(r):
    rad = r * math.pi / 180.0
    return torch.cos(rad), torch.sin(rad)


def cxcywhr_to_xywhr(boxes):
    integral = not boxes.is_floating_point()
    cx, cy, w, h, r = boxes.unbind(-1)
    cos, sin = _cos_sin(r)
    x1 = cx - w / 2 * cos - h / 2 * sin
    y1 = cy - h / 2 * cos + w / 2 * sin
    return _rounded_back(torch.stack((x1, y1, w, h, r), dim=-1), boxes.dtype, integral)


def xywhr_to_cxcywhr(boxes):
    integral = not boxes.is_floating_point()
    x1, y1, w, h, r = boxes.unbind(-1)
    cos, sin = _cos_sin(r)
    cx = x1 + w / 2 * cos + h / 2 * sin
    cy = y1 - w / 2 * sin + h / 2 * cos
    return _rounded_back(torch.stack((cx, cy, w, h, r), dim=-1), boxes.dtype, integral)


def xywhr_to_xyxyxyxy(boxes):
    integral = not boxes.is_floating_point()
    x1, y1, w, h, r = boxes.unbind(-1)
    cos, sin = _cos_sin(r)
    x2, y2 = x1 + w * cos, y1 - w * sin
    x3, y3 = x2 + h * sin, y2 + h * cos
    x4, y4 = x1 + h * sin, y1 + h * cos
    return _rounded_back(torch.stack((x1, y1, x2, y2, x3, y3, x4, y4), dim=-1), boxes.dtype, integral)


def xyxyxyxy_to_xywhr(boxes):
    integral = not boxes.is_floating_point()
    x1, y1, x2, y2, x3, y3, x4, y4 = boxes.unbind(-1)
    r = torch.atan2(y1 - y2, x2 - x1) * 180 / math.pi
    w = ((x2 - x1) ** 2 + (y1 - y2) ** 2).sqrt()
    h = ((x3 - x2) ** 2 + (y3 - y2) ** 2).sqrt()
    return _rounded_back(torch.stack((x1, y1, w, h, r), dim=-1), boxes.dtype, integral)


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
