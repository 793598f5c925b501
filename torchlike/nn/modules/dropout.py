"""Dropout layers: random masks in training mode, identity in eval mode."""
from __future__ import annotations

from .. import functional as F
from .module import Module

__all__ = ["AlphaDropout", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "FeatureAlphaDropout"]


class _DropoutNd(Module):
    fn = None

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input):
        return type(self).fn(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Mirrors `torch.nn.Dropout`."""
    fn = staticmethod(F.dropout)


class Dropout1d(_DropoutNd):
    """Mirrors `torch.nn.Dropout1d`."""
    fn = staticmethod(F.dropout1d)


class Dropout2d(_DropoutNd):
    """Mirrors `torch.nn.Dropout2d`."""
    fn = staticmethod(F.dropout2d)


class Dropout3d(_DropoutNd):
    """Mirrors `torch.nn.Dropout3d`."""
    fn = staticmethod(F.dropout3d)


class AlphaDropout(_DropoutNd):
    """Mirrors `torch.nn.AlphaDropout`."""
    fn = staticmethod(F.alpha_dropout)


class FeatureAlphaDropout(_DropoutNd):
    """Mirrors `torch.nn.FeatureAlphaDropout`."""
    fn = staticmethod(F.feature_alpha_dropout)
