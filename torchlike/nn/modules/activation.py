"""Activation layers: each forward is one call into nn.functional."""
from __future__ import annotations

from ..._ops.creation import empty
from .. import functional as F
from .. import init
from ..parameter import Parameter
from ._utils import _LayerFamily, _OptionsLayer
from .module import Module

__all__ = [
    "CELU",
    "ELU",
    "GELU",
    "GLU",
    "SELU",
    "Hardshrink",
    "Hardsigmoid",
    "Hardswish",
    "Hardtanh",
    "LeakyReLU",
    "LogSigmoid",
    "LogSoftmax",
    "Mish",
    "PReLU",
    "RReLU",
    "ReLU",
    "ReLU6",
    "SiLU",
    "Sigmoid",
    "Softmax",
    "Softmax2d",
    "Softmin",
    "Softplus",
    "Softshrink",
    "Softsign",
    "Tanh",
    "Tanhshrink",
    "Threshold",
]


def _inplace_repr(inplace: bool) -> str:
    return "inplace=True" if inplace else ""


class _Inplace(_LayerFamily, Module):
    """An activation whose only option is `inplace`."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return type(self)._fn(input, inplace=self.inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace)


class _Stateless(_LayerFamily, Module):
    """An activation without options (constructor arguments are accepted and ignored, as in PyTorch)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__()

    def forward(self, input):
        return type(self)._fn(input)


class Threshold(Module):
    """Mirrors `torch.nn.Threshold`."""

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, input):
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}" + (", inplace=True" if self.inplace else "")


class ReLU(_Inplace, fn=F.relu):
    """Mirrors `torch.nn.ReLU`."""


class SELU(_Inplace, fn=F.selu):
    """Mirrors `torch.nn.SELU`."""


class SiLU(_Inplace, fn=F.silu):
    """Mirrors `torch.nn.SiLU`."""


class Mish(_Inplace, fn=F.mish):
    """Mirrors `torch.nn.Mish`."""


class Hardswish(_Inplace, fn=F.hardswish):
    """Mirrors `torch.nn.Hardswish`."""

    def extra_repr(self) -> str:
        return ""


class Hardsigmoid(_Inplace, fn=F.hardsigmoid):
    """Mirrors `torch.nn.Hardsigmoid`."""

    def extra_repr(self) -> str:
        return ""


class Sigmoid(_Stateless, fn=F.sigmoid):
    """Mirrors `torch.nn.Sigmoid`."""


class Tanh(_Stateless, fn=F.tanh):
    """Mirrors `torch.nn.Tanh`."""


class Softsign(_Stateless, fn=F.softsign):
    """Mirrors `torch.nn.Softsign`."""


class Tanhshrink(_Stateless, fn=F.tanhshrink):
    """Mirrors `torch.nn.Tanhshrink`."""


class LogSigmoid(_Stateless, fn=F.logsigmoid):
    """Mirrors `torch.nn.LogSigmoid`."""


class Hardtanh(Module):
    """Mirrors `torch.nn.Hardtanh`."""

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False, min_value=None,
                 max_value=None) -> None:
        super().__init__()
        if min_value is not None:
            min_val = min_value
        if max_value is not None:
            max_val = max_value
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace
        if self.max_val <= self.min_val:
            raise AssertionError

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}" + (", inplace=True" if self.inplace else "")


class ReLU6(Hardtanh):
    """Mirrors `torch.nn.ReLU6`."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace)


class LeakyReLU(_OptionsLayer, fn=F.leaky_relu, options=("negative_slope", "inplace")):
    """Mirrors `torch.nn.LeakyReLU`."""

    def __init__(self, negative_slope: float = 1e-2, inplace: bool = False) -> None:
        super().__init__(negative_slope, inplace)


class RReLU(_OptionsLayer, options=("lower", "upper", "inplace")):
    """Mirrors `torch.nn.RReLU` (slopes drawn from torchlike's random stream in training)."""

    def __init__(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3, inplace: bool = False) -> None:
        super().__init__(lower, upper, inplace)

    def forward(self, input):
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)


class ELU(_OptionsLayer, fn=F.elu, options=("alpha", "inplace")):
    """Mirrors `torch.nn.ELU`."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__(alpha, inplace)


class CELU(ELU, fn=F.celu):
    """Mirrors `torch.nn.CELU`."""


class GELU(Module):
    """Mirrors `torch.nn.GELU` (approximate='none' or 'tanh')."""

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class Softplus(_OptionsLayer, fn=F.softplus, options=("beta", "threshold")):
    """Mirrors `torch.nn.Softplus`."""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__(beta, threshold)


class Hardshrink(_OptionsLayer, fn=F.hardshrink, options=("lambd",)):
    """Mirrors `torch.nn.Hardshrink`."""

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__(lambd)

    def extra_repr(self) -> str:
        return f"{self.lambd}"


class Softshrink(Hardshrink, fn=F.softshrink):
    """Mirrors `torch.nn.Softshrink`."""


class PReLU(Module):
    """Mirrors `torch.nn.PReLU`: a learnable negative slope, one or one per channel."""

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device=None, dtype=None) -> None:
        super().__init__()
        self.num_parameters, self.init = num_parameters, init
        self.weight = Parameter(empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.constant_(self.weight, self.init)

    def forward(self, input):
        return F.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class _SoftmaxBase(_LayerFamily, Module):
    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def __setstate__(self, state):
        super().__setstate__(state)
        if not hasattr(self, "dim"):
            self.dim = None

    def forward(self, input):
        return type(self)._fn(input, self.dim, _stacklevel=5)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax(_SoftmaxBase, fn=F.softmax):
    """Mirrors `torch.nn.Softmax`."""


class LogSoftmax(_SoftmaxBase, fn=F.log_softmax):
    """Mirrors `torch.nn.LogSoftmax`."""


class Softmin(_SoftmaxBase, fn=F.softmin):
    """Mirrors `torch.nn.Softmin`."""


class Softmax2d(_Stateless):
    """Mirrors `torch.nn.Softmax2d`: softmax over the channel dimension of (N, C, H, W) or (C, H, W)."""

    def forward(self, input):
        if input.ndim not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.ndim}D instead")
        return F.softmax(input, -3, _stacklevel=5)


class GLU(Module):
    """Mirrors `torch.nn.GLU`."""

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.glu(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


# PyTorch defines MultiheadAttention in activation.py: whole-model pickles name it at this path.
from .attention import MultiheadAttention  # noqa: E402,F401
from .linear import NonDynamicallyQuantizableLinear  # noqa: E402,F401
