"""Student's t distribution with `df` degrees of freedom, location `loc` and scale `scale`.
Mirrors `torch.distributions.studentT`."""
from __future__ import annotations

import math

import torchlike as torch
from . import constraints
from .chi2 import Chi2
from .distribution import Distribution
from .utils import _standard_normal

__all__ = ["StudentT"]


class StudentT(Distribution):
    arg_constraints = {"df": constraints.positive, "loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True
    _batch_params = ("df", "loc", "scale", "_chi2")

    def __init__(self, df, loc=0.0, scale=1.0, validate_args=None):
        batch_shape = self._broadcast_params(df=df, loc=loc, scale=scale)
        self._chi2 = Chi2(self.df)
        super().__init__(batch_shape, validate_args=validate_args)

    @property
    def mean(self):
        return torch.where(self.df > 1, self.loc, math.nan)  # (no mean for df <= 1)

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        df = self.df
        finite = df > 2
        safe_df = torch.where(finite, df, 3.0)  # (keeps the unused branch's gradient finite)
        var = self.scale.pow(2) * safe_df / (safe_df - 2)
        return torch.where(finite, var, torch.where(df > 1, math.inf, math.nan))

    def rsample(self, sample_shape=()):
        # loc + scale * X / sqrt(Z / df), X standard normal and Z chi-squared
        shape = self._extended_shape(sample_shape)
        x = _standard_normal(shape, dtype=self.df.dtype, device=self.df.device)
        z = self._chi2.rsample(sample_shape)
        return self.loc + self.scale * x * torch.rsqrt(z / self.df)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        df = self.df
        y = (value - self.loc) / self.scale
        log_norm = (self.scale.log() + 0.5 * df.log() + 0.5 * math.log(math.pi) + torch.lgamma(0.5 * df)
                    - torch.lgamma(0.5 * (df + 1.0)))
        return -0.5 * (df + 1.0) * torch.log1p(y ** 2.0 / df) - log_norm

    def entropy(self):
        df = self.df
        lbeta = torch.lgamma(0.5 * df) + math.lgamma(0.5) - torch.lgamma(0.5 * (df + 1))
        return (self.scale.log() + 0.5 * (df + 1) * (torch.digamma(0.5 * (df + 1)) - torch.digamma(0.5 * df))
                + 0.5 * df.log() + lbeta)
