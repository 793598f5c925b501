"""MobileNetV3 large and small: the counterpart of `torchvision.models.mobilenetv3`."""
from __future__ import annotations

from collections.abc import Callable
from functools import partial

import torchlike as torch
from torchlike import nn

from ..ops.misc import Conv2dNormActivation, SqueezeExcitation as SElayer
from ._api import WeightsEnum, _build_model, _entry, _make_divisible, _model_builder
from .mobilenetv2 import _init_mobilenet

__all__ = ["MobileNetV3", "MobileNet_V3_Large_Weights", "MobileNet_V3_Small_Weights", "mobilenet_v3_large",
           "mobilenet_v3_small"]


class InvertedResidualConfig:
    """One block's settings, with channel counts already scaled by the width multiplier."""

    def __init__(self, input_channels: int, kernel: int, expanded_channels: int, out_channels: int, use_se: bool,
                 activation: str, stride: int, dilation: int, width_mult: float):
        self.input_channels = self.adjust_channels(input_channels, width_mult)
        self.kernel = kernel
        self.expanded_channels = self.adjust_channels(expanded_channels, width_mult)
        self.out_channels = self.adjust_channels(out_channels, width_mult)
        self.use_se = use_se
        self.use_hs = activation == "HS"
        self.stride = stride
        self.dilation = dilation

    @staticmethod
    def adjust_channels(channels: int, width_mult: float) -> int:
        return _make_divisible(channels * width_mult, 8)


class InvertedResidual(nn.Module):
    """Expand, depthwise (dilated when asked), optional squeeze-excite with hard-sigmoid, project."""

    def __init__(self, cnf: InvertedResidualConfig, norm_layer: Callable,
                 se_layer: Callable = partial(SElayer, scale_activation=nn.Hardsigmoid)):
        super().__init__()
        if not 1 <= cnf.stride <= 2:
            raise ValueError("illegal stride value")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        activation_layer = nn.Hardswish if cnf.use_hs else nn.ReLU
        layers: list[nn.Module] = []
        if cnf.expanded_channels != cnf.input_channels:
            layers.append(Conv2dNormActivation(cnf.input_channels, cnf.expanded_channels, kernel_size=1,
                                               norm_layer=norm_layer, activation_layer=activation_layer))
        stride = 1 if cnf.dilation > 1 else cnf.stride
        layers.append(Conv2dNormActivation(cnf.expanded_channels, cnf.expanded_channels, kernel_size=cnf.kernel,
                                           stride=stride, dilation=cnf.dilation, groups=cnf.expanded_channels,
                                           norm_layer=norm_layer, activation_layer=activation_layer))
        if cnf.use_se:
            squeeze_channels = _make_divisible(cnf.expanded_channels // 4, 8)
            layers.append(se_layer(cnf.expanded_channels, squeeze_channels))
        layers.append(Conv2dNormActivation(cnf.expanded_channels, cnf.out_channels, kernel_size=1,
                                           norm_layer=norm_layer, activation_layer=None))
        self.block = nn.Sequential(*layers)
        self.out_channels = cnf.out_channels
        self._is_cn = cnf.stride > 1

    def forward(self, x):
        result = self.block(x)
        return result + x if self.use_res_connect else result


class MobileNetV3(nn.Module):
    """`torchvision.models.MobileNetV3`: `features`, global pooling (`avgpool`), a 2-layer `classifier`."""

    def __init__(self, inverted_residual_setting: list[InvertedResidualConfig], last_channel: int,
                 num_classes: int = 1000, block: Callable | None = None, norm_layer: Callable | None = None,
                 dropout: float = 0.2, **kwargs) -> None:
        super().__init__()
        if not inverted_residual_setting:
            raise ValueError("The inverted_residual_setting should not be empty")
        if not all(isinstance(s, InvertedResidualConfig) for s in inverted_residual_setting):
            raise TypeError("The inverted_residual_setting should be List[InvertedResidualConfig]")
        block = InvertedResidual if block is None else block
        norm_layer = partial(nn.BatchNorm2d, eps=0.001, momentum=0.01) if norm_layer is None else norm_layer
        first = inverted_residual_setting[0].input_channels
        layers: list[nn.Module] = [Conv2dNormActivation(3, first, kernel_size=3, stride=2, norm_layer=norm_layer,
                                                        activation_layer=nn.Hardswish)]
        layers += [block(cnf, norm_layer) for cnf in inverted_residual_setting]
        last_in = inverted_residual_setting[-1].out_channels
        last_out = 6 * last_in
        layers.append(Conv2dNormActivation(last_in, last_out, kernel_size=1, norm_layer=norm_layer,
                                           activation_layer=nn.Hardswish))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Linear(last_out, last_channel), nn.Hardswish(inplace=True),
                                        nn.Dropout(p=dropout, inplace=True), nn.Linear(last_channel, num_classes))
        _init_mobilenet(self)

    def _forward_impl(self, x):
        x = torch.flatten(self.avgpool(self.features(x)), 1)
        return self.classifier(x)

    def forward(self, x):
        return self._forward_impl(x)


def _mobilenet_v3_conf(arch: str, width_mult: float = 1.0, reduced_tail: bool = False, dilated: bool = False,
                       **kwargs):
    reduce_divider = 2 if reduced_tail else 1
    dilation = 2 if dilated else 1
    cnf = partial(InvertedResidualConfig, width_mult=width_mult)
    adjust = partial(InvertedResidualConfig.adjust_channels, width_mult=width_mult)
    r, d = reduce_divider, dilation
    if arch == "mobilenet_v3_large":
        setting = [
            cnf(16, 3, 16, 16, False, "RE", 1, 1), cnf(16, 3, 64, 24, False, "RE", 2, 1),
            cnf(24, 3, 72, 24, False, "RE", 1, 1), cnf(24, 5, 72, 40, True, "RE", 2, 1),
            cnf(40, 5, 120, 40, True, "RE", 1, 1), cnf(40, 5, 120, 40, True, "RE", 1, 1),
            cnf(40, 3, 240, 80, False, "HS", 2, 1), cnf(80, 3, 200, 80, False, "HS", 1, 1),
            cnf(80, 3, 184, 80, False, "HS", 1, 1), cnf(80, 3, 184, 80, False, "HS", 1, 1),
            cnf(80, 3, 480, 112, True, "HS", 1, 1), cnf(112, 3, 672, 112, True, "HS", 1, 1),
            cnf(112, 5, 672, 160 // r, True, "HS", 2, d),
            cnf(160 // r, 5, 960 // r, 160 // r, True, "HS", 1, d),
            cnf(160 // r, 5, 960 // r, 160 // r, True, "HS", 1, d),
        ]
        last_channel = adjust(1280 // r)
    elif arch == "mobilenet_v3_small":
        setting = [
            cnf(16, 3, 16, 16, True, "RE", 2, 1), cnf(16, 3, 72, 24, False, "RE", 2, 1),
            cnf(24, 3, 88, 24, False, "RE", 1, 1), cnf(24, 5, 96, 40, True, "HS", 2, 1),
            cnf(40, 5, 240, 40, True, "HS", 1, 1), cnf(40, 5, 240, 40, True, "HS", 1, 1),
            cnf(40, 5, 120, 48, True, "HS", 1, 1), cnf(48, 5, 144, 48, True, "HS", 1, 1),
            cnf(48, 5, 288, 96 // r, True, "HS", 2, d),
            cnf(96 // r, 5, 576 // r, 96 // r, True, "HS", 1, d),
            cnf(96 // r, 5, 576 // r, 96 // r, True, "HS", 1, d),
        ]
        last_channel = adjust(1024 // r)
    else:
        raise ValueError(f"Unsupported model type {arch}")
    return setting, last_channel


def _mobilenet_v3(setting, last_channel: int, weights, progress: bool, **kwargs) -> MobileNetV3:
    return _build_model(partial(MobileNetV3, setting, last_channel), weights, progress, kwargs)


class MobileNet_V3_Large_Weights(WeightsEnum):
    IMAGENET1K_V1 = _entry("mobilenet_v3_large-8738ca79.pth", 5483032)
    IMAGENET1K_V2 = DEFAULT = _entry("mobilenet_v3_large-5c1a4163.pth", 5483032, resize=232)


class MobileNet_V3_Small_Weights(WeightsEnum):
    IMAGENET1K_V1 = DEFAULT = _entry("mobilenet_v3_small-047dcff4.pth", 2542856)


def _builder(arch: str, weights_enum: type):
    def build(weights, progress: bool, **kwargs) -> MobileNetV3:
        setting, last_channel = _mobilenet_v3_conf(arch, **kwargs)
        return _mobilenet_v3(setting, last_channel, weights, progress, **kwargs)

    return _model_builder(arch, weights_enum, build, "MobileNetV3")


mobilenet_v3_large = _builder("mobilenet_v3_large", MobileNet_V3_Large_Weights)
mobilenet_v3_small = _builder("mobilenet_v3_small", MobileNet_V3_Small_Weights)
