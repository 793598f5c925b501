"""Identity, Linear, Bilinear."""
from __future__ import annotations

import math

from .. import functional as F
from .. import init
from ..parameter import UninitializedParameter
from ._utils import _init_kaiming_, _register_weight_and_bias
from .lazy import LazyModuleMixin
from .module import Module

__all__ = ["Bilinear", "Identity", "LazyLinear", "Linear"]


class Identity(Module):
    """Mirrors `torch.nn.Identity`: returns its input; constructor arguments are ignored."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__()

    def forward(self, input):
        return input


class Linear(Module):
    """Mirrors `torch.nn.Linear`: y = x W^T + b."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        _register_weight_and_bias(self, (out_features, in_features), out_features, bias=bias, device=device,
                                  dtype=dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _init_kaiming_(self.weight, self.bias, bias_without_fan_in=True)

    def forward(self, input):
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class NonDynamicallyQuantizableLinear(Linear):
    """Mirrors `torch.nn.modules.linear.NonDynamicallyQuantizableLinear` (a plain Linear; MultiheadAttention's
    out_proj, so whole-model pickles name it at this path)."""


class Bilinear(Module):
    """Mirrors `torch.nn.Bilinear`: y = x1^T A x2 + b."""

    def __init__(self, in1_features: int, in2_features: int, out_features: int, bias: bool = True, device=None,
                 dtype=None) -> None:
        super().__init__()
        self.in1_features, self.in2_features, self.out_features = in1_features, in2_features, out_features
        _register_weight_and_bias(self, (out_features, in1_features, in2_features), out_features, bias=bias,
                                  device=device, dtype=dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1 / math.sqrt(self.weight.shape[1])
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")


class LazyLinear(LazyModuleMixin, Linear, becomes=Linear):
    """Mirrors `torch.nn.LazyLinear`: a Linear whose in_features is the first input's last dimension."""

    def __init__(self, out_features: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__(0, 0, False)
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.out_features = out_features
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input) -> None:
        if self.has_uninitialized_params():
            from ... import _autograd
            with _autograd.no_grad():
                self.in_features = input.shape[-1]
                self.weight.materialize((self.out_features, self.in_features))
                if self.bias is not None:
                    self.bias.materialize((self.out_features,))
                self.reset_parameters()
