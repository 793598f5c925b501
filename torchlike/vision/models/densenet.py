"""DenseNet 121/161/169/201: the counterpart of `torchvision.models.densenet`."""
from __future__ import annotations

import re
from collections import OrderedDict
from functools import partial

import torchlike as torch
import torchlike.nn.functional as F
from torchlike import nn

from ._api import WeightsEnum, _build_model, _entry, _model_builder

__all__ = ["DenseNet", "DenseNet121_Weights", "DenseNet161_Weights", "DenseNet169_Weights", "DenseNet201_Weights",
           "densenet121", "densenet161", "densenet169", "densenet201"]


class _DenseLayer(nn.Module):
    """BN-ReLU-1x1 conv (bottleneck) then BN-ReLU-3x3 conv adding `growth_rate` channels."""

    def __init__(self, num_input_features: int, growth_rate: int, bn_size: int, drop_rate: float,
                 memory_efficient: bool = False) -> None:
        super().__init__()
        self.norm1 = nn.BatchNorm2d(num_input_features)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(num_input_features, bn_size * growth_rate, kernel_size=1, stride=1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth_rate)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(bn_size * growth_rate, growth_rate, kernel_size=3, stride=1, padding=1, bias=False)
        self.drop_rate = float(drop_rate)
        # Recomputing the bottleneck in backward only saves memory; the values are the same.
        self.memory_efficient = memory_efficient

    def bn_function(self, inputs: list):
        return self.conv1(self.relu1(self.norm1(torch.cat(inputs, 1))))

    def forward(self, input):
        prev = [input] if isinstance(input, torch.Tensor) else input
        new_features = self.conv2(self.relu2(self.norm2(self.bn_function(prev))))
        if self.drop_rate > 0:
            new_features = F.dropout(new_features, p=self.drop_rate, training=self.training)
        return new_features


class _DenseBlock(nn.ModuleDict):
    """`num_layers` dense layers, each fed the concatenation of all earlier outputs."""
    _version = 2

    def __init__(self, num_layers: int, num_input_features: int, bn_size: int, growth_rate: int,
                 drop_rate: float, memory_efficient: bool = False) -> None:
        super().__init__()
        for i in range(num_layers):
            layer = _DenseLayer(num_input_features + i * growth_rate, growth_rate=growth_rate, bn_size=bn_size,
                                drop_rate=drop_rate, memory_efficient=memory_efficient)
            self.add_module("denselayer%d" % (i + 1), layer)

    def forward(self, init_features):
        features = [init_features]
        for _, layer in self.items():
            features.append(layer(features))
        return torch.cat(features, 1)


class _Transition(nn.Sequential):
    """BN-ReLU-1x1 conv halving channels, then 2x2 average pooling."""

    def __init__(self, num_input_features: int, num_output_features: int) -> None:
        super().__init__()
        self.norm = nn.BatchNorm2d(num_input_features)
        self.relu = nn.ReLU(inplace=True)
        self.conv = nn.Conv2d(num_input_features, num_output_features, kernel_size=1, stride=1, bias=False)
        self.pool = nn.AvgPool2d(kernel_size=2, stride=2)


class DenseNet(nn.Module):
    """`torchvision.models.DenseNet`: stem, dense blocks with transitions (all in `features`), `classifier`."""

    def __init__(self, growth_rate: int = 32, block_config: tuple = (6, 12, 24, 16), num_init_features: int = 64,
                 bn_size: int = 4, drop_rate: float = 0, num_classes: int = 1000,
                 memory_efficient: bool = False) -> None:
        super().__init__()
        self.features = nn.Sequential(OrderedDict([
            ("conv0", nn.Conv2d(3, num_init_features, kernel_size=7, stride=2, padding=3, bias=False)),
            ("norm0", nn.BatchNorm2d(num_init_features)),
            ("relu0", nn.ReLU(inplace=True)),
            ("pool0", nn.MaxPool2d(kernel_size=3, stride=2, padding=1)),
        ]))
        num_features = num_init_features
        for i, num_layers in enumerate(block_config):
            block = _DenseBlock(num_layers=num_layers, num_input_features=num_features, bn_size=bn_size,
                                growth_rate=growth_rate, drop_rate=drop_rate, memory_efficient=memory_efficient)
            self.features.add_module("denseblock%d" % (i + 1), block)
            num_features = num_features + num_layers * growth_rate
            if i != len(block_config) - 1:
                self.features.add_module("transition%d" % (i + 1), _Transition(num_features, num_features // 2))
                num_features = num_features // 2
        self.features.add_module("norm5", nn.BatchNorm2d(num_features))
        self.classifier = nn.Linear(num_features, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.Linear):
                nn.init.constant_(m.bias, 0)

    def forward(self, x):
        out = F.relu(self.features(x), inplace=True)
        out = torch.flatten(F.adaptive_avg_pool2d(out, (1, 1)), 1)
        return self.classifier(out)


# Old checkpoints name the layers "norm.1"; current modules use "norm1".
_OLD_KEY = re.compile(r"^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var))$")


def _load_state_dict(model: nn.Module, weights, progress: bool) -> None:
    state_dict = weights.get_state_dict(progress=progress, check_hash=True)
    for key in list(state_dict.keys()):
        res = _OLD_KEY.match(key)
        if res:
            state_dict[res.group(1) + res.group(2)] = state_dict.pop(key)
    model.load_state_dict(state_dict)


def _densenet(growth_rate: int, block_config: tuple, num_init_features: int, weights, progress: bool,
              **kwargs) -> DenseNet:
    return _build_model(partial(DenseNet, growth_rate, block_config, num_init_features), weights, progress, kwargs,
                        load=_load_state_dict)


class DenseNet121_Weights(WeightsEnum):
    IMAGENET1K_V1 = DEFAULT = _entry("densenet121-a639ec97.pth", 7978856, min_size=(29, 29))


class DenseNet161_Weights(WeightsEnum):
    IMAGENET1K_V1 = DEFAULT = _entry("densenet161-8d451a50.pth", 28681000, min_size=(29, 29))


class DenseNet169_Weights(WeightsEnum):
    IMAGENET1K_V1 = DEFAULT = _entry("densenet169-b2777c0a.pth", 14149480, min_size=(29, 29))


class DenseNet201_Weights(WeightsEnum):
    IMAGENET1K_V1 = DEFAULT = _entry("densenet201-c1103571.pth", 20013928, min_size=(29, 29))


def _builder(name: str, weights_enum: type, growth_rate: int, block_config: tuple, num_init_features: int):
    return _model_builder(name, weights_enum, partial(_densenet, growth_rate, block_config, num_init_features),
                          "DenseNet")


densenet121 = _builder("densenet121", DenseNet121_Weights, 32, (6, 12, 24, 16), 64)
densenet161 = _builder("densenet161", DenseNet161_Weights, 48, (6, 12, 36, 24), 96)
densenet169 = _builder("densenet169", DenseNet169_Weights, 32, (6, 12, 32, 32), 64)
densenet201 = _builder("densenet201", DenseNet201_Weights, 32, (6, 12, 48, 32), 64)
