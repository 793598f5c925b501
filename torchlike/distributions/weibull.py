"""The Weibull distribution with `scale` and shape `concentration`: scale * E ** (1 / concentration)
for E ~ Exponential(1). Mirrors `torch.distributions.weibull`."""
from __future__ import annotations

import torchlike as torch
from . import constraints
from .exponential import Exponential
from .transformed_distribution import TransformedDistribution
from .transforms import AffineTransform, PowerTransform
from .utils import euler_constant

__all__ = ["Weibull"]


class Weibull(TransformedDistribution):
    arg_constraints = {"scale": constraints.positive, "concentration": constraints.positive}
    support = constraints.positive
    _batch_params = ("scale", "concentration", "concentration_reciprocal")

    def __init__(self, scale, concentration, validate_args=None):
        self._broadcast_params(scale=scale, concentration=concentration)
        self.concentration_reciprocal = self.concentration.reciprocal()
        base = Exponential(torch.ones_like(self.scale), validate_args=validate_args)
        transforms = [PowerTransform(exponent=self.concentration_reciprocal), AffineTransform(loc=0, scale=self.scale)]
        super().__init__(base, transforms, validate_args=validate_args)

    def _gamma_of(self, k):
        """Gamma(1 + k / concentration)."""
        return torch.exp(torch.lgamma(1 + k * self.concentration_reciprocal))

    @property
    def mean(self):
        return self.scale * self._gamma_of(1)

    @property
    def mode(self):
        return self.scale * ((self.concentration - 1) / self.concentration) ** self.concentration.reciprocal()

    @property
    def variance(self):
        return self.scale.pow(2) * (self._gamma_of(2) - self._gamma_of(1).pow(2))

    def entropy(self):
        k_inv = self.concentration_reciprocal
        return euler_constant * (1 - k_inv) + torch.log(self.scale * k_inv) + 1
