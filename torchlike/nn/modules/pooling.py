"""Max, average, adaptive, power-average pooling and max-unpooling layers."""
from __future__ import annotations

from .. import functional as F
from ._utils import _LayerFamily, _tuple
from .module import Module

__all__ = [
    "AdaptiveAvgPool1d",
    "AdaptiveAvgPool2d",
    "AdaptiveAvgPool3d",
    "AdaptiveMaxPool1d",
    "AdaptiveMaxPool2d",
    "AdaptiveMaxPool3d",
    "AvgPool1d",
    "AvgPool2d",
    "AvgPool3d",
    "FractionalMaxPool2d",
    "FractionalMaxPool3d",
    "LPPool1d",
    "LPPool2d",
    "LPPool3d",
    "MaxPool1d",
    "MaxPool2d",
    "MaxPool3d",
    "MaxUnpool1d",
    "MaxUnpool2d",
    "MaxUnpool3d",
]


class _MaxPoolNd(_LayerFamily, Module):
    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices: bool = False,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, input):
        return type(self)._fn(input, self.kernel_size, self.stride, self.padding, self.dilation,
                              ceil_mode=self.ceil_mode, return_indices=self.return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd, fn=F.max_pool1d):
    """Mirrors `torch.nn.MaxPool1d`."""


class MaxPool2d(_MaxPoolNd, fn=F.max_pool2d):
    """Mirrors `torch.nn.MaxPool2d`."""


class MaxPool3d(_MaxPoolNd, fn=F.max_pool3d):
    """Mirrors `torch.nn.MaxPool3d`."""


class AvgPool1d(Module):
    """Mirrors `torch.nn.AvgPool1d`."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
                 count_include_pad: bool = True) -> None:
        super().__init__()
        self.kernel_size = _tuple(kernel_size, 1)
        self.stride = _tuple(stride if stride is not None else kernel_size, 1)
        self.padding = _tuple(padding, 1)
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad

    def forward(self, input):
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class _AvgPoolNd(_LayerFamily, Module):
    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: int | None = None) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, input):
        return type(self)._fn(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                              self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(_AvgPoolNd, fn=F.avg_pool2d):
    """Mirrors `torch.nn.AvgPool2d`."""


class AvgPool3d(_AvgPoolNd, fn=F.avg_pool3d):
    """Mirrors `torch.nn.AvgPool3d`."""


class _AdaptiveAvgPoolNd(_LayerFamily, Module):
    def __init__(self, output_size) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input):
        return type(self)._fn(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd, fn=F.adaptive_avg_pool1d):
    """Mirrors `torch.nn.AdaptiveAvgPool1d`."""


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd, fn=F.adaptive_avg_pool2d):
    """Mirrors `torch.nn.AdaptiveAvgPool2d`."""


class AdaptiveAvgPool3d(_AdaptiveAvgPoolNd, fn=F.adaptive_avg_pool3d):
    """Mirrors `torch.nn.AdaptiveAvgPool3d`."""


class _AdaptiveMaxPoolNd(_LayerFamily, Module):
    def __init__(self, output_size, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size, self.return_indices = output_size, return_indices

    def forward(self, input):
        return type(self)._fn(input, self.output_size, self.return_indices)

    extra_repr = _AdaptiveAvgPoolNd.extra_repr


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd, fn=F.adaptive_max_pool1d):
    """Mirrors `torch.nn.AdaptiveMaxPool1d`."""


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd, fn=F.adaptive_max_pool2d):
    """Mirrors `torch.nn.AdaptiveMaxPool2d`."""


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd, fn=F.adaptive_max_pool3d):
    """Mirrors `torch.nn.AdaptiveMaxPool3d`."""


class _LPPoolNd(_LayerFamily, Module):
    def __init__(self, norm_type: float, kernel_size, stride=None, ceil_mode: bool = False) -> None:
        super().__init__()
        self.norm_type, self.kernel_size, self.stride, self.ceil_mode = norm_type, kernel_size, stride, ceil_mode

    def forward(self, input):
        return type(self)._fn(input, float(self.norm_type), self.kernel_size, self.stride, self.ceil_mode)

    def extra_repr(self) -> str:
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"ceil_mode={self.ceil_mode}")


class LPPool1d(_LPPoolNd, fn=F.lp_pool1d):
    """Mirrors `torch.nn.LPPool1d`."""


class LPPool2d(_LPPoolNd, fn=F.lp_pool2d):
    """Mirrors `torch.nn.LPPool2d`."""


class LPPool3d(_LPPoolNd, fn=F.lp_pool3d):
    """Mirrors `torch.nn.LPPool3d`."""


class _FractionalMaxPoolNd(_LayerFamily, Module):
    def __init__(self, kernel_size, output_size=None, output_ratio=None, return_indices: bool = False,
                 _random_samples=None) -> None:
        super().__init__()
        n, name = self._n, type(self).__name__
        if n == 3 and ((isinstance(kernel_size, int) and kernel_size <= 0) or (
                isinstance(kernel_size, (tuple, list)) and not all(k > 0 for k in kernel_size))):
            raise ValueError(f"kernel_size must be greater than 0, but got {kernel_size}")
        self.kernel_size = _tuple(kernel_size, n)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = _tuple(output_size, n) if output_size is not None else None
        self.output_ratio = _tuple(output_ratio, n) if output_ratio is not None else None
        if output_size is None and output_ratio is None:
            raise ValueError(f"{name} requires specifying either an output size, or a pooling ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError("only one of output_size and output_ratio may be specified")
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio):
            raise ValueError(f"output_ratio must be between 0 and 1 (got {output_ratio})")

    def forward(self, input):
        return type(self)._fn(input, self.kernel_size, self.output_size, self.output_ratio, self.return_indices,
                              _random_samples=self._random_samples)


class FractionalMaxPool2d(_FractionalMaxPoolNd, fn=F.fractional_max_pool2d, dims=2):
    """Mirrors `torch.nn.FractionalMaxPool2d` (window starts drawn from torchlike's random stream unless
    _random_samples is given)."""


class FractionalMaxPool3d(_FractionalMaxPoolNd, fn=F.fractional_max_pool3d, dims=3):
    """Mirrors `torch.nn.FractionalMaxPool3d`."""


class _MaxUnpoolNd(_LayerFamily, Module):
    def __init__(self, kernel_size, stride=None, padding=0) -> None:
        super().__init__()
        n = self._n
        self.kernel_size = _tuple(kernel_size, n)
        self.stride = _tuple(stride if stride is not None else kernel_size, n)
        self.padding = _tuple(padding, n)

    def forward(self, input, indices, output_size=None):
        return type(self)._fn(input, indices, self.kernel_size, self.stride, self.padding, output_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpoolNd, fn=F.max_unpool1d, dims=1):
    """Mirrors `torch.nn.MaxUnpool1d`."""


class MaxUnpool2d(_MaxUnpoolNd, fn=F.max_unpool2d, dims=2):
    """Mirrors `torch.nn.MaxUnpool2d`."""


class MaxUnpool3d(_MaxUnpoolNd, fn=F.max_unpool3d, dims=3):
    """Mirrors `torch.nn.MaxUnpool3d`."""
