"""torch.nn.utils.parametrizations: weight_norm as a parametrization."""
from __future__ import annotations

from ..._ops import nn_misc as _M
from ..modules.module import Module
from .parametrize import register_parametrization

__all__ = ["orthogonal", "spectral_norm", "weight_norm"]


class _WeightNorm(Module):
    def __init__(self, dim: int | None = 0) -> None:
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g, weight_v):
        return _M._weight_norm(weight_v, weight_g, self.dim)

    def right_inverse(self, weight):
        return _M.norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module: Module, name: str = "weight", dim: int = 0) -> Module:
    """Mirrors `torch.nn.utils.parametrizations.weight_norm`: weight = g * v / ||v||, with g in
    parametrizations.<name>.original0 and v in original1."""
    return register_parametrization(module, name, _WeightNorm(dim), unsafe=True)


def spectral_norm(module: Module, name: str = "weight", n_power_iterations: int = 1, eps: float = 1e-12,
                  dim: int | None = None) -> Module:
    """Not supported: raises NotImplementedError."""
    raise NotImplementedError("torch.nn.utils.parametrizations.spectral_norm is not supported")


def orthogonal(module: Module, name: str = "weight", orthogonal_map=None, *, use_trivialization: bool = True):
    """Not supported: raises NotImplementedError."""
    raise NotImplementedError("torch.nn.utils.parametrizations.orthogonal is not supported")
