"""EfficientNet B0-B7 and V2 S/M/L: the counterpart of `torchvision.models.efficientnet`."""
from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import torchlike as torch
from torchlike import nn

from ..ops.misc import Conv2dNormActivation, SqueezeExcitation
from ..ops.stochastic_depth import StochasticDepth
from ._api import WeightsEnum, _build_model, _entry, _make_divisible, _model_builder, _weights_enum
from .mobilenetv2 import _init_mobilenet

__all__ = ["EfficientNet", "EfficientNet_B0_Weights", "EfficientNet_B1_Weights", "EfficientNet_B2_Weights",
           "EfficientNet_B3_Weights", "EfficientNet_B4_Weights", "EfficientNet_B5_Weights",
           "EfficientNet_B6_Weights", "EfficientNet_B7_Weights", "EfficientNet_V2_S_Weights",
           "EfficientNet_V2_M_Weights", "EfficientNet_V2_L_Weights", "efficientnet_b0", "efficientnet_b1",
           "efficientnet_b2", "efficientnet_b3", "efficientnet_b4", "efficientnet_b5", "efficientnet_b6",
           "efficientnet_b7", "efficientnet_v2_s", "efficientnet_v2_m", "efficientnet_v2_l"]


@dataclass
class _MBConvConfig:
    """A stage: expansion, kernel, first stride, channels in/out, number of blocks, and its block class
    (a dataclass, as in torchvision)."""
    expand_ratio: float
    kernel: int
    stride: int
    input_channels: int
    out_channels: int
    num_layers: int
    block: Callable

    @staticmethod
    def adjust_channels(channels: int, width_mult: float, min_value: int | None = None) -> int:
        return _make_divisible(channels * width_mult, 8, min_value)


class MBConvConfig(_MBConvConfig):
    """A stage of MBConv blocks, scaled by the compound width and depth multipliers."""

    def __init__(self, expand_ratio: float, kernel: int, stride: int, input_channels: int, out_channels: int,
                 num_layers: int, width_mult: float = 1.0, depth_mult: float = 1.0, block: Callable | None = None):
        input_channels = self.adjust_channels(input_channels, width_mult)
        out_channels = self.adjust_channels(out_channels, width_mult)
        num_layers = int(math.ceil(num_layers * depth_mult))
        super().__init__(expand_ratio, kernel, stride, input_channels, out_channels, num_layers,
                         MBConv if block is None else block)


class FusedMBConvConfig(_MBConvConfig):
    """A stage of Fused-MBConv blocks (EfficientNetV2), unscaled."""

    def __init__(self, expand_ratio: float, kernel: int, stride: int, input_channels: int, out_channels: int,
                 num_layers: int, block: Callable | None = None):
        super().__init__(expand_ratio, kernel, stride, input_channels, out_channels, num_layers,
                         FusedMBConv if block is None else block)


class _StochasticResidual(nn.Module):
    """What MBConv and FusedMBConv share: a stride of 1 or 2, and `block` added to its input through
    stochastic depth when it keeps the shape. (Attributes are set in torchvision's order.)"""

    def _start(self, cnf: _MBConvConfig) -> None:
        if not 1 <= cnf.stride <= 2:
            raise ValueError("illegal stride value")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels

    def _finish(self, layers: list[nn.Module], stochastic_depth_prob: float, cnf: _MBConvConfig) -> None:
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.out_channels = cnf.out_channels

    def forward(self, input):
        result = self.block(input)
        if self.use_res_connect:
            result = self.stochastic_depth(result) + input
        return result


class MBConv(_StochasticResidual):
    """Expand 1x1, depthwise kxk, squeeze-excite (SiLU), project 1x1; residual with stochastic depth."""

    def __init__(self, cnf: MBConvConfig, stochastic_depth_prob: float, norm_layer: Callable,
                 se_layer: Callable = SqueezeExcitation) -> None:
        super().__init__()
        self._start(cnf)
        layers: list[nn.Module] = []
        expanded = cnf.adjust_channels(cnf.input_channels, cnf.expand_ratio)
        if expanded != cnf.input_channels:
            layers.append(Conv2dNormActivation(cnf.input_channels, expanded, kernel_size=1, norm_layer=norm_layer,
                                               activation_layer=nn.SiLU))
        layers.append(Conv2dNormActivation(expanded, expanded, kernel_size=cnf.kernel, stride=cnf.stride,
                                           groups=expanded, norm_layer=norm_layer, activation_layer=nn.SiLU))
        squeeze_channels = max(1, cnf.input_channels // 4)
        layers.append(se_layer(expanded, squeeze_channels, activation=partial(nn.SiLU, inplace=True)))
        layers.append(Conv2dNormActivation(expanded, cnf.out_channels, kernel_size=1, norm_layer=norm_layer,
                                           activation_layer=None))
        self._finish(layers, stochastic_depth_prob, cnf)


class FusedMBConv(_StochasticResidual):
    """A full kxk convolution in place of expand + depthwise, then project; no squeeze-excite."""

    def __init__(self, cnf: FusedMBConvConfig, stochastic_depth_prob: float, norm_layer: Callable) -> None:
        super().__init__()
        self._start(cnf)
        expanded = cnf.adjust_channels(cnf.input_channels, cnf.expand_ratio)
        if expanded != cnf.input_channels:
            layers = [Conv2dNormActivation(cnf.input_channels, expanded, kernel_size=cnf.kernel, stride=cnf.stride,
                                           norm_layer=norm_layer, activation_layer=nn.SiLU),
                      Conv2dNormActivation(expanded, cnf.out_channels, kernel_size=1, norm_layer=norm_layer,
                                           activation_layer=None)]
        else:
            layers = [Conv2dNormActivation(cnf.input_channels, cnf.out_channels, kernel_size=cnf.kernel,
                                           stride=cnf.stride, norm_layer=norm_layer, activation_layer=nn.SiLU)]
        self._finish(layers, stochastic_depth_prob, cnf)


class EfficientNet(nn.Module):
    """`torchvision.models.EfficientNet`: `features` (stem, stages, 1x1 head), `avgpool`, `classifier`."""

    def __init__(self, inverted_residual_setting: list, dropout: float, stochastic_depth_prob: float = 0.2,
                 num_classes: int = 1000, norm_layer: Callable | None = None, last_channel: int | None = None,
                 **kwargs) -> None:
        super().__init__()
        if not inverted_residual_setting:
            raise ValueError("The inverted_residual_setting should not be empty")
        if not all(isinstance(s, _MBConvConfig) for s in inverted_residual_setting):
            raise TypeError("The inverted_residual_setting should be List[MBConvConfig]")
        norm_layer = nn.BatchNorm2d if norm_layer is None else norm_layer
        first = inverted_residual_setting[0].input_channels
        layers: list[nn.Module] = [Conv2dNormActivation(3, first, kernel_size=3, stride=2, norm_layer=norm_layer,
                                                        activation_layer=nn.SiLU)]
        total_blocks = sum(cnf.num_layers for cnf in inverted_residual_setting)
        block_id = 0
        for cnf in inverted_residual_setting:
            stage: list[nn.Module] = []
            for _ in range(cnf.num_layers):
                block_cnf = copy.copy(cnf)
                if stage:  # only the first block of a stage changes width or stride
                    block_cnf.input_channels = block_cnf.out_channels
                    block_cnf.stride = 1
                sd_prob = stochastic_depth_prob * float(block_id) / total_blocks
                stage.append(block_cnf.block(block_cnf, sd_prob, norm_layer))
                block_id += 1
            layers.append(nn.Sequential(*stage))
        last_in = inverted_residual_setting[-1].out_channels
        last_out = last_channel if last_channel is not None else 4 * last_in
        layers.append(Conv2dNormActivation(last_in, last_out, kernel_size=1, norm_layer=norm_layer,
                                           activation_layer=nn.SiLU))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout, inplace=True), nn.Linear(last_out, num_classes))
        self._init_weights()

    def _init_weights(self) -> None:
        _init_mobilenet(self, init_linear=_uniform_by_out_features)

    def _forward_impl(self, x):
        x = torch.flatten(self.avgpool(self.features(x)), 1)
        return self.classifier(x)

    def forward(self, x):
        return self._forward_impl(x)


def _uniform_by_out_features(linear: nn.Linear) -> None:
    init_range = 1.0 / math.sqrt(linear.out_features)
    nn.init.uniform_(linear.weight, -init_range, init_range)


def _b_setting(width_mult: float, depth_mult: float) -> list:
    mb = partial(MBConvConfig, width_mult=width_mult, depth_mult=depth_mult)
    return [mb(1, 3, 1, 32, 16, 1), mb(6, 3, 2, 16, 24, 2), mb(6, 5, 2, 24, 40, 2), mb(6, 3, 2, 40, 80, 3),
            mb(6, 5, 1, 80, 112, 3), mb(6, 5, 2, 112, 192, 4), mb(6, 3, 1, 192, 320, 1)]


def _v2_setting(arch: str) -> list:
    F, M = FusedMBConvConfig, MBConvConfig
    if arch == "efficientnet_v2_s":
        return [F(1, 3, 1, 24, 24, 2), F(4, 3, 2, 24, 48, 4), F(4, 3, 2, 48, 64, 4), M(4, 3, 2, 64, 128, 6),
                M(6, 3, 1, 128, 160, 9), M(6, 3, 2, 160, 256, 15)]
    if arch == "efficientnet_v2_m":
        return [F(1, 3, 1, 24, 24, 3), F(4, 3, 2, 24, 48, 5), F(4, 3, 2, 48, 80, 5), M(4, 3, 2, 80, 160, 7),
                M(6, 3, 1, 160, 176, 14), M(6, 3, 2, 176, 304, 18), M(6, 3, 1, 304, 512, 5)]
    return [F(1, 3, 1, 32, 32, 4), F(4, 3, 2, 32, 64, 7), F(4, 3, 2, 64, 96, 7), M(4, 3, 2, 96, 192, 10),
            M(6, 3, 1, 192, 224, 19), M(6, 3, 2, 224, 384, 25), M(6, 3, 1, 384, 640, 7)]


def _efficientnet(setting: list, dropout: float, last_channel: int | None, weights, progress: bool,
                  **kwargs) -> EfficientNet:
    def make(**kwargs) -> EfficientNet:
        return EfficientNet(setting, dropout, last_channel=last_channel, **kwargs)

    return _build_model(make, weights, progress, kwargs)


def _b_entry(file: str, num_params: int, crop: int, resize: int, interpolation: str = "bicubic"):
    return _entry(file, num_params, crop=crop, resize=resize, interpolation=interpolation)


def _efficientnet_weights(variant: str, file: str, num_params: int, crop: int, resize: int,
                          interpolation: str = "bicubic") -> type:
    """EfficientNet_<variant>_Weights with its one checkpoint as IMAGENET1K_V1."""
    weights = _b_entry(file, num_params, crop, resize, interpolation)
    return _weights_enum(f"EfficientNet_{variant}_Weights", __name__, {"IMAGENET1K_V1": weights})


EfficientNet_B0_Weights = _efficientnet_weights("B0", "efficientnet_b0_rwightman-7f5810bc.pth", 5288548, 224, 256)


class EfficientNet_B1_Weights(WeightsEnum):
    IMAGENET1K_V1 = _b_entry("efficientnet_b1_rwightman-bac287d4.pth", 7794184, 240, 256)
    IMAGENET1K_V2 = _b_entry("efficientnet_b1-c27df63c.pth", 7794184, 240, 255, "bilinear")
    DEFAULT = IMAGENET1K_V2


EfficientNet_B2_Weights = _efficientnet_weights("B2", "efficientnet_b2_rwightman-c35c1473.pth", 9109994, 288, 288)
EfficientNet_B3_Weights = _efficientnet_weights("B3", "efficientnet_b3_rwightman-b3899882.pth", 12233232, 300, 320)
EfficientNet_B4_Weights = _efficientnet_weights("B4", "efficientnet_b4_rwightman-23ab8bcd.pth", 19341616, 380, 384)
EfficientNet_B5_Weights = _efficientnet_weights("B5", "efficientnet_b5_lukemelas-1a07897c.pth", 30389784, 456, 456)
EfficientNet_B6_Weights = _efficientnet_weights("B6", "efficientnet_b6_lukemelas-24a108a5.pth", 43040704, 528, 528)
EfficientNet_B7_Weights = _efficientnet_weights("B7", "efficientnet_b7_lukemelas-c5b4e57e.pth", 66347960, 600, 600)


class EfficientNet_V2_S_Weights(WeightsEnum):
    IMAGENET1K_V1 = DEFAULT = _b_entry("efficientnet_v2_s-dd5fe13b.pth", 21458488, 384, 384, "bilinear")


class EfficientNet_V2_M_Weights(WeightsEnum):
    IMAGENET1K_V1 = DEFAULT = _b_entry("efficientnet_v2_m-dc08266a.pth", 54139356, 480, 480, "bilinear")


class EfficientNet_V2_L_Weights(WeightsEnum):
    IMAGENET1K_V1 = DEFAULT = _entry("efficientnet_v2_l-59c71312.pth", 118515272, crop=480, resize=480,
                                     interpolation="bicubic", mean=(0.5, 0.5, 0.5), std=(0.5, 0.5, 0.5))


# name -> (width_mult, depth_mult, dropout, weights enum, BatchNorm eps of the released checkpoints)
_B_VARIANTS = {
    "efficientnet_b0": (1.0, 1.0, 0.2, EfficientNet_B0_Weights, None),
    "efficientnet_b1": (1.0, 1.1, 0.2, EfficientNet_B1_Weights, None),
    "efficientnet_b2": (1.1, 1.2, 0.3, EfficientNet_B2_Weights, None),
    "efficientnet_b3": (1.2, 1.4, 0.3, EfficientNet_B3_Weights, None),
    "efficientnet_b4": (1.4, 1.8, 0.4, EfficientNet_B4_Weights, None),
    "efficientnet_b5": (1.6, 2.2, 0.4, EfficientNet_B5_Weights, partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)),
    "efficientnet_b6": (1.8, 2.6, 0.5, EfficientNet_B6_Weights, partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)),
    "efficientnet_b7": (2.0, 3.1, 0.5, EfficientNet_B7_Weights, partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)),
}

_V2_VARIANTS = {
    "efficientnet_v2_s": (0.2, EfficientNet_V2_S_Weights),
    "efficientnet_v2_m": (0.3, EfficientNet_V2_M_Weights),
    "efficientnet_v2_l": (0.4, EfficientNet_V2_L_Weights),
}


def _b_builder(name: str):
    width, depth, dropout, enum_cls, norm_layer = _B_VARIANTS[name]

    def build(weights, progress: bool, **kwargs) -> EfficientNet:
        if norm_layer is not None:
            kwargs.setdefault("norm_layer", norm_layer)
        return _efficientnet(_b_setting(width, depth), kwargs.pop("dropout", dropout), None, weights, progress,
                             **kwargs)

    return _model_builder(name, enum_cls, build, "EfficientNet")


def _v2_builder(name: str):
    dropout, enum_cls = _V2_VARIANTS[name]

    def build(weights, progress: bool, **kwargs) -> EfficientNet:
        kwargs.setdefault("norm_layer", partial(nn.BatchNorm2d, eps=1e-03))
        return _efficientnet(_v2_setting(name), kwargs.pop("dropout", dropout), 1280, weights, progress, **kwargs)

    return _model_builder(name, enum_cls, build, "EfficientNet")


efficientnet_b0 = _b_builder("efficientnet_b0")
efficientnet_b1 = _b_builder("efficientnet_b1")
efficientnet_b2 = _b_builder("efficientnet_b2")
efficientnet_b3 = _b_builder("efficientnet_b3")
efficientnet_b4 = _b_builder("efficientnet_b4")
efficientnet_b5 = _b_builder("efficientnet_b5")
efficientnet_b6 = _b_builder("efficientnet_b6")
efficientnet_b7 = _b_builder("efficientnet_b7")
efficientnet_v2_s = _v2_builder("efficientnet_v2_s")
efficientnet_v2_m = _v2_builder("efficientnet_v2_m")
efficientnet_v2_l = _v2_builder("efficientnet_v2_l")
