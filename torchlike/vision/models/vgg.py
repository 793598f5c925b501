"""VGG 11/13/16/19 with and without batch norm: the counterpart of `torchvision.models.vgg`."""
from __future__ import annotations

from functools import partial

import torchlike as torch
from torchlike import nn

from ._api import WeightsEnum, _entry, _load_weights, _model_builder, _ovewrite_named_param, _weights_enum

__all__ = ["VGG", "VGG11_Weights", "VGG11_BN_Weights", "VGG13_Weights", "VGG13_BN_Weights", "VGG16_Weights",
           "VGG16_BN_Weights", "VGG19_Weights", "VGG19_BN_Weights", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn",
           "vgg16", "vgg16_bn", "vgg19", "vgg19_bn"]


class VGG(nn.Module):
    """`torchvision.models.VGG`: a conv stack (`features`), 7x7 adaptive pooling, a 3-layer `classifier`."""

    def __init__(self, features: nn.Module, num_classes: int = 1000, init_weights: bool = True,
                 dropout: float = 0.5):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )
        if init_weights:
            self._init_weights()

    def _init_weights(self) -> None:
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = torch.flatten(self.avgpool(self.features(x)), 1)
        return self.classifier(x)


def make_layers(cfg: list, batch_norm: bool = False) -> nn.Sequential:
    """The `features` stack: ints are 3x3 conv widths, "M" a 2x2 max pool."""
    layers: list[nn.Module] = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            continue
        layers.append(nn.Conv2d(in_channels, v, kernel_size=3, padding=1))
        if batch_norm:
            layers.append(nn.BatchNorm2d(v))
        layers.append(nn.ReLU(inplace=True))
        in_channels = v
    return nn.Sequential(*layers)


cfgs = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
}


def _vgg(cfg: str, batch_norm: bool, weights, progress: bool, **kwargs) -> VGG:
    if weights is not None:
        kwargs["init_weights"] = False
        if weights.meta["categories"] is not None:
            _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = VGG(make_layers(cfgs[cfg], batch_norm=batch_norm), **kwargs)
    if weights is not None:
        _load_weights(model, weights, progress)
    return model


def _vgg_entry(file: str, num_params: int):
    return _entry(file, num_params, min_size=(32, 32))


def _vgg_weights(name: str, file_hash: str, num_params: int) -> type:
    """`name` (VGG11_Weights, ...) with its one checkpoint <model>-<file_hash>.pth as IMAGENET1K_V1."""
    model = name[:-len("_Weights")].lower()
    return _weights_enum(name, __name__, {"IMAGENET1K_V1": _vgg_entry(f"{model}-{file_hash}.pth", num_params)})


VGG11_Weights = _vgg_weights("VGG11_Weights", "8a719046", 132863336)
VGG11_BN_Weights = _vgg_weights("VGG11_BN_Weights", "6002323d", 132868840)
VGG13_Weights = _vgg_weights("VGG13_Weights", "19584684", 133047848)
VGG13_BN_Weights = _vgg_weights("VGG13_BN_Weights", "abd245e5", 133053736)


def _vgg16_features_entry():
    # Feature-extraction weights (SSD's backbone): no classifier categories, raw 0-255 BGR-like scaling.
    w = _entry("vgg16_features-amdegroot-88682ab5.pth", 138357544, min_size=(32, 32),
               mean=(0.48235, 0.45882, 0.40784), std=(1.0 / 255.0, 1.0 / 255.0, 1.0 / 255.0))
    w.meta["categories"] = None
    return w


class VGG16_Weights(WeightsEnum):
    IMAGENET1K_V1 = _vgg_entry("vgg16-397923af.pth", 138357544)
    IMAGENET1K_FEATURES = _vgg16_features_entry()
    DEFAULT = IMAGENET1K_V1


VGG16_BN_Weights = _vgg_weights("VGG16_BN_Weights", "6c64b313", 138365992)
VGG19_Weights = _vgg_weights("VGG19_Weights", "dcbb9e9d", 143667240)
VGG19_BN_Weights = _vgg_weights("VGG19_BN_Weights", "c79401a0", 143678248)


def _builder(name: str, cfg: str, batch_norm: bool, weights_enum: type):
    return _model_builder(name, weights_enum, partial(_vgg, cfg, batch_norm), "VGG")


vgg11 = _builder("vgg11", "A", False, VGG11_Weights)
vgg11_bn = _builder("vgg11_bn", "A", True, VGG11_BN_Weights)
vgg13 = _builder("vgg13", "B", False, VGG13_Weights)
vgg13_bn = _builder("vgg13_bn", "B", True, VGG13_BN_Weights)
vgg16 = _builder("vgg16", "D", False, VGG16_Weights)
vgg16_bn = _builder("vgg16_bn", "D", True, VGG16_BN_Weights)
vgg19 = _builder("vgg19", "E", False, VGG19_Weights)
vgg19_bn = _builder("vgg19_bn", "E", True, VGG19_BN_Weights)
