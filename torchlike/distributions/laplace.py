"""The Laplace distribution with location loc and scale scale. Mirrors `torch.distributions.laplace`."""
from __future__ import annotations

import torchlike as torch
from ._loc_scale import LocScaleMixin
from .distribution import Distribution

__all__ = ["Laplace"]


class Laplace(LocScaleMixin, Distribution):
    @property
    def variance(self):
        return 2 * self.scale.pow(2)

    @property
    def stddev(self):
        return (2 ** 0.5) * self.scale

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        # u in (-1, 1), kept off -1 so that log1p(-|u|) stays finite
        u = torch.empty(tuple(shape), dtype=self.loc.dtype, device=self.loc.device)
        u.uniform_(torch.finfo(self.loc.dtype).eps - 1, 1)
        return self.loc - self.scale * u.sign() * torch.log1p(-u.abs())

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return -torch.log(2 * self.scale) - torch.abs(value - self.loc) / self.scale

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return 0.5 - 0.5 * (value - self.loc).sign() * torch.expm1(-(value - self.loc).abs() / self.scale)

    def icdf(self, value):
        t = value - 0.5
        return self.loc - self.scale * t.sign() * torch.log1p(-2 * t.abs())

    def entropy(self):
        return 1 + torch.log(2 * self.scale)
