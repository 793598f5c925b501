"""RegNetX and RegNetY: the counterpart of `torchvision.models.regnet`."""
from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable
from functools import partial

import numpy as np

from torchlike import nn

from ..ops.misc import Conv2dNormActivation, SqueezeExcitation
from ._api import (WeightsEnum, _entry, _load_weights, _make_divisible, _ovewrite_named_param,
                   handle_legacy_interface, register_model)

__all__ = ["RegNet", "BlockParams"] + [f"RegNet_{k}_Weights" for k in (
    "Y_400MF", "Y_800MF", "Y_1_6GF", "Y_3_2GF", "Y_8GF", "Y_16GF", "Y_32GF", "Y_128GF",
    "X_400MF", "X_800MF", "X_1_6GF", "X_3_2GF", "X_8GF", "X_16GF", "X_32GF")] + [
    "regnet_y_400mf", "regnet_y_800mf", "regnet_y_1_6gf", "regnet_y_3_2gf", "regnet_y_8gf", "regnet_y_16gf",
    "regnet_y_32gf", "regnet_y_128gf", "regnet_x_400mf", "regnet_x_800mf", "regnet_x_1_6gf", "regnet_x_3_2gf",
    "regnet_x_8gf", "regnet_x_16gf", "regnet_x_32gf"]


class SimpleStemIN(Conv2dNormActivation):
    """The stem: a stride-2 3x3 conv, norm, activation."""

    def __init__(self, width_in: int, width_out: int, norm_layer: Callable, activation_layer: Callable) -> None:
        super().__init__(width_in, width_out, kernel_size=3, stride=2, norm_layer=norm_layer,
                         activation_layer=activation_layer)


class BottleneckTransform(nn.Sequential):
    """1x1 (a), grouped 3x3 (b), optional squeeze-excite (se), 1x1 without activation (c)."""

    def __init__(self, width_in: int, width_out: int, stride: int, norm_layer: Callable,
                 activation_layer: Callable, group_width: int, bottleneck_multiplier: float,
                 se_ratio: float | None) -> None:
        layers = OrderedDict()
        w_b = int(round(width_out * bottleneck_multiplier))
        g = w_b // group_width
        layers["a"] = Conv2dNormActivation(width_in, w_b, kernel_size=1, stride=1, norm_layer=norm_layer,
                                           activation_layer=activation_layer)
        layers["b"] = Conv2dNormActivation(w_b, w_b, kernel_size=3, stride=stride, groups=g, norm_layer=norm_layer,
                                           activation_layer=activation_layer)
        if se_ratio:
            layers["se"] = SqueezeExcitation(input_channels=w_b, squeeze_channels=int(round(se_ratio * width_in)),
                                             activation=activation_layer)
        layers["c"] = Conv2dNormActivation(w_b, width_out, kernel_size=1, stride=1, norm_layer=norm_layer,
                                           activation_layer=None)
        super().__init__(layers)


class ResBottleneckBlock(nn.Module):
    """Residual bottleneck: x + f(x), with a 1x1 projection (`proj`) when width or stride changes."""

    def __init__(self, width_in: int, width_out: int, stride: int, norm_layer: Callable,
                 activation_layer: Callable, group_width: int = 1, bottleneck_multiplier: float = 1.0,
                 se_ratio: float | None = None) -> None:
        super().__init__()
        self.proj = None
        if width_in != width_out or stride != 1:
            self.proj = Conv2dNormActivation(width_in, width_out, kernel_size=1, stride=stride,
                                             norm_layer=norm_layer, activation_layer=None)
        self.f = BottleneckTransform(width_in, width_out, stride, norm_layer, activation_layer, group_width,
                                     bottleneck_multiplier, se_ratio)
        self.activation = activation_layer(inplace=True)

    def forward(self, x):
        shortcut = x if self.proj is None else self.proj(x)
        return self.activation(shortcut + self.f(x))


class AnyStage(nn.Sequential):
    """`depth` blocks named "block<stage>-<i>"; only the first changes width and stride."""

    def __init__(self, width_in: int, width_out: int, stride: int, depth: int, block_constructor: Callable,
                 norm_layer: Callable, activation_layer: Callable, group_width: int, bottleneck_multiplier: float,
                 se_ratio: float | None = None, stage_index: int = 0) -> None:
        super().__init__()
        for i in range(depth):
            block = block_constructor(width_in if i == 0 else width_out, width_out, stride if i == 0 else 1,
                                      norm_layer, activation_layer, group_width, bottleneck_multiplier, se_ratio)
            self.add_module(f"block{stage_index}-{i}", block)


class BlockParams:
    """Per-stage depths, widths, group widths, bottleneck multipliers and strides."""

    def __init__(self, depths: list[int], widths: list[int], group_widths: list[int],
                 bottleneck_multipliers: list[float], strides: list[int], se_ratio: float | None = None) -> None:
        self.depths = depths
        self.widths = widths
        self.group_widths = group_widths
        self.bottleneck_multipliers = bottleneck_multipliers
        self.strides = strides
        self.se_ratio = se_ratio

    @classmethod
    def from_init_params(cls, depth: int, w_0: int, w_a: float, w_m: float, group_width: int,
                         bottleneck_multiplier: float = 1.0, se_ratio: float | None = None, **kwargs) -> BlockParams:
        """The quantised linear width rule of "Designing Network Design Spaces" (in float32, as torch does)."""
        quant, stride = 8, 2
        if w_a < 0 or w_0 <= 0 or w_m <= 1 or w_0 % 8 != 0:
            raise ValueError("Invalid RegNet settings")
        f32 = np.float32
        widths_cont = np.arange(depth).astype(f32) * f32(w_a) + f32(w_0)
        capacity = np.round(np.log(widths_cont / f32(w_0)) / f32(math.log(w_m))).astype(f32)
        block_widths = (np.round(f32(w_0) * np.power(f32(w_m), capacity) / f32(quant)) * quant).astype(np.int32)
        block_widths = [int(w) for w in block_widths]
        num_stages = len(set(block_widths))
        splits = [w != wp for w, wp in zip(block_widths + [0], [0] + block_widths)]
        stage_widths = [w for w, t in zip(block_widths, splits[:-1]) if t]
        boundaries = [d for d, t in enumerate(splits) if t]
        stage_depths = [b - a for a, b in zip(boundaries[:-1], boundaries[1:])]
        multipliers = [bottleneck_multiplier] * num_stages
        stage_widths, group_widths = cls._adjust_widths_groups_compatibilty(stage_widths, multipliers,
                                                                           [group_width] * num_stages)
        return cls(depths=stage_depths, widths=stage_widths, group_widths=group_widths,
                   bottleneck_multipliers=multipliers, strides=[stride] * num_stages, se_ratio=se_ratio)

    def _get_expanded_params(self):
        return zip(self.widths, self.strides, self.depths, self.group_widths, self.bottleneck_multipliers)

    @staticmethod
    def _adjust_widths_groups_compatibilty(stage_widths, bottleneck_ratios, group_widths):
        """Make each bottleneck width a multiple of its group width."""
        widths = [int(w * b) for w, b in zip(stage_widths, bottleneck_ratios)]
        group_widths_min = [min(g, w_bot) for g, w_bot in zip(group_widths, widths)]
        ws_bot = [_make_divisible(w_bot, g) for w_bot, g in zip(widths, group_widths_min)]
        return [int(w_bot / b) for w_bot, b in zip(ws_bot, bottleneck_ratios)], group_widths_min


class RegNet(nn.Module):
    """`torchvision.models.RegNet`: `stem`, `trunk_output` (stages block1..), `avgpool`, `fc`."""

    def __init__(self, block_params: BlockParams, num_classes: int = 1000, stem_width: int = 32,
                 stem_type: Callable | None = None, block_type: Callable | None = None,
                 norm_layer: Callable | None = None, activation: Callable | None = None) -> None:
        super().__init__()
        stem_type = SimpleStemIN if stem_type is None else stem_type
        norm_layer = nn.BatchNorm2d if norm_layer is None else norm_layer
        block_type = ResBottleneckBlock if block_type is None else block_type
        activation = nn.ReLU if activation is None else activation
        self.stem = stem_type(3, stem_width, norm_layer, activation)
        current_width = stem_width
        blocks = []
        for i, (width_out, stride, depth, group_width, mult) in enumerate(block_params._get_expanded_params()):
            blocks.append((f"block{i + 1}", AnyStage(current_width, width_out, stride, depth, block_type, norm_layer,
                                                     activation, group_width, mult, block_params.se_ratio,
                                                     stage_index=i + 1)))
            current_width = width_out
        self.trunk_output = nn.Sequential(OrderedDict(blocks))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(in_features=current_width, out_features=num_classes)
        self._init_weights()

    def _init_weights(self) -> None:
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                fan_out = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
                nn.init.normal_(m.weight, mean=0.0, std=math.sqrt(2.0 / fan_out))
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, mean=0.0, std=0.01)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        x = self.avgpool(self.trunk_output(self.stem(x)))
        return self.fc(x.flatten(start_dim=1))


def _regnet(block_params: BlockParams, weights, progress: bool, **kwargs) -> RegNet:
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    norm_layer = kwargs.pop("norm_layer", partial(nn.BatchNorm2d, eps=1e-05, momentum=0.1))
    model = RegNet(block_params, norm_layer=norm_layer, **kwargs)
    if weights is not None:
        _load_weights(model, weights, progress)
    return model


def _v1_v2(v1: str, v2: str, num_params: int) -> dict:
    return {"IMAGENET1K_V1": _entry(v1, num_params), "IMAGENET1K_V2": _entry(v2, num_params, resize=232)}


def _swag(e2e: str, linear: str, num_params: int) -> dict:
    return {"IMAGENET1K_SWAG_E2E_V1": _entry(e2e, num_params, crop=384, resize=384, interpolation="bicubic"),
            "IMAGENET1K_SWAG_LINEAR_V1": _entry(linear, num_params, crop=224, resize=224, interpolation="bicubic")}


def _weights_enum(name: str, members: dict, default: str):
    members = dict(members)
    members["DEFAULT"] = members[default]
    cls = WeightsEnum(name, members)
    cls.__module__ = __name__
    return cls


RegNet_Y_400MF_Weights = _weights_enum("RegNet_Y_400MF_Weights", _v1_v2(
    "regnet_y_400mf-c65dace8.pth", "regnet_y_400mf-e6988f5f.pth", 4344144), "IMAGENET1K_V2")
RegNet_Y_800MF_Weights = _weights_enum("RegNet_Y_800MF_Weights", _v1_v2(
    "regnet_y_800mf-1b27b58c.pth", "regnet_y_800mf-58fc7688.pth", 6432512), "IMAGENET1K_V2")
RegNet_Y_1_6GF_Weights = _weights_enum("RegNet_Y_1_6GF_Weights", _v1_v2(
    "regnet_y_1_6gf-b11a554e.pth", "regnet_y_1_6gf-0d7bc02a.pth", 11202430), "IMAGENET1K_V2")
RegNet_Y_3_2GF_Weights = _weights_enum("RegNet_Y_3_2GF_Weights", _v1_v2(
    "regnet_y_3_2gf-b5a9779c.pth", "regnet_y_3_2gf-9180c971.pth", 19436338), "IMAGENET1K_V2")
RegNet_Y_8GF_Weights = _weights_enum("RegNet_Y_8GF_Weights", _v1_v2(
    "regnet_y_8gf-d0d0e4a8.pth", "regnet_y_8gf-dc2b1b54.pth", 39381472), "IMAGENET1K_V2")
RegNet_Y_16GF_Weights = _weights_enum("RegNet_Y_16GF_Weights", {
    **_v1_v2("regnet_y_16gf-9e6ed7dd.pth", "regnet_y_16gf-3e4a00f9.pth", 83590140),
    **_swag("regnet_y_16gf_swag-43afe44d.pth", "regnet_y_16gf_lc_swag-f3ec0043.pth", 83590140)}, "IMAGENET1K_V2")
RegNet_Y_32GF_Weights = _weights_enum("RegNet_Y_32GF_Weights", {
    **_v1_v2("regnet_y_32gf-4dee3f7a.pth", "regnet_y_32gf-8db6d4b5.pth", 145046770),
    **_swag("regnet_y_32gf_swag-04fdfa75.pth", "regnet_y_32gf_lc_swag-e1583746.pth", 145046770)}, "IMAGENET1K_V2")
RegNet_Y_128GF_Weights = _weights_enum("RegNet_Y_128GF_Weights", _swag(
    "regnet_y_128gf_swag-c8ce3e52.pth", "regnet_y_128gf_lc_swag-cbe8ce12.pth", 644812894), "IMAGENET1K_SWAG_E2E_V1")
RegNet_X_400MF_Weights = _weights_enum("RegNet_X_400MF_Weights", _v1_v2(
    "regnet_x_400mf-adf1edd5.pth", "regnet_x_400mf-62229a5f.pth", 5495976), "IMAGENET1K_V2")
RegNet_X_800MF_Weights = _weights_enum("RegNet_X_800MF_Weights", _v1_v2(
    "regnet_x_800mf-ad17e45c.pth", "regnet_x_800mf-94a99ebd.pth", 7259656), "IMAGENET1K_V2")
RegNet_X_1_6GF_Weights = _weights_enum("RegNet_X_1_6GF_Weights", _v1_v2(
    "regnet_x_1_6gf-e3633e7f.pth", "regnet_x_1_6gf-a12f2b72.pth", 9190136), "IMAGENET1K_V2")
RegNet_X_3_2GF_Weights = _weights_enum("RegNet_X_3_2GF_Weights", _v1_v2(
    "regnet_x_3_2gf-f342aeae.pth", "regnet_x_3_2gf-7071aa85.pth", 15296552), "IMAGENET1K_V2")
RegNet_X_8GF_Weights = _weights_enum("RegNet_X_8GF_Weights", _v1_v2(
    "regnet_x_8gf-03ceed89.pth", "regnet_x_8gf-2b70d774.pth", 39572648), "IMAGENET1K_V2")
RegNet_X_16GF_Weights = _weights_enum("RegNet_X_16GF_Weights", _v1_v2(
    "regnet_x_16gf-2007eb11.pth", "regnet_x_16gf-ba3796d7.pth", 54278536), "IMAGENET1K_V2")
RegNet_X_32GF_Weights = _weights_enum("RegNet_X_32GF_Weights", _v1_v2(
    "regnet_x_32gf-9d47f8d0.pth", "regnet_x_32gf-6eb8fdc6.pth", 107811560), "IMAGENET1K_V2")

# builder name -> (depth, w_0, w_a, w_m, group_width, se_ratio)
_CONFIGS = {
    "regnet_y_400mf": (16, 48, 27.89, 2.09, 8, 0.25),
    "regnet_y_800mf": (14, 56, 38.84, 2.4, 16, 0.25),
    "regnet_y_1_6gf": (27, 48, 20.71, 2.65, 24, 0.25),
    "regnet_y_3_2gf": (21, 80, 42.63, 2.66, 24, 0.25),
    "regnet_y_8gf": (17, 192, 76.82, 2.19, 56, 0.25),
    "regnet_y_16gf": (18, 200, 106.23, 2.48, 112, 0.25),
    "regnet_y_32gf": (20, 232, 115.89, 2.53, 232, 0.25),
    "regnet_y_128gf": (27, 456, 160.83, 2.52, 264, 0.25),
    "regnet_x_400mf": (22, 24, 24.48, 2.54, 16, None),
    "regnet_x_800mf": (16, 56, 35.73, 2.28, 16, None),
    "regnet_x_1_6gf": (18, 80, 34.01, 2.25, 24, None),
    "regnet_x_3_2gf": (25, 88, 26.31, 2.25, 48, None),
    "regnet_x_8gf": (23, 80, 49.56, 2.88, 120, None),
    "regnet_x_16gf": (22, 216, 55.59, 2.1, 128, None),
    "regnet_x_32gf": (23, 320, 69.86, 2.0, 168, None),
}


def _builder(name: str):
    depth, w_0, w_a, w_m, group_width, se_ratio = _CONFIGS[name]
    enum_name = "RegNet_" + name[len("regnet_"):].upper() + "_Weights"
    enum_cls = globals()[enum_name]

    def build(*, weights=None, progress: bool = True, **kwargs) -> RegNet:
        weights = enum_cls.verify(weights)
        params = BlockParams.from_init_params(depth=depth, w_0=w_0, w_a=w_a, w_m=w_m, group_width=group_width,
                                              se_ratio=se_ratio, **kwargs)
        return _regnet(params, weights, progress, **kwargs)

    build.__name__ = build.__qualname__ = name
    build.__module__ = __name__
    build.__doc__ = f"`torchvision.models.{name}`."
    build.__annotations__ = {"weights": f"{enum_name} | None", "progress": "bool", "return": "RegNet"}
    if name == "regnet_y_128gf":  # no legacy `pretrained` weights for this one
        return register_model(name)(build)
    return register_model(name)(handle_legacy_interface(enum_name, "IMAGENET1K_V1")(build))


regnet_y_400mf = _builder("regnet_y_400mf")
regnet_y_800mf = _builder("regnet_y_800mf")
regnet_y_1_6gf = _builder("regnet_y_1_6gf")
regnet_y_3_2gf = _builder("regnet_y_3_2gf")
regnet_y_8gf = _builder("regnet_y_8gf")
regnet_y_16gf = _builder("regnet_y_16gf")
regnet_y_32gf = _builder("regnet_y_32gf")
regnet_y_128gf = _builder("regnet_y_128gf")
regnet_x_400mf = _builder("regnet_x_400mf")
regnet_x_800mf = _builder("regnet_x_800mf")
regnet_x_1_6gf = _builder("regnet_x_1_6gf")
regnet_x_3_2gf = _builder("regnet_x_3_2gf")
regnet_x_8gf = _builder("regnet_x_8gf")
regnet_x_16gf = _builder("regnet_x_16gf")
regnet_x_32gf = _builder("regnet_x_32gf")
