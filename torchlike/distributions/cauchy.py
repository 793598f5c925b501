"""The Cauchy (Lorentz) distribution with median `loc` and half width `scale`. Mirrors
`torch.distributions.cauchy`."""
from __future__ import annotations

import math

import torchlike as torch
from ._loc_scale import LocScaleMixin, _full_like_loc
from .distribution import Distribution

__all__ = ["Cauchy"]


class Cauchy(LocScaleMixin, Distribution):
    @property
    def mean(self):
        return _full_like_loc(self, math.nan)  # (its tails are too heavy for a mean)

    @property
    def variance(self):
        return _full_like_loc(self, math.inf)

    def rsample(self, sample_shape=()):
        shape = tuple(self._extended_shape(sample_shape))
        eps = torch.empty(shape, dtype=self.loc.dtype, device=self.loc.device).cauchy_()
        return self.loc + eps * self.scale

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return -math.log(math.pi) - self.scale.log() - (((value - self.loc) / self.scale) ** 2).log1p()

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return torch.atan((value - self.loc) / self.scale) / math.pi + 0.5

    def icdf(self, value):
        return torch.tan(math.pi * (value - 0.5)) * self.scale + self.loc

    def entropy(self):
        return math.log(4 * math.pi) + self.scale.log()
