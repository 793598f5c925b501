"""The gamma distribution with shape `concentration` and `rate`. Mirrors `torch.distributions.gamma`."""
from __future__ import annotations

import torchlike as torch
from . import constraints
from ._sampling import gammainc, standard_gamma
from .exp_family import ExponentialFamily

__all__ = ["Gamma"]


def _clamp_tiny(value):
    """value kept at or above the dtype's smallest normal number, the gradient passing straight
    through (a draw that underflows to 0 would give log_prob -inf)."""
    return value + (value.clamp(min=torch.finfo(value.dtype).tiny) - value).detach()


class Gamma(ExponentialFamily):
    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True
    _mean_carrier_measure = 0
    _batch_params = ("concentration", "rate")

    def __init__(self, concentration, rate, validate_args=None):
        super().__init__(self._broadcast_params(concentration=concentration, rate=rate), validate_args=validate_args)

    @property
    def mean(self):
        return self.concentration / self.rate

    @property
    def mode(self):
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self):
        return self.concentration / self.rate.pow(2)

    def rsample(self, sample_shape=()):
        shape = tuple(self._extended_shape(sample_shape))
        value = standard_gamma(self.concentration.expand(shape)) / self.rate.expand(shape)
        return _clamp_tiny(value)

    def log_prob(self, value):
        value = torch.as_tensor(value, dtype=self.rate.dtype, device=self.rate.device)
        if self._validate_args:
            self._validate_sample(value)
        return (torch.xlogy(self.concentration, self.rate) + torch.xlogy(self.concentration - 1, value)
                - self.rate * value - torch.lgamma(self.concentration))

    def entropy(self):
        c = self.concentration
        return c - torch.log(self.rate) + torch.lgamma(c) + (1.0 - c) * torch.digamma(c)

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return gammainc(self.concentration, self.rate * value)

    @property
    def _natural_params(self):
        return (self.concentration - 1, -self.rate)

    def _log_normalizer(self, x, y):
        return torch.lgamma(x + 1) + (x + 1) * torch.log(-y.reciprocal())
