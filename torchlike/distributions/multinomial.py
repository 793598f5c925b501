"""The multinomial distribution: category counts of `total_count` categorical draws, by `probs` or
`logits`. Mirrors `torch.distributions.multinomial`."""
from __future__ import annotations

import math

import torchlike as torch
from . import constraints
from ._probs_logits import OverCategoricalMixin
from .binomial import Binomial
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["Multinomial"]


class Multinomial(OverCategoricalMixin, Distribution):
    _batch_params = ("_categorical", "_binomial")
    _expand_keep = ("total_count",)

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None):
        if not isinstance(total_count, int):
            raise NotImplementedError("inhomogeneous total_count is not supported")
        self.total_count = total_count
        super().__init__(probs, logits, validate_args)
        # each count's marginal, for the entropy
        self._binomial = Binomial(total_count=total_count, probs=self.probs)

    @property
    def mean(self):
        return self.probs * self.total_count

    @property
    def variance(self):
        return self.total_count * self.probs * (1 - self.probs)

    @constraints.dependent_property(is_discrete=True, event_dim=1)
    def support(self):
        return constraints.multinomial(self.total_count)

    def sample(self, sample_shape=()):
        sample_shape = torch.Size(sample_shape)
        draws = self._categorical.sample(torch.Size((self.total_count,)) + sample_shape)
        draws = draws.permute(*range(1, draws.dim()), 0)  # the draws' dimension last
        counts = torch.zeros(tuple(self._extended_shape(sample_shape)), dtype=draws.dtype, device=draws.device)
        counts.scatter_add_(-1, draws, torch.ones_like(draws))
        return counts.to(self.probs.dtype)

    def entropy(self):
        n = self.total_count
        # log n!, correctly rounded (in the default dtype, as PyTorch's lgamma of an integer tensor is)
        term1 = n * self._categorical.entropy() - torch.tensor(math.lgamma(n + 1))
        support = self._binomial.enumerate_support(expand=False)[1:]
        binomial_probs = torch.exp(self._binomial.log_prob(support))
        term2 = (binomial_probs * torch.lgamma(support + 1)).sum([0, -1])
        return term1 + term2

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        # a category of probability 0 that was not drawn contributes 0, not 0 * -inf
        logits = torch.where((value == 0) & (logits == -math.inf), torch.zeros_like(logits), logits)
        log_factorial_n = torch.lgamma(value.sum(-1) + 1)
        log_factorial_xs = torch.lgamma(value + 1).sum(-1)
        return log_factorial_n - log_factorial_xs + (logits * value).sum(-1)
