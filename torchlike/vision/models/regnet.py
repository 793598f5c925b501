"""RegNetX and RegNetY: the counterpart of `torchvision.models.regnet`."""
from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable
from functools import partial

import numpy as np

from torchlike import nn

from ..ops.misc import Conv2dNormActivation, SqueezeExcitation
from ._api import _build_model, _entry, _make_divisible, _model_builder, _v1_v2, _weights_enum

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
    norm_layer = kwargs.pop("norm_layer", partial(nn.BatchNorm2d, eps=1e-05, momentum=0.1))
    return _build_model(partial(RegNet, block_params, norm_layer=norm_layer), weights, progress, kwargs)


def _swag(e2e: str, linear: str, num_params: int) -> dict:
    return {"IMAGENET1K_SWAG_E2E_V1": _entry(e2e, num_params, crop=384, resize=384, interpolation="bicubic"),
            "IMAGENET1K_SWAG_LINEAR_V1": _entry(linear, num_params, crop=224, resize=224, interpolation="bicubic")}


def _regnet_weights(size: str, num_params: int, v1_v2: tuple[str, str] | None,
                    swag: tuple[str, str] | None = None) -> type:
    """RegNet_<SIZE>_Weights from the hashes of its checkpoints regnet_<size>-<hash>.pth (IMAGENET1K_V1 and
    V2, the DEFAULT) and regnet_<size>[_lc]_swag-<hash>.pth (the SWAG ones, DEFAULT when there is no V2)."""
    model = f"regnet_{size}"
    members = {}
    if v1_v2 is not None:
        members.update(_v1_v2(f"{model}-{v1_v2[0]}.pth", f"{model}-{v1_v2[1]}.pth", num_params))
    if swag is not None:
        members.update(_swag(f"{model}_swag-{swag[0]}.pth", f"{model}_lc_swag-{swag[1]}.pth", num_params))
    default = "IMAGENET1K_V2" if v1_v2 is not None else "IMAGENET1K_SWAG_E2E_V1"
    return _weights_enum(f"RegNet_{size.upper()}_Weights", __name__, members, default)


RegNet_Y_400MF_Weights = _regnet_weights("y_400mf", 4344144, ("c65dace8", "e6988f5f"))
RegNet_Y_800MF_Weights = _regnet_weights("y_800mf", 6432512, ("1b27b58c", "58fc7688"))
RegNet_Y_1_6GF_Weights = _regnet_weights("y_1_6gf", 11202430, ("b11a554e", "0d7bc02a"))
RegNet_Y_3_2GF_Weights = _regnet_weights("y_3_2gf", 19436338, ("b5a9779c", "9180c971"))
RegNet_Y_8GF_Weights = _regnet_weights("y_8gf", 39381472, ("d0d0e4a8", "dc2b1b54"))
RegNet_Y_16GF_Weights = _regnet_weights("y_16gf", 83590140, ("9e6ed7dd", "3e4a00f9"), ("43afe44d", "f3ec0043"))
RegNet_Y_32GF_Weights = _regnet_weights("y_32gf", 145046770, ("4dee3f7a", "8db6d4b5"), ("04fdfa75", "e1583746"))
RegNet_Y_128GF_Weights = _regnet_weights("y_128gf", 644812894, None, ("c8ce3e52", "cbe8ce12"))
RegNet_X_400MF_Weights = _regnet_weights("x_400mf", 5495976, ("adf1edd5", "62229a5f"))
RegNet_X_800MF_Weights = _regnet_weights("x_800mf", 7259656, ("ad17e45c", "94a99ebd"))
RegNet_X_1_6GF_Weights = _regnet_weights("x_1_6gf", 9190136, ("e3633e7f", "a12f2b72"))
RegNet_X_3_2GF_Weights = _regnet_weights("x_3_2gf", 15296552, ("f342aeae", "7071aa85"))
RegNet_X_8GF_Weights = _regnet_weights("x_8gf", 39572648, ("03ceed89", "2b70d774"))
RegNet_X_16GF_Weights = _regnet_weights("x_16gf", 54278536, ("2007eb11", "ba3796d7"))
RegNet_X_32GF_Weights = _regnet_weights("x_32gf", 107811560, ("9d47f8d0", "6eb8fdc6"))

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
    enum_cls = globals()["RegNet_" + name[len("regnet_"):].upper() + "_Weights"]

    def build(weights, progress: bool, **kwargs) -> RegNet:
        params = BlockParams.from_init_params(depth=depth, w_0=w_0, w_a=w_a, w_m=w_m, group_width=group_width,
                                              se_ratio=se_ratio, **kwargs)
        return _regnet(params, weights, progress, **kwargs)

    # regnet_y_128gf came after the `pretrained=` keyword was retired.
    return _model_builder(name, enum_cls, build, "RegNet", legacy=name != "regnet_y_128gf")


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
