"""What HalfNormal and HalfCauchy share: |X| for X of a family centred at 0 with scale `scale`, its
density twice X's on [0, inf)."""
from __future__ import annotations

import math

import torchlike as torch
from . import constraints
from .transformed_distribution import TransformedDistribution
from .transforms import AbsTransform
from .utils import _delegate

__all__ = ["HalfFamily"]


class HalfFamily(TransformedDistribution):
    arg_constraints = {"scale": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True
    _batch_params = ()
    _centred = None  # the family of X, called as family(0, scale)

    def __init__(self, scale, validate_args=None):
        super().__init__(self._centred(0, scale, validate_args=False), AbsTransform(), validate_args=validate_args)

    scale = _delegate("base_dist", "scale")

    @property
    def mode(self):
        return torch.zeros_like(self.scale)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        value = torch.as_tensor(value, dtype=self.scale.dtype, device=self.scale.device)
        log_prob = self.base_dist.log_prob(value) + math.log(2)
        return torch.where(value >= 0, log_prob, -math.inf)

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return 2 * self.base_dist.cdf(value) - 1

    def icdf(self, prob):
        return self.base_dist.icdf((prob + 1) / 2)

    def entropy(self):
        return self.base_dist.entropy() - math.log(2)
