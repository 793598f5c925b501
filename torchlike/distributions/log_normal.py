"""The log-normal distribution: exp of a Normal(loc, scale). Mirrors `torch.distributions.log_normal`."""
from __future__ import annotations

from . import constraints
from ._transformed_normal import TransformedNormal
from .transforms import ExpTransform

__all__ = ["LogNormal"]


class LogNormal(TransformedNormal):
    """X with log X ~ Normal(loc, scale)."""

    support = constraints.positive

    def _make_transform(self):
        return ExpTransform()

    @property
    def mean(self):
        return (self.loc + self.scale.pow(2) / 2).exp()

    @property
    def mode(self):
        return (self.loc - self.scale.square()).exp()

    @property
    def variance(self):
        s2 = self.scale.pow(2)
        return s2.expm1() * (2 * self.loc + s2).exp()

    def entropy(self):
        return self.base_dist.entropy() + self.loc
