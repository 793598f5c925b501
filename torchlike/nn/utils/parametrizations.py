"""torch.nn.utils.parametrizations: weight_norm and spectral_norm as parametrizations."""
from __future__ import annotations

from ..._ops import nn_misc as _M
from .. import functional as F
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


class _SpectralNorm(Module):
    def __init__(self, weight, n_power_iterations: int = 1, dim: int = 0, eps: float = 1e-12) -> None:
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of [-{ndim}, {ndim - 1}] but got {dim})")
        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps, self.n_power_iterations = eps, n_power_iterations
        if ndim > 1:
            from ... import randn
            h = weight.shape[self.dim]
            w = weight.numel() // h
            u, v = randn(h, dtype=weight.dtype), randn(w, dtype=weight.dtype)
            self.register_buffer("_u", F.normalize(u, dim=0, eps=eps))
            self.register_buffer("_v", F.normalize(v, dim=0, eps=eps))
            self._power_method(weight, 15)

    def _power_method(self, weight, n: int) -> None:
        u, v = _M._spectral_power(weight.detach(), self._u, self._v, self.dim, n, self.eps)
        self._u._write(u._data)
        self._v._write(v._data)

    def forward(self, weight):
        if weight.ndim == 1:
            return F.normalize(weight, dim=0, eps=self.eps)
        if self.training:
            self._power_method(weight, self.n_power_iterations)
        return _M._spectral_divide(weight, self._u, self._v, self.dim)

    def right_inverse(self, value):
        return value


def spectral_norm(module: Module, name: str = "weight", n_power_iterations: int = 1, eps: float = 1e-12,
                  dim: int | None = None) -> Module:
    """Mirrors `torch.nn.utils.parametrizations.spectral_norm` (buffers parametrizations.<name>.0._u / _v)."""
    weight = getattr(module, name, None)
    if weight is None:
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if dim is None:
        from ..modules.conv import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
        dim = 1 if isinstance(module, (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)) else 0
    return register_parametrization(module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))


def orthogonal(module: Module, name: str = "weight", orthogonal_map=None, *, use_trivialization: bool = True):
    """Not supported: raises NotImplementedError."""
    raise NotImplementedError("torch.nn.utils.parametrizations.orthogonal is not supported")
