"""GoogLeNet (Inception v1): the counterpart of `torchvision.models.googlenet`."""
from __future__ import annotations

import warnings
from collections import namedtuple
from collections.abc import Callable

import torchlike as torch
import torchlike.nn.functional as F
from torchlike import nn

from ._api import WeightsEnum, _build_model, _entry, _model_builder, _ovewrite_named_param

__all__ = ["GoogLeNet", "GoogLeNetOutputs", "_GoogLeNetOutputs", "GoogLeNet_Weights", "googlenet"]

GoogLeNetOutputs = namedtuple("GoogLeNetOutputs", ["logits", "aux_logits2", "aux_logits1"])
GoogLeNetOutputs.__annotations__ = {"logits": torch.Tensor, "aux_logits2": torch.Tensor | None,
                                    "aux_logits1": torch.Tensor | None}
_GoogLeNetOutputs = GoogLeNetOutputs


def imagenet_to_unit_range(x):
    """Map inputs normalised with ImageNet statistics to the [-1, 1] scaling that the original GoogLeNet and
    Inception v3 weights were trained on (their `transform_input`)."""
    channels = []
    for c, (mean, std) in enumerate(((0.485, 0.229), (0.456, 0.224), (0.406, 0.225))):
        channels.append(torch.unsqueeze(x[:, c], 1) * (std / 0.5) + (mean - 0.5) / 0.5)
    return torch.cat(channels, 1)


def resolve_init_weights(init_weights: bool | None, model_name: str) -> bool:
    """`init_weights=None` of GoogLeNet and Inception v3: True, with torchvision's FutureWarning."""
    if init_weights is None:
        warnings.warn(f"The default weight initialization of {model_name} will be changed in future releases of "
                      "torchvision. If you wish to keep the old behavior (which leads to long initialization "
                      "times due to scipy/scipy#11299), please set init_weights=True.", FutureWarning, stacklevel=2)
        return True
    return init_weights


def init_truncated_normal(model: nn.Module, std: float, layer_stddev: bool = False) -> None:
    """The init of GoogLeNet and Inception v3: convolutions and linears from a normal truncated at +-2,
    BatchNorms to the identity. With `layer_stddev`, a layer's own `stddev` attribute (Inception v3 sets
    it on a few) overrides `std`."""
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            layer_std = float(m.stddev) if layer_stddev and hasattr(m, "stddev") else std
            nn.init.trunc_normal_(m.weight, mean=0.0, std=layer_std, a=-2, b=2)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.constant_(m.weight, 1)
            nn.init.constant_(m.bias, 0)


class BasicConv2d(nn.Module):
    """Conv2d without bias, BatchNorm2d(eps=0.001), ReLU."""

    def __init__(self, in_channels: int, out_channels: int, **kwargs) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, bias=False, **kwargs)
        self.bn = nn.BatchNorm2d(out_channels, eps=0.001)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)), inplace=True)


class Inception(nn.Module):
    """Four parallel branches (1x1; 1x1-3x3; 1x1-3x3; pool-1x1) concatenated on channels."""

    def __init__(self, in_channels: int, ch1x1: int, ch3x3red: int, ch3x3: int, ch5x5red: int, ch5x5: int,
                 pool_proj: int, conv_block: Callable | None = None) -> None:
        super().__init__()
        conv_block = BasicConv2d if conv_block is None else conv_block
        self.branch1 = conv_block(in_channels, ch1x1, kernel_size=1)
        self.branch2 = nn.Sequential(conv_block(in_channels, ch3x3red, kernel_size=1),
                                     conv_block(ch3x3red, ch3x3, kernel_size=3, padding=1))
        # The "5x5" branch uses a 3x3 kernel in the released weights; kept for compatibility.
        self.branch3 = nn.Sequential(conv_block(in_channels, ch5x5red, kernel_size=1),
                                     conv_block(ch5x5red, ch5x5, kernel_size=3, padding=1))
        self.branch4 = nn.Sequential(nn.MaxPool2d(kernel_size=3, stride=1, padding=1, ceil_mode=True),
                                     conv_block(in_channels, pool_proj, kernel_size=1))

    def _forward(self, x) -> list:
        return [self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)]

    def forward(self, x):
        return torch.cat(self._forward(x), 1)


class InceptionAux(nn.Module):
    """Auxiliary classifier: 4x4 pooling, 1x1 conv, two linear layers."""

    def __init__(self, in_channels: int, num_classes: int, conv_block: Callable | None = None,
                 dropout: float = 0.7) -> None:
        super().__init__()
        conv_block = BasicConv2d if conv_block is None else conv_block
        self.conv = conv_block(in_channels, 128, kernel_size=1)
        self.fc1 = nn.Linear(2048, 1024)
        self.fc2 = nn.Linear(1024, num_classes)
        self.dropout = nn.Dropout(p=dropout)

    def forward(self, x):
        x = torch.flatten(self.conv(F.adaptive_avg_pool2d(x, (4, 4))), 1)
        x = self.dropout(F.relu(self.fc1(x), inplace=True))
        return self.fc2(x)


class GoogLeNet(nn.Module):
    """`torchvision.models.GoogLeNet`; in training with aux_logits it returns GoogLeNetOutputs."""
    __constants__ = ["aux_logits", "transform_input"]

    def __init__(self, num_classes: int = 1000, aux_logits: bool = True, transform_input: bool = False,
                 init_weights: bool | None = None, blocks: list | None = None, dropout: float = 0.2,
                 dropout_aux: float = 0.7) -> None:
        super().__init__()
        if blocks is None:
            blocks = [BasicConv2d, Inception, InceptionAux]
        init_weights = resolve_init_weights(init_weights, "GoogleNet")
        if len(blocks) != 3:
            raise ValueError(f"blocks length should be 3 instead of {len(blocks)}")
        conv_block, inception_block, inception_aux_block = blocks
        self.aux_logits = aux_logits
        self.transform_input = transform_input
        self.conv1 = conv_block(3, 64, kernel_size=7, stride=2, padding=3)
        self.maxpool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.conv2 = conv_block(64, 64, kernel_size=1)
        self.conv3 = conv_block(64, 192, kernel_size=3, padding=1)
        self.maxpool2 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception3a = inception_block(192, 64, 96, 128, 16, 32, 32)
        self.inception3b = inception_block(256, 128, 128, 192, 32, 96, 64)
        self.maxpool3 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception4a = inception_block(480, 192, 96, 208, 16, 48, 64)
        self.inception4b = inception_block(512, 160, 112, 224, 24, 64, 64)
        self.inception4c = inception_block(512, 128, 128, 256, 24, 64, 64)
        self.inception4d = inception_block(512, 112, 144, 288, 32, 64, 64)
        self.inception4e = inception_block(528, 256, 160, 320, 32, 128, 128)
        self.maxpool4 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
        self.inception5a = inception_block(832, 256, 160, 320, 32, 128, 128)
        self.inception5b = inception_block(832, 384, 192, 384, 48, 128, 128)
        if aux_logits:
            self.aux1 = inception_aux_block(512, num_classes, dropout=dropout_aux)
            self.aux2 = inception_aux_block(528, num_classes, dropout=dropout_aux)
        else:
            self.aux1 = None
            self.aux2 = None
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.dropout = nn.Dropout(p=dropout)
        self.fc = nn.Linear(1024, num_classes)
        if init_weights:
            init_truncated_normal(self, std=0.01)

    def _transform_input(self, x):
        return imagenet_to_unit_range(x) if self.transform_input else x

    def _forward(self, x):
        x = self.maxpool1(self.conv1(x))
        x = self.maxpool2(self.conv3(self.conv2(x)))
        x = self.maxpool3(self.inception3b(self.inception3a(x)))
        x = self.inception4a(x)
        aux1 = self.aux1(x) if self.aux1 is not None and self.training else None
        x = self.inception4d(self.inception4c(self.inception4b(x)))
        aux2 = self.aux2(x) if self.aux2 is not None and self.training else None
        x = self.maxpool4(self.inception4e(x))
        x = self.inception5b(self.inception5a(x))
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(self.dropout(x)), aux2, aux1

    def eager_outputs(self, x, aux2, aux1):
        if self.training and self.aux_logits:
            return _GoogLeNetOutputs(x, aux2, aux1)
        return x

    def forward(self, x):
        x, aux2, aux1 = self._forward(self._transform_input(x))
        return self.eager_outputs(x, aux2, aux1)


class GoogLeNet_Weights(WeightsEnum):
    IMAGENET1K_V1 = DEFAULT = _entry("googlenet-1378be20.pth", 6624904, min_size=(15, 15))


def build_with_aux_heads(model_cls, weights, progress: bool, kwargs: dict, aux_default: bool,
                         aux_heads: tuple[str, ...]):
    """A model with auxiliary classifier heads (the attributes `aux_heads`), and whether the caller asked
    for them. Pretrained weights load with the heads (the checkpoints hold them), which are then
    removed unless asked for."""
    asked = kwargs.get("aux_logits", aux_default)
    if weights is not None:
        kwargs.setdefault("transform_input", True)
        _ovewrite_named_param(kwargs, "aux_logits", True)
        _ovewrite_named_param(kwargs, "init_weights", False)
    model = _build_model(model_cls, weights, progress, kwargs)
    if weights is not None and not asked:
        model.aux_logits = False
        for head in aux_heads:
            setattr(model, head, None)
    return model, asked


def _googlenet(weights, progress: bool, **kwargs) -> GoogLeNet:
    model, aux_asked = build_with_aux_heads(GoogLeNet, weights, progress, kwargs, False, ("aux1", "aux2"))
    if weights is not None and aux_asked:
        warnings.warn("auxiliary heads in the pretrained googlenet model are NOT pretrained, so make sure to "
                      "train them")
    return model


googlenet = _model_builder("googlenet", GoogLeNet_Weights, _googlenet, "GoogLeNet",
                           "; with weights the auxiliary heads are dropped unless asked for")
