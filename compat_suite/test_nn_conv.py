"""Convolution, pooling, padding, resampling, shuffle and fold layers against real PyTorch: the
same state_dict in both, outputs, input and parameter gradients compared in train and eval mode;
reprs, state_dict keys, default initialisation statistics and errors compared."""
import numpy as np
import pytest
import torch

import torchlike

from .harness import check, check_error, randint, randn
from .test_nn_modules import run_case

X1, X2, X3 = randn(2, 4, 9), randn(2, 4, 7, 8), randn(1, 2, 5, 6, 4)

LAYERS = [
    ("Conv1d", lambda t: t.nn.Conv1d(4, 6, 3), [X1]),
    ("Conv1d unbatched", lambda t: t.nn.Conv1d(4, 2, 2, stride=2, bias=False), [X1[0]]),
    ("Conv1d same circular", lambda t: t.nn.Conv1d(4, 4, 4, padding="same", padding_mode="circular", groups=2),
     [X1]),
    ("Conv2d", lambda t: t.nn.Conv2d(4, 3, 3), [X2]),
    ("Conv2d all args", lambda t: t.nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 2), dilation=(2, 1),
                                              groups=2), [X2]),
    ("Conv2d reflect", lambda t: t.nn.Conv2d(4, 3, 3, padding=1, padding_mode="reflect"), [X2]),
    ("Conv2d replicate", lambda t: t.nn.Conv2d(4, 3, 3, padding=(2, 1), padding_mode="replicate"), [X2]),
    ("Conv2d same dilated", lambda t: t.nn.Conv2d(4, 2, 3, padding="same", dilation=2), [X2]),
    ("Conv2d valid", lambda t: t.nn.Conv2d(4, 2, 2, padding="valid"), [X2]),
    # padding as large as the input (ResNet's last stages on small images): padded before the convolution
    ("Conv2d padding over a 2x2 map", lambda t: t.nn.Conv2d(4, 3, 3, padding=1), [randn(2, 4, 2, 2)]),
    ("Conv2d padding over a 1x3 map", lambda t: t.nn.Conv2d(4, 3, 3, stride=2, padding=(2, 1)), [randn(2, 4, 1, 3)]),
    ("Conv2d depthwise", lambda t: t.nn.Conv2d(4, 8, 3, groups=4), [X2]),
    ("Conv2d f64", lambda t: t.nn.Conv2d(4, 2, 3, dtype=t.float64), [randn(2, 4, 5, 5, dtype=np.float64)]),
    ("Conv3d", lambda t: t.nn.Conv3d(2, 3, 2, padding=1), [X3]),
    ("ConvTranspose1d", lambda t: t.nn.ConvTranspose1d(4, 3, 3, stride=2, output_padding=1), [X1]),
    ("ConvTranspose2d", lambda t: t.nn.ConvTranspose2d(4, 3, 3), [X2]),
    ("ConvTranspose2d all args", lambda t: t.nn.ConvTranspose2d(4, 6, (3, 2), stride=(2, 3), padding=(1, 0),
                                                                output_padding=(1, 2), groups=2, dilation=(1, 2)),
     [X2]),
    ("ConvTranspose2d no bias unbatched", lambda t: t.nn.ConvTranspose2d(4, 2, 2, stride=2, bias=False), [X2[0]]),
    ("ConvTranspose3d", lambda t: t.nn.ConvTranspose3d(2, 2, 2, stride=2), [X3]),
    ("MaxPool1d", lambda t: t.nn.MaxPool1d(3, 2, 1), [X1]),
    ("MaxPool2d", lambda t: t.nn.MaxPool2d(2), [X2]),
    ("MaxPool2d indices", lambda t: t.nn.MaxPool2d(3, 2, 1, dilation=1, return_indices=True, ceil_mode=True), [X2]),
    ("MaxPool2d dilation", lambda t: t.nn.MaxPool2d((2, 3), (1, 2), dilation=(2, 1)), [X2]),
    ("MaxPool3d", lambda t: t.nn.MaxPool3d(2, return_indices=True), [X3]),
    ("AvgPool1d", lambda t: t.nn.AvgPool1d(3, 2, 1, ceil_mode=True), [X1]),
    ("AvgPool2d", lambda t: t.nn.AvgPool2d(2), [X2]),
    ("AvgPool2d exclude pad", lambda t: t.nn.AvgPool2d(3, 2, 1, count_include_pad=False, ceil_mode=True), [X2]),
    ("AvgPool2d divisor", lambda t: t.nn.AvgPool2d((2, 3), divisor_override=3), [X2]),
    ("AvgPool3d", lambda t: t.nn.AvgPool3d(2, 1, 1), [X3]),
    ("AdaptiveAvgPool1d", lambda t: t.nn.AdaptiveAvgPool1d(4), [X1]),
    ("AdaptiveAvgPool2d", lambda t: t.nn.AdaptiveAvgPool2d((3, None)), [X2]),
    ("AdaptiveAvgPool2d 1", lambda t: t.nn.AdaptiveAvgPool2d(1), [X2]),
    ("AdaptiveAvgPool3d", lambda t: t.nn.AdaptiveAvgPool3d((2, 4, 3)), [X3]),
    ("AdaptiveMaxPool1d", lambda t: t.nn.AdaptiveMaxPool1d(5, return_indices=True), [X1]),
    ("AdaptiveMaxPool2d", lambda t: t.nn.AdaptiveMaxPool2d((5, 3)), [X2]),
    ("AdaptiveMaxPool3d", lambda t: t.nn.AdaptiveMaxPool3d(2), [X3]),
    ("LPPool1d", lambda t: t.nn.LPPool1d(2, 3, 2), [X1]),
    ("LPPool2d", lambda t: t.nn.LPPool2d(3, 2), [np.abs(X2) + 0.1]),
    ("ZeroPad1d", lambda t: t.nn.ZeroPad1d((1, 2)), [X1]),
    ("ZeroPad2d", lambda t: t.nn.ZeroPad2d(2), [X2]),
    ("ZeroPad3d", lambda t: t.nn.ZeroPad3d((1, 0, 2, 1, 0, 1)), [X3]),
    ("ConstantPad1d", lambda t: t.nn.ConstantPad1d(2, 3.5), [X1]),
    ("ConstantPad2d negative", lambda t: t.nn.ConstantPad2d((1, -1, 2, 0), -1.0), [X2]),
    ("ConstantPad3d", lambda t: t.nn.ConstantPad3d(1, 0.5), [X3]),
    ("ReflectionPad1d", lambda t: t.nn.ReflectionPad1d((3, 1)), [X1]),
    ("ReflectionPad2d", lambda t: t.nn.ReflectionPad2d((1, 2, 3, 0)), [X2]),
    ("ReflectionPad3d", lambda t: t.nn.ReflectionPad3d(1), [X3]),
    ("ReplicationPad1d", lambda t: t.nn.ReplicationPad1d(4), [X1]),
    ("ReplicationPad2d", lambda t: t.nn.ReplicationPad2d((0, 3, 1, 2)), [X2]),
    ("ReplicationPad3d", lambda t: t.nn.ReplicationPad3d((1, 2, 0, 1, 1, 0)), [X3]),
    ("CircularPad1d", lambda t: t.nn.CircularPad1d(3), [X1]),
    ("CircularPad2d", lambda t: t.nn.CircularPad2d((1, 2, 3, 0)), [X2]),
    ("PixelShuffle", lambda t: t.nn.PixelShuffle(2), [X2]),
    ("PixelUnshuffle", lambda t: t.nn.PixelUnshuffle(2), [randn(2, 3, 4, 6)]),
    ("ChannelShuffle", lambda t: t.nn.ChannelShuffle(2), [X2]),
    ("Upsample nearest", lambda t: t.nn.Upsample(scale_factor=2), [X2]),
    ("Upsample size", lambda t: t.nn.Upsample(size=(5, 11)), [X2]),
    ("Upsample bilinear", lambda t: t.nn.Upsample(scale_factor=1.5, mode="bilinear"), [X2]),
    ("Upsample bicubic aligned", lambda t: t.nn.Upsample(size=(9, 10), mode="bicubic", align_corners=True), [X2]),
    ("Upsample linear", lambda t: t.nn.Upsample(scale_factor=3, mode="linear"), [X1]),
    ("Upsample trilinear", lambda t: t.nn.Upsample(size=(6, 7, 5), mode="trilinear"), [X3]),
    ("Upsample nearest-exact", lambda t: t.nn.Upsample(scale_factor=(1.3, 0.7), mode="nearest-exact"), [X2]),
    ("UpsamplingNearest2d", lambda t: t.nn.UpsamplingNearest2d(scale_factor=3), [X2]),
    ("UpsamplingBilinear2d", lambda t: t.nn.UpsamplingBilinear2d(size=(10, 5)), [X2]),
    ("Unfold", lambda t: t.nn.Unfold((2, 3), dilation=(2, 1), padding=1, stride=2), [X2]),
    ("Fold", lambda t: t.nn.Fold((5, 6), 2), [randn(2, 12, 20)]),
    ("CNN", lambda t: t.nn.Sequential(t.nn.Conv2d(4, 6, 3, padding=1), t.nn.ReLU(), t.nn.MaxPool2d(2),
                                      t.nn.Conv2d(6, 4, 3), t.nn.AdaptiveAvgPool2d(1), t.nn.Flatten(),
                                      t.nn.Linear(4, 3)), [X2]),
]


@pytest.mark.parametrize("name,build,inputs", LAYERS, ids=[c[0] for c in LAYERS])
def test_layer(name, build, inputs):
    run_case(name, build, inputs, steps=("train", "eval"))


def test_max_unpool_layer():
    def fn(t, x):
        pool, unpool = t.nn.MaxPool2d(3, 2, 1, return_indices=True), t.nn.MaxUnpool2d(3, 2, 1)
        out, idx = pool(x)
        return unpool(out, idx, output_size=x.shape), repr(unpool)
    check(fn, X2, area="nn_conv", name="MaxUnpool2d")


def test_conv_transpose_output_size():
    def fn(t, x):
        m = t.nn.ConvTranspose2d(4, 2, 3, stride=3, padding=1)
        with t.no_grad():
            m.weight.copy_(t.tensor(randn(4, 2, 3, 3, seed=4)))
            m.bias.zero_()
        return m(x, output_size=[20, 23])
    check(fn, X2, area="nn_conv", name="ConvTranspose2d output_size")


@pytest.mark.parametrize("cls,args", [("Conv2d", (16, 32, 3)), ("Conv1d", (3, 64, 5)),
                                      ("ConvTranspose2d", (32, 8, 4)), ("Conv3d", (2, 16, 3))])
def test_default_init_bounds(cls, args):
    """PyTorch's default init: kaiming_uniform_(a=sqrt(5)) weights and bias, both uniform in
    +-1/sqrt(fan_in) with fan_in = weight.size(1) * kernel elements; checked on both libraries."""
    torchlike.manual_seed(0)
    for m in (getattr(torchlike.nn, cls)(*args), getattr(torch.nn, cls)(*args)):
        w = np.asarray(m.weight.detach().numpy())
        bound = 1 / np.sqrt(w.shape[1] * np.prod(w.shape[2:]))
        assert np.abs(w).max() <= bound and np.abs(w).max() > 0.95 * bound, (cls, np.abs(w).max(), bound)
        assert abs(w.std() - bound / np.sqrt(3)) < 0.1 * bound
        assert np.abs(np.asarray(m.bias.detach().numpy())).max() <= bound


def _mod_err(cls, *args, **kw):
    return lambda t: getattr(t.nn, cls)(*args, **kw)


ERRORS = {
    "conv channels": (lambda t, x, w: t.nn.functional.conv2d(x, w), randn(1, 3, 28, 28), randn(32, 1, 3, 3)),
    "conv groups channels": (lambda t, x, w: t.nn.functional.conv2d(x, w, groups=3), randn(1, 4, 8, 8),
                             randn(6, 2, 3, 3)),
    "conv kernel too large": (lambda t, x, w: t.nn.functional.conv2d(x, w), randn(1, 3, 2, 2), randn(4, 3, 3, 3)),
    "conv rank": (lambda t, x, w: t.nn.functional.conv2d(x, w), randn(3, 28), randn(4, 3, 3, 3)),
    "conv1d rank": (lambda t, x, w: t.nn.functional.conv1d(x, w), randn(3, 4, 5, 6), randn(4, 4, 3)),
    "conv same strided": (lambda t, x, w: t.nn.functional.conv2d(x, w, stride=2, padding="same"),
                          randn(1, 3, 8, 8), randn(4, 3, 3, 3)),
    "conv bad padding string": (lambda t, x, w: t.nn.functional.conv2d(x, w, padding="full"), randn(1, 3, 8, 8),
                                randn(4, 3, 3, 3)),
    "conv bias size": (lambda t, x, w, b: t.nn.functional.conv2d(x, w, b), randn(1, 3, 8, 8), randn(6, 3, 3, 3),
                       randn(5)),
    "conv dtype": (lambda t, x, w: t.nn.functional.conv2d(x, w), randn(1, 3, 8, 8),
                   randn(4, 3, 3, 3, dtype=np.float64)),
    "Conv2d input dtype": (lambda t, x: t.nn.Conv2d(3, 4, 3)(x), randn(1, 3, 8, 8, dtype=np.float64)),
    "Conv2d int input": (lambda t, x: t.nn.Conv2d(3, 4, 3)(x), randint(0, 5, 1, 3, 8, 8)),
    "conv1d bias dtype": (lambda t, x, w, b: t.nn.functional.conv1d(x, w, b), randn(1, 3, 8, dtype=np.float64),
                          randn(4, 3, 3, dtype=np.float64), randn(4)),
    "conv stride 0": (lambda t, x, w: t.nn.functional.conv2d(x, w, stride=0), randn(1, 3, 8, 8), randn(4, 3, 3, 3)),
    "conv negative padding": (lambda t, x, w: t.nn.functional.conv2d(x, w, padding=-1), randn(1, 3, 8, 8),
                              randn(4, 3, 3, 3)),
    "conv padding length": (lambda t, x, w: t.nn.functional.conv1d(x, w, padding=(1, 1)), randn(1, 3, 8),
                            randn(4, 3, 3)),
    "conv_transpose channels": (lambda t, x, w: t.nn.functional.conv_transpose2d(x, w), randn(1, 3, 8, 8),
                                randn(4, 3, 3, 3)),
    "conv_transpose output_padding": (lambda t, x, w: t.nn.functional.conv_transpose2d(x, w, stride=2,
                                                                                        output_padding=2),
                                      randn(1, 3, 8, 8), randn(3, 3, 3, 3)),
    "max_pool pad too big": (lambda t, x: t.nn.functional.max_pool2d(x, 3, padding=2), randn(1, 3, 8, 8)),
    "max_pool output too small": (lambda t, x: t.nn.functional.max_pool2d(x, 3), randn(1, 3, 2, 2)),
    "avg_pool output too small": (lambda t, x: t.nn.functional.avg_pool2d(x, 3), randn(1, 3, 2, 2)),
    "max_pool2d rank": (lambda t, x: t.nn.functional.max_pool2d(x, 2), randn(3, 8)),
    "max_pool1d rank": (lambda t, x: t.nn.functional.max_pool1d(x, 2), randn(3)),
    "max_pool kernel 0": (lambda t, x: t.nn.functional.max_pool2d(x, 0), randn(1, 3, 8, 8)),
    "adaptive_avg rank": (lambda t, x: t.nn.functional.adaptive_avg_pool2d(x, 2), randn(3)),
    "adaptive_max rank": (lambda t, x: t.nn.functional.adaptive_max_pool2d(x, 2), randn(3)),
    "pad odd length": (lambda t, x: t.nn.functional.pad(x, (1, 1, 1)), randn(1, 3, 3)),
    "pad too long": (lambda t, x: t.nn.functional.pad(x, (1,) * 8), randn(1, 3, 3)),
    "pad reflect too big": (lambda t, x: t.nn.functional.pad(x, (3, 3), mode="reflect"), randn(1, 3, 3)),
    "pad circular too big": (lambda t, x: t.nn.functional.pad(x, (4, 4), mode="circular"), randn(1, 3, 3)),
    "pad unknown mode": (lambda t, x: t.nn.functional.pad(x, (1, 1), mode="foo"), randn(1, 3, 3)),
    "pad reflect value": (lambda t, x: t.nn.functional.pad(x, (1, 1), mode="reflect", value=2.0), randn(1, 3, 3)),
    "pad reflect rank": (lambda t, x: t.nn.functional.pad(x, (1, 1), mode="reflect"), randn(3)),
    "pixel_shuffle channels": (lambda t, x: t.nn.functional.pixel_shuffle(x, 2), randn(5, 3, 3)),
    "pixel_shuffle rank": (lambda t, x: t.nn.functional.pixel_shuffle(x, 2), randn(3, 3)),
    "pixel_unshuffle height": (lambda t, x: t.nn.functional.pixel_unshuffle(x, 2), randn(4, 3, 4)),
    "channel_shuffle groups": (lambda t, x: t.nn.functional.channel_shuffle(x, 2), randn(1, 5, 3, 3)),
    "fold kernel product": (lambda t, x: t.nn.functional.fold(x, (5, 5), 2), randn(1, 5, 16)),
    "fold blocks": (lambda t, x: t.nn.functional.fold(x, (5, 5), 2, stride=2), randn(1, 12, 16)),
    "interpolate both": (lambda t, x: t.nn.functional.interpolate(x, size=4, scale_factor=2), randn(1, 3, 3)),
    "interpolate neither": (lambda t, x: t.nn.functional.interpolate(x), randn(1, 3, 3)),
    "interpolate align nearest": (lambda t, x: t.nn.functional.interpolate(x, size=5, align_corners=True),
                                  randn(1, 3, 3)),
    "interpolate bilinear 3-D": (lambda t, x: t.nn.functional.interpolate(x, size=5, mode="bilinear"),
                                 randn(1, 3, 3)),
    "interpolate size rank": (lambda t, x: t.nn.functional.interpolate(x, size=(5, 5)), randn(1, 3, 3)),
    "Conv2d groups": (_mod_err("Conv2d", 3, 4, 3, groups=2),),
    "Conv2d out groups": (_mod_err("Conv2d", 4, 3, 3, groups=2),),
    "Conv2d padding string": (_mod_err("Conv2d", 3, 4, 3, padding="full"),),
    "Conv2d same strided": (_mod_err("Conv2d", 3, 4, 3, stride=2, padding="same"),),
    "Conv2d padding_mode": (_mod_err("Conv2d", 3, 4, 3, padding_mode="mirror"),),
    "ConvTranspose2d padding_mode": (_mod_err("ConvTranspose2d", 3, 4, 3, padding_mode="reflect"),),
    "ConvTranspose2d output_size": (lambda t, x: t.nn.ConvTranspose2d(4, 2, 3, stride=3, padding=1)(
        x, output_size=[22, 23]), X2),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_error(name):
    fn, *inputs = ERRORS[name]
    check_error(fn, *inputs, name=name)


def test_max_pool_indices_int_input():
    check(lambda t, x: t.nn.functional.max_pool2d(x, 2, return_indices=True), randint(-5, 5, 1, 2, 4, 6),
          grad=False, area="nn_conv", name="max_pool2d int")
