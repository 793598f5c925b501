"""Conv1d/2d/3d and ConvTranspose1d/2d/3d."""
from __future__ import annotations

from .. import functional as F
from ..parameter import UninitializedParameter
from ._utils import _changed_options, _init_kaiming_, _LayerFamily, _register_weight_and_bias, _tuple
from .lazy import LazyModuleMixin
from .module import Module

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d", "LazyConv1d",
           "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyConvTranspose3d"]

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(_LayerFamily, Module):
    """The parameters and checks shared by every convolution layer (a member gives its functional and number of
    spatial dimensions in its class statement: `class Conv2d(_Conv, fn=F.conv2d, dims=2)`)."""

    transposed = False

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation, transposed, output_padding,
                 groups, bias, padding_mode, device=None, dtype=None) -> None:
        super().__init__()
        n = self._n
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of {{'valid', 'same'}}")
            if padding == "same" and any(s != 1 for s in _tuple(stride, n)):
                raise ValueError("padding='same' is not supported for strided convolutions")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {list(_PADDING_MODES)}, but got padding_mode="
                             f"'{padding_mode}'")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride = _tuple(kernel_size, n), _tuple(stride, n)
        self.padding = padding if isinstance(padding, str) else _tuple(padding, n)
        self.dilation, self.transposed = _tuple(dilation, n), transposed
        self.output_padding, self.groups, self.padding_mode = _tuple(output_padding, n), groups, padding_mode
        if isinstance(self.padding, str):
            self._reversed_padding_repeated_twice = [0, 0] * n
            if padding == "same":
                for d, k, i in zip(self.dilation, self.kernel_size, range(n - 1, -1, -1)):
                    total = d * (k - 1)
                    left = total // 2
                    self._reversed_padding_repeated_twice[2 * i:2 * i + 2] = [left, total - left]
        else:
            self._reversed_padding_repeated_twice = [p for p in reversed(self.padding) for _ in range(2)]
        shape = ((in_channels, out_channels // groups) if transposed else (out_channels, in_channels // groups))
        _register_weight_and_bias(self, shape + self.kernel_size, out_channels, bias=bias, device=device, dtype=dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _init_kaiming_(self.weight, self.bias, bias_without_fan_in=False)

    def extra_repr(self) -> str:
        n = self._n
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        s += _changed_options(self, {"padding": (0,) * n, "dilation": (1,) * n, "output_padding": (0,) * n,
                                     "groups": 1})
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s

    def __setstate__(self, state):
        super().__setstate__(state)
        if not hasattr(self, "padding_mode"):
            self.padding_mode = "zeros"


class _Conv(_ConvNd):
    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0, dilation=1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros", device=None, dtype=None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, False, 0, groups, bias,
                         padding_mode, device, dtype)

    def _conv_forward(self, input, weight, bias):
        conv = type(self)._fn
        if self.padding_mode != "zeros":
            padded = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            return conv(padded, weight, bias, self.stride, 0, self.dilation, self.groups)
        return conv(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input):
        return self._conv_forward(input, self.weight, self.bias)


class Conv1d(_Conv, fn=F.conv1d, dims=1):
    """Mirrors `torch.nn.Conv1d`."""


class Conv2d(_Conv, fn=F.conv2d, dims=2):
    """Mirrors `torch.nn.Conv2d`."""


class Conv3d(_Conv, fn=F.conv3d, dims=3):
    """Mirrors `torch.nn.Conv3d`."""


class _ConvTranspose(_ConvNd):
    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0, output_padding=0,
                 groups: int = 1, bias: bool = True, dilation=1, padding_mode: str = "zeros", device=None,
                 dtype=None) -> None:
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, True, output_padding,
                         groups, bias, padding_mode, device, dtype)

    def _output_padding(self, input, output_size, stride, padding, kernel_size, num_spatial_dims, dilation=None):
        if output_size is None:
            return self.output_padding
        output_size = list(output_size)
        has_batch = input.dim() == num_spatial_dims + 2
        if len(output_size) in (num_spatial_dims + 1, num_spatial_dims + 2):
            output_size = output_size[-num_spatial_dims:]
        if len(output_size) != num_spatial_dims:
            raise ValueError(f"ConvTranspose{num_spatial_dims}D: for {input.dim()}D input, output_size must have "
                             f"{num_spatial_dims} or {num_spatial_dims + (2 if has_batch else 1)} elements (got "
                             f"{len(output_size)})")
        dilation = dilation or (1,) * num_spatial_dims
        lo, hi = [], []
        for d in range(num_spatial_dims):
            size = input.size(d + input.dim() - num_spatial_dims)
            lo.append((size - 1) * stride[d] - 2 * padding[d] + dilation[d] * (kernel_size[d] - 1) + 1)
            hi.append(lo[-1] + stride[d] - 1)
        if any(not a <= o <= b for a, o, b in zip(lo, output_size, hi)):
            raise ValueError(f"requested an output size of {output_size}, but valid sizes range from {lo} to {hi} "
                             f"(for an input of {input.shape[2:]})")
        return tuple(o - a for o, a in zip(output_size, lo))

    def forward(self, input, output_size=None):
        opad = self._output_padding(input, output_size, self.stride, self.padding, self.kernel_size, self._n,
                                    self.dilation)
        return type(self)._fn(input, self.weight, self.bias, self.stride, self.padding, opad, self.groups,
                              self.dilation)


class ConvTranspose1d(_ConvTranspose, fn=F.conv_transpose1d, dims=1):
    """Mirrors `torch.nn.ConvTranspose1d`."""


class ConvTranspose2d(_ConvTranspose, fn=F.conv_transpose2d, dims=2):
    """Mirrors `torch.nn.ConvTranspose2d`."""


class ConvTranspose3d(_ConvTranspose, fn=F.conv_transpose3d, dims=3):
    """Mirrors `torch.nn.ConvTranspose3d`."""


class _LazyConvXdMixin(LazyModuleMixin):
    """in_channels is inferred from the first input (dimension 1, or 0 when unbatched)."""

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def initialize_parameters(self, input, *args, **kwargs) -> None:
        if self.has_uninitialized_params():
            self.in_channels = self._get_in_channels(input)
            if self.in_channels % self.groups != 0:
                raise ValueError("in_channels must be divisible by groups")
            if self.transposed:
                self.weight.materialize((self.in_channels, self.out_channels // self.groups, *self.kernel_size))
            else:
                self.weight.materialize((self.out_channels, self.in_channels // self.groups, *self.kernel_size))
            if self.bias is not None:
                self.bias.materialize((self.out_channels,))
            self.reset_parameters()

    def _get_in_channels(self, input) -> int:
        unbatched = self._n + 1
        if input.dim() not in (unbatched, unbatched + 1):
            raise RuntimeError(f"Expected {unbatched}D (unbatched) or {unbatched + 1}D (batched) input to "
                               f"{self.__class__.__name__}, but got input of size: {input.shape}")
        return input.shape[1] if input.dim() == unbatched + 1 else input.shape[0]


def _lazy_params(module, out_channels, bias, device, dtype) -> None:
    # (the base layer was built with 0 channels and no bias: nothing to initialize twice)
    module.weight = UninitializedParameter(device=device, dtype=dtype)
    module.out_channels = out_channels
    if bias:
        module.bias = UninitializedParameter(device=device, dtype=dtype)


class _LazyConv(_LazyConvXdMixin):
    def __init__(self, out_channels: int, kernel_size, stride=1, padding=0, dilation=1, groups: int = 1,
                 bias: bool = True, padding_mode: str = "zeros", device=None, dtype=None) -> None:
        super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False, padding_mode, device, dtype)
        _lazy_params(self, out_channels, bias, device, dtype)


class _LazyConvTranspose(_LazyConvXdMixin):
    def __init__(self, out_channels: int, kernel_size, stride=1, padding=0, output_padding=0, groups: int = 1,
                 bias: bool = True, dilation=1, padding_mode: str = "zeros", device=None, dtype=None) -> None:
        super().__init__(0, 0, kernel_size, stride, padding, output_padding, groups, False, dilation, padding_mode,
                         device, dtype)
        _lazy_params(self, out_channels, bias, device, dtype)


class LazyConv1d(_LazyConv, Conv1d, becomes=Conv1d):
    """Mirrors `torch.nn.LazyConv1d`: a Conv1d whose in_channels comes from the first input."""


class LazyConv2d(_LazyConv, Conv2d, becomes=Conv2d):
    """Mirrors `torch.nn.LazyConv2d`."""


class LazyConv3d(_LazyConv, Conv3d, becomes=Conv3d):
    """Mirrors `torch.nn.LazyConv3d`."""


class LazyConvTranspose1d(_LazyConvTranspose, ConvTranspose1d, becomes=ConvTranspose1d):
    """Mirrors `torch.nn.LazyConvTranspose1d`."""


class LazyConvTranspose2d(_LazyConvTranspose, ConvTranspose2d, becomes=ConvTranspose2d):
    """Mirrors `torch.nn.LazyConvTranspose2d`."""


class LazyConvTranspose3d(_LazyConvTranspose, ConvTranspose3d, becomes=ConvTranspose3d):
    """Mirrors `torch.nn.LazyConvTranspose3d`."""
