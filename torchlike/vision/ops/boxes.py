"""Box operations of torchvision.ops.boxes: non-maximum suppression, filtering, clipping, format
conversion, area and the IoU family.

The IoU family, areas, clipping and conversions are compositions of torchlike operators, so they
differentiate as torchvision's do. nms returns as many indices as survive, a number known only from
the values: it reads boxes and scores back to the host and runs the greedy loop in numpy, in the
boxes' own dtype with the comparisons of torchvision's CPU kernel, so the kept set and its order
are torchvision's. A torchlike.compile step that calls it runs eagerly (with a warning).
"""
from __future__ import annotations

import jax
import numpy as np

import torchlike as torch
from torchlike._tensor import concrete

from . import _box_convert as C
from ._utils import _upcast

_AXIS_ALIGNED = ("xyxy", "xywh", "cxcywh")
_ROTATED = ("cxcywhr", "xywhr", "xyxyxyxy")


def _check_nms_args(boxes, scores) -> None:
    """torchvision's nms kernel checks, in its order, with its RuntimeError messages."""
    if boxes.dim() != 2:
        raise RuntimeError(f"boxes should be a 2d tensor, got {boxes.dim()}D")
    if boxes.size(1) != 4:
        raise RuntimeError(f"boxes should have 4 elements in dimension 1, got {boxes.size(1)}")
    if scores.dim() != 1:
        raise RuntimeError(f"scores should be a 1d tensor, got {scores.dim()}D")
    if boxes.size(0) != scores.size(0):
        raise RuntimeError("boxes and scores should have same number of elements in dimension 0, "
                           f"got {boxes.size(0)} and {scores.size(0)}")
    if boxes.dtype != scores.dtype:
        raise RuntimeError("dets should have the same type as scores")
    if boxes.dtype not in (torch.float32, torch.float64):
        raise RuntimeError(f"\"nms_kernel\" not implemented for '{boxes.dtype.legacy}'")


def host_values(t) -> np.ndarray:
    """t's values as a numpy array. Inside a trace (torchlike.compile) there are none: raising JAX's
    own error for that makes torchlike.compile run the step eagerly, with a warning."""
    if not concrete(t):
        raise jax.errors.TracerArrayConversionError(t._data)
    return t.detach().cpu().numpy()


def _cmax(a, b):
    """std::max(a, b): b only when a < b (a NaN a is kept, as in the C++ kernel)."""
    return np.where(a < b, b, a)


def _cmin(a, b):
    """std::min(a, b): b only when b < a."""
    return np.where(b < a, b, a)


def _descending_order(scores: np.ndarray) -> np.ndarray:
    """A stable descending sort, NaN first: torch's scores.sort(stable=True, descending=True)."""
    nan = np.isnan(scores)
    rest = np.flatnonzero(~nan)
    rest = rest[np.argsort(-scores[rest], kind="stable")]
    return np.concatenate([np.flatnonzero(nan), rest])


def _greedy_nms(b: np.ndarray, scores: np.ndarray, iou_threshold: float) -> np.ndarray:
    """Indices kept by the greedy loop of torchvision's CPU kernel, best score first.

    Each kept box suppresses, in one vectorised step, the later boxes still alive whose IoU with it
    exceeds the threshold; the arithmetic is elementwise in b's dtype exactly as the scalar loop's."""
    x1, y1, x2, y2 = b[:, 0], b[:, 1], b[:, 2], b[:, 3]
    areas = (x2 - x1) * (y2 - y1)
    order = _descending_order(scores)
    alive = np.ones(len(order), dtype=bool)
    keep = []
    zero = b.dtype.type(0)
    for pos, i in enumerate(order):
        if not alive[pos]:
            continue
        keep.append(i)
        later = order[pos + 1:]
        w = _cmax(zero, _cmin(x2[i], x2[later]) - _cmax(x1[i], x1[later]))
        h = _cmax(zero, _cmin(y2[i], y2[later]) - _cmax(y1[i], y1[later]))
        inter = w * h
        with np.errstate(divide="ignore", invalid="ignore"):
            ovr = inter / (areas[i] + areas[later] - inter)
        # the kernel compares the box-dtype IoU with the threshold as a double
        alive[pos + 1:] &= ~(ovr.astype(np.float64) > float(iou_threshold))
    return np.asarray(keep, dtype=np.int64)


def _indices(keep: np.ndarray, like):
    return torch.tensor(keep, dtype=torch.int64, device=like.device)


def nms(boxes, scores, iou_threshold: float):
    """torchvision.ops.nms: int64 indices of the boxes kept, by decreasing score (ties keep index order)."""
    _check_nms_args(boxes, scores)
    if boxes.numel() == 0:
        return torch.empty((0,), dtype=torch.int64, device=boxes.device)
    return _indices(_greedy_nms(host_values(boxes), host_values(scores), iou_threshold), boxes)


def batched_nms(boxes, scores, idxs, iou_threshold: float):
    """torchvision.ops.batched_nms: nms within each category of idxs.

    As torchvision on the CPU: up to 4000 box coordinates, one nms over boxes shifted apart by
    category (which decides the float rounding of the IoUs); beyond, one nms per category."""
    if boxes.numel() > 4000:
        return _batched_nms_vanilla(boxes, scores, idxs, iou_threshold)
    return _batched_nms_coordinate_trick(boxes, scores, idxs, iou_threshold)


def _batched_nms_coordinate_trick(boxes, scores, idxs, iou_threshold):
    if boxes.numel() == 0:
        return torch.empty((0,), dtype=torch.int64, device=boxes.device)
    offsets = idxs.to(boxes) * (boxes.max() + torch.tensor(1).to(boxes))
    return nms(boxes + offsets[:, None], scores, iou_threshold)


def _batched_nms_vanilla(boxes, scores, idxs, iou_threshold):
    keep_mask = torch.zeros_like(scores, dtype=torch.bool)
    for class_id in torch.unique(idxs):
        members = torch.where(idxs == class_id)[0]
        kept = nms(boxes[members], scores[members], iou_threshold)
        keep_mask[members[kept]] = True
    keep = torch.where(keep_mask)[0]
    return keep[scores[keep].sort(descending=True)[1]]


def remove_small_boxes(boxes, min_size: float):
    """torchvision.ops.remove_small_boxes: indices of the boxes whose both sides are >= min_size."""
    ws, hs = boxes[..., 2] - boxes[..., 0], boxes[..., 3] - boxes[..., 1]
    return torch.where((ws >= min_size) & (hs >= min_size))[0]


def clip_boxes_to_image(boxes, size):
    """torchvision.ops.clip_boxes_to_image: x clamped to [0, width], y to [0, height]; size is (height, width)."""
    dim = boxes.dim()
    height, width = size
    xs = boxes[..., 0::2].clamp(min=0, max=width)
    ys = boxes[..., 1::2].clamp(min=0, max=height)
    return torch.stack((xs, ys), dim=dim).reshape(boxes.shape)


def box_convert(boxes, in_fmt: str, out_fmt: str):
    """torchvision.ops.box_convert between 'xyxy', 'xywh', 'cxcywh', 'xywhr', 'cxcywhr' and 'xyxyxyxy'."""
    allowed = _AXIS_ALIGNED + ("xywhr", "cxcywhr", "xyxyxyxy")
    if in_fmt not in allowed or out_fmt not in allowed:
        raise ValueError(f"Unsupported Bounding Box Conversions for given in_fmt {in_fmt} and out_fmt {out_fmt}")
    if in_fmt == out_fmt:
        return boxes.clone()
    route = C.ROUTES.get((in_fmt, out_fmt))
    if route is None:
        raise NotImplementedError(
            f"Unsupported Bounding Box Conversions for given in_fmt {in_fmt} and out_fmt {out_fmt}")
    for step in route:
        boxes = step(boxes)
    return boxes


def box_area(boxes, fmt: str = "xyxy"):
    """torchvision.ops.box_area for 'xyxy', 'xywh' or 'cxcywh' boxes (half floats and small ints widened)."""
    if fmt not in _AXIS_ALIGNED:
        raise ValueError(f"Unsupported Bounding Box area for given format {fmt}")
    boxes = _upcast(boxes)
    if fmt == "xyxy":
        return (boxes[..., 2] - boxes[..., 0]) * (boxes[..., 3] - boxes[..., 1])
    return boxes[..., 2] * boxes[..., 3]


def _corners(boxes1, boxes2, fmt):
    """Top-left and bottom-right corners of both box sets, broadcast to [..., N, M, 2]."""
    a, b = boxes1[..., None, :], boxes2[..., None, :, :]
    if fmt == "xyxy":
        return (a[..., :2], a[..., 2:]), (b[..., :2], b[..., 2:])
    if fmt == "xywh":
        return (a[..., :2], a[..., :2] + a[..., 2:]), (b[..., :2], b[..., :2] + b[..., 2:])
    return ((a[..., :2] - a[..., 2:] / 2, a[..., :2] + a[..., 2:] / 2),
            (b[..., :2] - b[..., 2:] / 2, b[..., :2] + b[..., 2:] / 2))


def _box_inter_union(boxes1, boxes2, fmt: str = "xyxy"):
    area1, area2 = box_area(boxes1, fmt=fmt), box_area(boxes2, fmt=fmt)
    if fmt not in _AXIS_ALIGNED:
        raise ValueError(f"Unsupported Box IoU Calculation for given fmt {fmt}.")
    (lt1, rb1), (lt2, rb2) = _corners(boxes1, boxes2, fmt)
    wh = _upcast(torch.min(rb1, rb2) - torch.max(lt1, lt2)).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    return inter, area1[..., None] + area2[..., None, :] - inter


def box_iou(boxes1, boxes2, fmt: str = "xyxy"):
    """torchvision.ops.box_iou: the [..., N, M] IoU matrix of axis-aligned boxes."""
    if fmt in _AXIS_ALIGNED:
        inter, union = _box_inter_union(boxes1, boxes2, fmt=fmt)
        return inter / union
    if fmt in _ROTATED:
        raise NotImplementedError("torchvision.ops.box_iou of rotated boxes (box_iou_rotated) is not supported")
    raise ValueError(f"Unsupported format '{fmt}'. Supported axis-aligned formats: {_AXIS_ALIGNED}. "
                     f"Supported rotated formats: {_ROTATED}.")


def _enclosing_wh(boxes1, boxes2):
    """Width and height of the smallest box enclosing each pair, [..., N, M, 2]."""
    lt = torch.min(boxes1[..., None, :2], boxes2[..., None, :, :2])
    rb = torch.max(boxes1[..., None, 2:], boxes2[..., None, :, 2:])
    return _upcast(rb - lt).clamp(min=0)


def generalized_box_iou(boxes1, boxes2):
    """torchvision.ops.generalized_box_iou: IoU minus the enclosing box's share not in the union."""
    inter, union = _box_inter_union(boxes1, boxes2)
    iou = inter / union
    whi = _enclosing_wh(boxes1, boxes2)
    area = whi[..., 0] * whi[..., 1]
    return iou - (area - union) / area


def _box_diou_iou(boxes1, boxes2, eps: float = 1e-7):
    iou = box_iou(boxes1, boxes2)
    whi = _enclosing_wh(boxes1, boxes2)
    diagonal_sq = (whi[..., 0] ** 2) + (whi[..., 1] ** 2) + eps
    cx1, cy1 = (boxes1[..., 0] + boxes1[..., 2]) / 2, (boxes1[..., 1] + boxes1[..., 3]) / 2
    cx2, cy2 = (boxes2[..., 0] + boxes2[..., 2]) / 2, (boxes2[..., 1] + boxes2[..., 3]) / 2
    centers_sq = (_upcast(cx1[..., None] - cx2[..., None, :]) ** 2) + (_upcast(cy1[..., None] - cy2[..., None, :]) ** 2)
    return iou - centers_sq / diagonal_sq, iou


def distance_box_iou(boxes1, boxes2, eps: float = 1e-7):
    """torchvision.ops.distance_box_iou: IoU minus the squared centre distance over the enclosing diagonal squared."""
    return _box_diou_iou(_upcast(boxes1), _upcast(boxes2), eps=eps)[0]


def complete_box_iou(boxes1, boxes2, eps: float = 1e-7):
    """torchvision.ops.complete_box_iou: distance IoU minus the aspect-ratio term (its weight not differentiated)."""
    boxes1, boxes2 = _upcast(boxes1), _upcast(boxes2)
    diou, iou = _box_diou_iou(boxes1, boxes2, eps)
    w1 = boxes1[..., None, 2] - boxes1[..., None, 0]
    h1 = boxes1[..., None, 3] - boxes1[..., None, 1]
    w2 = boxes2[..., None, :, 2] - boxes2[..., None, :, 0]
    h2 = boxes2[..., None, :, 3] - boxes2[..., None, :, 1]
    v = (4 / (np.pi ** 2)) * torch.pow(torch.atan(w1 / h1) - torch.atan(w2 / h2), 2)
    with torch.no_grad():
        alpha = v / (1 - iou + v + eps)
    return diou - alpha * v


def masks_to_boxes(masks):
    """torchvision.ops.masks_to_boxes: float xyxy boxes around the nonzero pixels of each [H, W] mask
    (inclusive pixel coordinates; an empty mask gives zeros)."""
    if masks.numel() == 0:
        return torch.zeros((0, 4), device=masks.device, dtype=torch.float)
    n, h, w = masks.shape
    on = masks.bool()
    rows, cols = torch.any(on, dim=2), torch.any(on, dim=1)
    empty = ~torch.any(rows, dim=1)
    rows_f, cols_f = rows.float(), cols.float()
    y1, x1 = rows_f.argmax(dim=1), cols_f.argmax(dim=1)
    y2 = (h - 1) - rows_f.flip(dims=[1]).argmax(dim=1)
    x2 = (w - 1) - cols_f.flip(dims=[1]).argmax(dim=1)
    boxes = torch.stack([x1, y1, x2, y2], dim=1).float()
    boxes[empty] = 0
    return boxes
