"""ConvNeXt tiny/small/base/large: the counterpart of `torchvision.models.convnext`."""
from __future__ import annotations

from collections.abc import Callable
from functools import partial

import torchlike as torch
import torchlike.nn.functional as F
from torchlike import nn

from ..ops.misc import Conv2dNormActivation, Permute
from ..ops.stochastic_depth import StochasticDepth
from ._api import _build_model, _entry, _model_builder, _weights_enum

__all__ = ["ConvNeXt", "ConvNeXt_Tiny_Weights", "ConvNeXt_Small_Weights", "ConvNeXt_Base_Weights",
           "ConvNeXt_Large_Weights", "convnext_tiny", "convnext_small", "convnext_base", "convnext_large"]


class LayerNorm2d(nn.LayerNorm):
    """LayerNorm over the channels of an NCHW tensor."""

    def forward(self, x):
        x = x.permute(0, 2, 3, 1)
        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


class CNBlock(nn.Module):
    """Depthwise 7x7, LayerNorm, inverted MLP (4x, GELU), per-channel layer scale, stochastic depth."""

    def __init__(self, dim: int, layer_scale: float, stochastic_depth_prob: float,
                 norm_layer: Callable | None = None) -> None:
        super().__init__()
        norm_layer = partial(nn.LayerNorm, eps=1e-6) if norm_layer is None else norm_layer
        self.block = nn.Sequential(
            nn.Conv2d(dim, dim, kernel_size=7, padding=3, groups=dim, bias=True),
            Permute([0, 2, 3, 1]),
            norm_layer(dim),
            nn.Linear(in_features=dim, out_features=4 * dim, bias=True),
            nn.GELU(),
            nn.Linear(in_features=4 * dim, out_features=dim, bias=True),
            Permute([0, 3, 1, 2]),
        )
        self.layer_scale = nn.Parameter(torch.ones(dim, 1, 1) * layer_scale)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")

    def forward(self, input):
        result = self.layer_scale * self.block(input)
        return self.stochastic_depth(result) + input


class CNBlockConfig:
    """A stage: its width, the width after its downsampling layer (None for the last), its depth."""

    def __init__(self, input_channels: int, out_channels: int | None, num_layers: int) -> None:
        self.input_channels = input_channels
        self.out_channels = out_channels
        self.num_layers = num_layers

    def __repr__(self) -> str:
        return (f"{self.__class__.__name__}(input_channels={self.input_channels}, "
                f"out_channels={self.out_channels}, num_layers={self.num_layers})")


class ConvNeXt(nn.Module):
    """`torchvision.models.ConvNeXt`: patchify stem, stages with downsampling layers, norm + linear head."""

    def __init__(self, block_setting: list[CNBlockConfig], stochastic_depth_prob: float = 0.0,
                 layer_scale: float = 1e-6, num_classes: int = 1000, block: Callable | None = None,
                 norm_layer: Callable | None = None, **kwargs) -> None:
        super().__init__()
        if not block_setting:
            raise ValueError("The block_setting should not be empty")
        if not (isinstance(block_setting, list) and all(isinstance(s, CNBlockConfig) for s in block_setting)):
            raise TypeError("The block_setting should be List[CNBlockConfig]")
        block = CNBlock if block is None else block
        norm_layer = partial(LayerNorm2d, eps=1e-6) if norm_layer is None else norm_layer
        first = block_setting[0].input_channels
        layers: list[nn.Module] = [Conv2dNormActivation(3, first, kernel_size=4, stride=4, padding=0,
                                                        norm_layer=norm_layer, activation_layer=None, bias=True)]
        total_blocks = sum(cnf.num_layers for cnf in block_setting)
        block_id = 0
        for cnf in block_setting:
            stage = []
            for _ in range(cnf.num_layers):
                sd_prob = stochastic_depth_prob * block_id / (total_blocks - 1.0)
                stage.append(block(cnf.input_channels, layer_scale, sd_prob))
                block_id += 1
            layers.append(nn.Sequential(*stage))
            if cnf.out_channels is not None:
                layers.append(nn.Sequential(norm_layer(cnf.input_channels),
                                            nn.Conv2d(cnf.input_channels, cnf.out_channels, kernel_size=2, stride=2)))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        last = block_setting[-1]
        last_channels = last.out_channels if last.out_channels is not None else last.input_channels
        self.classifier = nn.Sequential(norm_layer(last_channels), nn.Flatten(1), nn.Linear(last_channels, num_classes))
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def _forward_impl(self, x):
        return self.classifier(self.avgpool(self.features(x)))

    def forward(self, x):
        return self._forward_impl(x)


def _convnext(block_setting, stochastic_depth_prob: float, weights, progress: bool, **kwargs) -> ConvNeXt:
    def make(**kwargs) -> ConvNeXt:
        return ConvNeXt(block_setting, stochastic_depth_prob=stochastic_depth_prob, **kwargs)

    return _build_model(make, weights, progress, kwargs)


def _convnext_weights(name: str, file_hash: str, num_params: int, resize: int) -> type:
    """`name` (ConvNeXt_Tiny_Weights, ...) with its one checkpoint <model>-<file_hash>.pth as IMAGENET1K_V1."""
    model = name[:-len("_Weights")].lower()
    weights = _entry(f"{model}-{file_hash}.pth", num_params, resize=resize, min_size=(32, 32))
    return _weights_enum(name, __name__, {"IMAGENET1K_V1": weights})


ConvNeXt_Tiny_Weights = _convnext_weights("ConvNeXt_Tiny_Weights", "983f1562", 28589128, 236)
ConvNeXt_Small_Weights = _convnext_weights("ConvNeXt_Small_Weights", "0c510722", 50223688, 230)
ConvNeXt_Base_Weights = _convnext_weights("ConvNeXt_Base_Weights", "6075fbad", 88591464, 232)
ConvNeXt_Large_Weights = _convnext_weights("ConvNeXt_Large_Weights", "ea097f82", 197767336, 232)


def _setting(widths: tuple, depths: tuple) -> list[CNBlockConfig]:
    outs = list(widths[1:]) + [None]
    return [CNBlockConfig(w, o, d) for w, o, d in zip(widths, outs, depths)]


def _builder(name: str, weights_enum: type, widths: tuple, depths: tuple, stochastic_depth_prob: float):
    def build(weights, progress: bool, **kwargs) -> ConvNeXt:
        setting = _setting(widths, depths)
        return _convnext(setting, kwargs.pop("stochastic_depth_prob", stochastic_depth_prob), weights, progress,
                         **kwargs)

    return _model_builder(name, weights_enum, build, "ConvNeXt")


convnext_tiny = _builder("convnext_tiny", ConvNeXt_Tiny_Weights, (96, 192, 384, 768), (3, 3, 9, 3), 0.1)
convnext_small = _builder("convnext_small", ConvNeXt_Small_Weights, (96, 192, 384, 768), (3, 3, 27, 3), 0.4)
convnext_base = _builder("convnext_base", ConvNeXt_Base_Weights, (128, 256, 512, 1024), (3, 3, 27, 3), 0.5)
convnext_large = _builder("convnext_large", ConvNeXt_Large_Weights, (192, 384, 768, 1536), (3, 3, 27, 3), 0.5)
