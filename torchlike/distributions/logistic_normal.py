"""The logistic-normal distribution on the simplex: a Normal(loc, scale) vector through the
stick-breaking transform. Mirrors `torch.distributions.logistic_normal`."""
from __future__ import annotations

from . import constraints
from ._transformed_normal import TransformedNormal
from .transforms import StickBreakingTransform

__all__ = ["LogisticNormal"]


class LogisticNormal(TransformedNormal):
    support = constraints.simplex

    def _base_normal(self, normal):
        return normal.expand([1]) if not normal.batch_shape else normal  # (one coordinate: the simplex of two)

    def _make_transform(self):
        return StickBreakingTransform()
