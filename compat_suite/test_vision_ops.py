"""torchvision.ops against stored torchvision 0.29 results (compat_suite/reference/vision_ops.npz, written
by reference/make_vision_ops.py, which runs real torchvision): box utilities, nms / batched_nms, the IoU
and focal losses, roi_align / roi_pool and their position-sensitive forms, with gradients of
sum(out * w) w.r.t. the inputs torchvision differentiates, and the exception types of refused calls.

torchvision cannot be installed beside the torch this suite compares with, hence stored results."""
from __future__ import annotations

import builtins
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import torchlike
import torchlike.vision
from torchlike.vision import ops

REF_PATH = os.path.join(os.path.dirname(__file__), "reference", "vision_ops.npz")
REF = np.load(REF_PATH)
MANIFEST = json.loads(str(REF["__manifest__"]))
CASES = MANIFEST["cases"]

# Region ops sum bilinear samples in another order than torchvision's loops; the box formulas are the
# same elementwise float operations (transcendental functions may differ in the last place).
TOLERANCES = {"roi_align": (2e-5, 2e-6), "ps_roi_align": (2e-5, 2e-6), "roi_pool": (1e-6, 1e-7),
              "ps_roi_pool": (1e-5, 1e-6), "sigmoid_focal_loss": (1e-5, 1e-7)}
DEFAULT_TOL = (2e-6, 1e-7)
HALF_TOL = (2e-3, 2e-3)


def _tensor(key):
    return torchlike.from_numpy(REF[key].copy())


def _build(spec):
    if isinstance(spec, dict) and "key" in spec:
        return _tensor(spec["key"])
    if isinstance(spec, dict) and "list" in spec:
        return [_tensor(k) for k in spec["list"]]
    return tuple(spec) if isinstance(spec, list) else spec


def _resolve(path):
    target = torchlike.vision
    for part in path.split("."):
        target = getattr(target, part)
    return target


def _tol(case, dtype):
    if "float16" in str(dtype):
        return HALF_TOL
    return TOLERANCES.get(case["fn"].split(".")[-1], DEFAULT_TOL)


def _same(actual, expected, rtol, atol, what):
    actual = np.asarray(actual)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    if expected.dtype.kind in "biu":
        np.testing.assert_array_equal(actual, expected, err_msg=what)
    else:
        np.testing.assert_allclose(actual.astype(np.float64), expected.astype(np.float64), rtol=rtol, atol=atol,
                                   equal_nan=True, err_msg=what)


def _run(case):
    args = [_build(a) for a in case["args"]]
    for i in case["grad"]:
        args[i] = args[i].detach().requires_grad_(True)
    return args, _resolve(case["fn"])(*args, **case["kwargs"])


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_matches_torchvision(case):
    name = case["name"]
    if "error" in case:
        with pytest.raises(getattr(builtins, case["error"])):
            _run(case)
        return
    args, out = _run(case)
    assert str(out.dtype).removeprefix("torch.") == case["dtype"], name
    rtol, atol = _tol(case, out.dtype)
    _same(out.detach().numpy(), REF[f"{name}/out"], rtol, atol, f"{name} output")
    if case["grad"]:
        (out * _tensor(f"{name}/w")).sum().backward()
        for i in case["grad"]:
            grad = args[i].grad
            got = np.zeros(args[i].shape, REF[f"{name}/grad{i}"].dtype) if grad is None else grad.numpy()
            _same(got, REF[f"{name}/grad{i}"], rtol, max(atol, 1e-6), f"{name} grad of argument {i}")


def test_region_ops_give_boxes_no_gradient():
    feat = _tensor("feat").requires_grad_(True)
    rois = _tensor("rois").requires_grad_(True)
    (ops.roi_align(feat, rois, 2).sum() + ops.roi_pool(feat, rois, 2).sum()).backward()
    assert rois.grad is None and feat.grad is not None


def test_modules_match_functions():
    feat, rois = _tensor("feat"), _tensor("rois_scaled")
    align = ops.RoIAlign((3, 4), spatial_scale=0.5, sampling_ratio=2, aligned=True)
    assert repr(align) == "RoIAlign(output_size=(3, 4), spatial_scale=0.5, sampling_ratio=2, aligned=True)"
    np.testing.assert_array_equal(align(feat, rois).numpy(),
                                  ops.roi_align(feat, rois, (3, 4), 0.5, 2, True).numpy())
    pool = ops.RoIPool(2, 0.5)
    assert repr(pool) == "RoIPool(output_size=2, spatial_scale=0.5)"
    _same(pool(feat, rois).numpy(), REF["roi_pool_scaled_2/out"], 0, 0, "RoIPool")


@pytest.mark.parametrize("tag, names, size, sampling_ratio",
                         [("multi", ["feat1", "feat2"], 3, 2), ("single", ["feat1"], (2, 3), -1)])
def test_multi_scale_roi_align(tag, names, size, sampling_ratio):
    feats = {k: _tensor(f"msra/{k}").requires_grad_(True) for k in ("feat1", "skipped", "feat2")}
    boxes = [_tensor("msra/boxes0"), _tensor("msra/boxes1")]
    pooler = ops.MultiScaleRoIAlign(names, size, sampling_ratio, canonical_scale=32)
    out = pooler(feats, boxes, [(64, 64), (60, 62)])
    assert repr(pooler) == str(REF[f"msra/{tag}/repr"])
    assert pooler.scales == REF[f"msra/{tag}/scales"].tolist()
    _same(out.detach().numpy(), REF[f"msra/{tag}/out"], 2e-5, 2e-6, "MultiScaleRoIAlign output")
    (out * _tensor(f"msra/{tag}/w")).sum().backward()
    for k in names:
        _same(feats[k].grad.numpy(), REF[f"msra/{tag}/grad_{k}"], 2e-5, 2e-6, f"MultiScaleRoIAlign grad of {k}")
    assert feats["skipped"].grad is None


def test_reference_was_made_by_torchvision_029():
    assert MANIFEST["torchvision"].startswith("0.29"), MANIFEST["torchvision"]
    assert len(CASES) > 100


def test_torchvision_ops_imports_under_the_alias(tmp_path):
    script = tmp_path / "uses_ops.py"
    script.write_text(
        "import torch, torchvision.ops\n"
        "from torchvision.ops import nms, box_iou, FrozenBatchNorm2d, roi_align\n"
        "from torchvision.ops.boxes import batched_nms\n"
        "boxes = torch.tensor([[0., 0., 2., 2.], [0., 0., 2., 1.9], [5., 5., 6., 6.]])\n"
        "print(torchvision.ops.__name__, nms(boxes, torch.tensor([0.5, 0.9, 0.1]), 0.5).tolist(),\n"
        "      batched_nms(boxes, torch.tensor([0.5, 0.9, 0.1]), torch.tensor([0, 1, 1]), 0.5).tolist())\n")
    run = subprocess.run([sys.executable, "-m", "torchlike", "run", str(script)], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["torchlike.vision.ops", "[1,", "2]", "[1,", "0,", "2]"]
