"""Writes vision_ops.npz: torchvision.ops results that compat_suite/test_vision_ops.py compares against.

Run with a Python that has real torch and torchvision (not torchlike):

    python compat_suite/reference/make_vision_ops.py

Inputs come from numpy with fixed seeds. For every case the archive holds its input arrays, the
output (or the exception type) and, for differentiable cases, the gradient of sum(out * w) for a
fixed random w with respect to the inputs named in the case. A JSON manifest (key "__manifest__")
lists the cases: the op, how each argument is built, keyword arguments and the gradient inputs.
"""
from __future__ import annotations

import json
import os

import numpy as np
import torch
import torchvision
from torchvision import ops

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "vision_ops.npz")

arrays: dict[str, np.ndarray] = {}
manifest: list[dict] = []


def rng(seed):
    return np.random.default_rng(seed)


def boxes_xyxy(n, seed, size=20.0, dtype=np.float32):
    """n valid boxes (x1 < x2, y1 < y2) inside [0, size]."""
    r = rng(seed)
    xy = r.uniform(0, size * 0.7, (n, 2))
    wh = r.uniform(1, size * 0.5, (n, 2))
    return np.concatenate([xy, xy + wh], axis=1).astype(dtype)


def odd_boxes(dtype=np.float32):
    """Degenerate and unusual boxes: zero width, zero height, a point, inverted, outside the image."""
    return np.array([[2, 2, 2, 6], [1, 3, 5, 3], [4, 4, 4, 4], [6, 6, 2, 2],
                     [-5, -4, 3, 2], [18, 15, 30, 28], [0, 0, 20, 20]], dtype=dtype)


def put(name, value) -> str:
    arrays[name] = np.asarray(value)
    return name


def tensor_of(spec):
    if isinstance(spec, dict) and "key" in spec:
        return torch.from_numpy(arrays[spec["key"]].copy())
    if isinstance(spec, dict) and "list" in spec:
        return [torch.from_numpy(arrays[k].copy()) for k in spec["list"]]
    return spec


def case(name, fn, args, kwargs=None, grad=(), dtype_out=True):
    """Run ops.<fn> (or a dotted path under torchvision) on the arguments; store what comes out.

    args: a list of specs: {"key": k} (a tensor from arrays), {"list": [k, ...]}, or a plain value.
    grad: positions of tensor arguments to differentiate sum(out * w) against."""
    kwargs = kwargs or {}
    built = [tensor_of(a) for a in args]
    for i in grad:
        built[i] = built[i].detach().requires_grad_(True)
    entry = {"name": name, "fn": fn, "args": args, "kwargs": kwargs, "grad": list(grad)}
    target = torchvision
    for part in fn.split("."):
        target = getattr(target, part)
    try:
        out = target(*built, **kwargs)
    except Exception as e:  # the exception type is part of the behaviour compared
        entry["error"] = type(e).__name__
        manifest.append(entry)
        return
    entry["dtype"] = str(out.dtype).removeprefix("torch.")
    put(f"{name}/out", out.detach().numpy())
    if grad:
        w = rng(len(manifest) + 1000).standard_normal(tuple(out.shape)).astype(arrays[f"{name}/out"].dtype)
        put(f"{name}/w", w)
        (out * torch.from_numpy(w)).sum().backward()
        for i in grad:
            g = built[i].grad
            zeros = np.zeros(built[i].shape, built[i].detach().numpy().dtype)
            put(f"{name}/grad{i}", zeros if g is None else g.numpy())
    manifest.append(entry)


def K(key):
    return {"key": key}


# ---- box utilities ------------------------------------------------------------------------------
a32 = put("boxes_a32", boxes_xyxy(6, 1))
b32 = put("boxes_b32", boxes_xyxy(5, 2))
a64 = put("boxes_a64", boxes_xyxy(6, 3, dtype=np.float64))
b64 = put("boxes_b64", boxes_xyxy(5, 4, dtype=np.float64))
odd = put("boxes_odd", odd_boxes())
ai = put("boxes_int", np.round(boxes_xyxy(6, 5)).astype(np.int64))
bi = put("boxes_int_b", np.round(boxes_xyxy(4, 6)).astype(np.int64))
ah = put("boxes_half", boxes_xyxy(4, 7).astype(np.float16))
batched1 = put("boxes_batched1", boxes_xyxy(8, 8).reshape(2, 4, 4))
batched2 = put("boxes_batched2", boxes_xyxy(6, 9).reshape(2, 3, 4))

for tag, x, y in (("f32", a32, b32), ("f64", a64, b64)):
    case(f"box_area_{tag}", "ops.box_area", [K(x)], grad=[0])
    for fmt in ("xywh", "cxcywh"):
        case(f"box_area_{fmt}_{tag}", "ops.box_area", [K(x)], {"fmt": fmt}, grad=[0])
        case(f"box_iou_{fmt}_{tag}", "ops.box_iou", [K(x), K(y)], {"fmt": fmt}, grad=[0, 1])
    for fn in ("box_iou", "generalized_box_iou", "distance_box_iou", "complete_box_iou"):
        case(f"{fn}_{tag}", f"ops.{fn}", [K(x), K(y)], grad=[0, 1])
for fn in ("box_iou", "generalized_box_iou", "distance_box_iou", "complete_box_iou"):
    case(f"{fn}_odd", f"ops.{fn}", [K(odd), K(b32)])
    case(f"{fn}_int", f"ops.{fn}", [K(ai), K(bi)])
    case(f"{fn}_batched", f"ops.{fn}", [K(batched1), K(batched2)], grad=[0, 1])
    case(f"{fn}_empty", f"ops.{fn}", [K(put("boxes_empty", np.zeros((0, 4), np.float32))), K(b32)])
case("complete_box_iou_eps", "ops.complete_box_iou", [K(a32), K(b32)], {"eps": 1e-3}, grad=[0, 1])
case("distance_box_iou_eps", "ops.distance_box_iou", [K(a32), K(b32)], {"eps": 1e-3}, grad=[0, 1])
case("box_area_half", "ops.box_area", [K(ah)])
case("box_area_int", "ops.box_area", [K(ai)])
case("box_area_odd", "ops.box_area", [K(odd)])
case("box_area_bad_fmt", "ops.box_area", [K(a32)], {"fmt": "xywhr"})
case("box_iou_bad_fmt", "ops.box_iou", [K(a32), K(b32)], {"fmt": "abcd"})

for i_fmt in ("xyxy", "xywh", "cxcywh"):
    for o_fmt in ("xyxy", "xywh", "cxcywh"):
        case(f"box_convert_{i_fmt}_{o_fmt}", "ops.box_convert", [K(a32), i_fmt, o_fmt], grad=[0])
case("box_convert_int", "ops.box_convert", [K(ai), "xyxy", "cxcywh"])
case("box_convert_int_xywh", "ops.box_convert", [K(ai), "xyxy", "xywh"])
case("box_convert_bad", "ops.box_convert", [K(a32), "xyxy", "yxyx"])
rot = np.concatenate([boxes_xyxy(5, 10)[:, :4], rng(11).uniform(-90, 90, (5, 1))], axis=1)
rot64 = put("boxes_rot64", rot.astype(np.float64))
for i_fmt, o_fmt in (("xywhr", "cxcywhr"), ("cxcywhr", "xywhr"), ("xywhr", "xyxyxyxy"), ("cxcywhr", "xyxyxyxy")):
    case(f"box_convert_{i_fmt}_{o_fmt}", "ops.box_convert", [K(rot64), i_fmt, o_fmt], grad=[0])
poly = put("boxes_poly64", ops.box_convert(torch.from_numpy(rot.astype(np.float64)), "xywhr", "xyxyxyxy").numpy())
for o_fmt in ("xywhr", "cxcywhr"):
    case(f"box_convert_xyxyxyxy_{o_fmt}", "ops.box_convert", [K(poly), "xyxyxyxy", o_fmt], grad=[0])
case("box_convert_rot_int", "ops.box_convert", [K(put("boxes_rot_int", np.round(rot).astype(np.int64))), "xywhr",
                                                "xyxyxyxy"])
case("box_convert_axis_to_rot", "ops.box_convert", [K(a32), "xyxy", "xywhr"])

# Gradients only away from the clamp bounds: torch 2.14's clamp passes none at a bound, 2.13's does.
case("clip_boxes", "ops.clip_boxes_to_image", [K(odd), (12, 10)])
case("clip_boxes_grad", "ops.clip_boxes_to_image", [K(a32), (12, 10)], grad=[0])
case("clip_boxes_int", "ops.clip_boxes_to_image", [K(ai), (9, 7)])
case("clip_boxes_batched", "ops.clip_boxes_to_image", [K(batched1), (10, 12)], grad=[0])
case("remove_small_boxes", "ops.remove_small_boxes", [K(odd), 1.0])
case("remove_small_boxes_big", "ops.remove_small_boxes", [K(a32), 6.0])
masks = rng(12).random((4, 7, 9)) > 0.85
masks[1] = False
masks[2] = False
masks[2, 3, 5] = True
case("masks_to_boxes", "ops.masks_to_boxes", [K(put("masks", masks))])
case("masks_to_boxes_uint8", "ops.masks_to_boxes", [K(put("masks_u8", masks.astype(np.uint8) * 3))])
case("masks_to_boxes_empty", "ops.masks_to_boxes", [K(put("masks_empty", np.zeros((0, 5, 5), bool)))])

# ---- nms -----------------------------------------------------------------------------------------
many = put("nms_boxes", boxes_xyxy(60, 20, size=30.0))
many_scores = put("nms_scores", rng(21).random(60).astype(np.float32))
for thr in (0.0, 0.3, 0.5, 0.9, 1.0):
    case(f"nms_{thr}", "ops.nms", [K(many), K(many_scores), thr])
case("nms_f64", "ops.nms", [K(put("nms_boxes64", boxes_xyxy(60, 22, 30.0, np.float64))),
                            K(put("nms_scores64", rng(23).random(60))), 0.4])
ties = np.round(rng(24).random(60) * 4).astype(np.float32) / 4  # few distinct scores: many ties
case("nms_ties", "ops.nms", [K(many), K(put("nms_tie_scores", ties)), 0.5])
same = put("nms_same_boxes", np.tile(np.array([[1, 1, 5, 5]], np.float32), (6, 1)))
case("nms_all_suppressed", "ops.nms", [K(same), K(put("nms_same_scores", rng(25).random(6).astype(np.float32))), 0.5])
case("nms_all_equal", "ops.nms", [K(same), K(put("nms_equal_scores", np.ones(6, np.float32))), 0.5])
case("nms_empty", "ops.nms", [K(put("nms_empty_boxes", np.zeros((0, 4), np.float32))),
                              K(put("nms_empty_scores", np.zeros(0, np.float32))), 0.5])
nan_scores = rng(26).random(7).astype(np.float32)
nan_scores[3] = np.nan
case("nms_nan_score", "ops.nms", [K(odd), K(put("nms_nan_scores", nan_scores)), 0.3])
case("nms_degenerate", "ops.nms", [K(odd), K(put("nms_odd_scores", rng(27).random(7).astype(np.float32))), 0.0])
case("nms_dtype_mismatch", "ops.nms", [K(many), K(put("nms_scores_f64", rng(21).random(60))), 0.5])
case("nms_half", "ops.nms", [K(put("nms_half_boxes", boxes_xyxy(5, 28).astype(np.float16))),
                             K(put("nms_half_scores", np.arange(5, dtype=np.float16))), 0.5])
case("nms_bad_shape", "ops.nms", [K(put("nms_boxes5", np.zeros((3, 5), np.float32))),
                                  K(put("nms_scores3", np.zeros(3, np.float32))), 0.5])
case("nms_bad_count", "ops.nms", [K(many), K(put("nms_scores_short", np.zeros(59, np.float32))), 0.5])
classes = put("nms_classes", rng(29).integers(0, 3, 60))
case("batched_nms", "ops.batched_nms", [K(many), K(many_scores), K(classes), 0.5])
case("batched_nms_ties", "ops.batched_nms", [K(many), K(put("nms_tie_scores", ties)), K(classes), 0.3])
case("batched_nms_empty", "ops.batched_nms", [K("nms_empty_boxes"), K("nms_empty_scores"),
                                              K(put("nms_empty_classes", np.zeros(0, np.int64))), 0.5])
big = put("nms_big_boxes", boxes_xyxy(1100, 30, size=200.0))  # > 4000 coordinates: one nms per class
case("batched_nms_big", "ops.batched_nms", [K(big), K(put("nms_big_scores", rng(31).random(1100).astype(np.float32))),
                                            K(put("nms_big_classes", rng(32).integers(0, 5, 1100))), 0.5])

# ---- losses --------------------------------------------------------------------------------------
p1 = put("loss_boxes1", boxes_xyxy(7, 40))
p2 = put("loss_boxes2", boxes_xyxy(7, 41))
for fn in ("generalized_box_iou_loss", "distance_box_iou_loss", "complete_box_iou_loss"):
    for red in ("none", "mean", "sum"):
        case(f"{fn}_{red}", f"ops.{fn}", [K(p1), K(p2)], {"reduction": red}, grad=[0, 1])
    case(f"{fn}_eps", f"ops.{fn}", [K(p1), K(p2)], {"eps": 0.5}, grad=[0, 1])
    case(f"{fn}_self", f"ops.{fn}", [K(p1), K(p1)])
    case(f"{fn}_empty_mean", f"ops.{fn}", [K("boxes_empty"), K("boxes_empty")], {"reduction": "mean"})
    case(f"{fn}_bad_reduction", f"ops.{fn}", [K(p1), K(p2)], {"reduction": "max"})
    case(f"{fn}_int", f"ops.{fn}", [K(ai), K(ai)])
logits = put("focal_logits", rng(42).standard_normal((5, 4)).astype(np.float32) * 3)
targets = put("focal_targets", (rng(43).random((5, 4)) > 0.6).astype(np.float32))
for kw in ({}, {"alpha": -1}, {"alpha": 0.5, "gamma": 0}, {"gamma": 1.5, "reduction": "mean"}, {"reduction": "sum"}):
    tag = "_".join(f"{k}{v}" for k, v in kw.items()) or "default"
    case(f"focal_{tag}", "ops.sigmoid_focal_loss", [K(logits), K(targets)], kw, grad=[0, 1])
case("focal_bad_alpha", "ops.sigmoid_focal_loss", [K(logits), K(targets)], {"alpha": 2.0})

# ---- roi_align / roi_pool ------------------------------------------------------------------------
feat = put("feat", rng(50).standard_normal((2, 3, 10, 12)).astype(np.float32))
feat64 = put("feat64", rng(51).standard_normal((2, 3, 10, 12)))
rois = np.array([
    [0, 1.0, 1.0, 8.0, 6.0],      # inside image 0
    [1, 2.3, 0.7, 11.2, 9.4],     # image 1, fractional corners
    [0, -3.0, -2.0, 4.0, 5.0],    # partly outside (top-left)
    [1, 8.0, 6.0, 16.0, 14.0],    # partly outside (bottom-right)
    [1, 30.0, 30.0, 40.0, 40.0],  # entirely outside
    [0, 5.0, 5.0, 5.0, 5.0],      # a point
    [0, 6.0, 2.0, 3.0, 7.0],      # inverted x
    [1, 0.0, 0.0, 11.9, 9.9],     # the whole map
    [0, 3.3, 4.4, 3.9, 8.8],      # thinner than a pixel
], np.float32)
r32 = put("rois", rois)
r64 = put("rois64", rois.astype(np.float64))
rois_scaled = put("rois_scaled", (rois * np.array([1, 2, 2, 2, 2], np.float32)).astype(np.float32))
for aligned in (False, True):
    for sr in (-1, 0, 2, 3):
        case(f"roi_align_a{int(aligned)}_s{sr}", "ops.roi_align", [K(feat), K(r32), (3, 4)],
             {"spatial_scale": 1.0, "sampling_ratio": sr, "aligned": aligned}, grad=[0])
    case(f"roi_align_scaled_a{int(aligned)}", "ops.roi_align", [K(feat), K(rois_scaled), 2],
         {"spatial_scale": 0.5, "sampling_ratio": -1, "aligned": aligned}, grad=[0])
    case(f"roi_align_f64_a{int(aligned)}", "ops.roi_align", [K(feat64), K(r64), (2, 3)],
         {"spatial_scale": 1.0, "sampling_ratio": -1, "aligned": aligned}, grad=[0])
upright = [0, 1, 2, 3, 4, 5, 7, 8]  # without the inverted box, which aligned=True with adaptive sampling refuses
case("roi_align_upright_a1", "ops.roi_align",
     [K(feat64), K(put("rois64_upright", rois[upright].astype(np.float64))), 2],
     {"spatial_scale": 1.0, "sampling_ratio": -1, "aligned": True}, grad=[0])
case("roi_align_upright_scaled_a1", "ops.roi_align",
     [K(feat), K(put("rois_upright_scaled", (rois[upright] * np.array([1, 2, 2, 2, 2], np.float32)))), (2, 3)],
     {"spatial_scale": 0.5, "sampling_ratio": -1, "aligned": True}, grad=[0])
case("roi_align_list", "ops.roi_align", [K(feat), {"list": [put("roi_list0", rois[[0, 2, 5], 1:]),
                                                           put("roi_list1", rois[[1, 3], 1:])]}, 3],
     {"sampling_ratio": 2}, grad=[0])
case("roi_align_empty", "ops.roi_align", [K(feat), K(put("rois_empty", np.zeros((0, 5), np.float32))), 2], grad=[0])
case("roi_align_half", "ops.roi_align", [K(put("feat_half", rng(52).standard_normal((1, 2, 6, 6)).astype(np.float16))),
                                         K(put("rois_half", np.array([[0, 0.5, 1, 4, 5.5]], np.float16))), 2])
case("roi_align_dtype_mismatch", "ops.roi_align", [K(feat), K(r64), 2])
case("roi_align_bad_rois", "ops.roi_align", [K(feat), K(put("rois4", rois[:, 1:])), 2])

ties_feat = put("feat_ties", np.round(rng(53).standard_normal((2, 3, 10, 12)) * 1.5).astype(np.float32))
for name, f, rr, scale in (("", feat, r32, 1.0), ("_scaled", feat, rois_scaled, 0.5), ("_ties", ties_feat, r32, 1.0)):
    for size in (2, (3, 4), 5, (2, 3)):
        tag = size if isinstance(size, int) else "x".join(map(str, size))
        case(f"roi_pool{name}_{tag}", "ops.roi_pool", [K(f), K(rr), size], {"spatial_scale": scale}, grad=[0])
case("roi_pool_f64", "ops.roi_pool", [K(feat64), K(r64), 3], grad=[0])
case("roi_pool_list", "ops.roi_pool", [K(feat), {"list": ["roi_list0", "roi_list1"]}, 2], grad=[0])
case("roi_pool_empty", "ops.roi_pool", [K(feat), K("rois_empty"), 2], grad=[0])
case("roi_pool_dtype_mismatch", "ops.roi_pool", [K(feat), K(r64), 2])
half_scale = put("rois_half_px", np.array([[0, 0.5, 1.5, 2.5, 3.5], [1, -0.5, 0.5, 7.5, 8.5]], np.float32))
case("roi_pool_round_half", "ops.roi_pool", [K(feat), K(half_scale), 3], grad=[0])

# ---- position-sensitive forms -------------------------------------------------------------------
ps_feat = put("ps_feat", rng(60).standard_normal((2, 12, 9, 11)).astype(np.float32))
for sr in (-1, 2):
    case(f"ps_roi_align_s{sr}", "ops.ps_roi_align", [K(ps_feat), K(r32), 2], {"sampling_ratio": sr}, grad=[0])
case("ps_roi_align_scaled", "ops.ps_roi_align", [K(ps_feat), K(rois_scaled), (2, 3)],
     {"spatial_scale": 0.5, "sampling_ratio": -1}, grad=[0])
case("ps_roi_pool", "ops.ps_roi_pool", [K(ps_feat), K(r32), 2], grad=[0])
case("ps_roi_pool_scaled", "ops.ps_roi_pool", [K(ps_feat), K(rois_scaled), (2, 3)], {"spatial_scale": 0.5}, grad=[0])
case("ps_roi_align_bad_channels", "ops.ps_roi_align", [K(feat), K(r32), 2])

# ---- DropBlock: the draws differ from torch's generator, so only the deterministic cases -----------
case("drop_block2d_p0", "ops.drop_block2d", [K(feat), 0.0, 3], grad=[0])
case("drop_block2d_eval", "ops.drop_block2d", [K(feat), 0.5, 3], {"training": False})
case("drop_block2d_all", "ops.drop_block2d", [K(put("db_small", rng(80).standard_normal((1, 2, 3, 3))
                                                     .astype(np.float32))), 1.0, 5])
case("drop_block3d_all", "ops.drop_block3d", [K(put("db_small3", rng(81).standard_normal((1, 1, 3, 3, 3))
                                                     .astype(np.float32))), 1.0, 3])
case("drop_block3d_eval", "ops.drop_block3d", [K("db_small3"), 0.3, 3], {"training": False})
case("drop_block2d_bad_p", "ops.drop_block2d", [K(feat), 1.5, 3])
case("drop_block2d_bad_ndim", "ops.drop_block2d", [K("db_small3"), 0.5, 3])
case("drop_block2d_even", "ops.drop_block2d", [K(feat), 0.5, 4])
case("drop_block3d_bad_ndim", "ops.drop_block3d", [K(feat), 0.5, 3])

# ---- MultiScaleRoIAlign (checked by its own test: dict of features, list of boxes, image sizes) ---
levels = {"feat1": rng(70).standard_normal((2, 2, 16, 16)).astype(np.float32),
          "skipped": rng(71).standard_normal((2, 2, 4, 4)).astype(np.float32),
          "feat2": rng(72).standard_normal((2, 2, 8, 8)).astype(np.float32)}
pyramid_boxes = [np.array([[2, 3, 9, 12], [10, 10, 50, 40], [0, 0, 63, 63], [30, 5, 36, 9], [5, 40, 20, 60]],
                          np.float32),
                 np.array([[1, 1, 14, 14], [20, 22, 58, 61], [40.5, 3.5, 47.25, 30.75]], np.float32)]
for name, value in levels.items():
    put(f"msra/{name}", value)
for i, b in enumerate(pyramid_boxes):
    put(f"msra/boxes{i}", b)
for tag, names, size, sr in (("multi", ["feat1", "feat2"], 3, 2), ("single", ["feat1"], (2, 3), -1)):
    feats = {k: torch.from_numpy(v.copy()).requires_grad_(True) for k, v in levels.items()}
    pooler = ops.MultiScaleRoIAlign(names, size, sr, canonical_scale=32)
    out = pooler(feats, [torch.from_numpy(b) for b in pyramid_boxes], [(64, 64), (60, 62)])
    w = rng(73).standard_normal(tuple(out.shape)).astype(np.float32)
    (out * torch.from_numpy(w)).sum().backward()
    put(f"msra/{tag}/out", out.detach().numpy())
    put(f"msra/{tag}/w", w)
    put(f"msra/{tag}/scales", np.array(pooler.scales))
    put(f"msra/{tag}/repr", np.array(repr(pooler)))
    for k in names:
        put(f"msra/{tag}/grad_{k}", feats[k].grad.numpy())

arrays["__manifest__"] = np.array(json.dumps({"torch": torch.__version__, "torchvision": torchvision.__version__,
                                              "cases": manifest}))
np.savez_compressed(OUT, **arrays)
print(f"{len(manifest)} cases, {os.path.getsize(OUT)} bytes -> {OUT}")
