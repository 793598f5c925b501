"""The relaxed (concrete) Bernoulli distribution at a `temperature`: a differentiable stand-in for
Bernoulli draws on (0, 1), and its logit. Mirrors `torch.distributions.relaxed_bernoulli`."""
from __future__ import annotations

import torchlike as torch
from . import constraints
from ._probs_logits import ProbsLogitsMixin, probs_or_logits
from .distribution import Distribution
from .transformed_distribution import TransformedDistribution
from .transforms import SigmoidTransform
from .utils import _delegate, broadcast_all, clamp_probs

__all__ = ["LogitRelaxedBernoulli", "RelaxedBernoulli"]


class LogitRelaxedBernoulli(ProbsLogitsMixin, Distribution):
    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.real
    _batch_params = ("probs", "logits")
    _expand_keep = ("temperature",)

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        self.temperature = temperature
        name, param = probs_or_logits(probs, logits)
        super().__init__(self._broadcast_params(**{name: param}), validate_args=validate_args)

    def rsample(self, sample_shape=()):
        # (logistic noise + logits) / temperature, the noise as log(u / (1 - u))
        shape = tuple(self._extended_shape(sample_shape))
        probs = clamp_probs(self.probs.expand(shape))
        u = clamp_probs(torch.rand(shape, dtype=probs.dtype, device=probs.device))
        return (u.log() - (-u).log1p() + probs.log() - (-probs).log1p()) / self.temperature

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        diff = logits - value.mul(self.temperature)
        return self.temperature.log() + diff - 2 * diff.exp().log1p()


class RelaxedMixin:
    """What the relaxed families share: a TransformedDistribution over their logit (or log) version
    at `temperature`, whose parameters they expose. Mixed in before TransformedDistribution."""

    has_rsample = True
    _batch_params = ()

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        base = self._make_base(temperature, probs, logits, validate_args)
        super().__init__(base, self._make_transform(), validate_args=validate_args)

    temperature = _delegate("base_dist", "temperature")
    logits = _delegate("base_dist", "logits")
    probs = _delegate("base_dist", "probs")


class RelaxedBernoulli(RelaxedMixin, TransformedDistribution):
    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval

    def _make_base(self, temperature, probs, logits, validate_args):
        return LogitRelaxedBernoulli(temperature, probs, logits)  # (validated by default, as in PyTorch)

    def _make_transform(self):
        return SigmoidTransform()
