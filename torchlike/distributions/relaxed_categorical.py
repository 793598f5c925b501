"""The relaxed one-hot categorical (Gumbel-softmax, concrete) distribution at a `temperature`: a
differentiable stand-in for one-hot draws on the simplex, and its log. Mirrors
`torch.distributions.relaxed_categorical`."""
from __future__ import annotations

import torchlike as torch
from . import constraints
from ._probs_logits import OverCategoricalMixin
from .distribution import Distribution
from .transformed_distribution import TransformedDistribution
from .transforms import ExpTransform
from .relaxed_bernoulli import RelaxedMixin
from .utils import broadcast_all, clamp_probs

__all__ = ["ExpRelaxedCategorical", "RelaxedOneHotCategorical"]


class ExpRelaxedCategorical(OverCategoricalMixin, Distribution):
    support = constraints.real_vector
    has_rsample = True
    _batch_params = OverCategoricalMixin._batch_params  # (this __init__ sets them, through the mixin's)
    _expand_keep = ("temperature",)

    def __init__(self, temperature, probs=None, logits=None, validate_args=None):
        self.temperature = temperature
        super().__init__(probs, logits, validate_args)

    def rsample(self, sample_shape=()):
        # log softmax((logits + Gumbel noise) / temperature)
        shape = tuple(self._extended_shape(sample_shape))
        u = clamp_probs(torch.rand(shape, dtype=self.logits.dtype, device=self.logits.device))
        scores = (self.logits - (-u.log()).log()) / self.temperature
        return scores - scores.logsumexp(dim=-1, keepdim=True)

    def log_prob(self, value):
        k = self._categorical._num_events
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        log_scale = torch.full_like(self.temperature, float(k)).lgamma() - self.temperature.log().mul(-(k - 1))
        score = logits - value.mul(self.temperature)
        return (score - score.logsumexp(dim=-1, keepdim=True)).sum(-1) + log_scale


class RelaxedOneHotCategorical(RelaxedMixin, TransformedDistribution):
    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support = constraints.simplex

    def _make_base(self, temperature, probs, logits, validate_args):
        return ExpRelaxedCategorical(temperature, probs, logits, validate_args=validate_args)

    def _make_transform(self):
        return ExpTransform()
