"""Dropout layers: random masks in training mode, identity in eval mode."""
from __future__ import annotations

from .. import functional as F
from ._utils import _LayerFamily
from .module import Module

__all__ = ["AlphaDropout", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "FeatureAlphaDropout"]


class _DropoutNd(_LayerFamily, Module):
    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input):
        return type(self)._fn(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd, fn=F.dropout):
    """Mirrors `torch.nn.Dropout`."""


class Dropout1d(_DropoutNd, fn=F.dropout1d):
    """Mirrors `torch.nn.Dropout1d`."""


class Dropout2d(_DropoutNd, fn=F.dropout2d):
    """Mirrors `torch.nn.Dropout2d`."""


class Dropout3d(_DropoutNd, fn=F.dropout3d):
    """Mirrors `torch.nn.Dropout3d`."""


class AlphaDropout(_DropoutNd, fn=F.alpha_dropout):
    """Mirrors `torch.nn.AlphaDropout`."""


class FeatureAlphaDropout(_DropoutNd, fn=F.feature_alpha_dropout):
    """Mirrors `torch.nn.FeatureAlphaDropout`."""
