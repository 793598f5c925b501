"""The half-Cauchy distribution: |X| for X ~ Cauchy(0, scale). Mirrors `torch.distributions.half_cauchy`."""
from __future__ import annotations

import math

from ._half import HalfFamily
from ._loc_scale import _full_like_loc
from .cauchy import Cauchy

__all__ = ["HalfCauchy"]


class HalfCauchy(HalfFamily):
    _centred = Cauchy

    @property
    def mean(self):
        return _full_like_loc(self, math.inf)

    @property
    def variance(self):
        return self.base_dist.variance
