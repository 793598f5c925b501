"""The continuous Bernoulli distribution on [0, 1], by `probs` or `logits` (Loaiza-Ganem and
Cunningham, 2019). Mirrors `torch.distributions.continuous_bernoulli`."""
from __future__ import annotations

import math

import torchlike as torch
from . import constraints
from ._probs_logits import ProbsLogitsMixin, probs_or_logits
from .distribution import _all_true
from .exp_family import ExponentialFamily
from .utils import broadcast_all, clamp_probs, lazy_property, logits_to_probs

__all__ = ["ContinuousBernoulli"]


class ContinuousBernoulli(ProbsLogitsMixin, ExponentialFamily):
    """Near probs = 1/2 (inside `lims`) the closed forms divide 0 by 0; Taylor expansions about
    1/2 replace them there."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval
    _mean_carrier_measure = 0
    has_rsample = True
    _batch_params = ("probs", "logits")
    _expand_keep = ("_lims",)

    def __init__(self, probs=None, logits=None, lims=(0.499, 0.501), validate_args=None):
        name, param = probs_or_logits(probs, logits)
        batch_shape = self._broadcast_params(**{name: param})
        if name == "probs":
            if validate_args is not None and not _all_true(self.arg_constraints["probs"].check(self.probs)):
                raise ValueError("The parameter probs has invalid values")
            self.probs = clamp_probs(self.probs)
        self._lims = lims
        super().__init__(batch_shape, validate_args=validate_args)

    @lazy_property
    def probs(self):
        return clamp_probs(logits_to_probs(self.logits, is_binary=True))

    def _outside_unstable_region(self):
        return torch.max(torch.le(self.probs, self._lims[0]), torch.gt(self.probs, self._lims[1]))

    def _cut_probs(self):
        """probs, moved to lims[0] where the closed forms are unstable (their result is unused there)."""
        return torch.where(self._outside_unstable_region(), self.probs, self._lims[0] * torch.ones_like(self.probs))

    def _stable_or_taylor(self, closed_form, taylor):
        return torch.where(self._outside_unstable_region(), closed_form, taylor)

    def _log_logit(self, p):
        """log |log(1 - p) - log p|."""
        return torch.log(torch.abs(torch.log1p(-p) - torch.log(p)))

    def _cont_bern_log_norm(self):
        """The log normalizing constant log C(probs)."""
        p = self._cut_probs()
        below_half = torch.where(torch.le(p, 0.5), p, torch.zeros_like(p))
        above_half = torch.where(torch.ge(p, 0.5), p, torch.ones_like(p))
        log_norm = self._log_logit(p) - torch.where(torch.le(p, 0.5), torch.log1p(-2.0 * below_half),
                                                    torch.log(2.0 * above_half - 1.0))
        x = torch.pow(self.probs - 0.5, 2)
        return self._stable_or_taylor(log_norm, math.log(2.0) + (4.0 / 3.0 + 104.0 / 45.0 * x) * x)

    @property
    def mean(self):
        p = self._cut_probs()
        mus = p / (2.0 * p - 1.0) + 1.0 / (torch.log1p(-p) - torch.log(p))
        x = self.probs - 0.5
        return self._stable_or_taylor(mus, 0.5 + (1.0 / 3.0 + 16.0 / 45.0 * torch.pow(x, 2)) * x)

    @property
    def stddev(self):
        return torch.sqrt(self.variance)

    @property
    def variance(self):
        p = self._cut_probs()
        variances = p * (p - 1.0) / torch.pow(1.0 - 2.0 * p, 2) + 1.0 / torch.pow(torch.log1p(-p) - torch.log(p), 2)
        x = torch.pow(self.probs - 0.5, 2)
        return self._stable_or_taylor(variances, 1.0 / 12.0 - (1.0 / 15.0 - 128.0 / 945.0 * x) * x)

    def sample(self, sample_shape=()):
        with torch.no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=()):
        shape = tuple(self._extended_shape(sample_shape))
        return self.icdf(torch.rand(shape, dtype=self.probs.dtype, device=self.probs.device))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        bce = torch.nn.functional.binary_cross_entropy_with_logits(logits, value, reduction="none")
        return -bce + self._cont_bern_log_norm()

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        p = self._cut_probs()
        cdfs = (torch.pow(p, value) * torch.pow(1.0 - p, 1.0 - value) + p - 1.0) / (2.0 * p - 1.0)
        inside = self._stable_or_taylor(cdfs, value)
        return torch.where(torch.le(value, 0.0), torch.zeros_like(value),
                           torch.where(torch.ge(value, 1.0), torch.ones_like(value), inside))

    def icdf(self, value):
        p = self._cut_probs()
        closed = ((torch.log1p(-p + value * (2.0 * p - 1.0)) - torch.log1p(-p))
                  / (torch.log(p) - torch.log1p(-p)))
        return self._stable_or_taylor(closed, value)

    def entropy(self):
        log_probs0, log_probs1 = torch.log1p(-self.probs), torch.log(self.probs)
        return self.mean * (log_probs0 - log_probs1) - self._cont_bern_log_norm() - log_probs0

    @property
    def _natural_params(self):
        return (self.logits,)

    def _log_normalizer(self, x):
        unstable_lo, unstable_hi = self._lims[0] - 0.5, self._lims[1] - 0.5
        outside = torch.max(torch.le(x, unstable_lo), torch.gt(x, unstable_hi))
        cut = torch.where(outside, x, unstable_lo * torch.ones_like(x))
        log_norm = torch.log(torch.abs(torch.special.expm1(cut))) - torch.log(torch.abs(cut))
        taylor = 0.5 * x + torch.pow(x, 2) / 24.0 - torch.pow(x, 4) / 2880.0
        return torch.where(outside, log_norm, taylor)
