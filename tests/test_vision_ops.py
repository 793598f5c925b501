"""torchlike.vision.ops where no torchvision result is needed: known answers of nms and the region ops,
and the refusals where an output size or sample grid depends on values inside torchlike.compile."""
import numpy as np
import pytest

import torchlike as torch
from torchlike.vision import ops


def test_nms_keeps_the_best_of_overlapping_boxes():
    boxes = torch.tensor([[0., 0., 10., 10.], [1., 1., 10., 10.], [20., 20., 30., 30.], [0., 0., 10., 9.]])
    scores = torch.tensor([0.9, 0.95, 0.5, 0.95])
    keep = ops.nms(boxes, scores, 0.7)
    # 1 and 3 tie at 0.95 (index order decides); 1 suppresses 0 (IoU 0.81) and 3 (IoU 72/99)
    assert keep.dtype == torch.int64 and keep.tolist() == [1, 2]
    # above 0.85 only 3 suppresses 0 (IoU 0.9)
    assert ops.nms(boxes, scores, 0.85).tolist() == [1, 3, 2]


def test_roi_align_of_a_linear_ramp_is_the_bin_centre():
    # on f(y, x) = x bilinear sampling is exact: each bin gives the x of its centre
    ramp = torch.arange(8, dtype=torch.float32).repeat(1, 1, 8, 1)
    out = ops.roi_align(ramp, torch.tensor([[0., 1., 1., 5., 5.]]), 2, sampling_ratio=2, aligned=True)
    np.testing.assert_allclose(out.numpy()[0, 0], [[1.5, 3.5], [1.5, 3.5]], rtol=1e-6)


def test_roi_pool_gradient_goes_to_the_first_maximum():
    x = torch.tensor([[[[1., 3., 3.], [0., 3., 2.], [1., 1., 1.]]]], requires_grad=True)
    out = ops.roi_pool(x, torch.tensor([[0., 0., 0., 2., 2.]]), 1)
    out.sum().backward()
    assert out.item() == 3.0
    assert x.grad.numpy()[0, 0].tolist() == [[0., 1., 0.], [0., 0., 0.], [0., 0., 0.]]


def test_compiled_step_with_nms_runs_eagerly():
    boxes = torch.tensor([[0., 0., 1., 1.], [0., 0., 1., 0.9], [3., 3., 4., 4.]])
    scores = torch.tensor([0.2, 0.9, 0.5])
    keep = torch.compile(lambda b, s: ops.nms(b, s, 0.5))
    assert keep(boxes, scores).tolist() == [1, 2]  # the first call runs eagerly anyway
    with pytest.warns(UserWarning, match="runs eagerly"):
        assert keep(boxes, scores).tolist() == [1, 2]


def test_compiled_roi_align_traces_with_a_fixed_grid_and_falls_back_when_adaptive():
    x = torch.ones(1, 1, 4, 4)
    rois = torch.tensor([[0., 0., 0., 3., 3.]])
    fixed = torch.compile(lambda a, r: ops.roi_align(a, r, 2, sampling_ratio=2))
    for _ in range(2):
        np.testing.assert_allclose(fixed(x, rois).numpy(), np.ones((1, 1, 2, 2)))
    assert fixed.eager_reason is None
    adaptive = torch.compile(lambda a, r: ops.roi_align(a, r, 2))
    adaptive(x, rois)
    with pytest.warns(UserWarning, match="runs eagerly"):
        np.testing.assert_allclose(adaptive(x, rois).numpy(), np.ones((1, 1, 2, 2)))


def test_rotated_box_iou_is_not_supported():
    b = torch.tensor([[5., 5., 2., 2., 30.]])
    with pytest.raises(NotImplementedError, match="rotated"):
        ops.box_iou(b, b, fmt="cxcywhr")


def test_drop_block_drops_whole_blocks_and_rescales():
    torch.manual_seed(0)
    x = torch.ones(4, 3, 20, 20)
    out = ops.drop_block2d(x, 0.2, 5).numpy()
    kept = out != 0
    scale = out[kept][0]
    np.testing.assert_allclose(out[kept], scale)  # every kept value rescaled by one factor
    np.testing.assert_allclose(scale, kept.size / (1e-6 + kept.sum()), rtol=1e-6)
    dropped = 1 - kept.mean()
    assert 0.1 < dropped < 0.3  # about p of the positions
    # a dropped position lies in a fully dropped 5 x 5 block (clipped at the border)
    n, c, i, j = map(int, np.argwhere(~kept)[0])
    assert any((~kept[n, c, max(a, 0):a + 5, max(b, 0):b + 5]).all()
               for a in range(i - 4, i + 1) for b in range(j - 4, j + 1)
               if a + 5 <= 20 and b + 5 <= 20 and a >= 0 and b >= 0)
