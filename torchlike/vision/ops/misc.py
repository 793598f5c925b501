"""Building blocks of torchvision's models: the counterpart of `torchvision.ops.misc`.

Each class keeps torchvision's attribute names so state_dict keys match a torchvision checkpoint.
"""
from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence

import torchlike as torch
from torchlike import nn

__all__ = ["FrozenBatchNorm2d", "ConvNormActivation", "Conv2dNormActivation", "Conv3dNormActivation",
           "SqueezeExcitation", "MLP", "Permute"]


class FrozenBatchNorm2d(nn.Module):
    """`torchvision.ops.misc.FrozenBatchNorm2d`: BatchNorm2d whose statistics and affine terms are fixed buffers."""

    def __init__(self, num_features: int, eps: float = 1e-5):
        super().__init__()
        self.eps = eps
        self.register_buffer("weight", torch.ones(num_features))
        self.register_buffer("bias", torch.zeros(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        # BatchNorm2d checkpoints carry a step counter that a frozen layer has no use for.
        state_dict.pop(prefix + "num_batches_tracked", None)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)

    def forward(self, x):
        scale = self.weight * (self.running_var + self.eps).rsqrt()
        shift = self.bias - self.running_mean * scale
        return x * scale.reshape(1, -1, 1, 1) + shift.reshape(1, -1, 1, 1)

    def __repr__(self):
        return f"{self.__class__.__name__}({self.weight.shape[0]}, eps={self.eps})"


def _same_padding(kernel_size, dilation, dims: int):
    """The padding that keeps the spatial size at stride 1, per dimension when sizes are tuples."""
    if isinstance(kernel_size, int) and isinstance(dilation, int):
        return (kernel_size - 1) // 2 * dilation
    ks = kernel_size if isinstance(kernel_size, Sequence) else (kernel_size,) * dims
    dl = dilation if isinstance(dilation, Sequence) else (dilation,) * dims
    return tuple((k - 1) // 2 * d for k, d in zip(ks, dl))


class ConvNormActivation(nn.Sequential):
    """`torchvision.ops.misc.ConvNormActivation`: convolution, then normalisation, then activation."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size=3, stride=1, padding=None,
                 groups: int = 1, norm_layer: Callable | None = nn.BatchNorm2d,
                 activation_layer: Callable | None = nn.ReLU, dilation=1, inplace: bool | None = True,
                 bias: bool | None = None, conv_layer: Callable = nn.Conv2d):
        if padding is None:
            padding = _same_padding(kernel_size, dilation, _conv_dims(conv_layer))
        if bias is None:
            bias = norm_layer is None
        layers = [conv_layer(in_channels, out_channels, kernel_size, stride, padding, dilation=dilation,
                             groups=groups, bias=bias)]
        if norm_layer is not None:
            layers.append(norm_layer(out_channels))
        if activation_layer is not None:
            params = {} if inplace is None else {"inplace": inplace}
            layers.append(activation_layer(**params))
        super().__init__(*layers)
        self.out_channels = out_channels
        if self.__class__ == ConvNormActivation:
            warnings.warn("Don't use ConvNormActivation directly, please use Conv2dNormActivation and "
                          "Conv3dNormActivation instead.")


def _conv_dims(conv_layer) -> int:
    return 3 if conv_layer is nn.Conv3d else (1 if conv_layer is nn.Conv1d else 2)


class Conv2dNormActivation(ConvNormActivation):
    """`torchvision.ops.misc.Conv2dNormActivation`: Conv2d, norm (BatchNorm2d by default), activation."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size=3, stride=1, padding=None,
                 groups: int = 1, norm_layer: Callable | None = nn.BatchNorm2d,
                 activation_layer: Callable | None = nn.ReLU, dilation=1, inplace: bool | None = True,
                 bias: bool | None = None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, groups, norm_layer,
                         activation_layer, dilation, inplace, bias, nn.Conv2d)


class Conv3dNormActivation(ConvNormActivation):
    """`torchvision.ops.misc.Conv3dNormActivation`: Conv3d, norm (BatchNorm3d by default), activation."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size=3, stride=1, padding=None,
                 groups: int = 1, norm_layer: Callable | None = nn.BatchNorm3d,
                 activation_layer: Callable | None = nn.ReLU, dilation=1, inplace: bool | None = True,
                 bias: bool | None = None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, groups, norm_layer,
                         activation_layer, dilation, inplace, bias, nn.Conv3d)


class SqueezeExcitation(nn.Module):
    """`torchvision.ops.misc.SqueezeExcitation`: channel gating from pooled features (Hu et al.)."""

    def __init__(self, input_channels: int, squeeze_channels: int, activation: Callable = nn.ReLU,
                 scale_activation: Callable = nn.Sigmoid):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(input_channels, squeeze_channels, 1)
        self.fc2 = nn.Conv2d(squeeze_channels, input_channels, 1)
        self.activation = activation()
        self.scale_activation = scale_activation()

    def _scale(self, x):
        s = self.avgpool(x)
        s = self.activation(self.fc1(s))
        return self.scale_activation(self.fc2(s))

    def forward(self, x):
        return self._scale(x) * x


class MLP(nn.Sequential):
    """`torchvision.ops.misc.MLP`: Linear (norm) activation dropout blocks, the last without norm/activation."""

    def __init__(self, in_channels: int, hidden_channels: list[int], norm_layer: Callable | None = None,
                 activation_layer: Callable | None = nn.ReLU, inplace: bool | None = None, bias: bool = True,
                 dropout: float = 0.0):
        params = {} if inplace is None else {"inplace": inplace}
        layers = []
        width = in_channels
        for hidden in hidden_channels[:-1]:
            layers.append(nn.Linear(width, hidden, bias=bias))
            if norm_layer is not None:
                layers.append(norm_layer(hidden))
            layers.append(activation_layer(**params))
            layers.append(nn.Dropout(dropout, **params))
            width = hidden
        layers.append(nn.Linear(width, hidden_channels[-1], bias=bias))
        layers.append(nn.Dropout(dropout, **params))
        super().__init__(*layers)


class Permute(nn.Module):
    """`torchvision.ops.misc.Permute`: `torch.permute` as a module."""

    def __init__(self, dims: list[int]):
        super().__init__()
        self.dims = dims

    def forward(self, x):
        return torch.permute(x, self.dims)
