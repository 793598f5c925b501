"""Known answers for convolution, pooling, padding, resampling, shuffles and fold/unfold."""
import numpy as np
import pytest

import torchlike as torch
import torchlike.nn.functional as F
from torchlike import nn


def t(a, grad=False):
    return torch.tensor(np.asarray(a, dtype=np.float32), requires_grad=grad)


def npy(x):
    return np.asarray(x.detach().numpy())


IMG = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)


def test_conv2d_hand_computed_3x3():
    k = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], np.float32)  # Sobel x
    out = F.conv2d(t(IMG), t(k[None, None]), t([0.5]))
    # every 3x3 window of a ramp with row step 4 and column step 1: sum(k * window) = -8
    assert npy(out).tolist() == [[[[-7.5, -7.5], [-7.5, -7.5]]]]
    assert out.grad_fn is None


def test_conv2d_padding_stride_and_grad():
    x = t(IMG, grad=True)
    w = t(np.ones((1, 1, 2, 2)), grad=True)
    out = F.conv2d(x, w, stride=2, padding=1)
    assert npy(out)[0, 0].tolist() == [[0, 1 + 2, 3], [4 + 8, 5 + 6 + 9 + 10, 7 + 11], [12, 13 + 14, 15]]
    assert out.grad_fn.name() == "ConvolutionBackward0"
    out.sum().backward()
    assert npy(x.grad).tolist() == np.ones((1, 1, 4, 4)).tolist()  # each pixel in exactly one window
    assert npy(w.grad)[0, 0].tolist() == [[IMG[0, 0, 1::2, 1::2].sum(), IMG[0, 0, 1::2, ::2].sum()],
                                          [IMG[0, 0, ::2, 1::2].sum(), IMG[0, 0, ::2, ::2].sum()]]


def test_conv1d_groups_and_unbatched():
    x = t([[1, 2, 3], [10, 20, 30]])  # (C=2, L=3), no batch dimension
    w = t([[[1, 1]], [[1, -1]]])  # groups=2: channel c uses only input channel c
    assert npy(F.conv1d(x, w, groups=2)).tolist() == [[3, 5], [-10, -10]]


def test_conv_same_padding_keeps_size():
    out = F.conv2d(t(np.ones((1, 1, 5, 6))), t(np.ones((1, 1, 4, 3))), padding="same")
    assert tuple(out.shape) == (1, 1, 5, 6)
    assert npy(out)[0, 0, 0].tolist() == [6, 9, 9, 9, 9, 6]  # 'same' puts the odd extra row at the end


def test_conv_transpose_is_adjoint_of_conv():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((1, 2, 7, 6)).astype(np.float32), rng.standard_normal((1, 3, 4, 4)).astype(np.float32)
    w = rng.standard_normal((3, 2, 3, 2)).astype(np.float32)
    conv = npy(F.conv2d(t(x), t(w), stride=2, padding=1))
    back = npy(F.conv_transpose2d(t(y), t(w), stride=2, padding=1))
    assert back.shape == x.shape
    assert np.isclose((conv * y).sum(), (x * back).sum(), rtol=1e-4)


def test_conv_transpose_stride_spreads_input():
    out = F.conv_transpose1d(t([[[1, 2]]]), t([[[1, 1, 1]]]), stride=2)
    assert npy(out).tolist() == [[[1, 1, 3, 2, 2]]]


def test_conv_errors():
    with pytest.raises(RuntimeError, match=r"expected input\[1, 3, 28, 28\] to have 1 channels, but got 3"):
        F.conv2d(torch.zeros(1, 3, 28, 28), torch.zeros(32, 1, 3, 3))
    with pytest.raises(RuntimeError, match="Kernel size can't be greater than actual input size"):
        F.conv2d(torch.zeros(1, 1, 2, 2), torch.zeros(1, 1, 3, 3))


def test_max_pool_values_and_flat_indices():
    out, idx = F.max_pool2d(t(IMG), 2, return_indices=True)
    assert npy(out).tolist() == [[[[5, 7], [13, 15]]]]
    assert npy(idx).tolist() == [[[[5, 7], [13, 15]]]]
    assert idx.dtype == torch.int64
    out, idx = F.max_pool2d(t(-IMG), 3, stride=1, padding=1, return_indices=True)
    assert npy(idx)[0, 0, 0].tolist() == [0, 0, 1, 2]


def test_max_pool_gradient_goes_to_first_maximum():
    x = t(np.ones((1, 1, 2, 2)), grad=True)
    F.max_pool2d(x, 2).sum().backward()
    assert npy(x.grad).tolist() == [[[[1, 0], [0, 0]]]]


def test_max_pool_ceil_mode_and_1d():
    out = F.max_pool1d(t([[1, 5, 2, 4, 3]]), 2, ceil_mode=True)
    assert npy(out).tolist() == [[5, 4, 3]]
    assert tuple(F.max_pool1d(t([[1, 5, 2, 4, 3]]), 2).shape) == (1, 2)


def test_avg_pool_padding_counts():
    x = t(np.ones((1, 1, 3, 3)))
    inc = npy(F.avg_pool2d(x, 2, padding=1))[0, 0]
    exc = npy(F.avg_pool2d(x, 2, padding=1, count_include_pad=False))[0, 0]
    assert inc.tolist() == [[0.25, 0.5], [0.5, 1.0]]
    assert exc.tolist() == [[1, 1], [1, 1]]
    assert npy(F.avg_pool2d(x, 3, divisor_override=3)).item() == 3


def test_adaptive_pools():
    x = t(np.arange(5, dtype=np.float32)[None, None])
    assert np.allclose(npy(F.adaptive_avg_pool1d(x, 2)), [[[1.0, 3.0]]])  # windows [0,3) and [2,5)
    out, idx = F.adaptive_max_pool1d(x, 3, return_indices=True)
    assert npy(out).tolist() == [[[1, 3, 4]]] and npy(idx).tolist() == [[[1, 3, 4]]]
    assert npy(F.adaptive_avg_pool2d(t(IMG), 1)).item() == 7.5


def test_lp_pool_and_unpool():
    x = t([[[3.0, 4.0, 0.0, 0.0]]])
    assert np.allclose(npy(F.lp_pool1d(x, 2, 2)), [[[5.0, 0.0]]])
    out, idx = F.max_pool2d(t(IMG), 2, return_indices=True)
    up = npy(F.max_unpool2d(out, idx, 2))
    expected = np.zeros((1, 1, 4, 4), np.float32)
    expected[0, 0, 1::2, 1::2] = IMG[0, 0, 1::2, 1::2]
    assert up.tolist() == expected.tolist()


@pytest.mark.parametrize("mode,expected", [("constant", [0, 1, 2, 3, 0, 0]), ("reflect", [2, 1, 2, 3, 2, 1]),
                                           ("replicate", [1, 1, 2, 3, 3, 3]), ("circular", [3, 1, 2, 3, 1, 2])])
def test_pad_modes(mode, expected):
    assert npy(F.pad(t([[[1, 2, 3]]]), (1, 2), mode=mode)).tolist() == [[expected]]


def test_pad_order_is_last_dimension_first():
    out = F.pad(t(np.ones((1, 2, 3))), (1, 0, 0, 2), value=7)
    assert tuple(out.shape) == (1, 4, 4)
    assert npy(out)[0, :, 0].tolist() == [7, 7, 7, 7] and npy(out)[0, 3].tolist() == [7, 7, 7, 7]


def test_interpolate_nearest_and_bilinear():
    x = t([[[[1, 2], [3, 4]]]])
    assert npy(F.interpolate(x, scale_factor=2))[0, 0, 0].tolist() == [1, 1, 2, 2]
    aligned = npy(F.interpolate(x, size=3, mode="bilinear", align_corners=True))[0, 0]
    assert np.allclose(aligned, [[1, 1.5, 2], [2, 2.5, 3], [3, 3.5, 4]])
    half = npy(F.interpolate(x, scale_factor=2, mode="bilinear"))[0, 0, 0]
    assert np.allclose(half, [1, 1.25, 1.75, 2])
    lin = npy(F.interpolate(t([[[0, 10]]]), size=5, mode="linear", align_corners=True))
    assert np.allclose(lin, [[[0, 2.5, 5, 7.5, 10]]])


def test_interpolate_bicubic_reproduces_constants():
    out = F.interpolate(t(np.full((1, 1, 3, 4), 2.5)), size=(7, 5), mode="bicubic")
    assert np.allclose(npy(out), 2.5)


def test_affine_grid_identity_and_grid_sample():
    theta = t([[[1, 0, 0], [0, 1, 0]]])
    grid = F.affine_grid(theta, (1, 1, 4, 4), align_corners=False)
    assert np.allclose(npy(grid)[0, 0, :, 0], [-0.75, -0.25, 0.25, 0.75])
    assert np.allclose(npy(F.grid_sample(t(IMG), grid, align_corners=False)), IMG)
    shift = F.affine_grid(t([[[1, 0, 0.5], [0, 1, 0]]]), (1, 1, 4, 4), align_corners=False)
    out = npy(F.grid_sample(t(IMG), shift, align_corners=False, padding_mode="zeros"))[0, 0, 0]
    assert np.allclose(out, [1, 2, 3, 0])  # shifted by one pixel; the last column falls outside


def test_pixel_shuffle_round_trip():
    x = t(np.arange(2 * 8 * 3 * 3, dtype=np.float32).reshape(2, 8, 3, 3))
    y = F.pixel_shuffle(x, 2)
    assert tuple(y.shape) == (2, 2, 6, 6)
    assert npy(y)[0, 0, :2, :2].tolist() == [[0, 9], [18, 27]]
    assert np.array_equal(npy(F.pixel_unshuffle(y, 2)), npy(x))


def test_channel_shuffle():
    x = t(np.arange(6, dtype=np.float32).reshape(1, 6, 1, 1))
    assert npy(F.channel_shuffle(x, 2)).ravel().tolist() == [0, 3, 1, 4, 2, 5]


def test_unfold_fold():
    cols = F.unfold(t(IMG), 2, stride=2)
    assert tuple(cols.shape) == (1, 4, 4)
    assert npy(cols)[0, :, 0].tolist() == [0, 1, 4, 5]
    assert np.array_equal(npy(F.fold(cols, (4, 4), 2, stride=2)), IMG)
    overlap = F.fold(F.unfold(t(np.ones((1, 1, 3, 3))), 2), (3, 3), 2)
    assert npy(overlap)[0, 0].tolist() == [[1, 2, 1], [2, 4, 2], [1, 2, 1]]


def test_layers_shapes_and_state():
    torch.manual_seed(0)
    m = nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False)
    assert list(m.state_dict()) == ["weight"] and tuple(m.weight.shape) == (8, 3, 3, 3)
    assert tuple(m(torch.zeros(2, 3, 9, 9)).shape) == (2, 8, 5, 5)
    ct = nn.ConvTranspose2d(8, 4, 2, stride=2, groups=2)
    assert tuple(ct.weight.shape) == (8, 2, 2, 2)
    assert tuple(ct(torch.zeros(1, 8, 3, 3)).shape) == (1, 4, 6, 6)
    assert repr(nn.MaxPool2d(2)) == "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"
    assert repr(nn.ReflectionPad2d(1)) == "ReflectionPad2d((1, 1, 1, 1))"
    seq = nn.Sequential(nn.Upsample(scale_factor=2), nn.ZeroPad2d(1), nn.PixelUnshuffle(2), nn.Unfold(2))
    assert tuple(seq(torch.zeros(1, 1, 3, 3)).shape) == (1, 16, 9)


def test_circular_conv_layer_wraps():
    m = nn.Conv1d(1, 1, 3, padding=1, padding_mode="circular", bias=False)
    with torch.no_grad():
        m.weight.copy_(t([[[1, 0, 0]]]))
    assert npy(m(t([[[1, 2, 3, 4]]]))).tolist() == [[[4, 1, 2, 3]]]


@pytest.mark.parametrize("n,stride,pads,dilation", [
    (1, (2,), ((1, 1),), (1,)),
    (2, (1, 1), ((0, 0), (0, 0)), (1, 1)),
    (2, (2, 1), ((1, 2), (0, 1)), (2, 1)),
    (3, (1, 2, 1), ((1, 1), (0, 0), (2, 2)), (1, 1, 2)),
])
def test_patches_conv_equals_lax_conv(n, stride, pads, dilation):
    """The im2col lowering (used on the CPU when YNNPACK is off) against XLA's own convolution."""
    import jax
    from torchlike._ops.conv import _DIMS, patches_conv
    rng = np.random.default_rng(n)
    x = rng.standard_normal((2, 3) + (9,) * n)
    w = rng.standard_normal((4, 3) + (3,) * n)
    want = jax.lax.conv_general_dilated(x, w, stride, pads, rhs_dilation=dilation, dimension_numbers=_DIMS[n])
    got = patches_conv(x, w, stride, pads, dilation)
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-10, atol=1e-10)
