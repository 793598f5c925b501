"""ResNet, ResNeXt and Wide ResNet: the counterpart of `torchvision.models.resnet`."""
from __future__ import annotations

from collections.abc import Callable
from functools import partial

import torchlike as torch
from torchlike import nn

from ._api import WeightsEnum, _build_model, _entry, _model_builder, _ovewrite_named_param, _v1_v2, _weights_enum

__all__ = ["ResNet", "BasicBlock", "Bottleneck", "ResNet18_Weights", "ResNet34_Weights", "ResNet50_Weights",
           "ResNet101_Weights", "ResNet152_Weights", "ResNeXt50_32X4D_Weights", "ResNeXt101_32X8D_Weights",
           "ResNeXt101_64X4D_Weights", "Wide_ResNet50_2_Weights", "Wide_ResNet101_2_Weights", "resnet18",
           "resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d", "resnext101_32x8d",
           "resnext101_64x4d", "wide_resnet50_2", "wide_resnet101_2"]


def conv3x3(in_planes: int, out_planes: int, stride: int = 1, groups: int = 1, dilation: int = 1) -> nn.Conv2d:
    """3x3 convolution with "same" padding and no bias (followed by a norm layer)."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=dilation, groups=groups,
                     bias=False, dilation=dilation)


def conv1x1(in_planes: int, out_planes: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    """Two 3x3 convolutions with an identity (or projected) shortcut; ResNet-18/34."""
    expansion: int = 1

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample: nn.Module | None = None,
                 groups: int = 1, base_width: int = 64, dilation: int = 1, norm_layer: Callable | None = None):
        super().__init__()
        norm_layer = nn.BatchNorm2d if norm_layer is None else norm_layer
        if groups != 1 or base_width != 64:
            raise ValueError("BasicBlock only supports groups=1 and base_width=64")
        if dilation > 1:
            raise NotImplementedError("Dilation > 1 not supported in BasicBlock")
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = norm_layer(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = norm_layer(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class Bottleneck(nn.Module):
    """1x1 reduce, 3x3 (grouped for ResNeXt), 1x1 expand; the stride sits on the 3x3 (ResNet V1.5)."""
    expansion: int = 4

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample: nn.Module | None = None,
                 groups: int = 1, base_width: int = 64, dilation: int = 1, norm_layer: Callable | None = None):
        super().__init__()
        norm_layer = nn.BatchNorm2d if norm_layer is None else norm_layer
        width = int(planes * (base_width / 64.0)) * groups
        self.conv1 = conv1x1(inplanes, width)
        self.bn1 = norm_layer(width)
        self.conv2 = conv3x3(width, width, stride, groups, dilation)
        self.bn2 = norm_layer(width)
        self.conv3 = conv1x1(width, planes * self.expansion)
        self.bn3 = norm_layer(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + identity)


class ResNet(nn.Module):
    """`torchvision.models.ResNet`: stem, four stages of residual blocks, global pooling, `fc`."""

    def __init__(self, block, layers: list[int], num_classes: int = 1000, zero_init_residual: bool = False,
                 groups: int = 1, width_per_group: int = 64,
                 replace_stride_with_dilation: list[bool] | None = None, norm_layer: Callable | None = None):
        super().__init__()
        self._norm_layer = nn.BatchNorm2d if norm_layer is None else norm_layer
        self.inplanes = 64
        self.dilation = 1
        if replace_stride_with_dilation is None:
            replace_stride_with_dilation = [False, False, False]
        if len(replace_stride_with_dilation) != 3:
            raise ValueError("replace_stride_with_dilation should be None or a 3-element tuple, got "
                             f"{replace_stride_with_dilation}")
        self.groups = groups
        self.base_width = width_per_group
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = self._norm_layer(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], 2, replace_stride_with_dilation[0])
        self.layer3 = self._make_layer(block, 256, layers[2], 2, replace_stride_with_dilation[1])
        self.layer4 = self._make_layer(block, 512, layers[3], 2, replace_stride_with_dilation[2])
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)
        self._init_weights(zero_init_residual)

    def _init_weights(self, zero_init_residual: bool) -> None:
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        if zero_init_residual:
            # Each residual branch starts as zero, so every block starts as the identity.
            for m in self.modules():
                if isinstance(m, Bottleneck) and m.bn3.weight is not None:
                    nn.init.constant_(m.bn3.weight, 0)
                elif isinstance(m, BasicBlock) and m.bn2.weight is not None:
                    nn.init.constant_(m.bn2.weight, 0)

    def _make_layer(self, block, planes: int, blocks: int, stride: int = 1, dilate: bool = False) -> nn.Sequential:
        norm_layer = self._norm_layer
        downsample = None
        previous_dilation = self.dilation
        if dilate:
            self.dilation *= stride
            stride = 1
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(conv1x1(self.inplanes, planes * block.expansion, stride),
                                       norm_layer(planes * block.expansion))
        layers = [block(self.inplanes, planes, stride, downsample, self.groups, self.base_width, previous_dilation,
                        norm_layer)]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(block(self.inplanes, planes, groups=self.groups, base_width=self.base_width,
                                dilation=self.dilation, norm_layer=norm_layer))
        return nn.Sequential(*layers)

    def _forward_impl(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(x)

    def forward(self, x):
        return self._forward_impl(x)


def _resnet(block, layers: list[int], weights, progress: bool, **kwargs) -> ResNet:
    return _build_model(partial(ResNet, block, layers), weights, progress, kwargs)


def _resnet_weights(name: str, num_params: int, v1: str, v2: str | None = None) -> type:
    """The weights enum `name` (ResNet50_Weights, ...) from the hashes of its checkpoints <model>-<hash>.pth:
    IMAGENET1K_V1 and, where there is one, the retrained IMAGENET1K_V2, which is then DEFAULT."""
    model = name[:-len("_Weights")].lower()
    if v2 is None:
        return _weights_enum(name, __name__, {"IMAGENET1K_V1": _entry(f"{model}-{v1}.pth", num_params)})
    return _weights_enum(name, __name__, _v1_v2(f"{model}-{v1}.pth", f"{model}-{v2}.pth", num_params),
                         "IMAGENET1K_V2")


ResNet18_Weights = _resnet_weights("ResNet18_Weights", 11689512, "f37072fd")
ResNet34_Weights = _resnet_weights("ResNet34_Weights", 21797672, "b627a593")
ResNet50_Weights = _resnet_weights("ResNet50_Weights", 25557032, "0676ba61", "11ad3fa6")
ResNet101_Weights = _resnet_weights("ResNet101_Weights", 44549160, "63fe2227", "cd907fc2")
ResNet152_Weights = _resnet_weights("ResNet152_Weights", 60192808, "394f9c45", "f82ba261")
ResNeXt50_32X4D_Weights = _resnet_weights("ResNeXt50_32X4D_Weights", 25028904, "7cdf4587", "1a0047aa")
ResNeXt101_32X8D_Weights = _resnet_weights("ResNeXt101_32X8D_Weights", 88791336, "8ba56ff5", "110c445d")


class ResNeXt101_64X4D_Weights(WeightsEnum):  # a single checkpoint, evaluated at resize 232
    IMAGENET1K_V1 = DEFAULT = _entry("resnext101_64x4d-173b62eb.pth", 83455272, resize=232)


Wide_ResNet50_2_Weights = _resnet_weights("Wide_ResNet50_2_Weights", 68883240, "95faca4d", "9ba9bcbe")
Wide_ResNet101_2_Weights = _resnet_weights("Wide_ResNet101_2_Weights", 126886696, "32ee1156", "d733dc28")


def _builder(name: str, weights_enum: type, block, layers: list[int], doc: str = "", **fixed):
    """A ResNet builder; `fixed` are the ResNet arguments its variant sets (groups, width_per_group)."""

    def build(weights, progress: bool, **kwargs) -> ResNet:
        for param, value in fixed.items():
            _ovewrite_named_param(kwargs, param, value)
        return _resnet(block, layers, weights, progress, **kwargs)

    return _model_builder(name, weights_enum, build, "ResNet", doc)


def _resnext(name: str, weights_enum: type, layers: list[int], groups: int, width_per_group: int):
    return _builder(name, weights_enum, Bottleneck, layers, groups=groups, width_per_group=width_per_group)


def _wide(name: str, weights_enum: type, layers: list[int]):
    return _builder(name, weights_enum, Bottleneck, layers, ": the bottleneck's inner width doubled",
                    width_per_group=64 * 2)


resnet18 = _builder("resnet18", ResNet18_Weights, BasicBlock, [2, 2, 2, 2])
resnet34 = _builder("resnet34", ResNet34_Weights, BasicBlock, [3, 4, 6, 3])
resnet50 = _builder("resnet50", ResNet50_Weights, Bottleneck, [3, 4, 6, 3])
resnet101 = _builder("resnet101", ResNet101_Weights, Bottleneck, [3, 4, 23, 3])
resnet152 = _builder("resnet152", ResNet152_Weights, Bottleneck, [3, 8, 36, 3])
resnext50_32x4d = _resnext("resnext50_32x4d", ResNeXt50_32X4D_Weights, [3, 4, 6, 3], 32, 4)
resnext101_32x8d = _resnext("resnext101_32x8d", ResNeXt101_32X8D_Weights, [3, 4, 23, 3], 32, 8)
resnext101_64x4d = _resnext("resnext101_64x4d", ResNeXt101_64X4D_Weights, [3, 4, 23, 3], 64, 4)
wide_resnet50_2 = _wide("wide_resnet50_2", Wide_ResNet50_2_Weights, [3, 4, 6, 3])
wide_resnet101_2 = _wide("wide_resnet101_2", Wide_ResNet101_2_Weights, [3, 4, 23, 3])
