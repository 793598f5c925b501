"""The categorical distribution with one-hot vectors as values. Mirrors
`torch.distributions.one_hot_categorical`."""
from __future__ import annotations

import torchlike as torch
from . import constraints
from ._probs_logits import OverCategoricalMixin
from .distribution import Distribution
from .utils import _delegate

__all__ = ["OneHotCategorical", "OneHotCategoricalStraightThrough"]


class OneHotCategorical(OverCategoricalMixin, Distribution):
    support = constraints.one_hot
    has_enumerate_support = True

    mean = _delegate("_categorical", "probs")

    @property
    def mode(self):
        probs = self._categorical.probs
        return torch.nn.functional.one_hot(probs.argmax(dim=-1), probs.shape[-1]).to(probs)

    @property
    def variance(self):
        return self._categorical.probs * (1 - self._categorical.probs)

    def sample(self, sample_shape=()):
        probs = self._categorical.probs
        indices = self._categorical.sample(torch.Size(sample_shape))
        return torch.nn.functional.one_hot(indices, self._categorical._num_events).to(probs)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return self._categorical.log_prob(value.max(-1)[1])

    def entropy(self):
        return self._categorical.entropy()

    def enumerate_support(self, expand=True):
        n = self.event_shape[0]
        return self._support_over_batch(torch.eye(n, dtype=self._param.dtype, device=self._param.device), expand)

class OneHotCategoricalStraightThrough(OneHotCategorical):
    """A one-hot categorical whose rsample passes gradients straight through to the probabilities."""
    has_rsample = True

    def rsample(self, sample_shape=()):
        draws = self.sample(sample_shape)
        probs = self._categorical.probs
        return draws + (probs - probs.detach())
