"""The half-normal distribution: |X| for X ~ Normal(0, scale). Mirrors `torch.distributions.half_normal`."""
from __future__ import annotations

import math

from ._half import HalfFamily
from .normal import Normal

__all__ = ["HalfNormal"]


class HalfNormal(HalfFamily):
    _centred = Normal

    @property
    def mean(self):
        return self.scale * math.sqrt(2 / math.pi)

    @property
    def variance(self):
        return self.scale.pow(2) * (1 - 2 / math.pi)
